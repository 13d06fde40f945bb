package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.Side;

/**
 * The 64-bit state hash of the books: a fold of {@link #mix} over a fixed sequence of longs, starting from
 * {@link #INITIAL}. It is deterministic across runs, JVMs and platforms, so a replay, a reference model
 * or another process can compute the same value from the same state and compare.
 * <p>
 * An {@link OrderBook} folds, for every live order, bids first (best price first, then time priority within
 * a price), then asks the same way: {@code side.value(), price, orderKey, openQuantity}.
 * A {@link LevelBook} folds, for every level, bids best first then asks best first:
 * {@code side.value(), price, quantity}. An empty book hashes to {@link #INITIAL}.
 * <p>
 * Not a cryptographic hash: it detects divergence, it does not resist forgery.
 */
public final class StateHash
{
    /** The hash of an empty book. */
    public static final long INITIAL = 0x6A09E667F3BCC908L;

    private static final long MULTIPLIER_1 = 0x9E3779B97F4A7C15L;
    private static final long MULTIPLIER_2 = 0xC2B2AE3D27D4EB4FL;

    private StateHash()
    {
    }

    /**
     * Folds one value into the hash: {@code rotateLeft(hash ^ (value * M2), 31) * M1} with
     * {@code M1 = 0x9E3779B97F4A7C15}, {@code M2 = 0xC2B2AE3D27D4EB4F} (order sensitive).
     */
    public static long mix(final long hash, final long value)
    {
        return Long.rotateLeft(hash ^ (value * MULTIPLIER_2), 31) * MULTIPLIER_1;
    }

    /**
     * Folds one live order of an {@link OrderBook}.
     */
    public static long order(final long hash, final Side side, final long price, final long orderKey, final long quantity)
    {
        return mix(mix(mix(mix(hash, side.value()), price), orderKey), quantity);
    }

    /**
     * Folds one level of a {@link LevelBook}.
     */
    public static long level(final long hash, final Side side, final long price, final long quantity)
    {
        return mix(mix(mix(hash, side.value()), price), quantity);
    }
}
