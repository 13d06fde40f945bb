package io.tickwire.client;

import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.sbe.Side;

/**
 * A trade as delivered to {@link TickwireListener#onTrade}: a flyweight the client reuses for every trade,
 * valid only during the callback (copy what you keep). Prices and quantities are fixed-point: a long
 * mantissa and the instrument's scale ({@code price() == 10125, priceScale() == 2} is 101.25).
 */
public final class Trade
{
    private String symbol;
    private long seq;
    private long prev;
    private long price;
    private long qty;
    private int priceScale;
    private int qtyScale;
    private Side side;
    private long ts;

    void set(final String symbol, final long seq, final long prev, final long price, final int priceScale,
        final long qty, final int qtyScale, final Side side, final long ts)
    {
        this.symbol = symbol;
        this.seq = seq;
        this.prev = prev;
        this.price = price;
        this.priceScale = priceScale;
        this.qty = qty;
        this.qtyScale = qtyScale;
        this.side = side;
        this.ts = ts;
    }

    /**
     * @return the instrument's symbol.
     */
    public String symbol()
    {
        return symbol;
    }

    /**
     * @return the trade's seq, which is also its trade id: the journal's sequence number.
     */
    public long seq()
    {
        return seq;
    }

    /**
     * @return the seq of the previous message on this stream of the current subscription.
     */
    public long prev()
    {
        return prev;
    }

    /**
     * @return the price mantissa at {@link #priceScale()}.
     */
    public long price()
    {
        return price;
    }

    public int priceScale()
    {
        return priceScale;
    }

    /**
     * @return the quantity mantissa at {@link #qtyScale()}.
     */
    public long qty()
    {
        return qty;
    }

    public int qtyScale()
    {
        return qtyScale;
    }

    /**
     * @return the aggressor's side.
     */
    public Side side()
    {
        return side;
    }

    /**
     * @return engine time of the event, epoch nanoseconds.
     */
    public long ts()
    {
        return ts;
    }

    @Override
    public String toString()
    {
        return "Trade{" + symbol + " seq=" + seq + " prev=" + prev + " " + Decimals.toString(qty, qtyScale) + " @ " +
            Decimals.toString(price, priceScale) + " " + side + " ts=" + ts + "}";
    }
}
