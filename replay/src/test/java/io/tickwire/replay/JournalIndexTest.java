package io.tickwire.replay;

import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.TestInputs;
import io.tickwire.engine.journal.Journal;
import io.tickwire.replay.JournalFixture.BatchRef;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class JournalIndexTest
{
    @TempDir
    Path dir;

    private static Random seeded(final String test)
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println(test + " seed=" + seed);
        return new Random(seed);
    }

    @Test
    void everySeqAndHundredsOfTimesMatchALinearScanAcrossManyRolls()
    {
        everySeqAndTimes(TestRollCycles.TEST_SECONDLY, 6_000);
    }

    /**
     * FIVE_MINUTELY has Chronicle's production index spacing (an entry every 256 excerpts): the lookups
     * then probe index entries and read forward within one spacing.
     */
    @Test
    void everySeqAndTimesMatchALinearScanWithTheProductionIndexSpacing()
    {
        everySeqAndTimes(RollCycles.FIVE_MINUTELY, 12_000);
    }

    /**
     * Engine snapshots open each cycle and sit between some batches: they are not batches, and lookups by seq and
     * by time still equal a linear scan (a snapshot's seq and time tie with the batch before it).
     */
    @Test
    void everySeqAndTimesMatchALinearScanWithEngineSnapshotsBetweenBatches()
    {
        everySeqAndTimes(TestRollCycles.TEST_SECONDLY, 6_000, true);
    }

    private void everySeqAndTimes(final RollCycle rollCycle, final int batchCount)
    {
        everySeqAndTimes(rollCycle, batchCount, false);
    }

    private void everySeqAndTimes(final RollCycle rollCycle, final int batchCount, final boolean snapshots)
    {
        final Random random = seeded("JournalIndexTest.everySeq " + rollCycle + (snapshots ? " snapshots" : ""));
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random, rollCycle)
            .writeManyCycles(batchCount, snapshots);
            JournalIndex index = new JournalIndex(fixture.journal))
        {
            final List<BatchRef> batches = JournalFixture.scan(fixture.journal);
            final int[] cycles = fixture.journal.cycles();
            assertThat(cycles.length).as("cycles").isGreaterThanOrEqualTo(12);
            assertThat(batches).anyMatch(b -> b.eventCount() == 0);
            final long lastSeq = batches.get(batches.size() - 1).end() - 1;
            System.out.println("journal: " + batches.size() + " batches, " + lastSeq + " events, " + cycles.length + " cycles");

            final List<Long> expected = new ArrayList<>();
            final List<Long> actual = new ArrayList<>();
            long maxProbes = 0;
            final long startNanos = System.nanoTime();
            for (long seq = -1; seq <= lastSeq + 3; seq++)
            {
                expected.add(JournalFixture.indexOfSeq(batches, seq));
                final long before = index.probes();
                actual.add(index.indexOfSeq(seq));
                if (seq > 1)
                {
                    maxProbes = Math.max(maxProbes, index.probes() - before);
                }
            }
            final long nanos = System.nanoTime() - startNanos;
            assertThat(actual).isEqualTo(expected);
            System.out.println("indexOfSeq: at most " + maxProbes + " excerpt reads per lookup, " +
                nanos / actual.size() + " ns per lookup (with the reference scan)");
            final long log2 = 64 - Long.numberOfLeadingZeros(batches.size());
            final long spacing = rollCycle.defaultIndexSpacing();
            assertThat(maxProbes).as("O(log n) excerpt reads").isLessThanOrEqualTo(2 * log2 + 2 * spacing + 8);

            final List<Long> times = new ArrayList<>();
            times.add(Long.MIN_VALUE);
            times.add(JournalFixture.T0 - 1);
            times.add(fixture.engineTime + 1);
            times.add(Long.MAX_VALUE);
            for (int i = 0; i < 300; i++)
            {
                times.add(random.nextBoolean() ?
                    batches.get(random.nextInt(batches.size())).engineTime() :
                    JournalFixture.T0 - 50 + (long)(random.nextDouble() * (fixture.engineTime - JournalFixture.T0 + 100)));
            }
            final List<Long> expectedByTime = new ArrayList<>();
            final List<Long> actualByTime = new ArrayList<>();
            for (final long time : times)
            {
                expectedByTime.add(JournalFixture.indexAtOrAfterTime(batches, time));
                actualByTime.add(index.indexAtOrAfterTime(time));
            }
            assertThat(actualByTime).isEqualTo(expectedByTime);

            assertThat(List.of(index.firstSeq(), index.lastSeq(), index.firstBatchIndex(), index.lastBatchIndex(),
                index.journalId())).isEqualTo(List.of(1L, lastSeq, batches.get(0).index(),
                batches.get(batches.size() - 1).index(), 0x5EED_0000_0000_0001L));
            final BatchRef some = batches.get(batches.size() / 3);
            assertThat(List.of(index.firstSeqAt(some.index()), (long)index.eventCountAt(some.index()),
                index.engineTimeAt(some.index()))).isEqualTo(List.of(some.firstSeq(), (long)some.eventCount(), some.engineTime()));
        }
    }

    @Test
    void aClockThatStepsBackGivesABoundaryOfTheTime()
    {
        final Random random = seeded("JournalIndexTest.clockBack");
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random))
        {
            fixture.start(1);
            fixture.addInstrument();
            fixture.addInstrument();
            for (int i = 0; i < 3_000; i++)
            {
                if (i % 300 == 299)
                {
                    fixture.roll();
                }
                if (random.nextInt(200) == 0)
                {
                    fixture.engineTime -= random.nextInt(50_000); // an NTP step back
                }
                fixture.appendRandom();
            }
            try (JournalIndex index = new JournalIndex(fixture.journal))
            {
                final List<BatchRef> batches = JournalFixture.scan(fixture.journal);
                final long min = batches.stream().mapToLong(BatchRef::engineTime).min().orElseThrow();
                final long max = batches.stream().mapToLong(BatchRef::engineTime).max().orElseThrow();
                final List<String> violations = new ArrayList<>();
                for (int i = 0; i < 500; i++)
                {
                    final long time = min - 10 + (long)(random.nextDouble() * (max - min + 20));
                    final long found = index.indexAtOrAfterTime(time);
                    if (found == JournalIndex.AFTER_END)
                    {
                        if (batches.get(batches.size() - 1).engineTime() >= time)
                        {
                            violations.add("after-end for " + time);
                        }
                        continue;
                    }
                    int position = 0;
                    while (batches.get(position).index() != found)
                    {
                        position++;
                    }
                    if (batches.get(position).engineTime() < time ||
                        (position > 0 && batches.get(position - 1).engineTime() >= time))
                    {
                        violations.add("not a boundary for " + time + " at batch " + position);
                    }
                }
                assertThat(violations).isEmpty();
            }
        }
    }

    @Test
    void emptyJournalThenJournalStartThenARejectThenEvents()
    {
        final Random random = seeded("JournalIndexTest.empty");
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random);
            JournalIndex index = new JournalIndex(fixture.journal))
        {
            assertThat(state(index)).isEqualTo(List.of(1L, 0L, JournalIndex.AFTER_END, JournalIndex.AFTER_END,
                JournalIndex.BEFORE_RETAINED, JournalIndex.AFTER_END, 0L));

            fixture.start(42);
            assertThat(state(index)).isEqualTo(List.of(1L, 0L, JournalIndex.AFTER_END, JournalIndex.AFTER_END,
                JournalIndex.BEFORE_RETAINED, JournalIndex.AFTER_END, 42L));

            fixture.roll();
            final long reject = fixture.append(TestInputs.cancel(1, 1, 1)); // unknown instrument: eventCount 0
            assertThat(state(index)).isEqualTo(List.of(1L, 0L, reject, JournalIndex.AFTER_END,
                JournalIndex.BEFORE_RETAINED, reject, 42L));

            fixture.addInstrument();
            fixture.engineTime++;
            final long order = fixture.append(TestInputs.newOrder(1, 1, 1, Side.BUY, OrderType.LIMIT, 100, 1));
            final List<BatchRef> batches = JournalFixture.scan(fixture.journal);
            assertThat(batches.stream().map(BatchRef::eventCount).toList()).isEqualTo(List.of(0, 1, 2));
            assertThat(List.of(index.indexOfSeq(1), index.indexOfSeq(2), index.indexOfSeq(3), index.indexOfSeq(4),
                index.lastSeq(), index.indexAtOrAfterTime(fixture.engineTime)))
                .isEqualTo(List.of(batches.get(1).index(), order, order, JournalIndex.AFTER_END, 3L, order));
        }
    }

    /**
     * @return firstSeq, lastSeq, firstBatchIndex, indexOfSeq(1), indexOfSeq(0), indexAtOrAfterTime(0), journalId.
     */
    private static List<Long> state(final JournalIndex index)
    {
        return List.of(index.firstSeq(), index.lastSeq(), index.firstBatchIndex(), index.indexOfSeq(1),
            index.indexOfSeq(0), index.indexAtOrAfterTime(0), index.journalId());
    }

    @Test
    void lookupsWhileTheEngineAppendsAndRollsSeeAConsistentPrefix() throws Exception
    {
        final Random random = seeded("JournalIndexTest.concurrent");
        final long writerSeed = random.nextLong();
        final int batches = 20_000;
        final AtomicLong publishedEnd = new AtomicLong(1); // end (exclusive) of the last batch appended
        final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), new Random(writerSeed)))
        {
            final Thread writer = new Thread(() ->
            {
                try
                {
                    fixture.start(7);
                    fixture.addInstrument();
                    fixture.addInstrument();
                    publishedEnd.set(fixture.engine.nextSeq());
                    for (int i = 0; i < batches; i++)
                    {
                        if (i % 700 == 699)
                        {
                            fixture.roll();
                        }
                        fixture.appendRandom();
                        publishedEnd.set(fixture.engine.nextSeq());
                    }
                    fixture.closeWriter();
                }
                catch (final Throwable ex)
                {
                    writerFailure.set(ex);
                }
            }, "test-writer");

            try (Journal reader = Journal.open(fixture.config.asReadOnly());
                JournalIndex index = new JournalIndex(reader);
                JournalReader2 check = new JournalReader2(reader))
            {
                writer.start();
                while (publishedEnd.get() == 1 && writerFailure.get() == null)
                {
                    Thread.onSpinWait(); // the writer's first batch: then lookups and appends overlap
                }
                final long startNanos = System.nanoTime();
                long overlapping = 0;
                long lookups = 0;
                long afterEnd = 0;
                long lastSeqSeen = 0;
                while (writer.isAlive() || lookups < 1_000)
                {
                    final long end = publishedEnd.get();
                    final long seq = 1 + (long)(random.nextDouble() * (end + 20));
                    final long result = index.indexOfSeq(seq);
                    if (seq < end)
                    {
                        // Appended before the lookup started: must be found, in the batch that holds it.
                        assertThat(result).as("seq %d, end %d", seq, end).isNotNegative();
                    }
                    if (result >= 0)
                    {
                        final long[] batch = check.batchAt(result);
                        assertThat(batch[0]).as("firstSeq at the index of seq %d", seq).isLessThanOrEqualTo(seq);
                        assertThat(batch[0] + batch[1]).as("end at the index of seq %d", seq).isGreaterThan(seq);
                    }
                    else
                    {
                        assertThat(result).isEqualTo(JournalIndex.AFTER_END);
                        afterEnd++;
                    }
                    final long lastSeq = index.lastSeq();
                    assertThat(lastSeq).as("lastSeq never goes back").isGreaterThanOrEqualTo(lastSeqSeen);
                    lastSeqSeen = lastSeq;
                    lookups++;
                    if (writer.isAlive())
                    {
                        overlapping++;
                    }
                }
                writer.join();
                assertThat(writerFailure.get()).isNull();
                System.out.println("concurrent: " + lookups + " lookups (" + overlapping + " while appending) in " +
                    (System.nanoTime() - startNanos) / 1_000_000 + " ms, " + afterEnd + " after the end, " +
                    reader.cycles().length + " cycles");
                assertThat(overlapping).as("lookups while appending").isGreaterThan(100);
                assertThat(index.lastSeq()).isEqualTo(fixture.engine.nextSeq() - 1);
                final List<BatchRef> all = JournalFixture.scan(reader);
                final List<Long> expected = new ArrayList<>();
                final List<Long> actual = new ArrayList<>();
                for (int i = 0; i < 2_000; i++)
                {
                    final long seq = 1 + random.nextInt((int)fixture.engine.nextSeq() + 5);
                    expected.add(JournalFixture.indexOfSeq(all, seq));
                    actual.add(index.indexOfSeq(seq));
                }
                assertThat(actual).isEqualTo(expected);
            }
        }
    }

    /**
     * Reads the batch at an index with its own tailer (independent of the index under test).
     */
    private static final class JournalReader2 implements AutoCloseable
    {
        private final net.openhft.chronicle.queue.ExcerptTailer tailer;
        private final org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(0, 0);

        JournalReader2(final Journal journal)
        {
            tailer = journal.createTailer();
        }

        long[] batchAt(final long index)
        {
            assertThat(tailer.moveToIndex(index)).as("moveToIndex %x", index).isTrue();
            try (net.openhft.chronicle.wire.DocumentContext dc = tailer.readingDocument())
            {
                assertThat(dc.isPresent()).isTrue();
                final int length = io.tickwire.engine.journal.JournalReader.wrap(dc, view);
                assertThat(BatchFields.isBatch(view, length)).isTrue();
                return new long[]{BatchFields.firstSeq(view), BatchFields.eventCount(view)};
            }
        }

        @Override
        public void close()
        {
            tailer.close();
        }
    }
}
