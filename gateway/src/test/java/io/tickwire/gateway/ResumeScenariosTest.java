package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.replay.JournalIndex;
import io.tickwire.replay.JournalRetention;
import io.aeron.driver.MediaDriver;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume where the gateway's memory cannot help: on a second gateway after the first was closed, after a full
 * restart of engine and gateway on the same journal, and the answers that must say {@code recovered:false}
 * (from before what the journal keeps, another journal's epoch, a seq beyond the journal's end), and a resume
 * from a seq the gateway's bus has not brought yet (served: the gateway applies its journal up to it).
 */
@Timeout(180)
class ResumeScenariosTest
{
    private static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private ResumingClient newClient(final int number)
    {
        final ResumingClient client = new ResumingClient(number, http, 5);
        client.streams.put("trades", SYMBOLS);
        client.streams.put("book", SYMBOLS);
        client.streams.put("ticker", SYMBOLS);
        return client;
    }

    /**
     * Reads until {@code condition}, within 60 s.
     */
    private static void readUntil(final ResumingClient client, final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("condition within 60 s").isLessThan(deadline);
            if (client.drain() == 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
    }

    private static void awaitSeq(final LongSupplier seq, final long atLeast)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seq.getAsLong() < atLeast)
        {
            assertThat(System.nanoTime()).as("seq %d within 60 s", atLeast).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static long tradesReceived(final ResumingClient client)
    {
        return client.checker.trades.size();
    }

    /** Resumes the client on {@code gateway}, lets every replay go live, then ends with a pong. */
    private static void resumeAndFinish(final ResumingClient client, final URI uri, final GatewayServer gateway)
        throws Exception
    {
        client.connect(uri, true);
        readUntil(client, () -> client.subscribed() && gateway.counters().activeReplays.get() == 0);
        final long trades = tradesReceived(client);
        readUntil(client, () -> tradesReceived(client) > trades + 20); // live trades after the cut-over
        client.pingAndDrain(Duration.ofSeconds(30));
        assertThat(client.checker.notRecovered).isEmpty();
        assertThat(client.checker.resumed).hasSize(6);
        assertThat(gateway.counters().replayedTrades.get()).as("the resume replayed missed trades").isPositive();
    }

    @Test
    void resumeOnASecondGatewayAfterTheFirstWasClosed() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ResumeScenariosTest.secondGateway seed=" + seed);
        final ResumingClient client = newClient(0);
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 1_000, seed, c -> { }))
        {
            final GatewayConfig firstConfig = new GatewayConfig();
            firstConfig.port = 0;
            firstConfig.host = "127.0.0.1";
            firstConfig.aeronDirectory = fixture.engine.aeronDirectory();
            firstConfig.journalDirectory = fixture.journal;
            final GatewayServer first = GatewayServer.launch(firstConfig);
            try
            {
                client.connect(URI.create("ws://127.0.0.1:" + first.port() + "/stream"), true);
                readUntil(client, () -> tradesReceived(client) >= 50);
            }
            finally
            {
                first.close();
            }
            client.abort();
            final long last = client.checker.lastSeq.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            // The market moves on while the client is away; the second gateway has applied past the client's seqs.
            awaitSeq(() -> fixture.gateway.counters().lastSeq.get(), last + 3_000);
            resumeAndFinish(client, fixture.streamUri(), fixture.gateway);
        }
        finally
        {
            client.close();
        }
        final ResumeChecks.Counts counts = ResumeChecks.verify(dir.resolve("journal"), List.of(client));
        System.out.println("second gateway: " + counts);
    }

    @Test
    void resumeAfterAFullRestartOnTheSameJournal() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ResumeScenariosTest.restart seed=" + seed);
        final ResumingClient client = newClient(0);
        try
        {
            try (TickwireFixture fixture = new TickwireFixture(dir, 4, 1_000, seed, c -> { }))
            {
                client.connect(fixture.streamUri(), true);
                readUntil(client, () -> tradesReceived(client) >= 50);
                // The whole system stops with the client connected; what it had not read yet is lost with it.
            }
            client.abort();
            final String epoch = client.epoch();
            assertThat(epoch).matches("[0-9a-f]{16}");
            final long last = client.checker.lastSeq.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            try (TickwireFixture fixture = new TickwireFixture(dir, 4, 1_000, seed + 1, c -> { }))
            {
                assertThat(String.format("%016x", fixture.engine.journalId())).isEqualTo(epoch);
                awaitSeq(() -> fixture.gateway.counters().lastSeq.get(), last + 3_000);
                resumeAndFinish(client, fixture.streamUri(), fixture.gateway);
            }
        }
        finally
        {
            client.close();
        }
        final ResumeChecks.Counts counts = ResumeChecks.verify(dir.resolve("journal"), List.of(client));
        System.out.println("restart: " + counts);
    }

    @Test
    void anotherEpochOrASeqNotReachedIsNotRecoveredAndRestartsWithASnapshot() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ResumeScenariosTest.epoch seed=" + seed);
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 500, seed, c -> { });
            JdkClient client = new JdkClient(http, fixture.streamUri(), Map.of()))
        {
            client.send("{\"op\":\"ping\",\"id\":1}");
            final JsonNode pong = client.nextOfType("pong", Duration.ofSeconds(10));
            final String epoch = pong.path("epoch").asText();
            assertThat(epoch).isEqualTo(String.format("%016x", fixture.engine.journalId()));
            final long seq = pong.path("seq").asLong();
            final String other = epoch.startsWith("0") ? "1" + epoch.substring(1) : "0" + epoch.substring(1);

            client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"],\"depth\":3," +
                "\"from\":" + (seq - 10) + ",\"epoch\":\"" + other + "\"}");
            assertRestarted(client, 2, epoch);

            client.send("{\"op\":\"subscribe\",\"id\":3,\"channel\":\"ticker\",\"symbols\":[\"ETH-USD\"]," +
                "\"from\":" + (seq + 1_000_000) + ",\"epoch\":\"" + epoch + "\"}");
            assertRestarted(client, 3, epoch);

            client.send("{\"op\":\"subscribe\",\"id\":4,\"channel\":\"book\",\"symbols\":[\"ETH-USD\"],\"depth\":3," +
                "\"from\":" + (seq - 10) + ",\"epoch\":\"" + epoch.toUpperCase() + "\"}");
            final JsonNode resumed = client.nextOfType("subscribed", Duration.ofSeconds(10));
            assertThat(resumed.path("recovered").asBoolean()).as("%s", resumed).isTrue();
            final JsonNode book = client.nextOfType("book", Duration.ofSeconds(10));
            assertThat(book.path("prev").asLong()).isEqualTo(seq - 10);
            assertThat(book.path("seq").asLong()).isEqualTo(resumed.path("seq").asLong());
            assertThat(book.path("snapshot").asBoolean()).isTrue();
            assertThat(book.path("conflated").asBoolean()).isTrue();
            assertThat(fixture.gateway.counters().resumesNotRecovered.get()).isEqualTo(2);
        }
    }

    @Test
    void aResumeFromAheadOfTheGatewayIsServedFromItsJournal() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ResumeScenariosTest.ahead seed=" + seed);
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 1_000, seed, c -> { }))
        {
            // A gateway that lags the bus: nobody publishes on its bus stream and it never reads the journal ahead
            // by itself, so it stays at the journal's end at its start while the engine and the other gateway go on.
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = fixture.engine.aeronDirectory();
            config.journalDirectory = fixture.journal;
            config.busStreamId = 98;
            config.journalCatchUpAfter = Duration.ofHours(1);
            config.ingressChannel = null;
            try (GatewayServer lagging = GatewayServer.launch(config))
            {
                final long start = lagging.counters().lastSeq.get();
                awaitSeq(() -> fixture.gateway.counters().lastSeq.get(), start + 500);
                final long from;
                try (JdkClient ahead = new JdkClient(http, fixture.streamUri(), Map.of()))
                {
                    ahead.send("{\"op\":\"ping\",\"id\":1}");
                    from = ahead.nextOfType("pong", Duration.ofSeconds(10)).path("seq").asLong();
                }
                assertThat(lagging.counters().lastSeq.get()).as("the gateway lags the client's seq").isLessThan(from);
                final String epoch = String.format("%016x", fixture.engine.journalId());
                try (JdkClient client = new JdkClient(http,
                    URI.create("ws://127.0.0.1:" + lagging.port() + "/stream"), Map.of()))
                {
                    client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"]," +
                        "\"depth\":3,\"from\":" + from + ",\"epoch\":\"" + epoch + "\"}");
                    final JsonNode reply = client.nextOfType("subscribed", Duration.ofSeconds(10));
                    assertThat(reply.path("recovered").asBoolean()).as("%s", reply).isTrue();
                    assertThat(reply.path("seq").asLong()).isGreaterThanOrEqualTo(from);
                    final JsonNode book = client.nextOfType("book", Duration.ofSeconds(10));
                    assertThat(book.path("prev").asLong()).isEqualTo(from);
                    assertThat(book.path("seq").asLong()).isEqualTo(reply.path("seq").asLong());
                    assertThat(book.path("conflated").asBoolean()).isTrue();
                    assertThat(lagging.counters().lastSeq.get()).isGreaterThanOrEqualTo(from);
                    assertThat(lagging.counters().resumesNotRecovered.get()).isZero();
                }
            }
        }
    }

    /**
     * The next {@code subscribed} says recovered:false at the current seq, and the stream restarts with a
     * snapshot whose prev and seq are that seq.
     */
    private static void assertRestarted(final JdkClient client, final int id, final String epoch) throws Exception
    {
        final JsonNode reply = client.nextOfType("subscribed", Duration.ofSeconds(10));
        assertThat(reply.path("id").asInt()).isEqualTo(id);
        assertThat(reply.path("recovered").isBoolean()).isTrue();
        assertThat(reply.path("recovered").asBoolean()).as("%s", reply).isFalse();
        assertThat(reply.path("epoch").asText()).isEqualTo(epoch);
        final String type = reply.path("channel").asText();
        final JsonNode snapshot = client.nextOfType(type, Duration.ofSeconds(10));
        assertThat(snapshot.path("seq").asLong()).isEqualTo(reply.path("seq").asLong());
        assertThat(snapshot.path("prev").asLong()).isEqualTo(reply.path("seq").asLong());
        if ("book".equals(type))
        {
            assertThat(snapshot.path("snapshot").asBoolean()).isTrue();
            assertThat(snapshot.has("conflated")).isFalse();
        }
    }

    @Test
    void fromBeforeRetentionIsNotRecoveredAndFromTheFirstKeptSeqIs() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ResumeScenariosTest.retention seed=" + seed);
        // A journal of several one-second cycles, then a trimmed copy keeping the newest two.
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 1_000, seed,
            e -> e.journal(JournalConfig.of(dir.resolve("journal")).withRollCycle(TestRollCycles.TEST_SECONDLY)),
            c -> { }))
        {
            awaitCycles(fixture.journal, 5);
        }
        final Path copy = dir.resolve("copy");
        copyDirectory(dir.resolve("journal"), copy);
        final JournalConfig copyConfig = JournalConfig.of(copy).withRollCycle(TestRollCycles.TEST_SECONDLY);
        final long firstKept;
        final long last;
        try (Journal journal = Journal.open(copyConfig))
        {
            final JournalRetention.Result result = JournalRetention.keepNewestCycles(journal, 2);
            assertThat(result.cyclesDeleted()).isPositive();
            try (JournalIndex index = new JournalIndex(journal))
            {
                firstKept = index.firstSeq();
                last = index.lastSeq();
            }
        }
        assertThat(firstKept).isGreaterThan(100);

        final String aeronDir = AeronSupport.uniqueAeronDirectory();
        try (MediaDriver driver = AeronSupport.launchEmbeddedDriver(aeronDir, EngineConfig.Idle.BACKOFF))
        {
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = aeronDir;
            config.journalDirectory = copy;
            try (GatewayServer gateway = GatewayServer.launch(config);
                JdkClient client = new JdkClient(http, URI.create("ws://127.0.0.1:" + gateway.port() + "/stream"), Map.of()))
            {
                assertThat(gateway.counters().lastSeq.get()).isEqualTo(last);
                client.send("{\"op\":\"ping\",\"id\":1}");
                final String epoch = client.nextOfType("pong", Duration.ofSeconds(10)).path("epoch").asText();

                client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"],\"depth\":3," +
                    "\"from\":" + (firstKept - 2) + ",\"epoch\":\"" + epoch + "\"}");
                assertRestarted(client, 2, epoch);
                client.send("{\"op\":\"subscribe\",\"id\":3,\"channel\":\"trades\",\"symbols\":[\"ETH-USD\"]," +
                    "\"from\":" + (firstKept - 2) + "}");
                final JsonNode refused = client.nextOfType("subscribed", Duration.ofSeconds(10));
                assertThat(refused.path("recovered").asBoolean()).isFalse();
                assertThat(refused.path("seq").asLong()).isEqualTo(last);

                // From the last seq before the first kept one: every kept trade, from the journal.
                client.send("{\"op\":\"subscribe\",\"id\":4,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]," +
                    "\"from\":" + (firstKept - 1) + "}");
                final JsonNode served = client.nextOfType("subscribed", Duration.ofSeconds(10));
                assertThat(served.path("recovered").asBoolean()).as("%s", served).isTrue();
                final StreamChecker checker = new StreamChecker();
                checker.lastSeq.put("trades/BTC-USD", firstKept - 1);
                checker.subscribedAt.put("trades/BTC-USD", firstKept - 1);
                final List<JournalTruth.TradeRow> expected = JournalTruth.replay(copy, null).trades.stream()
                    .filter(t -> t.symbol().equals("BTC-USD")).toList();
                assertThat(expected).isNotEmpty();
                assertThat(expected.get(0).seq()).isGreaterThanOrEqualTo(firstKept);
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (checker.trades.size() < expected.size())
                {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    final JsonNode m = client.next(Duration.ofSeconds(10));
                    if ("trade".equals(m.path("type").asText()))
                    {
                        checker.accept(m);
                    }
                }
                assertThat(checker.trades).isEqualTo(expected);
                assertThat(gateway.counters().resumesNotRecovered.get()).isEqualTo(2);
            }
        }
    }

    private static void awaitCycles(final Path journal, final int cycles) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true)
        {
            try (Stream<Path> files = Files.list(journal))
            {
                if (files.filter(f -> f.toString().endsWith(".cq4")).count() >= cycles)
                {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("%d cycles within 60 s", cycles).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
    }

    private static void copyDirectory(final Path from, final Path to) throws Exception
    {
        Files.createDirectories(to);
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(from))
        {
            listing.forEach(files::add);
        }
        for (final Path file : files)
        {
            Files.copy(file, to.resolve(file.getFileName()));
        }
    }
}
