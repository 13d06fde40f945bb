package io.tickwire.replay;

import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.Journal;
import io.tickwire.replay.JournalFixture.BatchRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class JournalRetentionTest
{
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @TempDir
    Path dir;

    @Test
    void retentionDeletesOldCyclesAndLookupsReportWhatIsGone() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("JournalRetentionTest seed=" + seed);
        final Random random = new Random(seed);
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random).writeManyCycles(5_000);
            Journal otherProcess = Journal.open(fixture.config.asReadOnly());
            JournalIndex warm = new JournalIndex(fixture.journal);
            JournalIndex otherIndex = new JournalIndex(otherProcess))
        {
            final List<BatchRef> before = JournalFixture.scan(fixture.journal);
            final long lastSeq = before.get(before.size() - 1).end() - 1;
            final List<String> dumpBefore = dump(fixture.journal, null);
            final List<JournalFixture.Event> eventsBefore = JournalFixture.decodeAll(fixture.journal).events;
            assertThat(warm.indexOfSeq(5)).isEqualTo(JournalFixture.indexOfSeq(before, 5));
            assertThat(otherIndex.indexOfSeq(lastSeq / 2)).isEqualTo(JournalFixture.indexOfSeq(before, lastSeq / 2));
            final int[] cyclesBefore = fixture.journal.cycles();
            assertThat(cyclesBefore.length).isGreaterThanOrEqualTo(10);

            final JournalRetention.Result result = JournalRetention.keepNewestCycles(fixture.journal, 4);

            final int firstKept = cyclesBefore[cyclesBefore.length - 4];
            final List<BatchRef> retained = before.stream()
                .filter(b -> fixture.journal.rollCycle().toCycle(b.index()) >= firstKept).toList();
            final long firstSeq = retained.get(0).firstSeq();
            final long definitionsDeleted = eventsBefore.stream()
                .filter(e -> e.kind().equals("instrument") && e.seq() < firstSeq).count();
            assertThat(definitionsDeleted).isGreaterThanOrEqualTo(3);
            assertThat(result).isEqualTo(new JournalRetention.Result(cyclesBefore.length - 4, result.bytesDeleted(), 4,
                firstSeq, (int)definitionsDeleted));
            assertThat(result.bytesDeleted()).isPositive();
            assertThat(cq4Files()).hasSize(4);
            assertThat(Files.exists(dir.resolve("journal").resolve(RetainedPrefix.FILE_NAME))).isTrue();
            assertThat(JournalFixture.scan(fixture.journal)).isEqualTo(retained);

            try (JournalIndex fresh = new JournalIndex(fixture.journal))
            {
                for (final JournalIndex index : List.of(fresh, warm, otherIndex))
                {
                    final List<Long> expected = new ArrayList<>();
                    final List<Long> actual = new ArrayList<>();
                    for (long seq = 0; seq <= lastSeq + 2; seq++)
                    {
                        expected.add(JournalFixture.indexOfSeq(retained, seq));
                        actual.add(index.indexOfSeq(seq));
                    }
                    for (int i = 0; i < 200; i++)
                    {
                        final long time = JournalFixture.T0 + (long)(random.nextDouble() * (fixture.engineTime - JournalFixture.T0));
                        expected.add(JournalFixture.indexAtOrAfterTime(retained, time));
                        actual.add(index.indexAtOrAfterTime(time));
                    }
                    assertThat(actual).isEqualTo(expected);
                    assertThat(List.of(index.firstSeq(), index.lastSeq(), index.journalId()))
                        .isEqualTo(List.of(firstSeq, lastSeq, 0x5EED_0000_0000_0001L));
                }
            }
            assertThat(expectedBeforeRetained(firstSeq)).isEqualTo(JournalIndex.BEFORE_RETAINED);

            // Readers still know every instrument (A, B, C were defined in deleted cycles) and the dump shows
            // every retained event, saying where it starts.
            assertThat(InstrumentCatalog.load(fixture.journal, Long.MAX_VALUE).instruments().stream()
                .map(InstrumentCatalog.Instrument::symbol).toList()).isEqualTo(List.of("A", "B", "C", "D"));
            final ByteArrayOutputStream progress = new ByteArrayOutputStream();
            final List<String> dumpAfter = dump(fixture.journal, new PrintStream(progress, true, StandardCharsets.UTF_8));
            assertThat(dumpAfter).isEqualTo(dumpBefore.stream().filter(line -> seqOf(line) >= firstSeq).toList());
            assertThat(progress.toString(StandardCharsets.UTF_8))
                .contains("were deleted by journal retention; starting at " + firstSeq);
            try (JournalIndex index = new JournalIndex(fixture.journal);
                JournalRange range = new JournalRange(fixture.journal, index, JournalRange.Selection.all(), null,
                    new JournalFixture.Recorder()))
            {
                assertThat(range.truncated()).isTrue();
            }

            // This fixture writes no engine snapshot: the engine cannot recover from the trimmed journal and
            // refuses rather than starting wrong.
            assertThatThrownBy(() -> EngineNode.recover(fixture.journal, new Engine(EngineLimits.defaults())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("holds no usable snapshot");

            // Again with the same limit: nothing to do.
            assertThat(JournalRetention.keepNewestCycles(fixture.journal, 4).cyclesDeleted()).isZero();

            // By time: cycles holding only batches before the time go, the one holding its batch stays.
            final BatchRef middle = retained.get(retained.size() / 2);
            final JournalRetention.Result byTime = JournalRetention.deleteOlderThan(fixture.journal, middle.engineTime());
            final long batchAtTime = JournalFixture.indexAtOrAfterTime(retained, middle.engineTime());
            final int keptCycle = fixture.journal.rollCycle().toCycle(batchAtTime);
            final List<BatchRef> left = retained.stream()
                .filter(b -> fixture.journal.rollCycle().toCycle(b.index()) >= keptCycle).toList();
            assertThat(JournalFixture.scan(fixture.journal)).isEqualTo(left);
            assertThat(byTime.firstSeq()).isEqualTo(left.get(0).firstSeq());

            // Never the newest cycle, whatever the time.
            JournalRetention.deleteOlderThan(fixture.journal, Long.MAX_VALUE);
            assertThat(cq4Files()).hasSize(1);
            try (JournalIndex index = new JournalIndex(fixture.journal))
            {
                assertThat(List.of(index.lastSeq(), index.journalId())).isEqualTo(List.of(lastSeq, 0x5EED_0000_0000_0001L));
            }
        }
    }

    private static long expectedBeforeRetained(final long firstSeq)
    {
        return firstSeq > 1 ? JournalIndex.BEFORE_RETAINED : JournalIndex.AFTER_END;
    }

    private List<Path> cq4Files() throws IOException
    {
        try (Stream<Path> files = Files.list(dir.resolve("journal")))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).toList();
        }
    }

    private static List<String> dump(final Journal journal, final PrintStream progress) throws InterruptedException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new JournalDump(JournalDump.Format.NDJSON, 1, Long.MAX_VALUE, Set.of(), out, progress).run(journal, false, () -> false);
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static long seqOf(final String line)
    {
        final Matcher matcher = SEQ.matcher(line);
        assertThat(matcher.find()).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
