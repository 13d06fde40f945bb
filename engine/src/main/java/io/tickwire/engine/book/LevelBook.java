package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.Side;

import java.util.Arrays;

/**
 * A price-level book for feed mode: the engine does not match, it keeps the aggregate quantity per price
 * that an external source reports ({@code FeedBookLevel}) and reports what changed. Single threaded.
 * <p>
 * Each side holds at most {@code maxLevelsPerSide} levels in two parallel sorted arrays (sort key, quantity)
 * with the best level at the end, like {@link OrderBook}'s sides and for the same reason: feed updates
 * concentrate near the top of the book. Nothing is allocated after construction.
 * <p>
 * Only {@link OrderBookListener#onLevelChanged} is called, with {@code orderCount} 0 (unknown in feed
 * mode). A feed may be momentarily crossed: this book does not enforce bid below ask.
 */
public final class LevelBook
{
    private final int instrumentId;
    private final int maxLevelsPerSide;
    private final OrderBookListener listener;
    private final Ladder bids;
    private final Ladder asks;

    /**
     * @param instrumentId     the instrument this book is for (informational).
     * @param maxLevelsPerSide the most levels each side holds ({@code > 0}).
     * @param listener         receives {@code onLevelChanged} for every change.
     */
    public LevelBook(final int instrumentId, final int maxLevelsPerSide, final OrderBookListener listener)
    {
        if (maxLevelsPerSide <= 0 || listener == null)
        {
            throw new IllegalArgumentException("maxLevelsPerSide=" + maxLevelsPerSide + " listener=" + listener);
        }
        this.instrumentId = instrumentId;
        this.maxLevelsPerSide = maxLevelsPerSide;
        this.listener = listener;
        bids = new Ladder(Side.BUY, maxLevelsPerSide);
        asks = new Ladder(Side.SELL, maxLevelsPerSide);
    }

    /**
     * Sets the total quantity at a price; {@code quantity == 0} removes the level. Reports
     * {@code onLevelChanged(side, price, quantity, 0)} only when something changed (a new level, a new
     * quantity, or a removed level); setting an absent level to 0 or a level to its current quantity is
     * accepted silently.
     *
     * @return false, with nothing changed and nothing reported, when the input is refused: side not BUY or
     * SELL, {@code price <= 0}, {@code quantity < 0}, or a new level on a side that already holds
     * {@code maxLevelsPerSide} levels (the feed's deepest levels are the ones to give up). True otherwise.
     */
    public boolean setLevel(final Side side, final long price, final long quantity)
    {
        if ((side != Side.BUY && side != Side.SELL) || price <= 0 || quantity < 0)
        {
            return false;
        }
        final Ladder ladder = side == Side.BUY ? bids : asks;
        final int index = ladder.search(price);
        if (index >= 0)
        {
            final long[] quantities = ladder.quantities;
            if (quantities[index] == quantity)
            {
                return true;
            }
            if (quantity == 0)
            {
                ladder.removeAt(index);
            }
            else
            {
                quantities[index] = quantity;
            }
        }
        else
        {
            if (quantity == 0)
            {
                return true;
            }
            if (ladder.size == maxLevelsPerSide)
            {
                return false;
            }
            ladder.insertAt(-index - 1, price, quantity);
        }
        listener.onLevelChanged(side, price, quantity, 0);
        return true;
    }

    /**
     * Removes every level, reporting each removal ({@code quantity 0}): bids best first, then asks best first.
     */
    public void clear()
    {
        clear(bids);
        clear(asks);
    }

    /**
     * @return the best bid price, or {@link OrderBook#NULL_PRICE} when there is no bid.
     */
    public long bestBidPrice()
    {
        return bids.size == 0 ? OrderBook.NULL_PRICE : bids.priceAt(bids.size - 1);
    }

    /**
     * @return the best ask price, or {@link OrderBook#NULL_PRICE} when there is no ask.
     */
    public long bestAskPrice()
    {
        return asks.size == 0 ? OrderBook.NULL_PRICE : asks.priceAt(asks.size - 1);
    }

    /**
     * @return the quantity at the best bid, 0 when there is no bid.
     */
    public long bestBidQty()
    {
        return bids.size == 0 ? 0 : bids.quantities[bids.size - 1];
    }

    /**
     * @return the quantity at the best ask, 0 when there is no ask.
     */
    public long bestAskQty()
    {
        return asks.size == 0 ? 0 : asks.quantities[asks.size - 1];
    }

    /**
     * @return the number of levels on one side.
     * @throws IllegalArgumentException if the side is not BUY or SELL (a programming error).
     */
    public int levelCount(final Side side)
    {
        return ladder(side).size;
    }

    /**
     * Visits every level of one side, best first ({@code orderCount} 0).
     *
     * @return the number of levels visited.
     */
    public int forEachLevel(final Side side, final LevelVisitor visitor)
    {
        return forEachLevel(side, Integer.MAX_VALUE, visitor);
    }

    /**
     * Visits at most {@code maxLevels} levels of one side, best first ({@code orderCount} 0).
     *
     * @return the number of levels visited.
     */
    public int forEachLevel(final Side side, final int maxLevels, final LevelVisitor visitor)
    {
        final Ladder ladder = ladder(side);
        final int count = Math.min(maxLevels, ladder.size);
        for (int i = ladder.size - 1, end = ladder.size - count; i >= end; i--)
        {
            visitor.onLevel(ladder.priceAt(i), ladder.quantities[i], 0);
        }
        return count;
    }

