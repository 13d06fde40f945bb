package io.tickwire.replay;

import io.tickwire.codecs.json.Channel;
import io.tickwire.replay.JournalFixture.Event;
import io.tickwire.replay.JournalFixture.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class JournalRangeTest
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
    void randomRangesEqualAFilteredLinearScan()
    {
        final Random random = seeded("JournalRangeTest.random");
        // engine snapshots open each cycle and sit between batches: a range never yields them
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random).writeManyCycles(4_000, true);
            JournalIndex index = new JournalIndex(fixture.journal))
        {
            final List<Event> all = JournalFixture.decodeAll(fixture.journal).events;
            final long lastSeq = index.lastSeq();
            final long firstTime = JournalFixture.T0;
            final long lastTime = fixture.engineTime;
            long lines = 0;
            int emptyRounds = 0;
            for (int round = 0; round < 60; round++)
            {
                final long after = random.nextInt(4) == 0 ? 0 : (long)(random.nextDouble() * (lastSeq + 3));
                final long to = random.nextInt(3) == 0 ? Long.MAX_VALUE : after + 1 + random.nextInt((int)lastSeq);
                JournalRange.Selection selection = JournalRange.Selection.all().seqs(after, to)
                    .withSymbols(randomSymbols(random)).withChannels(randomChannels(random))
                    .withDefinitions(random.nextBoolean());
                if (random.nextInt(3) == 0)
                {
                    final long from = firstTime - 10 + (long)(random.nextDouble() * (lastTime - firstTime + 20));
                    final long until = random.nextBoolean() ? Long.MAX_VALUE : from + (long)(random.nextDouble() * (lastTime - from + 10));
                    selection = selection.times(from, until);
                }
                final Recorder recorder = new Recorder();
                try (JournalRange range = new JournalRange(fixture.journal, index, selection, null, recorder))
                {
                    final int maxBatches = 1 + random.nextInt(64);
                    int read;
                    do
                    {
                        read = range.poll(maxBatches);
                        assertThat(read).isBetween(0, maxBatches);
                    }
                    while (read > 0);
                    final List<String> expected = expected(all, selection);
                    assertThat(recorder.texts()).as("round %d: %s", round, selection).isEqualTo(expected);
                    lines += expected.size();
                    emptyRounds += expected.isEmpty() ? 1 : 0;
                    // A range starting after the last seq reads no batch, so a past toTime cannot end it.
                    final boolean ends = to <= lastSeq || (selection.toTime() <= lastTime && after < lastSeq);
                    assertThat(range.done()).as("done, round %d: %s, journal lastSeq %d, lastTime %d", round, selection,
                        lastSeq, lastTime).isEqualTo(ends);
                    assertThat(range.truncated()).isFalse();
                }
            }
            System.out.println("ranges: " + lines + " lines in 60 ranges, " + emptyRounds + " empty; journal lastSeq " +
                lastSeq);
            assertThat(emptyRounds).isLessThan(30);
        }
    }

    @Test
    void anOpenRangeFollowsTheJournalAndOneStartingAfterTheEndWaitsForItsSeqs()
    {
        final Random random = seeded("JournalRangeTest.follow");
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random).writeManyCycles(600);
            JournalIndex index = new JournalIndex(fixture.journal))
        {
            final long end = index.lastSeq();
            final Recorder everything = new Recorder();
            final Recorder later = new Recorder();
            final JournalRange.Selection afterEnd = JournalRange.Selection.all().seqs(end + 5, Long.MAX_VALUE);
            try (JournalRange open = new JournalRange(fixture.journal, index, JournalRange.Selection.all(), null, everything);
                JournalRange waiting = new JournalRange(fixture.journal, index, afterEnd, null, later))
            {
                while (open.poll(100) > 0)
                {
                    // catch up
                }
                assertThat(waiting.poll(100)).isZero();
                assertThat(later.events).isEmpty();
                for (int i = 0; i < 300; i++)
                {
                    if (i % 100 == 50)
                    {
                        fixture.roll();
                    }
                    fixture.appendRandom();
                    if (random.nextInt(20) == 0)
                    {
                        open.poll(1 + random.nextInt(5));
                        waiting.poll(1 + random.nextInt(5));
                    }
                }
                while (open.poll(100) + waiting.poll(100) > 0)
                {
                    // catch up
                }
                assertThat(open.done()).isFalse();
                final List<Event> all = JournalFixture.decodeAll(fixture.journal).events;
                assertThat(everything.texts()).isEqualTo(expected(all, JournalRange.Selection.all()));
                assertThat(later.texts()).isEqualTo(expected(all, afterEnd));
                assertThat(later.events.stream().filter(e -> e.seq() > 0).mapToLong(Event::seq).min().orElseThrow())
                    .isEqualTo(end + 6);
                assertThat(open.lastSeqRead()).isEqualTo(index.lastSeq());
            }
        }
    }

    @Test
    void aRangeStartingAfterTheLastSeqWithAPastToTimeEndsAtTheNextBatchNotBefore()
    {
        final Random random = seeded("JournalRangeTest.pastToTime");
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random).writeManyCycles(300);
            JournalIndex index = new JournalIndex(fixture.journal))
        {
            final long end = index.lastSeq();
            final JournalRange.Selection selection = JournalRange.Selection.all().seqs(end, Long.MAX_VALUE)
                .times(JournalFixture.T0, fixture.engineTime);
            final Recorder recorder = new Recorder();
            try (JournalRange range = new JournalRange(fixture.journal, index, selection, null, recorder))
            {
                assertThat(range.poll(100)).isZero();
                assertThat(range.done()).as("nothing read yet").isFalse();
                fixture.appendRandom();
                assertThat(range.poll(100)).isEqualTo(1);
                assertThat(range.done()).as("a batch at or after toTime was read").isTrue();
                assertThat(recorder.texts()).isEmpty();
            }
        }
    }

    private static Set<String> randomSymbols(final Random random)
    {
        final Set<String> symbols = new HashSet<>();
        if (random.nextBoolean())
        {
            for (final String symbol : List.of("A", "B", "C", "D", "Z"))
            {
                if (random.nextInt(3) == 0)
                {
                    symbols.add(symbol);
                }
            }
        }
        return symbols;
    }

    private static Set<Channel> randomChannels(final Random random)
    {
        final Set<Channel> channels = EnumSet.noneOf(Channel.class);
        if (random.nextBoolean())
        {
            for (final Channel channel : Channel.values())
            {
                if (random.nextBoolean())
                {
                    channels.add(channel);
                }
            }
        }
        return channels;
    }

    /**
     * The range's contract, applied to a linear decode of the whole journal.
     */
    static List<String> expected(final List<Event> all, final JournalRange.Selection selection)
    {
        final List<String> out = new ArrayList<>();
        boolean started = selection.fromTime() == Long.MIN_VALUE;
        int i = 0;
        while (i < all.size())
        {
            final Event batch = all.get(i);
            int j = i + 1;
            while (!all.get(j).kind().equals("end"))
            {
                j++;
            }
            final List<Event> events = all.subList(i + 1, j);
            i = j + 1;
            if (!started)
            {
                if (batch.engineTime() < selection.fromTime())
                {
                    continue;
                }
                started = true;
            }
            if (batch.engineTime() >= selection.toTime() || batch.batchFirstSeq() > selection.toSeq())
            {
                break;
            }
            final List<String> passing = new ArrayList<>();
            for (final Event event : events)
            {
                if (passes(event, selection))
                {
                    passing.add(event.text());
                }
            }
            if (!passing.isEmpty())
            {
                out.add(batch.text());
                out.addAll(passing);
                out.add(all.get(j).text());
            }
            if (batch.batchLastSeq() >= selection.toSeq())
            {
                break;
            }
        }
        return out;
    }

    private static boolean passes(final Event event, final JournalRange.Selection selection)
    {
        if (event.seq() <= selection.afterSeq() || event.seq() > selection.toSeq())
        {
            return false;
        }
        final String symbol = JournalFixture.SYMBOLS.get(event.instrumentId() - 1);
        if (!selection.symbols().isEmpty() && !selection.symbols().contains(symbol))
        {
            return false;
        }
        final Set<Channel> channels = selection.channels();
        return switch (event.kind())
        {
            case "instrument" -> selection.definitions();
            case "trade" -> channels.isEmpty() || channels.contains(Channel.TRADES);
            case "book" -> channels.isEmpty() || channels.contains(Channel.BOOK);
            case "ticker" -> channels.isEmpty() || channels.contains(Channel.TICKER);
            default -> throw new IllegalStateException(event.kind());
        };
    }
}
