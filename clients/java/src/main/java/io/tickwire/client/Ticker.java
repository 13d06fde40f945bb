package io.tickwire.client;

import io.tickwire.codecs.Decimals;

/**
 * A ticker message as delivered to {@link TickwireListener#onTicker}: the whole ticker state of an
 * instrument (never a delta). A flyweight reused for every ticker, valid only during the callback. Absent
 * values ({@code null} on the wire: no bid, no ask, no trade yet) are {@link #NULL_VALUE}.
 */
public final class Ticker
{
    /** An absent price or quantity. */
    public static final long NULL_VALUE = Long.MIN_VALUE;

    private String symbol;
    private long seq;
    private long prev;
    private int priceScale;
    private int qtyScale;
    private long bid;
    private long bidQty;
    private long ask;
    private long askQty;
    private long last;
    private long lastQty;
    private long volume;
    private long ts;

    void set(final String symbol, final long seq, final long prev, final int priceScale, final int qtyScale)
    {
        this.symbol = symbol;
        this.seq = seq;
        this.prev = prev;
        this.priceScale = priceScale;
        this.qtyScale = qtyScale;
    }

    void values(final long bid, final long bidQty, final long ask, final long askQty, final long last,
        final long lastQty, final long volume, final long ts)
    {
        this.bid = bid;
        this.bidQty = bidQty;
        this.ask = ask;
        this.askQty = askQty;
        this.last = last;
        this.lastQty = lastQty;
        this.volume = volume;
        this.ts = ts;
    }

    public String symbol()
    {
        return symbol;
    }

    public long seq()
    {
        return seq;
    }

    public long prev()
    {
        return prev;
    }

    public int priceScale()
    {
        return priceScale;
    }

    public int qtyScale()
    {
        return qtyScale;
    }

    /**
     * @return the best bid price mantissa, or {@link #NULL_VALUE} when there is no bid.
     */
    public long bid()
    {
        return bid;
    }

    public long bidQty()
    {
        return bidQty;
    }

    /**
     * @return the best ask price mantissa, or {@link #NULL_VALUE} when there is no ask.
     */
    public long ask()
    {
        return ask;
    }

    public long askQty()
    {
        return askQty;
    }

    /**
     * @return the last trade's price mantissa, or {@link #NULL_VALUE} before the first trade.
     */
    public long last()
    {
        return last;
    }

    public long lastQty()
    {
        return lastQty;
    }

    /**
     * @return total traded quantity since the instrument was defined (mantissa at {@link #qtyScale()}).
     */
    public long volume()
    {
        return volume;
    }

    public long ts()
    {
        return ts;
    }

    @Override
    public String toString()
    {
        return "Ticker{" + symbol + " seq=" + seq + " prev=" + prev + " bid=" + text(bidQty, qtyScale, bid) + "@" +
            text(bid, priceScale, bid) + " ask=" + text(askQty, qtyScale, ask) + "@" + text(ask, priceScale, ask) +
            " last=" + text(last, priceScale, last) + " volume=" + Decimals.toString(volume, qtyScale) + "}";
    }

    private static String text(final long value, final int scale, final long presence)
    {
        return presence == NULL_VALUE ? "null" : Decimals.toString(value, scale);
    }
}
