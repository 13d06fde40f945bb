package io.tickwire.client;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.Decimals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client's view of one instrument's book (market by price, the best {@code depth} levels per side), kept
 * from the gateway's snapshot plus deltas, its checksum verified after every message (docs/protocol.md,
 * "Book checksum"). Levels are held as sorted primitive arrays (bids best, i.e. highest, first; asks lowest
 * first): applying a message allocates nothing once the arrays have grown to the view's depth.
 * <p>
 * Owned by the client: read it only inside a {@link TickwireListener} callback (or copy it there). While
 * {@link #isValid()} is false (a checksum mismatch was found and a resync is under way) its levels are not
 * the gateway's.
 */
public final class OrderBook
{
    private final String symbol;
    private final int priceScale;
    private final int qtyScale;
    private long[] bids = new long[32]; // price, qty pairs, best first
    private long[] asks = new long[32];
    private int bidCount;
    private int askCount;
    private long seq = -1;
    private boolean valid;

    OrderBook(final String symbol, final int priceScale, final int qtyScale)
    {
        this.symbol = symbol;
        this.priceScale = priceScale;
        this.qtyScale = qtyScale;
    }

    /**
     * Applies a message: a snapshot replaces the view, a delta sets each level ({@code qty} 0 removes it).
     */
    void apply(final BookUpdate update)
    {
        if (update.snapshot())
        {
            bidCount = 0;
            askCount = 0;
        }
        for (int i = 0; i < update.bidCount(); i++)
        {
            bidCount = set(true, update.bidPrice(i), update.bidQty(i));
        }
        for (int i = 0; i < update.askCount(); i++)
        {
            askCount = set(false, update.askPrice(i), update.askQty(i));
        }
        seq = update.seq();
    }

    private int set(final boolean bid, final long price, final long qty)
    {
        long[] levels = bid ? bids : asks;
        final int count = bid ? bidCount : askCount;
        // Position of the price, or of the first level worse than it.
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            final long p = levels[2 * mid];
            if (p == price)
            {
                if (qty == 0)
                {
                    System.arraycopy(levels, 2 * mid + 2, levels, 2 * mid, 2 * (count - mid - 1));
                    return count - 1;
                }
                levels[2 * mid + 1] = qty;
                return count;
            }
            if (bid ? p > price : p < price)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        if (qty == 0)
        {
            return count; // removing a level the view does not hold: the checksum shows whether that is right
        }
        if (2 * count + 2 > levels.length)
        {
            levels = Arrays.copyOf(levels, levels.length * 2);
            if (bid)
            {
                bids = levels;
            }
            else
            {
                asks = levels;
            }
        }
        System.arraycopy(levels, 2 * lo, levels, 2 * lo + 2, 2 * (count - lo));
        levels[2 * lo] = price;
        levels[2 * lo + 1] = qty;
        return count + 1;
    }

    /**
     * @return the checksum of the view as docs/protocol.md defines it.
     */
    long checksum(final BookChecksum checksum)
    {
        checksum.reset();
        for (int i = 0; i < bidCount; i++)
        {
            checksum.bid(bids[2 * i], priceScale, bids[2 * i + 1], qtyScale);
        }
        for (int i = 0; i < askCount; i++)
        {
            checksum.ask(asks[2 * i], priceScale, asks[2 * i + 1], qtyScale);
        }
        return checksum.value();
    }

    void valid(final boolean valid)
    {
        this.valid = valid;
    }

    public String symbol()
    {
        return symbol;
    }

    /**
     * @return the seq of the last message applied (the view is the book as of this seq), -1 before the first.
     */
    public long seq()
    {
        return seq;
    }

    /**
     * @return true once a snapshot was applied and every message since verified its checksum.
     */
    public boolean isValid()
    {
        return valid;
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

    /**
     * @return the price mantissa of bid level {@code i} (0 is the best).
     */
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

    /**
     * @return the price mantissa of ask level {@code i} (0 is the best).
     */
    public long askPrice(final int i)
    {
        return asks[2 * i];
    }

    public long askQty(final int i)
    {
        return asks[2 * i + 1];
    }

    /**
     * @return the view as text, {@code "price:qty"} per level, bids best first, then {@code "|"}, then asks best
     * first (allocates: for tools and tests).
     */
    public List<String> levels()
    {
        final List<String> view = new ArrayList<>(bidCount + askCount + 1);
        for (int i = 0; i < bidCount; i++)
        {
            view.add(Decimals.toString(bids[2 * i], priceScale) + ":" + Decimals.toString(bids[2 * i + 1], qtyScale));
        }
        view.add("|");
        for (int i = 0; i < askCount; i++)
        {
            view.add(Decimals.toString(asks[2 * i], priceScale) + ":" + Decimals.toString(asks[2 * i + 1], qtyScale));
        }
        return view;
    }

    @Override
    public String toString()
    {
        return "OrderBook{" + symbol + " seq=" + seq + (valid ? "" : " INVALID") + " " +
            String.join(",", levels()) + "}";
    }
}
