package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.aeron.ExclusivePublication;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.ChildJvm;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.Inputs;
import io.tickwire.engine.JournalScan;
import io.tickwire.engine.ParticipantRanges;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorAgent;
import io.tickwire.engine.sim.SimulatorConfig;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packet loss on the UDP bus (docs/reliability.md): a gateway in another JVM with its own media driver, fed over
 * Aeron UDP unicast on localhost by a real engine, with Aeron's loss generator on the gateway's receive endpoint
 * dropping 5% of incoming data frames and 5% of outgoing control frames (status messages and NAKs). The gateway
 * has no journal, so nothing could hide a loss Aeron did not repair. Asserts: the gateway saw no bus gap, its
 * WebSocket clients' prev chains are unbroken, their trades equal the journal's exactly and their books equal the
 * journal's; the drivers' counters show the loss happened (NAKs sent and received, retransmits, control frames
 * lost) and that no gap was ever given up on (loss gap fills 0). Length: {@code -Dtickwire.busloss.seconds}
 * (4 by default, 60 under {@code -Psoak}).
 */
class BusLossTest
{
    private static final double LOSS = 0.05;
    private static final int INSTRUMENTS = 4;
    private static final double RATE = 5_000;
    private static final Pattern METRIC = Pattern.compile("(?m)^(tickwire_gateway_[a-z_]+) (\\d+)$");

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void fivePercentDataAndControlLossNeverReachesClients() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int seconds = Integer.getInteger("tickwire.busloss.seconds", 4);
        System.out.println("BusLossTest seed=" + seed + " seconds=" + seconds);
        final int udpPort;
        try (DatagramSocket probe = new DatagramSocket(0))
        {
            udpPort = probe.getLocalPort();
        }
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + udpPort;
        final String gatewayAeronDir = AeronSupport.uniqueAeronDirectory();
        final Path journalDir = dir.resolve("journal");
        final List<InstrumentSpec> specs = InstrumentSpec.defaults(INSTRUMENTS);
        final List<String> symbols = specs.stream().map(InstrumentSpec::symbol).toList();
        final HttpClient http = HttpClient.newHttpClient();

