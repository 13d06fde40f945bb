package io.tickwire.replay;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.tickwire.codecs.replay.ReplayErrorCode;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Aeron replay service with a real embedded media driver, a real journal written through the engine, and
 * {@link ReplayClient}s: every answer is compared, as a whole list of batch bytes, with a linear scan.
 */
@Timeout(120)
class ReplayServerTest
{
    private static final long JOURNAL_ID = 0x5EED_0000_0000_0001L;
    private static final String REQUESTS = "aeron:ipc";
    private static final int REQUEST_STREAM = 31;

    @TempDir
    Path dir;

    private MediaDriver driver;
    private Aeron aeron;
    private AgentRunner runner;
    private ReplayServer server;
    private final List<ReplayClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(clients);
        CloseHelper.closeAll(runner, aeron, driver);
    }

    private JournalFixture journal(final Random random, final int batches)
    {
        return new JournalFixture(dir.resolve("journal"), random).writeManyCycles(batches);
    }

    private void startServer(final JournalFixture fixture, final int maxReplays)
    {
        final String aeronDir = AeronSupport.uniqueAeronDirectory();
        driver = AeronSupport.launchEmbeddedDriver(aeronDir, EngineConfig.Idle.BACKOFF);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        server = new ReplayServer(aeron, fixture.journal, JOURNAL_ID,
            ReplayServer.Config.defaults(EngineLimits.defaults().maxBatchLength())
                .withRequest(REQUESTS, REQUEST_STREAM).withMaxReplays(maxReplays),
            new SystemNanoClock());
        runner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF), Throwable::printStackTrace,
            null, server);
        AgentRunner.startOnThread(runner);
    }

    private ReplayClient client(final String responseChannel, final int responseStream)
    {
        final ReplayClient client = new ReplayClient(aeron, REQUESTS, REQUEST_STREAM, responseChannel, responseStream);
        clients.add(client);
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!client.connected())
        {
            assertThat(System.nanoTime()).as("request stream connects").isLessThan(deadline);
            Thread.onSpinWait();
        }
        return client;
    }

    /** A replay's outcome: what the client saw. */
    private record Outcome(ReplayClient.State state, List<String> batches, long lastSeq, ReplayErrorCode code)
    {
    }

    private static final class Collector implements ReplayClient.BatchHandler
    {
        final List<String> batches = new ArrayList<>();

        @Override
        public void onBatch(final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            batches.add(HexFormat.of().formatHex(bytes));
        }
    }

    private static void request(final ReplayClient client, final long correlationId, final long journalId,
        final long from, final long to)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!client.request(correlationId, journalId, from, to))
        {
            assertThat(System.nanoTime()).as("request sent").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static boolean finished(final ReplayClient client)
    {
        return client.state() == ReplayClient.State.DONE || client.state() == ReplayClient.State.FAILED;
    }

    private static Outcome await(final ReplayClient client, final Collector collector)
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!finished(client))
        {
            assertThat(System.nanoTime()).as("replay finishes").isLessThan(deadline);
            if (client.poll(collector, 64) == 0)
            {
                Thread.yield();
            }
        }
        return new Outcome(client.state(), collector.batches, client.lastSeq(), client.errorCode());
    }

    private Outcome replay(final ReplayClient client, final long journalId, final long from, final long to)
    {
        request(client, aeron.nextCorrelationId(), journalId, from, to);
        return await(client, new Collector());
    }

    /**
     * The reference: a linear scan of the journal, keeping the batches holding a seq of {@code (from, to]}.
     */
    private static Outcome expected(final JournalFixture fixture, final long from, final long to)
    {
        final List<String> batches = new ArrayList<>();
        long last = from;
        try (JournalReader reader = new JournalReader(fixture.journal))
        {
            final long[] lastSeq = {from};
            while (reader.poll((buffer, length, index) ->
            {
                if (from < to && BatchFields.isBatch(buffer, length) && BatchFields.eventCount(buffer) > 0 &&
                    BatchFields.endSeq(buffer) - 1 > from && BatchFields.firstSeq(buffer) <= to)
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(0, bytes);
                    batches.add(HexFormat.of().formatHex(bytes));
                    lastSeq[0] = BatchFields.endSeq(buffer) - 1;
                }
            }))
            {
                // scanning
            }
            last = lastSeq[0];
        }
        return new Outcome(ReplayClient.State.DONE, batches, last, null);
    }

    @Test
    void randomRangesEqualTheJournalsBatches()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ReplayServerTest seed=" + seed);
        final Random random = new Random(seed);
        // with engine snapshots opening each cycle and between batches: never served, they are not batches
        try (JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random).writeManyCycles(3_000, true))
        {
            startServer(fixture, 4);
            final long lastSeq = JournalFixture.scan(fixture.journal).stream()
                .mapToLong(b -> b.end() - 1).max().orElseThrow();
            final ReplayClient client = client("aeron:ipc", 41);
            final List<long[]> ranges = new ArrayList<>(List.of(
                new long[]{0, Long.MAX_VALUE}, new long[]{0, lastSeq}, new long[]{lastSeq - 1, Long.MAX_VALUE},
                new long[]{lastSeq, Long.MAX_VALUE}, new long[]{17, 17}, new long[]{0, 1}));
            for (int i = 0; i < 20; i++)
            {
                final long from = random.nextLong(lastSeq);
                ranges.add(new long[]{from, from + random.nextLong(lastSeq - from + 1)});
            }
            for (final long[] range : ranges)
            {
                final long to = range[1] == Long.MAX_VALUE ? lastSeq : range[1];
                final Outcome outcome = replay(client, random.nextBoolean() ? JOURNAL_ID : 0, range[0], range[1]);
                assertThat(outcome).as("seed %d range (%d, %d]", seed, range[0], range[1])
                    .isEqualTo(expected(fixture, range[0], to));
                assertThat(client.batchesReceived()).isEqualTo(client.batches());
                assertThat(client.journalId()).isEqualTo(JOURNAL_ID);
            }
            assertThat(server.replaysCompleted()).isEqualTo(ranges.size());
        }
    }

    @Test
    void concurrentReplaysEachGetTheirRangeEvenOnASharedStream()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ReplayServerTest concurrent seed=" + seed);
        final Random random = new Random(seed);
        try (JournalFixture fixture = journal(random, 3_000))
        {
            startServer(fixture, 8);
            final long lastSeq = JournalFixture.scan(fixture.journal).stream()
                .mapToLong(b -> b.end() - 1).max().orElseThrow();
            final int n = 6;
            final List<ReplayClient> replays = new ArrayList<>();
            final List<Collector> collectors = new ArrayList<>();
            final long[][] ranges = new long[n][];
            for (int i = 0; i < n; i++)
            {
                // clients 0..3 have a stream each; 4 and 5 share one
                final ReplayClient client = client("aeron:ipc", i < 4 ? 50 + i : 60);
                replays.add(client);
                collectors.add(new Collector());
                final long from = random.nextLong(lastSeq / 2);
                ranges[i] = new long[]{from, from + lastSeq / 3 + random.nextLong(lastSeq / 6)};
            }
            for (int i = 0; i < n; i++)
            {
                request(replays.get(i), 1000 + i, JOURNAL_ID, ranges[i][0], ranges[i][1]);
            }
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (!replays.stream().allMatch(ReplayServerTest::finished))
            {
                assertThat(System.nanoTime()).as("replays finish").isLessThan(deadline);
                int work = 0;
                for (int i = 0; i < n; i++)
                {
                    work += replays.get(i).poll(collectors.get(i), 8); // slowly: the server is back-pressured
                }
                if (work == 0)
                {
                    Thread.yield();
                }
            }
            for (int i = 0; i < n; i++)
            {
                final ReplayClient client = replays.get(i);
                assertThat(new Outcome(client.state(), collectors.get(i).batches, client.lastSeq(), client.errorCode()))
                    .as("seed %d replay %d (%d, %d]", seed, i, ranges[i][0], ranges[i][1])
                    .isEqualTo(expected(fixture, ranges[i][0], ranges[i][1]));
            }
        }
    }

    @Test
    void badRangesForeignJournalsAndTheLimitGetErrors()
    {
        final Random random = new Random(7);
        try (JournalFixture fixture = journal(random, 3_000))
        {
            startServer(fixture, 1);
            final long lastSeq = JournalFixture.scan(fixture.journal).stream()
                .mapToLong(b -> b.end() - 1).max().orElseThrow();
            final ReplayClient client = client("aeron:ipc", 70);

            assertThat(replay(client, JOURNAL_ID, lastSeq + 1, Long.MAX_VALUE).code())
                .isEqualTo(ReplayErrorCode.RANGE_AFTER_END);
            assertThat(client.errorLastSeq()).isEqualTo(lastSeq);
            assertThat(replay(client, JOURNAL_ID, 5, lastSeq + 1).code()).isEqualTo(ReplayErrorCode.RANGE_AFTER_END);
            assertThat(replay(client, JOURNAL_ID, 10, 5).code()).isEqualTo(ReplayErrorCode.BAD_RANGE);
            assertThat(replay(client, JOURNAL_ID, -1, 5).code()).isEqualTo(ReplayErrorCode.BAD_RANGE);
            final Outcome foreign = replay(client, 0x0BAD, 0, 5);
            assertThat(foreign.state()).isEqualTo(ReplayClient.State.FAILED);
            assertThat(foreign.code()).isEqualTo(ReplayErrorCode.UNKNOWN_JOURNAL);
            assertThat(foreign.batches()).isEmpty();
            assertThat(client.journalId()).isEqualTo(JOURNAL_ID);
            assertThat(client.errorMessage()).contains("bad").contains(Long.toHexString(JOURNAL_ID));

            // At the limit (one replay): a client that does not read keeps its replay open (its small term
            // fills), and the next request is answered BUSY.
            final ReplayClient stalled = client("aeron:ipc?term-length=65536", 71);
            request(stalled, 1, JOURNAL_ID, 0, Long.MAX_VALUE);
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.batchesSent() == 0)
            {
                assertThat(System.nanoTime()).as("stalled replay starts").isLessThan(deadline);
                Thread.yield();
            }
            assertThat(replay(client, JOURNAL_ID, 0, 10).code()).isEqualTo(ReplayErrorCode.BUSY);
            assertThat(stalled.state()).isEqualTo(ReplayClient.State.REQUESTED);
            final Outcome whole = await(stalled, new Collector());
            assertThat(whole).isEqualTo(expected(fixture, 0, lastSeq));
            assertThat(replay(client, JOURNAL_ID, 0, 10)).isEqualTo(expected(fixture, 0, 10));
            assertThat(server.replaysRefused()).isEqualTo(6);
        }
    }

    @Test
    void aRangeBeforeTheRetainedJournalIsRefusedAndTheRetainedStartIsServed()
    {
        final Random random = new Random(11);
        try (JournalFixture fixture = journal(random, 3_000))
        {
            JournalRetention.keepNewestCycles(fixture.journal, 3);
            final List<JournalFixture.BatchRef> retained = JournalFixture.scan(fixture.journal);
            final long firstSeq = retained.stream().filter(b -> b.eventCount() > 0).findFirst().orElseThrow().firstSeq();
            assertThat(firstSeq).isGreaterThan(1);
            startServer(fixture, 2);
            final ReplayClient client = client("aeron:ipc", 80);
            final Outcome before = replay(client, JOURNAL_ID, firstSeq - 2, Long.MAX_VALUE);
            assertThat(before.code()).isEqualTo(ReplayErrorCode.RANGE_BEFORE_JOURNAL);
            assertThat(client.errorFirstSeq()).isEqualTo(firstSeq);
            final long lastSeq = retained.get(retained.size() - 1).end() - 1;
            assertThat(replay(client, JOURNAL_ID, firstSeq - 1, Long.MAX_VALUE))
                .isEqualTo(expected(fixture, firstSeq - 1, lastSeq));
            assertThat(Arrays.asList(server.replaysCompleted(), server.replaysRefused())).containsExactly(1L, 1L);
        }
    }
}
