package io.tickwire.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class BackoffTest
{
    private static final long MS = 1_000_000L;

    @Test
    void ceilingsDoubleUpToTheMaximum()
    {
        final Backoff backoff = new Backoff(100 * MS, 1_000 * MS, 1);
        final List<Long> ceilings = new ArrayList<>();
        for (int attempt = 1; attempt <= 7; attempt++)
        {
            ceilings.add(backoff.ceilingNanos(attempt) / MS);
        }
        assertThat(ceilings).containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L, 1_000L);
        assertThat(backoff.ceilingNanos(10_000)).isEqualTo(1_000 * MS);
    }

    @Test
    void delaysAreJitteredBetweenHalfTheCeilingAndTheCeilingAndSeeded()
    {
        final long seed = System.nanoTime();
        System.out.println("BackoffTest seed=" + seed);
        final Backoff a = new Backoff(100 * MS, 10_000 * MS, seed);
        final Backoff b = new Backoff(100 * MS, 10_000 * MS, seed);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 10_000; i++)
        {
            final int attempt = 1 + i % 9;
            final long delay = a.delayNanos(attempt);
            assertThat(b.delayNanos(attempt)).as("same seed, same delays").isEqualTo(delay);
            final long ceiling = a.ceilingNanos(attempt);
            assertThat(delay).isBetween(ceiling / 2, ceiling);
            if (attempt == 1)
            {
                min = Math.min(min, delay);
                max = Math.max(max, delay);
            }
        }
        assertThat(max - min).as("jitter spreads delays").isGreaterThan(40 * MS);
    }

    @Test
    void refusesNonsense()
    {
        assertThatThrownBy(() -> new Backoff(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(10, 5, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
