package io.tickwire.replay;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.tickwire.codecs.json.Channel;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineLimits;
import io.tickwire.replay.JournalFixture.Event;
import io.tickwire.replay.JournalFixture.Recorder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AeronReplaySource} against a real {@link ReplayServer} (embedded media driver, a journal of many cycles):
 * its status probe learns the journal; concurrent streams, more than its response streams, each deliver exactly a
 * filtered linear scan's events and follow appends; with no service it becomes unavailable and a stream fails
 * within the timeout.
 */
@Timeout(120)
class AeronReplaySourceTest
{
    private static final long JOURNAL_ID = 0x5EED_0000_0000_0001L;
    private static final int REQUEST_STREAM = 131;
    private static final long TIMEOUT_NANOS = 1_000_000_000L;

    @TempDir
    Path dir;

    private String aeronDir;
    private MediaDriver driver;
    private Aeron aeron;
    private AgentRunner runner;

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(runner, aeron, driver);
    }

    private void startServer(final JournalFixture fixture)
    {
        aeronDir = AeronSupport.uniqueAeronDirectory();
        driver = AeronSupport.launchEmbeddedDriver(aeronDir, EngineConfig.Idle.BACKOFF);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        final ReplayServer server = new ReplayServer(aeron, fixture.journal, JOURNAL_ID,
            ReplayServer.Config.defaults(EngineLimits.defaults().maxBatchLength())
                .withRequest("aeron:ipc", REQUEST_STREAM), new SystemNanoClock());
        runner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF), Throwable::printStackTrace,
            null, server);
        AgentRunner.startOnThread(runner);
    }

    private AeronReplaySource source(final int requestStream, final int streams)
    {
        final AeronReplaySource.Config config = new AeronReplaySource.Config("aeron:ipc", requestStream, "aeron:ipc",
            200, streams, TIMEOUT_NANOS, 200_000_000L);
        return new AeronReplaySource(config,
            () -> Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir).useConductorAgentInvoker(true)),
            new SystemNanoClock());
    }

    private static void workUntil(final AeronReplaySource source, final String what, final BooleanSupplier done)
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean())
        {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            if (source.doWork() == 0)
            {
                Thread.yield();
            }
        }
    }

    @Test
    void concurrentStreamsEqualAFilteredLinearScanAndFollowAppends()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("AeronReplaySourceTest seed=" + seed);
        final Random random = new Random(seed);
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random).writeManyCycles(3_000))
        {
            startServer(fixture);
            try (AeronReplaySource source = source(REQUEST_STREAM, 2))
            {
                assertThat(source.starting()).isTrue();
                workUntil(source, "the probe is answered", () -> !source.starting());
                assertThat(source.available()).isTrue();
                assertThat(source.journalId()).isEqualTo(JOURNAL_ID);
                assertThat(source.firstSeq()).isEqualTo(1);

                final List<Event> all = JournalFixture.decodeAll(fixture.journal).events;
                final long lastSeq = all.stream().mapToLong(Event::seq).max().orElseThrow();
                for (int round = 0; round < 3; round++)
                {
                    // Five streams at once over two response streams: three wait for a slot.
                    final List<long[]> afters = new ArrayList<>();
                    final List<int[]> idLists = new ArrayList<>();
                    final List<Set<Channel>> channelSets = new ArrayList<>();
                    final List<Recorder> recorders = new ArrayList<>();
                    final List<ReplayStream> streams = new ArrayList<>();
                    for (int s = 0; s < 5; s++)
                    {
                        final long after = (long)(random.nextDouble() * (lastSeq + 1));
                        final int[] ids = random.nextBoolean() ? new int[]{1 + random.nextInt(4)} :
                            new int[]{1, 2, 3, 4};
                        final Set<Channel> channels = random.nextBoolean() ? EnumSet.of(Channel.TRADES) :
                            EnumSet.of(Channel.BOOK, Channel.TICKER);
                        final Recorder recorder = new Recorder();
                        afters.add(new long[]{after});
                        idLists.add(ids);
                        channelSets.add(channels);
                        recorders.add(recorder);
                        streams.add(source.open(after, ids, channels, recorder));
                    }
                    workUntil(source, "every stream reaches the journal's end", () ->
                    {
                        boolean all1 = true;
                        for (final ReplayStream stream : streams)
                        {
                            stream.poll(1 + random.nextInt(16));
                            assertThat(stream.failure()).isNull();
                            if (stream.lastSeqRead() < lastSeq)
                            {
                                all1 = false;
                            }
                            else
                            {
                                stream.close(); // frees its slot for a waiting stream
                            }
                        }
                        return all1;
                    });
                    for (int s = 0; s < streams.size(); s++)
                    {
                        final long after = afters.get(s)[0];
                        final int[] ids = idLists.get(s);
                        final Set<Channel> channels = channelSets.get(s);
                        assertThat(streams.get(s).lastSeqRead()).isEqualTo(Math.max(after, lastSeq));
                        final List<String> got = recorders.get(s).events.stream()
                            .filter(e -> !e.kind().equals("batch") && !e.kind().equals("end"))
                            .map(Event::text).toList();
                        final List<String> expected = all.stream()
                            .filter(e -> e.seq() > after && List.of("trade", "book", "ticker").contains(e.kind()))
                            .filter(e -> contains(ids, e.instrumentId()))
                            .filter(e -> channels.contains(e.kind().equals("trade") ? Channel.TRADES :
                                e.kind().equals("book") ? Channel.BOOK : Channel.TICKER))
                            .map(Event::text).toList();
                        assertThat(got).as("seed %d round %d stream %d after %d", seed, round, s, after)
                            .isEqualTo(expected);
                    }
                }

                // A stream at the end follows what is appended next (in further rounds of requests).
                final Recorder recorder = new Recorder();
                try (ReplayStream stream = source.open(lastSeq, new int[]{1, 2, 3, 4}, EnumSet.allOf(Channel.class),
                    recorder))
                {
                    for (int i = 0; i < 50; i++)
                    {
                        fixture.appendRandom();
                    }
                    final List<Event> now = JournalFixture.decodeAll(fixture.journal).events;
                    final long newLast = now.stream().mapToLong(Event::seq).max().orElseThrow();
                    workUntil(source, "the stream reaches the appended end", () ->
                    {
                        stream.poll(10);
                        return stream.lastSeqRead() >= newLast;
                    });
                    assertThat(stream.lastSeqRead()).isEqualTo(newLast);
                    assertThat(recorder.events.stream().filter(e -> e.seq() > 0).map(Event::text).toList())
                        .isEqualTo(now.stream().filter(e -> e.seq() > lastSeq && !e.kind().equals("instrument"))
                            .map(Event::text).toList());
                }
            }
        }
    }

    @Test
    void withoutAServiceTheSourceIsUnavailableAndAStreamFailsWithinTheTimeout()
    {
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), new Random(1)).writeManyCycles(10))
        {
            startServer(fixture); // listening on another request stream: nobody answers this source
            try (AeronReplaySource source = source(REQUEST_STREAM + 1, 2))
            {
                final long start = System.nanoTime();
                workUntil(source, "the probe times out", () -> !source.starting());
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TIMEOUT_NANOS);
                assertThat(source.available()).isFalse();
                assertThat(source.journalId()).isZero();
                try (ReplayStream stream = source.open(0, new int[]{1}, EnumSet.of(Channel.TRADES), new Recorder()))
                {
                    final long opened = System.nanoTime();
                    workUntil(source, "the stream fails", () ->
                    {
                        assertThat(stream.poll(1)).isZero();
                        return stream.failure() != null;
                    });
                    assertThat(System.nanoTime() - opened).isGreaterThanOrEqualTo(TIMEOUT_NANOS);
                    assertThat(stream.failure()).isEqualTo("the replay service sent nothing for 1000 ms");
                    assertThat(stream.lastSeqRead()).isZero();
                }
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
