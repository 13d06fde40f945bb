package io.tickwire.engine;

import io.tickwire.codecs.sbe.EngineSnapshotEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalWriter;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Engine state snapshots in a real Chronicle journal: the round trip, recovery from the newest snapshot plus the
 * batches after it, snapshots spanning several parts, unfinished and corrupt snapshots, and trimmed journals.
 */
@Timeout(120)
class EngineSnapshotTest
{
    @TempDir
    Path dir;

    private static long seed(final String test)
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("EngineSnapshotTest." + test + " seed=" + seed);
        return seed;
    }

    /**
     * Applies inputs to an engine and journals their batches, with snapshots where the test asks for them.
     */
    private static final class Recorder
    {
        final Engine engine;
        final JournalWriter writer;
        final EngineSnapshots.Writer snapshots;
        long journalId;
        long batches;

        Recorder(final Engine engine, final JournalWriter writer, final long journalId)
        {
            this.engine = engine;
            this.writer = writer;
            this.journalId = journalId;
            snapshots = new EngineSnapshots.Writer(writer);
            final ByteBuffer start = ByteBuffer.allocateDirect(64);
            final io.tickwire.codecs.sbe.JournalStartEncoder encoder = new io.tickwire.codecs.sbe.JournalStartEncoder();
            encoder.wrapAndApplyHeader(new UnsafeBuffer(start), 0, new MessageHeaderEncoder())
                .journalId(journalId).createdTime(1).schemaVersion(1);
            writer.source(start);
            writer.append(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
            writer.source(engine.batchByteBuffer());
        }

        void apply(final UnsafeBuffer input, final long time)
        {
            final int length = engine.apply(input, 0, input.capacity(), time);
            assertThat(length).isPositive();
            writer.append(length);
            batches++;
        }

        EngineSnapshots.Found snapshot()
        {
            return snapshots.write(engine, journalId);
        }
    }

    @ParameterizedTest(name = "matching={0} feed={1}")
    @CsvSource({"true,false", "false,true", "true,true"})
    void recoveryFromSnapshotAndTailEqualsTheUninterruptedEngine(final boolean matching, final boolean feed)
    {
        final long seed = seed("recovery");
        final MixedInputs stream = new MixedInputs(seed, matching, feed);
        final JournalConfig config = JournalConfig.of(dir.resolve("journal"));
        final Engine engine = new Engine(EngineLimits.defaults());
        final EngineSnapshots.Found snapshot;
        final long hashAtSnapshot;
        final long batchesAfter;
        try (Journal journal = Journal.open(config); JournalWriter writer = journal.createWriter())
        {
            final Recorder recorder = new Recorder(engine, writer, 0x5EED);
            for (final UnsafeBuffer definition : stream.definitions())
            {
                recorder.apply(definition, 1);
            }
            for (int i = 0; i < 20_000; i++)
            {
                recorder.apply(stream.next(), 10 + i);
            }
            recorder.snapshot(); // an older snapshot: recovery takes the newest
            for (int i = 0; i < 3_000; i++)
            {
                recorder.apply(stream.next(), 30_000 + i);
            }
            hashAtSnapshot = engine.stateHash();
            snapshot = recorder.snapshot();
            assertThat(snapshot.snapshotSeq()).isEqualTo(engine.nextSeq());
            assertThat(snapshot.parts()).isEqualTo(1);
            final long before = recorder.batches;
            for (int i = 0; i < 5_000; i++)
            {
                recorder.apply(stream.next(), 40_000 + i);
            }
            batchesAfter = recorder.batches - before;
        }

        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            final Engine restoredOnly = new Engine(EngineLimits.defaults());
            EngineSnapshots.restore(journal, snapshot, restoredOnly);
            assertThat(restoredOnly.stateHash()).isEqualTo(hashAtSnapshot);
            assertThat(restoredOnly.nextSeq()).isEqualTo(snapshot.snapshotSeq());

            final Engine recovered = new Engine(EngineLimits.defaults());
            final EngineNode.RecoveryResult result = EngineNode.recover(journal, recovered);
            assertThat(result.snapshotSeq()).isEqualTo(snapshot.snapshotSeq());
            assertThat(result.snapshotIndex()).isEqualTo(snapshot.lastIndex());
            assertThat(result.batches()).isEqualTo(batchesAfter);
            assertThat(result.journalId()).isEqualTo(0x5EED);
            assertThat(result.nextSeq()).isEqualTo(engine.nextSeq());
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());

            // Both engines go on producing the same batches, byte for byte (the ticker as last published is state
            // the hash does not cover: a wrong one would show here as a missing or extra Ticker).
            for (int i = 0; i < 5_000; i++)
            {
                final UnsafeBuffer input = stream.next();
                final int a = engine.apply(input, 0, input.capacity(), i);
                final int b = recovered.apply(input, 0, input.capacity(), i);
                assertThat(b).as("batch length after input %d", i).isEqualTo(a);
                assertThat(bytes(recovered.batchBuffer(), b)).as("batch after input %d", i)
                    .isEqualTo(bytes(engine.batchBuffer(), a));
            }
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());
        }
    }

    @Test
    void largeSnapshotSpansSeveralPartsAndRestoresPriceTimeOrder()
    {
        final EngineLimits limits = new EngineLimits(4, 100_000, 256, 4096);
        final Engine engine = new Engine(limits);
        final JournalConfig config = JournalConfig.of(dir.resolve("big"));
        final EngineSnapshots.Found snapshot;
        try (Journal journal = Journal.open(config); JournalWriter writer = journal.createWriter())
        {
            final Recorder recorder = new Recorder(engine, writer, 42);
            recorder.apply(TestInputs.addInstrument(1, "BIG", 2, 0, 1, 1, InstrumentMode.MATCHING), 0);
            for (int i = 1; i <= 80_000; i++)
            {
                final boolean buy = (i & 1) == 0;
                final long price = buy ? 1 + i % 4_000 : 5_000 + i % 4_000;
                recorder.apply(TestInputs.newOrder(1 + i % 7, i, 1, buy ? Side.BUY : Side.SELL, OrderType.LIMIT,
                    price, 1 + i % 9), i);
            }
            snapshot = recorder.snapshot();
        }
        // 80,000 orders of 16 bytes and 8,000 levels of 12 bytes: more than one 1 MiB part
        assertThat(snapshot.parts()).isEqualTo(2);

        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            final Engine recovered = new Engine(limits);
            final EngineNode.RecoveryResult result = EngineNode.recover(journal, recovered);
            assertThat(result.snapshotSeq()).isEqualTo(snapshot.snapshotSeq());
            assertThat(result.batches()).isZero();
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());
            // sweeps through many levels, in time priority within each: the same fills on both
            final UnsafeBuffer[] sweeps = {
                TestInputs.newOrder(9, 1, 1, Side.SELL, OrderType.MARKET, 0, 5_000),
                TestInputs.newOrder(9, 2, 1, Side.BUY, OrderType.MARKET, 0, 5_000),
                TestInputs.newOrder(9, 3, 1, Side.BUY, OrderType.IOC, 5_100, 100_000),
            };
            for (final UnsafeBuffer sweep : sweeps)
            {
                final int a = engine.apply(sweep, 0, sweep.capacity(), 1);
                final int b = recovered.apply(sweep, 0, sweep.capacity(), 1);
                assertThat(bytes(recovered.batchBuffer(), b)).isEqualTo(bytes(engine.batchBuffer(), a));
            }
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());
        }

        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            final Engine tooSmall = new Engine(new EngineLimits(4, 1_000, 256, 4096));
            assertThatThrownBy(() -> EngineSnapshots.restore(journal, snapshot, tooSmall))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("snapshot of instrument 1");
            assertThat(tooSmall.nextSeq()).as("new again after a failed restore").isEqualTo(1);
            assertThat(tooSmall.instrumentCount()).isZero();
        }
    }

    @Test
    void unfinishedAndCorruptSnapshotsAreSkippedForAnOlderWholeOne()
    {
        final long seed = seed("corrupt");
        final MixedInputs stream = new MixedInputs(seed, true, true);
        final JournalConfig config = JournalConfig.of(dir.resolve("journal"));
        final Engine engine = new Engine(EngineLimits.defaults());
        final EngineSnapshots.Found good;
        try (Journal journal = Journal.open(config); JournalWriter writer = journal.createWriter())
        {
            final Recorder recorder = new Recorder(engine, writer, 77);
            stream.definitions().forEach(d -> recorder.apply(d, 0));
            for (int i = 0; i < 2_000; i++)
            {
                recorder.apply(stream.next(), i);
            }
            good = recorder.snapshot();
            for (int i = 0; i < 500; i++)
            {
                recorder.apply(stream.next(), i);
            }
            // a whole snapshot whose checksum does not match its state
            appendPart(writer, engine.nextSeq(), 0, true, 12345L, new byte[4]); // no instrument, bad checksum
            for (int i = 0; i < 500; i++)
            {
                recorder.apply(stream.next(), i);
            }
            // a snapshot cut after its first part (the engine died writing it), at the journal's end
            appendPart(writer, engine.nextSeq(), 0, false, 0, new byte[24]);
        }
        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            assertThat(EngineSnapshots.wholeSnapshotsIn(journal, journal.lastCycle())).hasSize(2);
            final Engine recovered = new Engine(EngineLimits.defaults());
            final EngineNode.RecoveryResult result = EngineNode.recover(journal, recovered);
            assertThat(result.snapshotSeq()).isEqualTo(good.snapshotSeq());
            assertThat(result.batches()).isEqualTo(1_000);
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());
        }
    }

    @Test
    void trimmedJournalRecoversFromTheSnapshotOfItsOldestCycleAndWithoutOneIsRefused() throws IOException
    {
        final long seed = seed("trimmed");
        final MixedInputs stream = new MixedInputs(seed, true, true);
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
        final JournalConfig config = JournalConfig.of(dir.resolve("journal"))
            .withRollCycle(TestRollCycles.TEST_SECONDLY).withTimeProvider(time);
        final Engine engine = new Engine(EngineLimits.defaults());
        final List<Integer> snapshotCycles = new ArrayList<>();
        try (Journal journal = Journal.open(config); JournalWriter writer = journal.createWriter())
        {
            final Recorder recorder = new Recorder(engine, writer, 99);
            stream.definitions().forEach(d -> recorder.apply(d, 0));
            int covered = journal.currentCycle();
            for (int i = 0; i < 6_000; i++)
            {
                if (i % 1_000 == 999)
                {
                    time.advanceMillis(1_000);
                }
                if (journal.currentCycle() > covered) // the engine agent's rule: a snapshot opens each new cycle
                {
                    final EngineSnapshots.Found found = recorder.snapshot();
                    covered = journal.rollCycle().toCycle(found.firstIndex());
                    snapshotCycles.add(covered);
                }
                recorder.apply(stream.next(), i);
            }
        }
        assertThat(snapshotCycles).hasSize(6);

        try (Journal journal = Journal.open(config))
        {
            // retention deleted every cycle before the third snapshot's
            deleteCyclesBefore(journal, snapshotCycles.get(2));
            assertThat(journal.readJournalId()).as("the snapshot opening the oldest cycle carries the id").isEqualTo(99);
            final Engine recovered = new Engine(EngineLimits.defaults());
            final EngineNode.RecoveryResult result = EngineNode.recover(journal, recovered);
            assertThat(result.journalId()).isEqualTo(99);
            assertThat(journal.rollCycle().toCycle(result.snapshotIndex())).isEqualTo(snapshotCycles.get(5));
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());
            assertThat(recovered.nextSeq()).isEqualTo(engine.nextSeq());
        }

        // the same trimmed journal without its snapshots: it starts after seq 1 and nothing can restore the rest
        final Path copy = dir.resolve("no-snapshot");
        Files.createDirectories(copy);
        try (Journal source = Journal.open(config.asReadOnly());
            Journal target = Journal.open(JournalConfig.of(copy)); JournalWriter writer = target.createWriter())
        {
            copyBatchesOnly(source, writer);
        }
        try (Journal journal = Journal.open(JournalConfig.of(copy).asReadOnly()))
        {
            assertThatThrownBy(() -> EngineNode.recover(journal, new Engine(EngineLimits.defaults())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds no usable snapshot");
        }
    }

    private static void copyBatchesOnly(final Journal source, final JournalWriter writer)
    {
        final ByteBuffer copy = ByteBuffer.allocateDirect(EngineLimits.defaults().maxBatchLength());
        final UnsafeBuffer view = new UnsafeBuffer(copy);
        writer.source(copy);
        try (io.tickwire.engine.journal.JournalReader reader = new io.tickwire.engine.journal.JournalReader(source))
        {
            while (reader.poll((buffer, length, index) ->
            {
                if (!EngineSnapshots.isSnapshotPart(buffer, length))
                {
                    view.putBytes(0, buffer, 0, length);
                    writer.append(length);
                }
            }))
            {
                // copying
            }
        }
    }

    /**
     * Deletes the cycle files before {@code cycle}, as retention does, with the journal's directory listing updated.
     */
    static void deleteCyclesBefore(final Journal journal, final int cycle) throws IOException
    {
        for (final int c : journal.cycles())
        {
            if (c < cycle)
            {
                Files.delete(journal.cycleFile(c));
            }
        }
        journal.refreshDirectoryListing();
    }

    private static void appendPart(
        final JournalWriter writer, final long seq, final int part, final boolean last, final long checksum,
        final byte[] state)
    {
        final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(256);
        final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
        final EngineSnapshotEncoder encoder = new EngineSnapshotEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .snapshotSeq(seq).journalId(77).engineTime(1).part(part).last((short)(last ? 1 : 0))
            .formatVersion(EngineSnapshots.FORMAT_VERSION).checksum(checksum);
        final int lengthOffset = MessageHeaderEncoder.ENCODED_LENGTH + EngineSnapshotEncoder.BLOCK_LENGTH;
        buffer.putInt(lengthOffset, state.length, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(lengthOffset + 4, state);
        writer.append(byteBuffer, lengthOffset + 4 + state.length);
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
