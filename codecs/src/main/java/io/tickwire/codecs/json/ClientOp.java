package io.tickwire.codecs.json;

/**
 * The operations a client can request, by the value of the request's {@code "op"} field.
 */
public enum ClientOp
{
    /** {@code subscribe}: start streams (channel x symbols), optionally resuming after {@code from}. */
    SUBSCRIBE("subscribe"),
    /** {@code unsubscribe}: stop streams. */
    UNSUBSCRIBE("unsubscribe"),
    /** {@code ping}: liveness and the last seq, answered by {@code pong}. */
    PING("ping"),
    /** {@code instruments}: the list of instruments. */
    INSTRUMENTS("instruments"),
    /** {@code resync}: a new snapshot of subscribed book or ticker streams, without touching other streams. */
    RESYNC("resync"),
    /** {@code order}: enter an order (served by gateways with order entry, see docs/protocol.md). */
    ORDER("order"),
    /** {@code cancel}: cancel a live order (as {@link #ORDER}). */
    CANCEL("cancel");

    private static final ClientOp[] VALUES = values();

    private final String wireName;

    ClientOp(final String wireName)
    {
        this.wireName = wireName;
    }

    /**
     * @return the value of {@code "op"} on the wire.
     */
    public String wireName()
    {
        return wireName;
    }

    /**
     * @return the op with this wire name, or null.
     */
    public static ClientOp fromWireName(final String wireName)
    {
        for (final ClientOp op : VALUES)
        {
            if (op.wireName.equals(wireName))
            {
                return op;
            }
        }
        return null;
    }
}
