package io.tickwire.engine.book;

/**
 * Receives the price levels of one side of a book, best first (see {@link OrderBook#forEachLevel} and
 * {@link LevelBook#forEachLevel}). Keep an instance in a field so that visiting allocates nothing.
 */
@FunctionalInterface
public interface LevelVisitor
{
    /**
     * @param price      the level's price.
     * @param quantity   the total open quantity at the level (always positive).
     * @param orderCount the number of orders at the level; 0 when unknown (a {@link LevelBook}).
     */
    void onLevel(long price, long quantity, int orderCount);
}
