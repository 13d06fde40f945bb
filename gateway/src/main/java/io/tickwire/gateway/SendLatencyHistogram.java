package io.tickwire.gateway;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Send latency of the gateway's frames: from the gateway agent queueing a frame to Jetty completing its write
 * (the bytes handed to the kernel, or the connection gone). Recorded by Jetty's completion callbacks on any
 * thread, read by the {@code /metrics} handler: fixed power-of-two buckets in an {@link AtomicLongArray}, so a
 * record is one array increment and two adds, with no lock and no allocation.
 * <p>
 * Bucket {@code i} (0 .. {@link #BUCKETS} - 2) counts latencies of at most {@code 2^i} microseconds; the last
 * bucket counts the rest (over about 8.4 s).
 */
public final class SendLatencyHistogram
{
    /** Upper bounds 1 us, 2 us, 4 us, ... 2^23 us (8.39 s), then +Inf. */
    public static final int BUCKETS = 25;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray totals = new AtomicLongArray(2); // [0] count, [1] sum of nanoseconds

    /**
     * @param nanos one frame's latency; negative values (clock steps) count as 0.
     */
    public void record(final long nanos)
    {
        counts.incrementAndGet(bucket(nanos));
        totals.incrementAndGet(0);
        totals.addAndGet(1, Math.max(0, nanos));
    }

    /**
     * Records the latencies of the messages of one write, {@code now - queuedAt[k & mask]} for {@code count}
     * consecutive message numbers {@code k} from {@code first}: the same counts as {@link #record} for each, with
     * one atomic add per run of messages in the same bucket (a write's messages are mostly queued within a duty
     * cycle or two) and one for each total, instead of three per message.
     */
    public void recordQueued(final long[] queuedAt, final int mask, final long first, final int count, final long now)
    {
        long sum = 0;
        int runBucket = -1;
        int run = 0;
        for (int i = 0; i < count; i++)
        {
            final long nanos = Math.max(0, now - queuedAt[(int)((first + i) & mask)]);
            sum += nanos;
            final int bucket = bucket(nanos);
            if (bucket != runBucket)
            {
                if (run > 0)
                {
                    counts.addAndGet(runBucket, run);
                }
                runBucket = bucket;
                run = 0;
            }
            run++;
        }
        if (run > 0)
        {
            counts.addAndGet(runBucket, run);
        }
        totals.addAndGet(0, count);
        totals.addAndGet(1, sum);
    }

    private static int bucket(final long nanos)
    {
        final long micros = Math.max(0, nanos) / 1_000;
        return micros <= 1 ? 0 : Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(micros - 1));
    }

    /**
     * @return how many latencies fell in bucket {@code i} (not cumulative).
     */
    public long bucketCount(final int i)
    {
        return counts.get(i);
    }

    /**
     * @return the upper bound of bucket {@code i} in seconds, or {@link Double#POSITIVE_INFINITY} for the last.
     */
    public static double upperBoundSeconds(final int i)
    {
        return i == BUCKETS - 1 ? Double.POSITIVE_INFINITY : (1L << i) / 1e6;
    }

    public long count()
    {
        return totals.get(0);
    }

    public long sumNanos()
    {
        return totals.get(1);
    }
}