    /**
     * The {@link StateHash} of every level: bids best first, then asks best first, folding
     * {@code side, price, quantity} per level.
     */
    public long stateHash()
    {
        return hashSide(asks, hashSide(bids, StateHash.INITIAL));
    }

    /**
     * Writes every level for a snapshot: for bids then asks, {@code int levelCount}, then per level from the worst
     * price to the best {@code long price, long quantity}. Allocates nothing.
     */
    public void writeState(final StateWriter out)
    {
        writeSide(bids, out);
        writeSide(asks, out);
    }

    /**
     * Loads what {@link #writeState} wrote into this empty book, reporting nothing to the listener.
     *
     * @throws IllegalStateException if the book is not empty or the state is malformed (levels out of order, a
     *                               price or quantity not positive, more than {@code maxLevelsPerSide} levels).
     */
    public void readState(final StateReader in)
    {
        if (bids.size != 0 || asks.size != 0)
        {
            throw new IllegalStateException("level book of instrument " + instrumentId + " is not empty");
        }
        readSide(bids, in);
        readSide(asks, in);
    }

    /**
     * Reads what {@link #writeState} wrote level by level, without a book: for readers that keep a market view.
     *
     * @throws IllegalStateException if the state is malformed (a count, price or quantity not positive, levels
     *                               not from the worst price to the best).
     */
    public static void visitState(final int instrumentId, final StateReader in, final SideLevelVisitor visitor)
    {
        SnapshotLevels.visitSide(instrumentId, Side.BUY, in, LEVEL_QUANTITY, visitor);
        SnapshotLevels.visitSide(instrumentId, Side.SELL, in, LEVEL_QUANTITY, visitor);
    }

    /** A level in a snapshot: its quantity. */
    private static final SnapshotLevels.LevelReader LEVEL_QUANTITY = (instrumentId, price, in) ->
    {
        final long quantity = in.getLong();
        if (quantity <= 0)
        {
            throw new IllegalStateException("snapshot of instrument " + instrumentId + ": level " + price + " of " +
                quantity);
        }
        return quantity;
    };

    private static void writeSide(final Ladder ladder, final StateWriter out)
    {
        out.putInt(ladder.size);
        for (int i = 0; i < ladder.size; i++)
        {
            out.putLong(ladder.priceAt(i));
            out.putLong(ladder.quantities[i]);
        }
    }

    private void readSide(final Ladder ladder, final StateReader in)
    {
        final int levels = in.getInt();
        if (levels < 0 || levels > maxLevelsPerSide)
        {
            throw new IllegalStateException("snapshot of instrument " + instrumentId + ": level count " + levels);
        }
        for (int i = 0; i < levels; i++)
        {
            final long price = in.getLong();
            final long quantity = in.getLong();
            if (price <= 0 || quantity <= 0 || ladder.search(price) != -ladder.size - 1)
            {
                throw new IllegalStateException("snapshot of instrument " + instrumentId + ": level " + price +
                    " of " + quantity + " (not positive, or not better than the levels before it)");
            }
            ladder.insertAt(ladder.size, price, quantity);
        }
    }

    public int instrumentId()
    {
        return instrumentId;
    }

    public int maxLevelsPerSide()
    {
        return maxLevelsPerSide;
    }

    private Ladder ladder(final Side side)
    {
        if (side != Side.BUY && side != Side.SELL)
        {
            throw new IllegalArgumentException("side " + side);
        }
        return side == Side.BUY ? bids : asks;
    }

    private void clear(final Ladder ladder)
    {
        final Side side = ladder.side;
        while (ladder.size > 0)
        {
            final int best = ladder.size - 1;
            final long price = ladder.priceAt(best);
            ladder.size = best;
            listener.onLevelChanged(side, price, 0, 0);
        }
    }

    private static long hashSide(final Ladder ladder, final long initial)
    {
        long hash = initial;
        for (int i = ladder.size - 1; i >= 0; i--)
        {
            hash = StateHash.level(hash, ladder.side, ladder.priceAt(i), ladder.quantities[i]);
        }
        return hash;
    }

    /**
     * One side: sort keys ({@code price} for bids, {@code -price} for asks) ascending with quantities in
     * step, the best level last.
     */
    private static final class Ladder
    {
        final Side side;
        final long[] sortKeys;
        final long[] quantities;
        int size;

        Ladder(final Side side, final int capacity)
        {
            this.side = side;
            sortKeys = new long[capacity];
            quantities = new long[capacity];
        }

        long priceAt(final int index)
        {
            return side == Side.BUY ? sortKeys[index] : -sortKeys[index];
        }

        int search(final long price)
        {
            final long key = side == Side.BUY ? price : -price;
            final int count = size;
            if (count == 0)
            {
                return -1;
            }
            final long bestKey = sortKeys[count - 1];
            if (key == bestKey)
            {
                return count - 1;
            }
            if (key > bestKey)
            {
                return -count - 1;
            }
            return Arrays.binarySearch(sortKeys, 0, count - 1, key);
        }

        void insertAt(final int index, final long price, final long quantity)
        {
            final int moved = size - index;
            if (moved > 0)
            {
                System.arraycopy(sortKeys, index, sortKeys, index + 1, moved);
                System.arraycopy(quantities, index, quantities, index + 1, moved);
            }
            sortKeys[index] = side == Side.BUY ? price : -price;
            quantities[index] = quantity;
            size++;
        }

        void removeAt(final int index)
        {
            final int moved = size - index - 1;
            if (moved > 0)
            {
                System.arraycopy(sortKeys, index + 1, sortKeys, index, moved);
                System.arraycopy(quantities, index + 1, quantities, index, moved);
            }
            size--;
        }
    }
}
