package io.tickwire.codecs.json;

/**
 * What the gateway does when a client cannot keep up with a subscription ({@code "policy"} of
 * {@code subscribe}).
 */
public enum SlowConsumerPolicy
{
    /**
     * Book and ticker: merge pending updates per stream and send the newest state (book messages say
     * {@code "conflated":true}). Trades cannot be merged: a trades subscription always behaves as {@link #CLOSE}.
     */
    CONFLATE("conflate"),
    /** Close the connection with 4008 and the seq to resume from: for clients that must see every event. */
    CLOSE("close");

    private static final SlowConsumerPolicy[] VALUES = values();

    private final String wireName;

    SlowConsumerPolicy(final String wireName)
    {
        this.wireName = wireName;
    }

    /**
     * @return the value on the wire.
     */
    public String wireName()
    {
        return wireName;
    }

    /**
     * @return the policy with this wire name, or null.
     */
    public static SlowConsumerPolicy fromWireName(final String wireName)
    {
        for (final SlowConsumerPolicy policy : VALUES)
        {
            if (policy.wireName.equals(wireName))
            {
                return policy;
            }
        }
        return null;
    }
}
