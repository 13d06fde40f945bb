package io.tickwire.client;

import java.util.SplittableRandom;

/**
 * Reconnect delays: exponential with "equal jitter". Attempt n (1, 2, ...) waits
 * {@code d/2 + random[0, d/2]} where {@code d = min(max, initial * 2^(n-1))}: the delay doubles, never
 * exceeds {@code max}, and clients that lost the same gateway at the same moment spread out instead of
 * reconnecting in lock step. Seeded, so a test can reproduce it.
 */
final class Backoff
{
    private final long initialNanos;
    private final long maxNanos;
    private final SplittableRandom random;

    Backoff(final long initialNanos, final long maxNanos, final long seed)
    {
        if (initialNanos <= 0 || maxNanos < initialNanos)
        {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.random = new SplittableRandom(seed);
    }

    /**
     * @return the ceiling of attempt {@code attempt} (1-based) before jitter.
     */
    long ceilingNanos(final int attempt)
    {
        final int doublings = Math.min(Math.max(attempt - 1, 0), 62);
        final long ceiling = initialNanos << Math.min(doublings, Long.numberOfLeadingZeros(initialNanos) - 1);
        return Math.min(ceiling, maxNanos);
    }

    /**
     * @return the delay before attempt {@code attempt} (1-based), in nanoseconds.
     */
    long delayNanos(final int attempt)
    {
        final long ceiling = ceilingNanos(attempt);
        final long half = ceiling / 2;
        return half + random.nextLong(ceiling - half + 1);
    }
}
