package io.tickwire.perf.journal;

import io.tickwire.engine.journal.JournalWriter;
import io.tickwire.perf.engine.SimulatedStream;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What makes the tail of a journal append: times every append of the median batch (177 B) into a fresh queue with
 * {@code System.nanoTime} (HdrHistogram) and counts the page faults the writing thread took
 * ({@code /proc/thread-self/stat}, minor and major), with or without a {@code JournalPretoucher}.
 * <pre>
 * java $FLAGS -cp perf/target/benchmarks.jar io.tickwire.perf.journal.JournalTailProbe \
 *     [--dir tmpdir|/dev/shm] [--appends 2000000] [--runs 3] [--pretouch BYTES] [--rate APPENDS_PER_S]
 * </pre>
 * Each run: a new queue, one append outside the measurement, 200,000 warm-up appends, then {@code --appends}
 * measured ones, back to back or, with {@code --rate}, one every 1/rate seconds (the thread spins on the clock
 * between two: open loop, only the append is timed); the queue is deleted after the run.
 */
public final class JournalTailProbe
{
    private static final int WARM_UP = 200_000;

    private JournalTailProbe()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        String dir = "tmpdir";
        int appends = 2_000_000;
        int runs = 3;
        long pretouch = 0;
        long rate = 0;
        for (int i = 0; i < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--dir" -> dir = args[i + 1];
                case "--appends" -> appends = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--pretouch" -> pretouch = Long.parseLong(args[i + 1]);
                case "--rate" -> rate = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final ByteBuffer batch = SimulatedStream.generate(1, 4, 100_000).medianBatch();
        final int length = batch.capacity();
        System.out.printf("dir=%s batch=%d B appends=%d pretouch=%d rate=%s%n", dir, length, appends, pretouch,
            rate > 0 ? rate + "/s" : "back to back");
        final long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        System.out.println("run  faults(min/maj)  faults/1k  p50   p90   p99   p99.9  p99.99  max (ns)  pages late");
        for (int run = 1; run <= runs; run++)
        {
            final Histogram histogram = new Histogram(100_000_000_000L, 3);
            final TempJournal journal = TempJournal.create(dir, "tickwire-tail-probe");
            final JournalWriter writer = journal.journal().createWriter();
            long late = 0;
            long[] faults;
            try
            {
                writer.source(batch);
                writer.append(length);
                final JournalAppendBenchmark.Pretouch pretoucher =
                    JournalAppendBenchmark.Pretouch.start(journal, pretouch);
                try
                {
                    for (int i = 0; i < WARM_UP; i++)
                    {
                        writer.append(length);
                    }
                    final long[] before = threadFaults();
                    long next = System.nanoTime();
                    for (int i = 0; i < appends; i++)
                    {
                        if (interval > 0)
                        {
                            next += interval;
                            while (System.nanoTime() - next < 0)
                            {
                                Thread.onSpinWait();
                            }
                        }
                        final long start = System.nanoTime();
                        writer.append(length);
                        histogram.recordValue(System.nanoTime() - start);
                    }
                    final long[] after = threadFaults();
                    faults = new long[] {after[0] - before[0], after[1] - before[1]};
                }
                finally
                {
                    if (pretoucher != null)
                    {
                        pretoucher.runner.close();
                        late = pretoucher.agent.pagesLate();
                    }
                }
            }
            finally
            {
                writer.close();
                journal.close();
            }
            System.out.printf("%3d  %8d/%-3d  %9.2f  %4d  %4d  %5d  %6d  %7d  %9d  %d%n", run, faults[0], faults[1],
                faults[0] * 1000.0 / appends,
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
                histogram.getValueAtPercentile(99.99), histogram.getMaxValue(), late);
        }
    }

    /**
     * @return minor and major faults of the calling thread so far.
     */
    private static long[] threadFaults() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        // fields after the command name (which is in parentheses and may hold spaces): state is field 3
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[7]), Long.parseLong(fields[9])};
    }
}
