package io.tickwire.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SendLatencyHistogram#recordQueued} (a write's messages at once, one atomic add per run of a bucket) must
 * count exactly what {@link SendLatencyHistogram#record} does message by message: every bucket, the count and the
 * sum, over writes that wrap the ring, with runs of equal and of changing buckets and clock steps (negative).
 */
class SendLatencyHistogramTest
{
    @Test
    @Timeout(10)
    void aWriteAtOnceCountsWhatEachMessageCounts()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("SendLatencyHistogramTest seed=" + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final int mask = 63;
        final long[] queuedAt = new long[mask + 1];
        final SendLatencyHistogram perWrite = new SendLatencyHistogram();
        final SendLatencyHistogram perMessage = new SendLatencyHistogram();
        long next = 0;
        long now = 1_000_000_000L;
        for (int write = 0; write < 2_000; write++)
        {
            final int count = 1 + random.nextInt(mask + 1);
            for (int i = 0; i < count; i++)
            {
                // runs of one queue time (one duty cycle), then a later one; sometimes after "now" (a clock step)
                if (i == 0 || random.nextInt(8) == 0)
                {
                    now += random.nextInt(4) == 0 ? random.nextLong(20_000_000_000L) : random.nextInt(5_000);
                }
                queuedAt[(int)((next + i) & mask)] = now - (random.nextInt(50) == 0 ? -1_000 : random.nextInt(3_000));
            }
            final long completedAt = now + random.nextInt(100_000);
            perWrite.recordQueued(queuedAt, mask, next, count, completedAt);
            for (int i = 0; i < count; i++)
            {
                perMessage.record(completedAt - queuedAt[(int)((next + i) & mask)]);
            }
            next += count;
        }
        assertThat(buckets(perWrite)).isEqualTo(buckets(perMessage));
        assertThat(perWrite.count()).isEqualTo(next).isEqualTo(perMessage.count());
        assertThat(perWrite.sumNanos()).isEqualTo(perMessage.sumNanos());
        assertThat(buckets(perWrite).stream().filter(c -> c > 0).count()).isGreaterThan(5); // not one bucket only
    }

    private static List<Long> buckets(final SendLatencyHistogram histogram)
    {
        final List<Long> counts = new ArrayList<>();
        for (int i = 0; i < SendLatencyHistogram.BUCKETS; i++)
        {
            counts.add(histogram.bucketCount(i));
        }
        return counts;
    }
}
