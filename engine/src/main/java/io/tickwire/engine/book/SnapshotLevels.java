package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.Side;

/**
 * Reads one side of a book's snapshot state as aggregated levels, for {@link OrderBook#visitState} and
 * {@link LevelBook#visitState}: an {@code int} level count, then per level from the worst price to the best a
 * {@code long} price followed by what the book writes per level, read by a {@link LevelReader}. Checks the shared
 * part (a count not negative, prices positive and strictly better level by level) and hands each level to the
 * visitor. Allocates nothing: the level readers are constants of the books.
 */
final class SnapshotLevels
{
    /**
     * Reads what a book writes after a level's price.
     */
    @FunctionalInterface
    interface LevelReader
    {
        /**
         * @return the level's aggregated quantity (positive).
         * @throws IllegalStateException if what follows the price is malformed (naming the instrument and price).
         */
        long read(int instrumentId, long price, StateReader in);
    }

    private SnapshotLevels()
    {
    }

    /**
     * Reads one side and reports its levels to {@code visitor} in the order read.
     *
     * @throws IllegalStateException if the count is negative, a price is not positive or not better than the
     *                               level before it, or {@code level} finds the rest of a level malformed.
     */
    static void visitSide(
        final int instrumentId,
        final Side side,
        final StateReader in,
        final LevelReader level,
        final SideLevelVisitor visitor)
    {
        final int levels = in.getInt();
        if (levels < 0)
        {
            throw new IllegalStateException("snapshot of instrument " + instrumentId + ": level count " + levels);
        }
        long previous = 0;
        for (int i = 0; i < levels; i++)
        {
            final long price = in.getLong();
            if (price <= 0 || (i > 0 && (side == Side.BUY ? price <= previous : price >= previous)))
            {
                throw new IllegalStateException("snapshot of instrument " + instrumentId + ": level " + price +
                    " (not positive, or not better than the levels before it)");
            }
            visitor.onLevel(side, price, level.read(instrumentId, price, in));
            previous = price;
        }
    }
}
