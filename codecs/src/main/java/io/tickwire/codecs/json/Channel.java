package io.tickwire.codecs.json;

/**
 * The market-data channels a client subscribes to. A stream is one channel of one instrument.
 */
public enum Channel
{
    /** Every trade: {@code {"type":"trade",..}}. */
    TRADES("trades"),
    /** The order book by price level: a snapshot, then changes: {@code {"type":"book",..}}. */
    BOOK("book"),
    /** Best bid and ask and the last trade: {@code {"type":"ticker",..}}. */
    TICKER("ticker");

    private static final Channel[] VALUES = values();

    private final String wireName;
    private final JsonName json;

    Channel(final String wireName)
    {
        this.wireName = wireName;
        this.json = JsonName.of(wireName);
    }

    /**
     * @return the name on the wire ({@code "trades"}).
     */
    public String wireName()
    {
        return wireName;
    }

    /**
     * @return the wire name as a pre-encoded JSON string.
     */
    public JsonName json()
    {
        return json;
    }

    /**
     * @return the channel with this wire name, or null.
     */
    public static Channel fromWireName(final String wireName)
    {
        for (final Channel channel : VALUES)
        {
            if (channel.wireName.equals(wireName))
            {
                return channel;
            }
        }
        return null;
    }
}
