package io.tickwire.client;

import io.tickwire.codecs.Symbols;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.SlowConsumerPolicy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What to subscribe to: one channel, some symbols and the channel's options, as in the protocol's
 * {@code subscribe} request. Immutable once passed to {@link TickwireClient#subscribe}.
 * <pre>{@code
 * client.subscribe(Subscription.book("BTC-USD", "ETH-USD").depth(10));
 * client.subscribe(Subscription.ticker("BTC-USD").maxHz(2.5));
 * client.subscribe(Subscription.trades("BTC-USD"));
 * }</pre>
 */
public final class Subscription
{
    private final Channel channel;
    private final List<String> symbols;
    private int depth;
    private long maxMilliHz;
    private SlowConsumerPolicy policy;

    private Subscription(final Channel channel, final String... symbols)
    {
        if (symbols.length == 0 || symbols.length > 256)
        {
            throw new IllegalArgumentException("1 to 256 symbols");
        }
        final LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (final String symbol : symbols)
        {
            if (!Symbols.isValid(symbol))
            {
                throw new IllegalArgumentException("not a valid symbol: '" + symbol + "'");
            }
            unique.add(symbol);
        }
        this.channel = channel;
        this.symbols = List.copyOf(new ArrayList<>(unique));
    }

    public static Subscription trades(final String... symbols)
    {
        return new Subscription(Channel.TRADES, symbols);
    }

    public static Subscription book(final String... symbols)
    {
        return new Subscription(Channel.BOOK, symbols);
    }

    public static Subscription ticker(final String... symbols)
    {
        return new Subscription(Channel.TICKER, symbols);
    }

    public static Subscription of(final Channel channel, final List<String> symbols)
    {
        return new Subscription(channel, symbols.toArray(new String[0]));
    }

    /**
     * @param depth levels per side of a book view, 1..100 (the gateway's default is 10).
     */
    public Subscription depth(final int depth)
    {
        if (channel != Channel.BOOK || depth < 1 || depth > 1000)
        {
            throw new IllegalArgumentException("depth applies to book, 1..1000 (the gateway serves up to 100)");
        }
        this.depth = depth;
        return this;
    }

    /**
     * @param hz most messages per second per stream, 0.001..1000 (book and ticker), kept to 0.001 Hz.
     */
    public Subscription maxHz(final double hz)
    {
        final long milli = Math.round(hz * 1000);
        if (channel == Channel.TRADES || milli < 1 || milli > 1_000_000)
        {
            throw new IllegalArgumentException("maxHz applies to book and ticker, 0.001..1000");
        }
        this.maxMilliHz = milli;
        return this;
    }

    /**
     * @param policy what the gateway does with this subscription when the connection falls behind.
     */
    public Subscription policy(final SlowConsumerPolicy policy)
    {
        this.policy = policy;
        return this;
    }

    public Channel channel()
    {
        return channel;
    }

    public List<String> symbols()
    {
        return symbols;
    }

    /**
     * @return the depth asked for, 0 for the gateway's default.
     */
    public int depth()
    {
        return depth;
    }

    /**
     * @return maxHz x 1000, 0 when not set.
     */
    public long maxMilliHz()
    {
        return maxMilliHz;
    }

    /**
     * @return the policy, null for the gateway's default.
     */
    public SlowConsumerPolicy policy()
    {
        return policy;
    }

    @Override
    public String toString()
    {
        return "Subscription{" + channel.wireName() + " " + symbols + (depth > 0 ? " depth=" + depth : "") +
            (maxMilliHz > 0 ? " maxMilliHz=" + maxMilliHz : "") + (policy != null ? " policy=" + policy : "") + "}";
    }
}
