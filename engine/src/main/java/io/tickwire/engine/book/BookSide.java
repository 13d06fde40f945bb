package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.Side;

import java.util.Arrays;

/**
 * The price levels of one side of an {@link OrderBook}, as a sorted array with the best price at the end.
 * <p>
 * Levels are kept in {@code levels[0 .. size)} with a parallel array of sort keys ({@code price} for bids,
 * {@code -price} for asks) in ascending order, so the best level is always {@code levels[size - 1]} on both
 * sides. Almost all activity is at or near the top of the book, and there the structure is at its best:
 * reading the best level is one array read, removing it is a decrement, creating a new best level is an
 * append, and a level a few ticks from the top moves only the few levels better than it with one
 * {@code System.arraycopy}. Lookups touch only the contiguous {@code long[]} of keys (a cache-friendly
 * binary search, with a fast path for the top level). Deep levels cost a longer copy, which is rare.
 * A tree or a skip list would make every operation O(log n) with pointer chasing and per-node overhead;
 * a direct-mapped price ladder would be O(1) but needs a bounded price band and re-centring.
 */
final class BookSide
{
    final Side side;
    private final PriceLevel[] levels;
    private final long[] sortKeys;
    private int size;

    BookSide(final Side side, final int capacity)
    {
        this.side = side;
        levels = new PriceLevel[capacity];
        sortKeys = new long[capacity];
    }

    int size()
    {
        return size;
    }

    /**
     * @return the best level, or null when the side is empty.
     */
    PriceLevel best()
    {
        final int count = size;
        return count == 0 ? null : levels[count - 1];
    }

    /**
     * @param rank 0 for the best level, 1 for the next, ... (below {@link #size()}).
     */
    PriceLevel byRank(final int rank)
    {
        return levels[size - 1 - rank];
    }

    /**
     * @return the index of the level at {@code price}, or {@code -(insertionIndex + 1)} when there is none.
     */
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

    PriceLevel levelAt(final int index)
    {
        return levels[index];
    }

    /**
     * Inserts a level at the insertion index returned (encoded) by {@link #search}.
     */
    void insertAt(final int index, final PriceLevel level)
    {
        final int count = size;
        final int moved = count - index;
        if (moved > 0)
        {
            System.arraycopy(levels, index, levels, index + 1, moved);
            System.arraycopy(sortKeys, index, sortKeys, index + 1, moved);
        }
        levels[index] = level;
        sortKeys[index] = side == Side.BUY ? level.price : -level.price;
        size = count + 1;
    }

    /**
     * Removes a level that is in this side.
     */
    void remove(final PriceLevel level)
    {
        final int count = size;
        if (levels[count - 1] == level)
        {
            levels[count - 1] = null;
            size = count - 1;
            return;
        }
        final int index = search(level.price);
        final int moved = count - index - 1;
        System.arraycopy(levels, index + 1, levels, index, moved);
        System.arraycopy(sortKeys, index + 1, sortKeys, index, moved);
        levels[count - 1] = null;
        size = count - 1;
    }
}
