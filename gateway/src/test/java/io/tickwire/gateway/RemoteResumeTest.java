package io.tickwire.gateway;

import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.ChildJvm;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.replay.ReplayServer;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import static io.tickwire.gateway.BusLossTest.await;
import static io.tickwire.gateway.BusLossTest.metric;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume where the gateway has no memory of the client and no journal of its own, with gateways in other JVMs (each
 * with its own media driver, as on other hosts) fed by a real engine over Aeron UDP (the bus is a dynamic
 * multi-destination publication, so several gateways on one host each have their own endpoint):
 * <ul>
 *   <li>a gateway without a journal serves resumes through the engine's replay service over UDP: clients that drop
 *   and resume with {@code from} at random moments get {@code recovered:true} every time and, over all their
 *   connections, exactly the journal's trades once each, unbroken chains, books and tickers equal to the
 *   journal's ({@link ResumeChecks});</li>
 *   <li>a gateway (with the journal) killed with SIGKILL while its clients stream: the clients resume on another
 *   gateway, with the same checks.</li>
 * </ul>
 */
@Timeout(300)
class RemoteResumeTest
{
    private static final int INSTRUMENTS = 4;
    private static final double RATE = 1_000;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket probe = new DatagramSocket(0))
        {
            return probe.getLocalPort();
        }
    }

    /** The engine: simulator, journal, bus as a dynamic MDC publication, replay service on a UDP request channel. */
    private EngineNode engine(final long seed, final String busControl, final String replayChannel)
    {
        return EngineNode.launch(new EngineConfig()
            .journal(JournalConfig.of(dir.resolve("journal")))
            .instruments(InstrumentSpec.defaults(INSTRUMENTS))
            .simulatorRate(RATE)
            .simulatorSeed(seed)
            .marketDataChannel("aeron:udp?control=" + busControl + "|control-mode=dynamic")
            .addService(node -> new ReplayServer(node.aeron(), node.journal(), node.journalId(),
                ReplayServer.Config.defaults(node.config().limits().maxBatchLength())
                    .withRequest(replayChannel, ReplayServer.DEFAULT_REQUEST_STREAM), new SystemNanoClock())));
    }

    private static String busSubscription(final String busControl) throws Exception
    {
        return "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort() + "|control=" + busControl + "|control-mode=dynamic";
    }

    private List<ResumingClient> newClients(final Random random, final int count)
    {
        final List<String> symbols = InstrumentSpec.defaults(INSTRUMENTS).stream().map(InstrumentSpec::symbol).toList();
        final List<ResumingClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final ResumingClient client = new ResumingClient(i, http, 1 + random.nextInt(5));
            for (final String channel : List.of("trades", "book", "ticker"))
            {
                final List<String> chosen = new ArrayList<>(symbols);
                Collections.shuffle(chosen, random);
                client.streams.put(channel, List.copyOf(chosen.subList(0, 1 + random.nextInt(2))));
            }
            clients.add(client);
        }
        return clients;
    }

    private static long lastSeq(final ResumingClient client)
    {
        return client.checker.lastSeq.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Waits until every subscribe is answered and the gateway has no replay left, then ends with a pong. */
    private void settle(final List<ResumingClient> clients, final URI gateway) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (clients.stream().anyMatch(c -> !c.subscribed()) ||
            metric(http, gateway, "tickwire_gateway_active_replays") > 0)
        {
            assertThat(System.nanoTime()).as("every replay went live within 60 s").isLessThan(deadline);
            clients.forEach(ResumingClient::drain);
            assertOpen(clients);
            LockSupport.parkNanos(1_000_000);
        }
        assertOpen(clients);
        for (final ResumingClient client : clients)
        {
            client.pingAndDrain(Duration.ofSeconds(30));
        }
    }

    private static void assertOpen(final List<ResumingClient> clients)
    {
        for (final ResumingClient client : clients)
        {
            assertThat(client.socket().closeCode).as("client %d closed by the gateway: %s", client.number,
                client.socket().closeReason.get()).isEqualTo(-1);
        }
    }

    private static void assertEveryStreamResumedEachTime(final List<ResumingClient> clients)
    {
        for (final ResumingClient client : clients)
        {
            assertThat(client.checker.notRecovered).as("client %d", client.number).isEmpty();
            assertThat(client.checker.resumed).as("client %d: every stream resumed each time", client.number)
                .hasSize((client.connections - 1) * client.streams.values().stream().mapToInt(List::size).sum());
        }
    }

    @Test
    void aGatewayWithoutAJournalResumesClientsThroughTheReplayServiceOverUdp() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int resumes = Integer.getInteger("tickwire.remote.resumes", 3);
        System.out.println("RemoteResumeTest.replayService seed=" + seed + " resumes=" + resumes);
        final Random random = new Random(seed);
        final String busControl = "127.0.0.1:" + freeUdpPort();
        final String replayChannel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final String responseChannel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final String gatewayAeronDir = AeronSupport.uniqueAeronDirectory();
        final List<ResumingClient> clients = newClients(random, Integer.getInteger("tickwire.remote.clients", 4));
        try (EngineNode engine = engine(seed, busControl, replayChannel);
            ChildJvm child = new ChildJvm(GatewayChild.class, dir.resolve("gateway.err"), gatewayAeronDir,
                busSubscription(busControl), "0", "0", String.valueOf(seed), "-", replayChannel, responseChannel))
        {
            final int port = Integer.parseInt(child.awaitLine("READY", Duration.ofSeconds(120)).substring(6));
            final URI base = URI.create("http://127.0.0.1:" + port);
            final URI stream = URI.create("ws://127.0.0.1:" + port + "/stream");
            await("the gateway learnt the instruments from the replay service", Duration.ofSeconds(30),
                () -> metric(http, base, "tickwire_gateway_last_seq") >= INSTRUMENTS);
            final long start = System.nanoTime();
            final long[] reconnectAt = new long[clients.size()];
            for (int i = 0; i < clients.size(); i++)
            {
                clients.get(i).connect(stream, true);
                reconnectAt[i] = start + lifetime(random);
            }
            final long deadline = start + Duration.ofSeconds(120).toNanos();
            while (clients.stream().anyMatch(c -> c.connections <= resumes))
            {
                assertThat(System.nanoTime()).as("resumes done within 120 s").isLessThan(deadline);
                int drained = 0;
                for (int i = 0; i < clients.size(); i++)
                {
                    final ResumingClient client = clients.get(i);
                    drained += client.drain();
                    assertThat(client.socket().closeCode).as("client %d closed by the gateway: %s", client.number,
                        client.socket().closeReason.get()).isEqualTo(-1);
                    if (client.connections <= resumes && System.nanoTime() >= reconnectAt[i] && client.subscribed())
                    {
                        client.abort();
                        client.connect(stream, true);
                        reconnectAt[i] = System.nanoTime() + lifetime(random);
                    }
                }
                if (drained == 0)
                {
                    LockSupport.parkNanos(200_000);
                }
            }
            settle(clients, base);
            assertEveryStreamResumedEachTime(clients);
            assertThat(metric(http, base, "tickwire_gateway_resume_failures_total")).isZero();
            assertThat(metric(http, base, "tickwire_gateway_resumes_unavailable_total")).isZero();
            final long replayed = metric(http, base, "tickwire_gateway_replayed_trades_total");
            System.out.println("replayed trades=" + replayed + " cut-overs=" +
                metric(http, base, "tickwire_gateway_resume_cutovers_total") + " gap fills failed=" +
                metric(http, base, "tickwire_gateway_gap_fills_failed_total"));
            assertThat(replayed).as("resumes replayed missed trades from the service").isPositive();
            clients.forEach(ResumingClient::close);
            child.send("STOP");
            child.awaitLine("STOPPED", Duration.ofSeconds(30));
        }
        finally
        {
            clients.forEach(ResumingClient::close);
            IoUtil.delete(new File(gatewayAeronDir), true);
        }
        final ResumeChecks.Counts counts = ResumeChecks.verify(dir.resolve("journal"), clients);
        System.out.println("replay service: " + counts);
        assertThat(counts.trades()).isPositive();
        assertThat(counts.bookViews()).isPositive();
    }

    @Test
    void clientsOfAGatewayKilledWithSigkillResumeOnAnotherGateway() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("RemoteResumeTest.killed seed=" + seed);
        final Random random = new Random(seed);
        final String busControl = "127.0.0.1:" + freeUdpPort();
        final String replayChannel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        final String gatewayAeronDir = AeronSupport.uniqueAeronDirectory();
        final List<ResumingClient> clients = newClients(random, 6);
        try (EngineNode engine = engine(seed, busControl, replayChannel))
        {
            // The second gateway: in this JVM, with the journal, on the engine's driver (a spy on the bus).
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = engine.aeronDirectory();
            config.busChannel = "aeron-spy:" + engine.config().marketDataChannel();
            config.journalDirectory = dir.resolve("journal");
            config.ingressChannel = null;
            try (GatewayServer second = GatewayServer.launch(config))
            {
                try (ChildJvm first = new ChildJvm(GatewayChild.class, dir.resolve("gateway.err"), gatewayAeronDir,
                    busSubscription(busControl), "0", "0", String.valueOf(seed), dir.resolve("journal").toString()))
                {
                    final int port = Integer.parseInt(first.awaitLine("READY", Duration.ofSeconds(120)).substring(6));
                    final URI stream = URI.create("ws://127.0.0.1:" + port + "/stream");
                    for (final ResumingClient client : clients)
                    {
                        client.connect(stream, true);
                    }
                    // Streaming: every client has trades, then the first gateway dies mid-stream.
                    final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (clients.stream().anyMatch(c -> c.checker.trades.size() < 30))
                    {
                        assertThat(System.nanoTime()).as("clients stream within 60 s").isLessThan(deadline);
                        if (clients.stream().mapToInt(ResumingClient::drain).sum() == 0)
                        {
                            LockSupport.parkNanos(1_000_000);
                        }
                    }
                    first.killNine();
                }
                for (final ResumingClient client : clients)
                {
                    client.abort(); // what arrived before the kill is checked; the connection is gone
                }
                final long last = clients.stream().mapToLong(RemoteResumeTest::lastSeq).max().orElseThrow();
                // The market moves on while the clients are away; the second gateway is past every client's seqs.
                await("the second gateway passes the clients' seqs", Duration.ofSeconds(60),
                    () -> second.counters().lastSeq.get() >= last + 500);
                final URI stream = URI.create("ws://127.0.0.1:" + second.port() + "/stream");
                for (final ResumingClient client : clients)
                {
                    client.connect(stream, true);
                }
                settle(clients, URI.create("http://127.0.0.1:" + second.port()));
                assertEveryStreamResumedEachTime(clients);
                assertThat(second.counters().resumesFailed.get()).isZero();
                assertThat(second.counters().replayedTrades.get()).as("the resumes replayed missed trades")
                    .isPositive();
            }
        }
        finally
        {
            clients.forEach(ResumingClient::close);
            IoUtil.delete(new File(gatewayAeronDir), true);
        }
        final ResumeChecks.Counts counts = ResumeChecks.verify(dir.resolve("journal"), clients);
        System.out.println("killed gateway: " + counts);
        assertThat(counts.trades()).isPositive();
    }

    private static long lifetime(final Random random)
    {
        return Duration.ofMillis(50 + random.nextInt(600)).toNanos();
    }
}