        try (ChildJvm child = new ChildJvm(GatewayChild.class, dir.resolve("gateway.err"), gatewayAeronDir, channel,
            String.valueOf(LOSS), String.valueOf(LOSS), String.valueOf(seed)))
        {
            final int httpPort = Integer.parseInt(child.awaitLine("READY", Duration.ofSeconds(60)).substring(6));
            final URI base = URI.create("http://127.0.0.1:" + httpPort);
            try (DriverCounters gatewayDriver = new DriverCounters(gatewayAeronDir);
                EngineNode engine = EngineNode.launch(new EngineConfig()
                    .journal(JournalConfig.of(journalDir))
                    .instruments(List.of())
                    .marketDataChannel(channel)))
            {
                // The engine skips bus batches while no subscriber is connected; this gateway has no journal to
                // catch up from, so instruments are defined only once the UDP image is up.
                await("the gateway's driver has an image of the bus", Duration.ofSeconds(30),
                    () -> gatewayDriver.hasImage(EngineConfig.DEFAULT_MARKET_DATA_STREAM));
                // and the engine's side sees it connected (its status messages cross the lossy link too)
                await("the engine's bus publication is connected", Duration.ofSeconds(30), engine::marketDataConnected);
                try (ExclusivePublication admin = engine.aeron().addExclusivePublication(
                    engine.config().ingressChannel(), engine.config().ingressStreamId()))
                {
                    await("ingress connected", Duration.ofSeconds(10), admin::isConnected);
                    for (final InstrumentSpec spec : specs)
                    {
                        final UnsafeBuffer input = Inputs.addInstrument(spec);
                        final long deadline = System.nanoTime() + 10_000_000_000L;
                        while (admin.offer(input, 0, input.capacity()) < 0)
                        {
                            assertThat(System.nanoTime()).as("ingress accepts").isLessThan(deadline);
                            LockSupport.parkNanos(100_000);
                        }
                    }
                }
                await("the gateway knows the instruments", Duration.ofSeconds(30),
                    () -> metric(http, base, "tickwire_gateway_last_seq") >= INSTRUMENTS);

                final List<Reader> readers = new ArrayList<>();
                final AgentRunner simulator;
                try
                {
                    readers.add(new Reader(new JdkClient(URI.create("ws://127.0.0.1:" + httpPort + "/stream")), symbols));
                    readers.add(new Reader(new JdkClient(URI.create("ws://127.0.0.1:" + httpPort + "/stream")),
                        symbols.subList(0, 2)));
                    for (final Reader r : readers)
                    {
                        r.awaitSubscribed();
                    }
                    simulator = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF),
                        Throwable::printStackTrace, null, new SimulatorAgent(
                            new MarketSimulator(new SimulatorConfig().seed(seed).instruments(specs)
                                .firstParticipantId(ParticipantRanges.first(ParticipantRanges.SIMULATOR_RANGE) + 1)),
                            engine.aeron().addPublication(engine.config().ingressChannel(),
                                engine.config().ingressStreamId()),
                            new SystemEpochNanoClock(), RATE));
                    AgentRunner.startOnThread(simulator);
                    final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                    while (System.nanoTime() < end)
                    {
                        for (final Reader r : readers)
                        {
                            r.drain();
                        }
                        LockSupport.parkNanos(5_000_000);
                    }
                    simulator.close();

                    // Quiet: the journal stops moving; the gateway reaches its last seq.
                    final long lastSeq = awaitQuietJournal(journalDir);
                    await("the gateway reaches seq " + lastSeq, Duration.ofSeconds(60),
                        () -> metric(http, base, "tickwire_gateway_last_seq") == lastSeq);
                    final JournalTruth truth = JournalTruth.replay(journalDir, null);
                    long checkedTrades = 0;
                    for (final Reader r : readers)
                    {
                        r.finish();
                        assertThat(r.checker.pongSeq).isEqualTo(lastSeq);
                        for (final String symbol : r.symbols)
                        {
                            final long from = r.checker.subscribedAt.get("trades/" + symbol);
                            assertThat(r.trades(symbol)).as("trades of %s equal the journal's", symbol)
                                .isEqualTo(truth.trades.stream()
                                    .filter(t -> t.symbol().equals(symbol) && t.seq() > from && t.seq() <= lastSeq)
                                    .toList());
                            assertThat(r.checker.books.get(symbol).view()).as("book of %s", symbol)
                                .isEqualTo(truth.topView(symbol, 5));
                            checkedTrades += r.trades(symbol).size();
                        }
                    }
                    assertThat(checkedTrades).as("the run made trades").isPositive();

                    final Map<String, Long> metrics = metrics(http, base);
                    assertThat(metrics.get("tickwire_gateway_bus_gaps_total")).as("bus gaps at the gateway").isZero();
                    // Engine first: what it received can only be less than what the gateway sent before or later.
                    final Map<SystemCounterDescriptor, Long> sender;
                    try (DriverCounters engineDriver = new DriverCounters(engine.aeronDirectory()))
                    {
                        sender = engineDriver.loss();
                    }
                    final Map<SystemCounterDescriptor, Long> receiver = gatewayDriver.loss();
                    System.out.println("BusLossTest: " + lastSeq + " events, " + checkedTrades +
                        " trades checked; gateway driver " + receiver + "; engine driver " + sender);
                    assertThat(receiver.get(SystemCounterDescriptor.NAK_MESSAGES_SENT)).as("NAKs sent").isPositive();
                    assertThat(sender.get(SystemCounterDescriptor.NAK_MESSAGES_RECEIVED)).as("NAKs received").isPositive();
                    assertThat(sender.get(SystemCounterDescriptor.RETRANSMITS_SENT)).as("retransmits").isPositive();
                    assertThat(receiver.get(SystemCounterDescriptor.LOSS_GAP_FILLS)).as("gaps given up").isZero();
                    final long controlLost =
                        receiver.get(SystemCounterDescriptor.NAK_MESSAGES_SENT) -
                        sender.get(SystemCounterDescriptor.NAK_MESSAGES_RECEIVED) +
                        receiver.get(SystemCounterDescriptor.STATUS_MESSAGES_SENT) -
                        sender.get(SystemCounterDescriptor.STATUS_MESSAGES_RECEIVED);
                    assertThat(controlLost).as("control frames (NAKs, status messages) lost").isPositive();
                }
                finally
                {
                    readers.forEach(Reader::close);
                }
            }
            child.send("STOP");
            child.awaitLine("STOPPED", Duration.ofSeconds(30));
        }
    }

    /** A client checking its streams as they come (prev chains, checksums). */
    static final class Reader implements AutoCloseable
    {
        final JdkClient client;
        final List<String> symbols;
        final StreamChecker checker = new StreamChecker();

        Reader(final JdkClient client, final List<String> symbols)
        {
            this.client = client;
            this.symbols = symbols;
            checker.recordViews = false;
            final String list = String.join("\",\"", symbols);
            client.send("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"" + list + "\"],\"depth\":5}");
            client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"" + list + "\"]}");
        }

        void awaitSubscribed() throws InterruptedException
        {
            while (checker.subscribedAt.size() < 2 * symbols.size())
            {
                final JsonNode m = client.next(Duration.ofSeconds(10));
                checker.accept(m);
            }
        }

        void drain()
        {
            JsonNode m;
            while ((m = client.messages.poll()) != null)
            {
                checker.accept(m);
            }
        }

        void finish() throws InterruptedException
        {
            client.send("{\"op\":\"ping\",\"id\":\"end\"}");
            while (checker.pongSeq < 0)
            {
                checker.accept(client.next(Duration.ofSeconds(30)));
            }
        }

        List<JournalTruth.TradeRow> trades(final String symbol)
        {
            return checker.trades.stream().filter(t -> t.symbol().equals(symbol)).toList();
        }

        @Override
        public void close()
        {
            CloseHelper.quietClose(client);
        }
    }

    static long awaitQuietJournal(final Path journalDir) throws InterruptedException
    {
        // Quiet: two scans 300 ms apart see the same last seq.
        final long[] last = {-1};
        org.awaitility.Awaitility.await("journal goes quiet").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(300)).until(() ->
            {
                final long now;
                try (Journal journal = Journal.open(JournalConfig.of(journalDir).asReadOnly()))
                {
                    now = JournalScan.scan(journal, b -> { }).lastSeq();
                }
                final boolean quiet = now == last[0];
                last[0] = now;
                return quiet;
            });
        return last[0];
    }

    static void await(final String what, final Duration timeout, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(10_000_000);
        }
    }

    static Map<String, Long> metrics(final HttpClient http, final URI base)
    {
        try
        {
            final String body = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            final Map<String, Long> values = new java.util.HashMap<>();
            final Matcher m = METRIC.matcher(body);
            while (m.find())
            {
                values.put(m.group(1), Long.parseLong(m.group(2)));
            }
            return values;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("GET " + base + "/metrics", ex);
        }
    }

    static long metric(final HttpClient http, final URI base, final String name)
    {
        final Long value = metrics(http, base).get(name);
        if (value == null)
        {
            throw new IllegalStateException("no metric " + name);
        }
        return value;
    }
}
