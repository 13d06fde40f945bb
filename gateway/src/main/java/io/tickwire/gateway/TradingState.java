package io.tickwire.gateway;

import org.agrona.collections.Long2LongHashMap;

/**
 * The order-entry state of one session, owned by the gateway agent: its engine participant id, the requests
 * sent to the engine and not answered yet (in send order, which is the order the engine answers them in),
 * and its live orders. Created when the session sends its first {@code order} or {@code cancel}.
 */
final class TradingState
{
    /** Value of {@link #live} for an absent key. */
    static final long NONE = -1;

    final int participantId;
    /** clientOrderId -> {@link #pack packed} instrument id and side, for every order resting in the book. */
    final Long2LongHashMap live = new Long2LongHashMap(NONE);

    private final int capacity;
    private final int[] templateId;
    private final long[] clientOrderId;
    private final GwInstrument[] instrument;
    private final byte[][] id;
    private final int[] idLength;
    private final boolean[] mayRest;
    private int count;
    /** In-flight limit orders: they may rest, so they count against the open orders. */
    int newOrdersInFlight;

    TradingState(final int participantId, final int capacity)
    {
        this.participantId = participantId;
        this.capacity = capacity;
        templateId = new int[capacity];
        clientOrderId = new long[capacity];
        instrument = new GwInstrument[capacity];
        id = new byte[capacity][io.tickwire.codecs.json.ClientRequest.MAX_ID_LENGTH];
        idLength = new int[capacity];
        mayRest = new boolean[capacity];
    }

    static long pack(final int instrumentId, final int sideValue)
    {
        return ((long)instrumentId << 1) | (sideValue & 1);
    }

    static int instrumentId(final long packed)
    {
        return (int)(packed >>> 1);
    }

    static int side(final long packed)
    {
        return (int)(packed & 1);
    }

    boolean inFlightFull()
    {
        return count == capacity;
    }

    int inFlight()
    {
        return count;
    }

    /**
     * Records a request sent to the engine.
     *
     * @param requestId the request's raw JSON id (echoed on the answer), {@code idLen} bytes; 0 for none.
     * @param limitOrder true for a new limit order (which may rest in the book).
     */
    void add(
        final int template,
        final long orderId,
        final GwInstrument target,
        final org.agrona.DirectBuffer requestId,
        final int idLen,
        final boolean limitOrder)
    {
        templateId[count] = template;
        clientOrderId[count] = orderId;
        instrument[count] = target;
        idLength[count] = idLen;
        requestId.getBytes(0, id[count], 0, idLen);
        mayRest[count] = limitOrder;
        count++;
        if (limitOrder)
        {
            newOrdersInFlight++;
        }
    }

    /**
     * @return the index of the oldest in-flight request for this input, or -1.
     */
    int find(final int template, final long orderId)
    {
        for (int i = 0; i < count; i++)
        {
            if (templateId[i] == template && clientOrderId[i] == orderId)
            {
                return i;
            }
        }
        return -1;
    }

    GwInstrument instrument(final int index)
    {
        return instrument[index];
    }

    byte[] id(final int index)
    {
        return id[index];
    }

    int idLength(final int index)
    {
        return idLength[index];
    }

    void remove(final int index)
    {
        final boolean rests = mayRest[index];
        final byte[] freed = id[index];
        final int tail = count - index - 1;
        System.arraycopy(templateId, index + 1, templateId, index, tail);
        System.arraycopy(clientOrderId, index + 1, clientOrderId, index, tail);
        System.arraycopy(instrument, index + 1, instrument, index, tail);
        System.arraycopy(id, index + 1, id, index, tail);
        System.arraycopy(idLength, index + 1, idLength, index, tail);
        System.arraycopy(mayRest, index + 1, mayRest, index, tail);
        count--;
        id[count] = freed;
        instrument[count] = null;
        if (rests)
        {
            newOrdersInFlight--;
        }
    }
}
