package io.tickwire.perf;

import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.EngineSnapshots;
import io.tickwire.engine.Inputs;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalWriter;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorConfig;
import io.tickwire.perf.journal.TempJournal;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/**
 * Restart time: writes a journal of about {@code events} market-data events from the simulator stream through
 * {@link Engine} and {@link JournalWriter} (as the engine agent does: a JournalStart, the AddInstruments, then
 * one batch per input), then times {@link EngineNode#recover} of it into a new engine, {@code runs} times,
 * each with a freshly opened journal. The page cache stays warm (the journal was just written): this measures
 * the engine's replay, not the disk.
 * <pre>
 * RecoveryTime [--events N] [--instruments K] [--runs R] [--dir BASE] [--keep] [--snapshot-every BATCHES]
 * RecoveryTime --recover-only DIR [--runs R]        (time recovery of an existing journal, e.g. in a cold JVM)
 * RecoveryTime --snapshot-orders N [--runs R]         (time writing and restoring a snapshot of N resting orders)
 * </pre>
 * With {@code --snapshot-every} the writer also writes an engine snapshot every that many batches (as
 * {@code --snapshot-every} of the engine does), and recovery restores the newest one and re-executes the rest.
 * Without {@code --keep} the journal directory is deleted at the end. Run with the Tickwire JVM flags.
 */
public final class RecoveryTime
{
    private static final java.lang.management.ThreadMXBean CPU =
        java.lang.management.ManagementFactory.getThreadMXBean();

    private RecoveryTime()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        long events = 10_000_000L;
        int instruments = 4;
        int runs = 3;
        String base = System.getProperty("java.io.tmpdir");
        boolean keep = false;
        Path recoverOnly = null;
        long snapshotEvery = 0;
        int snapshotOrders = 0;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--events" -> events = Long.parseLong(args[++i]);
                case "--instruments" -> instruments = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--dir" -> base = args[++i];
                case "--keep" -> keep = true;
                case "--recover-only" -> recoverOnly = Paths.get(args[++i]);
                case "--snapshot-every" -> snapshotEvery = Long.parseLong(args[++i]);
                case "--snapshot-orders" -> snapshotOrders = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf("java %s, %s, %d cpus%n", System.getProperty("java.version"), System.getProperty("java.vm.name"),
            Runtime.getRuntime().availableProcessors());

        if (snapshotOrders > 0)
        {
            snapshotOfOrders(Paths.get(base), snapshotOrders, runs);
            return;
        }
        if (recoverOnly != null)
        {
            report(recoverOnly);
            recoverRuns(recoverOnly, runs, -1, -1);
            return;
        }

