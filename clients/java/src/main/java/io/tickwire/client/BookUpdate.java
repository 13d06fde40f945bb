package io.tickwire.client;

import java.util.Arrays;

/**
 * One {@code book} message as received (a snapshot or the changed levels), passed to
 * {@link TickwireListener#onBook} with the {@link OrderBook} it was applied to. A flyweight reused for every
 * book message, valid only during the callback. Levels are best first per side; in a delta a quantity of 0
 * means the level left the view.
 */
public final class BookUpdate
{
    private String symbol;
    private long seq;
    private long prev;
    private boolean snapshot;
    private boolean conflated;
    private long checksum;
    private int priceScale;
    private int qtyScale;
    private int bidCount;
    private int askCount;
    private long[] bids = new long[32]; // price, qty pairs
    private long[] asks = new long[32];

    void begin(final String symbol, final long seq, final long prev, final boolean snapshot, final boolean conflated,
        final long checksum, final int priceScale, final int qtyScale)
    {
        this.symbol = symbol;
        this.seq = seq;
        this.prev = prev;
        this.snapshot = snapshot;
        this.conflated = conflated;
        this.checksum = checksum;
        this.priceScale = priceScale;
        this.qtyScale = qtyScale;
        bidCount = 0;
        askCount = 0;
    }

    void addBid(final long price, final long qty)
    {
        bids = ensure(bids, bidCount);
        bids[2 * bidCount] = price;
        bids[2 * bidCount + 1] = qty;
        bidCount++;
    }

    void addAsk(final long price, final long qty)
    {
        asks = ensure(asks, askCount);
        asks[2 * askCount] = price;
        asks[2 * askCount + 1] = qty;
        askCount++;
    }

    private static long[] ensure(final long[] levels, final int count)
    {
        return 2 * count + 2 <= levels.length ? levels : Arrays.copyOf(levels, levels.length * 2);
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

    /**
     * @return true if the message is the whole view and replaced the client's.
     */
    public boolean snapshot()
    {
        return snapshot;
    }

    /**
     * @return true if the message merges the changes of several engine batches (a catch-up message).
     */
    public boolean conflated()
    {
        return conflated;
    }

    /**
     * @return the checksum the gateway sent, which the client verified against its view.
     */
    public long checksum()
    {
        return checksum;
    }

    public int priceScale()
    {
        return priceScale;
    }

    public int qtyScale()
    {
        return qtyScale;
    }

    public int bidCount()
    {
        return bidCount;
    }

    public long bidPrice(final int i)
    {
        return bids[2 * i];
    }

    public long bidQty(final int i)
    {
        return bids[2 * i + 1];
    }

    public int askCount()
    {
        return askCount;
    }

    public long askPrice(final int i)
    {
        return asks[2 * i];
    }

    public long askQty(final int i)
    {
        return asks[2 * i + 1];
    }

    @Override
    public String toString()
    {
        return "BookUpdate{" + symbol + " seq=" + seq + " prev=" + prev + (snapshot ? " snapshot" : "") +
            (conflated ? " conflated" : "") + " bids=" + bidCount + " asks=" + askCount + " checksum=" + checksum + "}";
    }
}
