package io.tickwire.codecs.json;

import java.nio.charset.StandardCharsets;

import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One client request as parsed by {@link ClientRequestParser}: mutable and reused for every request of a
 * connection (or of a gateway thread). Either {@link #isValid()}, with {@link #op()} and the fields that op
 * uses filled in, or carrying an {@link #errorCode()} and a human {@link #errorMessage()} to send back in
 * an {@code error} reply. In both cases {@link #idBuffer()} holds the request's {@code id} when the client
 * sent a well-formed one, so even an error reply can echo it.
 * <p>
 * Fields a request did not carry read as their "absent" value (null, 0 or -1, as each getter says). Fields
 * that the op does not use are type checked but otherwise ignored: read only the op's fields.
 */
public final class ClientRequest
{
    /** The longest {@code id}: a number of at most 64 characters or a string of at most 64 characters. */
    public static final int MAX_ID_LENGTH = 64;
    /** The id's JSON text is at most two quotes and 64 characters of up to 6 bytes each ({@code \}{@code u001f}). */
    static final int MAX_ID_BYTES = 2 + 6 * MAX_ID_LENGTH;

    private final byte[] idBytes = new byte[MAX_ID_BYTES];
    private final UnsafeBuffer idBuffer = new UnsafeBuffer(idBytes);
    private final String[] symbols;

    private ErrorCode errorCode;
    private String errorMessage;
    private ClientOp op;
    private int idLength;
    private Channel channel;
    private int symbolCount;
    private int depth;
    private long from;
    private long epoch;
    private boolean hasEpoch;
    private long maxHzMilli;
    private SlowConsumerPolicy policy;
    private String orderSymbol;
    private Side side;
    private OrderType orderType;
    private String price;
    private String qty;
    private long clientOrderId;

    /**
     * @param maxSymbols the most symbols one request may carry (the parser's limit).
     */
    public ClientRequest(final int maxSymbols)
    {
        symbols = new String[maxSymbols];
        reset();
    }

    /**
     * Clears every field.
     *
     * @return this.
     */
    public ClientRequest reset()
    {
        errorCode = null;
        errorMessage = null;
        op = null;
        idLength = 0;
        channel = null;
        for (int i = 0; i < symbolCount; i++)
        {
            symbols[i] = null;
        }
        symbolCount = 0;
        depth = 0;
        from = -1;
        epoch = 0;
        hasEpoch = false;
        maxHzMilli = 0;
        policy = null;
        orderSymbol = null;
        side = null;
        orderType = null;
        price = null;
        qty = null;
        clientOrderId = 0;
        return this;
    }

    /**
     * @return true if the request parsed and is complete for its op.
     */
    public boolean isValid()
    {
        return null == errorCode;
    }

    /**
     * @return why the request is refused ({@link ErrorCode#BAD_REQUEST}, {@link ErrorCode#UNKNOWN_OP}, or
     * {@link ErrorCode#INTERNAL} for a parser bug), or null when it is valid.
     */
    public ErrorCode errorCode()
    {
        return errorCode;
    }

    /**
     * @return a message for people saying what is wrong (naming the field), or null when valid.
     */
    public String errorMessage()
    {
        return errorMessage;
    }

    /**
     * @return the operation, or null when {@code op} was missing or unknown.
     */
    public ClientOp op()
    {
        return op;
    }

    /**
     * @return true if the request carried a well-formed {@code id}.
     */
    public boolean hasId()
    {
        return idLength > 0;
    }

    /**
     * @return the id's JSON text from offset 0, to echo verbatim: a number exactly as the client wrote it,
     * a string as a JSON string of the same value. Valid until the next parse.
     */
    public DirectBuffer idBuffer()
    {
        return idBuffer;
    }

    /**
     * @return the length of the id's JSON text in {@link #idBuffer()}, 0 when there is no id.
     */
    public int idLength()
    {
        return idLength;
    }

    /**
     * @return the id's JSON text, or null (allocates: for tests and logs).
     */
    public String idJson()
    {
        return idLength == 0 ? null : new String(idBytes, 0, idLength, StandardCharsets.UTF_8);
    }

    /**
     * @return {@code channel}, or null.
     */
    public Channel channel()
    {
        return channel;
    }

    /**
     * @return the number of distinct symbols in {@code symbols}, in the order first given.
     */
    public int symbolCount()
    {
        return symbolCount;
    }

    /**
     * @return the symbol at {@code index} (0 .. {@link #symbolCount()} - 1).
     */
    public String symbol(final int index)
    {
        if (index < 0 || index >= symbolCount)
        {
            throw new IndexOutOfBoundsException("symbol " + index + " of " + symbolCount);
        }
        return symbols[index];
    }

    /**
     * @return the backing array of the symbols: read the first {@link #symbolCount()} entries only, and
     * do not modify it. Valid until the next parse.
     */
    public CharSequence[] symbols()
    {
        return symbols;
    }

    /**
     * @return {@code depth} (1..1000), or 0 when absent.
     */
    public int depth()
    {
        return depth;
    }

    /**
     * @return true if the request carried {@code from}.
     */
    public boolean hasFrom()
    {
        return from >= 0;
    }

    /**
     * @return {@code from} (a seq, 0 or more), or -1 when absent.
     */
    public long from()
    {
        return from;
    }

    /**
     * @return true if the request carried {@code epoch} (only valid together with {@code from}).
     */
    public boolean hasEpoch()
    {
        return hasEpoch;
    }

    /**
     * @return {@code epoch}: the journal identity the client's {@code from} belongs to (16 hex digits read as
     * an unsigned 64-bit value), or 0 when absent.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return {@code maxHz} in thousandths of Hz (1 .. 1,000,000), rounded, or 0 when absent.
     */
    public long maxHzMilli()
    {
        return maxHzMilli;
    }

    /**
     * @return {@code policy}, or null when absent.
     */
    public SlowConsumerPolicy policy()
    {
        return policy;
    }

    /**
     * @return {@code symbol} of an order or cancel, or null.
     */
    public String orderSymbol()
    {
        return orderSymbol;
    }

    /**
     * @return {@code side} of an order, or null.
     */
    public Side side()
    {
        return side;
    }

    /**
     * @return {@code type} of an order, or null.
     */
    public OrderType orderType()
    {
        return orderType;
    }

    /**
     * @return {@code price} of an order as the client's decimal text (a plain decimal, checked for syntax
     * only: convert it with the instrument's scale by {@code Decimals.parse}), or null.
     */
    public String price()
    {
        return price;
    }

    /**
     * @return {@code qty} of an order as the client's decimal text (see {@link #price()}), or null.
     */
    public String qty()
    {
        return qty;
    }

    /**
     * @return {@code clientOrderId} of an order or cancel (1 .. 2^40-1), or 0 when absent.
     */
    public long clientOrderId()
    {
        return clientOrderId;
    }

    public String toString()
    {
        if (!isValid())
        {
            return "ClientRequest{error=" + errorCode + ", message='" + errorMessage + "', id=" + idJson() + '}';
        }
        final StringBuilder builder = new StringBuilder("ClientRequest{op=").append(op).append(", id=").append(idJson());
        if (null != channel)
        {
            builder.append(", channel=").append(channel);
        }
        if (symbolCount > 0)
        {
            builder.append(", symbols=").append(String.join(",", java.util.Arrays.asList(symbols).subList(0, symbolCount)));
        }
        if (depth > 0)
        {
            builder.append(", depth=").append(depth);
        }
        if (from >= 0)
        {
            builder.append(", from=").append(from);
        }
        if (hasEpoch)
        {
            builder.append(", epoch=").append(String.format("%016x", epoch));
        }
        if (maxHzMilli > 0)
        {
            builder.append(", maxHzMilli=").append(maxHzMilli);
        }
        if (null != policy)
        {
            builder.append(", policy=").append(policy);
        }
        if (null != orderSymbol)
        {
            builder.append(", symbol=").append(orderSymbol).append(", side=").append(side).append(", type=")
                .append(orderType).append(", price=").append(price).append(", qty=").append(qty);
        }
        if (clientOrderId > 0)
        {
            builder.append(", clientOrderId=").append(clientOrderId);
        }
        return builder.append('}').toString();
    }

    // ---- written by ClientRequestParser ----

    void fail(final ErrorCode code, final String message)
    {
        errorCode = code;
        errorMessage = message;
    }

    void op(final ClientOp op)
    {
        this.op = op;
    }

    byte[] idBytes()
    {
        return idBytes;
    }

    UnsafeBuffer idWriteBuffer()
    {
        return idBuffer;
    }

    void idLength(final int idLength)
    {
        this.idLength = idLength;
    }

    void channel(final Channel channel)
    {
        this.channel = channel;
    }

    int symbolCapacity()
    {
        return symbols.length;
    }

    /**
     * @return false if the symbol was already there (deduplicated).
     */
    boolean addSymbol(final String symbol)
    {
        for (int i = 0; i < symbolCount; i++)
        {
            if (symbols[i].equals(symbol))
            {
                return false;
            }
        }
        symbols[symbolCount++] = symbol;
        return true;
    }

    void depth(final int depth)
    {
        this.depth = depth;
    }

    void from(final long from)
    {
        this.from = from;
    }

    void epoch(final long epoch)
    {
        this.epoch = epoch;
        this.hasEpoch = true;
    }

    void maxHzMilli(final long maxHzMilli)
    {
        this.maxHzMilli = maxHzMilli;
    }

    void policy(final SlowConsumerPolicy policy)
    {
        this.policy = policy;
    }

    void orderSymbol(final String orderSymbol)
    {
        this.orderSymbol = orderSymbol;
    }

    void side(final Side side)
    {
        this.side = side;
    }

    void orderType(final OrderType orderType)
    {
        this.orderType = orderType;
    }

    void price(final String price)
    {
        this.price = price;
    }

    void qty(final String qty)
    {
        this.qty = qty;
    }

    void clientOrderId(final long clientOrderId)
    {
        this.clientOrderId = clientOrderId;
    }
}
