package io.tickwire.perf.replay;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.replay.InstrumentCatalog;
import io.tickwire.replay.JournalIndex;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Measures the replay lookups on a journal written from the market simulator through the engine: disk use
 * per million events, {@link JournalIndex#indexOfSeq} and {@link JournalIndex#indexAtOrAfterTime} latency
 * (random over the whole journal, and near its end as a resume does), excerpt reads and bytes allocated per
 * lookup, against a sequential scan.
 * <p>
 * Usage: {@code java <flags> -cp perf/target/benchmarks.jar io.tickwire.perf.replay.JournalLookupProbe
 * [events=10000000] [eventsPerCycle=1000000] [lookups=20000] [dir=<temp, deleted after>]}
 */
public final class JournalLookupProbe
{
    private JournalLookupProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        final long eventsPerCycle = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        final int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        final boolean keep = args.length > 3;
        final Path dir = keep ? Path.of(args[3]) : Files.createTempDirectory("tickwire-lookup");
        try
        {
            final Path journalDir = dir.resolve("journal");
            final SimulatedJournal.Written written = Files.exists(journalDir) ? null :
                SimulatedJournal.write(journalDir, events, eventsPerCycle);
            if (written != null)
            {
                System.out.printf("wrote %,d events in %,d batches in %.1f s (%,.0f batches/s), batch payload %,d bytes%n",
                    written.events(), written.batches(), written.nanos() / 1e9, written.batches() * 1e9 / written.nanos(),
                    written.payloadBytes());
                final long apparent = du(journalDir, true);
                final long allocated = du(journalDir, false);
                System.out.printf("disk: allocated %,d bytes (%,.1f MB per million events, %.1f bytes/event, " +
                    "%.1f bytes/batch); apparent (sparse files) %,d bytes; payload %.1f MB per million events%n",
                    allocated, allocated / 1e6 / (written.events() / 1e6), (double)allocated / written.events(),
                    (double)allocated / written.batches(), apparent,
                    written.payloadBytes() / 1e6 / (written.events() / 1e6));
            }
            measure(journalDir, lookups);
        }
        finally
        {
            if (!keep)
            {
                delete(dir);
            }
        }
    }

    private static void measure(final Path journalDir, final int lookups)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).asReadOnly()))
        {
            long start = System.nanoTime();
            final long[] scan = scan(journal);
            final long scanNanos = System.nanoTime() - start;
            System.out.printf("sequential scan: %,d excerpts in %.2f s (%.0f ns/excerpt), %d cycles%n",
                scan[0], scanNanos / 1e9, (double)scanNanos / scan[0], journal.cycles().length);

            try (JournalIndex index = new JournalIndex(journal))
            {
                start = System.nanoTime();
                final long lastSeq = index.lastSeq();
                System.out.printf("first lookup (lists cycles, reads cycle heads): %.2f ms; seqs %d..%,d%n",
                    (System.nanoTime() - start) / 1e6, index.firstSeq(), lastSeq);
                final long firstTime = index.engineTimeAt(index.firstBatchIndex());
                final long lastTime = index.engineTimeAt(index.lastBatchIndex());
                final Random random = new Random(42);
                for (int round = 0; round < 3; round++)
                {
                    final String suffix = round < 2 ? " (warm-up " + (round + 1) + ")" : "";
                    run("indexOfSeq, random over the journal" + suffix, index, threads, lookups,
                        () -> index.indexOfSeq(1 + (long)(random.nextDouble() * lastSeq)));
                    run("indexOfSeq, last 100k seqs (resume)" + suffix, index, threads, lookups,
                        () -> index.indexOfSeq(lastSeq - random.nextInt(100_000)));
                    run("indexAtOrAfterTime, random" + suffix, index, threads, lookups,
                        () -> index.indexAtOrAfterTime(firstTime + (long)(random.nextDouble() * (lastTime - firstTime))));
                }
                start = System.nanoTime();
                final long middle = index.indexOfSeq(lastSeq / 2);
                final InstrumentCatalog catalog = InstrumentCatalog.load(journal, middle);
                System.out.printf("InstrumentCatalog.load up to the middle: %,d excerpts in %.0f ms (%d instruments)%n",
                    catalog.excerptsScanned(), (System.nanoTime() - start) / 1e6, catalog.size());
            }
        }
    }

    private static void run(final String name, final JournalIndex index, final com.sun.management.ThreadMXBean threads,
        final int lookups, final java.util.function.LongSupplier lookup)
    {
        final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        final long probes = index.probes();
        final long allocated = threads.getCurrentThreadAllocatedBytes();
        long sink = 0;
        for (int i = 0; i < lookups; i++)
        {
            final long start = System.nanoTime();
            sink += lookup.getAsLong();
            histogram.recordValue(System.nanoTime() - start);
        }
        final long bytes = threads.getCurrentThreadAllocatedBytes() - allocated;
        System.out.printf("%-50s p50 %,7.1f us  p90 %,7.1f  p99 %,7.1f  max %,9.1f  mean %,7.1f us; %5.1f reads, " +
                "%,6.0f B allocated per lookup (%d)%n", name,
            histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3,
            histogram.getValueAtPercentile(99) / 1e3, histogram.getMaxValue() / 1e3, histogram.getMean() / 1e3,
            (double)(index.probes() - probes) / lookups, (double)bytes / lookups, sink & 1);
    }

    private static long[] scan(final Journal journal)
    {
        final long[] count = new long[1];
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) -> count[0]++))
            {
                // reading
            }
        }
        return count;
    }

    private static long du(final Path dir, final boolean apparent) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(apparent ?
            new String[]{"du", "-s", "-B1", "--apparent-size", dir.toString()} :
            new String[]{"du", "-s", "-B1", dir.toString()}).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    private static void delete(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
