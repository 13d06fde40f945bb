package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.Side;

/**
 * Receives the aggregated levels of a book read from a snapshot ({@link OrderBook#visitState},
 * {@link LevelBook#visitState}): bids then asks, each from the worst price to the best.
 */
@FunctionalInterface
public interface SideLevelVisitor
{
    /**
     * @param quantity the level's total open quantity (positive).
     */
    void onLevel(Side side, long price, long quantity);
}
