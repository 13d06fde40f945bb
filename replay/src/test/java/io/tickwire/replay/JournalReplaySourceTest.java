package io.tickwire.replay;

import io.tickwire.codecs.json.Channel;
import io.tickwire.replay.JournalFixture.Event;
import io.tickwire.replay.JournalFixture.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class JournalReplaySourceTest
{
    @TempDir
    Path dir;

    @Test
    void streamsEqualAFilteredLinearScanAndFollowAppends()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("JournalReplaySourceTest seed=" + seed);
        final Random random = new Random(seed);
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random).writeManyCycles(3_000);
            JournalReplaySource source = new JournalReplaySource(fixture.journal))
        {
            assertThat(source.journalId()).isEqualTo(0x5EED_0000_0000_0001L);
            assertThat(source.firstSeq()).isEqualTo(1);
            final List<Event> all = JournalFixture.decodeAll(fixture.journal).events;
            final long lastSeq = all.stream().mapToLong(Event::seq).max().orElseThrow();
            for (int round = 0; round < 30; round++)
            {
                final long after = (long)(random.nextDouble() * (lastSeq + 1));
                final int[] ids = random.nextBoolean() ? new int[]{1 + random.nextInt(4)} : new int[]{1, 2, 3, 4};
                final Set<Channel> channels = random.nextBoolean() ? EnumSet.of(Channel.TRADES) :
                    EnumSet.of(Channel.BOOK, Channel.TICKER);
                final Recorder recorder = new Recorder();
                try (ReplayStream stream = source.open(after, ids, channels, recorder))
                {
                    while (stream.poll(1 + random.nextInt(16)) > 0)
                    {
                        assertThat(stream.lastSeqRead()).isGreaterThanOrEqualTo(after);
                    }
                    assertThat(stream.truncated()).isFalse();
                    assertThat(stream.lastSeqRead()).isEqualTo(Math.max(after, lastSeq));
                }
                final List<String> got = recorder.events.stream()
                    .filter(e -> !e.kind().equals("batch") && !e.kind().equals("end")).map(Event::text).toList();
                final List<String> expected = all.stream()
                    .filter(e -> e.seq() > after && List.of("trade", "book", "ticker").contains(e.kind()))
                    .filter(e -> contains(ids, e.instrumentId()))
                    .filter(e -> channels.contains(e.kind().equals("trade") ? Channel.TRADES :
                        e.kind().equals("book") ? Channel.BOOK : Channel.TICKER))
                    .map(Event::text).toList();
                assertThat(got).as("round %d after %d", round, after).isEqualTo(expected);
            }

            // A stream at the end follows what is appended next.
            final Recorder recorder = new Recorder();
            try (ReplayStream stream = source.open(lastSeq, new int[]{1, 2, 3, 4}, EnumSet.allOf(Channel.class), recorder))
            {
                assertThat(stream.poll(10)).isZero();
                for (int i = 0; i < 50; i++)
                {
                    fixture.appendRandom();
                }
                while (stream.poll(10) > 0)
                {
                    // catching up with the appends
                }
                final List<Event> now = JournalFixture.decodeAll(fixture.journal).events;
                final long newLast = now.stream().mapToLong(Event::seq).max().orElseThrow();
                assertThat(stream.lastSeqRead()).isEqualTo(newLast);
                assertThat(recorder.events.stream().filter(e -> e.seq() > 0).map(Event::text).toList())
                    .isEqualTo(now.stream().filter(e -> e.seq() > lastSeq && !e.kind().equals("instrument"))
                        .map(Event::text).toList());
            }
        }
    }

    private static boolean contains(final int[] ids, final int id)
    {
        for (final int i : ids)
        {
            if (i == id)
            {
                return true;
            }
        }
        return false;
    }
}