        final Path dir = Files.createTempDirectory(Paths.get(base), "tickwire-recovery");
        try
        {
            final long[] written = write(dir, events, instruments, snapshotEvery);
            report(dir);
            recoverRuns(dir, runs, written[0], written[1]);
        }
        finally
        {
            if (keep)
            {
                System.out.println("kept " + dir);
            }
            else
            {
                TempJournal.deleteRecursively(dir);
                System.out.println("deleted " + dir);
            }
        }
    }

    /**
     * @return {batches, nextSeq}.
     */
    private static long[] write(
        final Path dir, final long targetEvents, final int instruments, final long snapshotEvery)
    {
        final List<InstrumentSpec> specs = InstrumentSpec.defaults(instruments);
        final MarketSimulator simulator = new MarketSimulator(new SimulatorConfig().seed(1).instruments(specs));
        final Engine engine = new Engine(EngineLimits.defaults());
        final UnsafeBuffer input = new UnsafeBuffer(ByteBuffer.allocateDirect(MarketSimulator.MAX_MESSAGE_LENGTH + 64));
        long batches = 0;
        long inputs = 0;
        long batchBytes = 0;
        long snapshotCount = 0;
        long snapshotNanos = 0;
        long snapshotMaxNanos = 0;
        long lastSnapshotSeq = 0;
        final long start = System.nanoTime();
        try (Journal journal = Journal.open(JournalConfig.of(dir));
            JournalWriter writer = journal.createWriter())
        {
            final ByteBuffer startBuffer = ByteBuffer.allocateDirect(64);
            final JournalStartEncoder journalStart = new JournalStartEncoder();
            journalStart.wrapAndApplyHeader(new UnsafeBuffer(startBuffer), 0, new MessageHeaderEncoder())
                .journalId(0x5EED_0001L)
                .createdTime(System.currentTimeMillis() * 1_000_000L)
                .schemaVersion(JournalStartEncoder.SCHEMA_VERSION);
            writer.source(startBuffer);
            writer.append(MessageHeaderEncoder.ENCODED_LENGTH + journalStart.encodedLength());

            writer.source(engine.batchByteBuffer());
            final EngineSnapshots.Writer snapshots = new EngineSnapshots.Writer(writer);
            for (final InstrumentSpec spec : specs)
            {
                final UnsafeBuffer add = Inputs.addInstrument(spec);
                final int length = engine.apply(add, 0, add.capacity(), System.nanoTime());
                writer.append(length);
                batchBytes += length;
                batches++;
            }
            long now = 1_700_000_000_000_000_000L;
            while (engine.nextSeq() - 1 < targetEvents)
            {
                final int inputLength = simulator.next(now, input, 0);
                now += 1_000;
                inputs++;
                final int length = engine.apply(input, 0, inputLength, now);
                if (length <= 0)
                {
                    throw new IllegalStateException("engine refused a simulator input");
                }
                writer.append(length);
                batchBytes += length;
                batches++;
                if (snapshotEvery > 0 && batches % snapshotEvery == 0)
                {
                    final long before = System.nanoTime();
                    final EngineSnapshots.Found found = snapshots.write(engine, 0x5EED_0001L);
                    final long took = System.nanoTime() - before;
                    snapshotCount++;
                    snapshotNanos += took;
                    snapshotMaxNanos = Math.max(snapshotMaxNanos, took);
                    lastSnapshotSeq = found.snapshotSeq();
                }
            }
        }
        if (snapshotCount > 0)
        {
            System.out.printf("snapshots: %d written, mean %.1f us, max %.1f us each; the last at seq %d%n",
                snapshotCount, snapshotNanos / 1e3 / snapshotCount, snapshotMaxNanos / 1e3, lastSnapshotSeq);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long eventCount = engine.nextSeq() - 1;
        System.out.printf("wrote: inputs=%d batches=%d events=%d batch bytes=%d (%.1f B/batch) in %.2f s " +
            "(%.2f M inputs/s through apply+append, one thread)%n",
            inputs, batches, eventCount, batchBytes, (double)batchBytes / batches, seconds, inputs / seconds / 1e6);
        System.out.printf("batch payload per million events: %.1f MB%n", batchBytes / (eventCount / 1e6) / 1e6);
        return new long[] {batches, engine.nextSeq()};
    }

    private static void report(final Path dir) throws IOException
    {
        long apparent = 0;
        int files = 0;
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)paths.filter(Files::isRegularFile)::iterator)
            {
                apparent += Files.size(p);
                files++;
            }
        }
        final String allocated = du(dir);
        System.out.printf("on disk: %d files, apparent size %d bytes (%.1f MB), allocated (du -sk) %s%n",
            files, apparent, apparent / 1e6, allocated);
    }

    private static String du(final Path dir)
    {
        try
        {
            final Process process = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
            final String out = new String(process.getInputStream().readAllBytes()).trim();
            process.waitFor();
            final long kib = Long.parseLong(out.split("\\s+")[0]);
            return kib + " KiB (" + String.format("%.1f MB", kib * 1024 / 1e6) + ")";
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown (" + ex + ")";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    private static void recoverRuns(final Path dir, final int runs, final long expectBatches, final long expectNextSeq)
    {
        for (int run = 1; run <= runs; run++)
        {
            final long start = System.nanoTime();
            final long startCpu = CPU.getCurrentThreadCpuTime();
            final EngineNode.RecoveryResult result;
            try (Journal journal = Journal.open(JournalConfig.of(dir)))
            {
                result = EngineNode.recover(journal, new Engine(EngineLimits.defaults()));
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("recovery run %d: thread CPU time %.3f s%n", run,
                (CPU.getCurrentThreadCpuTime() - startCpu) / 1e9);
            final long events = result.nextSeq() - 1;
            System.out.printf("recovery run %d: batches=%d events=%d: recover() %.3f s, open+recover+close %.3f s; " +
                "%.2f M batches/s, %.2f M events/s%n",
                run, result.batches(), events, result.nanos() / 1e9, seconds,
                result.batches() / (result.nanos() / 1e9) / 1e6, events / (result.nanos() / 1e9) / 1e6);
            if (result.snapshotSeq() > 0)
            {
                System.out.printf("  restored the snapshot at seq %d, then re-executed %d batches%n",
                    result.snapshotSeq(), result.batches());
            }
            if (expectBatches >= 0 && (result.nextSeq() != expectNextSeq ||
                (result.snapshotSeq() == 0 && result.batches() != expectBatches)))
            {
                throw new IllegalStateException("recovered " + result + ", wrote " + expectBatches + " batches, next seq " +
                    expectNextSeq);
            }
        }
    }

    /**
     * Times writing a snapshot of one instrument holding {@code orders} resting limit orders (on 4,000 price
     * levels a side) into a journal, finding and restoring it into a new engine.
     */
    private static void snapshotOfOrders(final Path base, final int orders, final int runs) throws IOException
    {
        final EngineLimits limits = new EngineLimits(4, orders + 1, 256, 4096);
        final Engine engine = new Engine(limits);
        final Path dir = Files.createTempDirectory(base, "tickwire-snapshot");
        try (Journal journal = Journal.open(JournalConfig.of(dir)); JournalWriter writer = journal.createWriter())
        {
            writer.source(engine.batchByteBuffer());
            final UnsafeBuffer input = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
            final io.tickwire.codecs.sbe.AddInstrumentEncoder add = new io.tickwire.codecs.sbe.AddInstrumentEncoder();
            add.wrapAndApplyHeader(input, 0, new MessageHeaderEncoder()).instrumentId(1).symbol("SNAP")
                .priceScale((byte)2).qtyScale((byte)0).tickSize(1).lotSize(1)
                .mode(io.tickwire.codecs.sbe.InstrumentMode.MATCHING);
            writer.append(engine.apply(input, 0, MessageHeaderEncoder.ENCODED_LENGTH + add.encodedLength(), 1));
            final io.tickwire.codecs.sbe.NewOrderEncoder order = new io.tickwire.codecs.sbe.NewOrderEncoder();
            for (int i = 1; i <= orders; i++)
            {
                final boolean buy = (i & 1) == 0;
                order.wrapAndApplyHeader(input, 0, new MessageHeaderEncoder()).participantId(1 + i % 7).clientOrderId(i)
                    .instrumentId(1).side(buy ? io.tickwire.codecs.sbe.Side.BUY : io.tickwire.codecs.sbe.Side.SELL)
                    .orderType(io.tickwire.codecs.sbe.OrderType.LIMIT).price(buy ? 1 + i % 4_000 : 5_000 + i % 4_000)
                    .quantity(1 + i % 9);
                writer.append(engine.apply(input, 0, MessageHeaderEncoder.ENCODED_LENGTH + order.encodedLength(), i));
            }
            final EngineSnapshots.Writer snapshots = new EngineSnapshots.Writer(writer);
            for (int run = 1; run <= runs; run++)
            {
                final long start = System.nanoTime();
                final long startCpu = CPU.getCurrentThreadCpuTime();
                final EngineSnapshots.Found found = snapshots.write(engine, 1);
                final long wrote = System.nanoTime() - start;
                final long wroteCpu = CPU.getCurrentThreadCpuTime() - startCpu;
                final Engine restored = new Engine(limits); // allocates the book's pools: not timed
                final long restoreStart = System.nanoTime();
                final long restoreCpuStart = CPU.getCurrentThreadCpuTime();
                final EngineSnapshots.Found again = EngineSnapshots.restoreNewest(journal, restored);
                final long restoreNanos = System.nanoTime() - restoreStart;
                final long restoreCpu = CPU.getCurrentThreadCpuTime() - restoreCpuStart;
                if (again == null || again.firstIndex() != found.firstIndex() ||
                    restored.stateHash() != engine.stateHash())
                {
                    throw new IllegalStateException("restored a different state");
                }
                System.out.printf("snapshot of %d orders: %d parts; write %.1f ms (%.1f ms CPU); find + restore " +
                    "%.1f ms (%.1f ms CPU)%n", orders, found.parts(), wrote / 1e6, wroteCpu / 1e6, restoreNanos / 1e6,
                    restoreCpu / 1e6);
            }
        }
        finally
        {
            TempJournal.deleteRecursively(dir);
        }
    }
}
