package io.tickwire.gateway;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
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
import java.util.concurrent.atomic.AtomicBoolean;

import static io.tickwire.gateway.BusLossTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's media driver restarts under it (docs/reliability.md). The engine runs on its own driver and
 * publishes over UDP to the gateway's driver, as on two hosts; the gateway has the engine's journal. When its
 * driver goes away the gateway must: report {@code DOWN} with a reason on {@code /health} (503), close every
 * session with 1013, refuse upgrades with 503; once a driver is back at the same directory, reconnect by itself,
 * report {@code UP}, and serve clients that resubscribe with unbroken prev chains and the journal's trades, the
 * outage's gap filled from the journal. Rounds: {@code -Dtickwire.driver.restarts} (1; 5 under {@code -Psoak}).
 */
class DriverRestartTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aGatewayWhoseDriverRestartsGoesDownClosesSessionsWith1013AndComesBackWithNoGap() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int rounds = Integer.getInteger("tickwire.driver.restarts", 1);
        System.out.println("DriverRestartTest seed=" + seed + " rounds=" + rounds);
        final int udpPort;
        try (DatagramSocket probe = new DatagramSocket(0))
        {
            udpPort = probe.getLocalPort();
        }
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + udpPort;
        final Path journal = dir.resolve("journal");
        final String gatewayAeronDir = AeronSupport.uniqueAeronDirectory();
        final List<String> symbols = InstrumentSpec.defaults(2).stream().map(InstrumentSpec::symbol).toList();
        final HttpClient http = HttpClient.newHttpClient();
        MediaDriver driver = null;
        try (EngineNode engine = EngineNode.launch(new EngineConfig()
            .journal(JournalConfig.of(journal))
            .instruments(InstrumentSpec.defaults(2))
            .simulatorRate(2_000)
            .simulatorSeed(seed)
            .marketDataChannel(channel)))
        {
            driver = launchDriver(gatewayAeronDir);
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = gatewayAeronDir;
            config.busChannel = channel;
            config.journalDirectory = journal;
            config.ingressChannel = null;
            config.driverTimeout = Duration.ofSeconds(1);
            try (GatewayServer gateway = GatewayServer.launch(config))
            {
                final URI base = URI.create("http://127.0.0.1:" + gateway.port());
                final URI stream = URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
                await("bus up", Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > 100);
                long tradesChecked = 0;
                for (int round = 1; round <= rounds; round++)
                {
                    final List<BusLossTest.Reader> readers = new ArrayList<>();
                    try
                    {
                        for (int i = 0; i < 3; i++)
                        {
                            readers.add(new BusLossTest.Reader(new JdkClient(stream), symbols));
                        }
                        for (final BusLossTest.Reader r : readers)
                        {
                            r.awaitSubscribed();
                        }
                        final long filledBefore = gateway.counters().gapEventsFilledFromJournal.get();
                        final long before = gateway.counters().lastSeq.get();
                        await("traffic", Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > before + 200);

                        driver.close(); // the gateway's driver goes away
                        driver = null;
                        await("health DOWN", Duration.ofSeconds(30), () -> health(http, base).statusCode() == 503);
                        final HttpResponse<String> down = health(http, base);
                        assertThat(down.body()).contains("\"status\":\"DOWN\"").contains("\"reason\":\"media driver lost");
                        for (final BusLossTest.Reader r : readers)
                        {
                            assertThat(awaitClose(r)).as("close code").isEqualTo(CloseCodes.TRY_AGAIN_LATER);
                            assertThat(r.client.closeReason.get()).isEqualTo("market data bus lost; reconnect");
                        }
                        assertThat(JdkClient.upgradeStatus(http, stream, Map.of())).as("upgrade while down").isEqualTo(503);
                        assertThat(gateway.counters().driverLosses.get()).isEqualTo(round);

                        driver = launchDriver(gatewayAeronDir); // a driver is back at the same directory
                        await("health UP", Duration.ofSeconds(60), () -> health(http, base).statusCode() == 200);
                        assertThat(gateway.counters().driverReconnects.get()).isEqualTo(round);
                        final long upAt = gateway.counters().lastSeq.get();
                        await("bus flowing again", Duration.ofSeconds(30),
                            () -> gateway.counters().lastSeq.get() > upAt + 200);
                        assertThat(gateway.counters().gapEventsFilledFromJournal.get())
                            .as("the outage's events filled from the journal").isGreaterThan(filledBefore);
                    }
                    finally
                    {
                        readers.forEach(BusLossTest.Reader::close);
                    }

                    // Clients come back (here, to the same gateway) and resubscribe: no gap from there on.
                    final List<BusLossTest.Reader> back = new ArrayList<>();
                    try
                    {
                        for (int i = 0; i < 3; i++)
                        {
                            back.add(new BusLossTest.Reader(new JdkClient(stream), symbols));
                        }
                        for (final BusLossTest.Reader r : back)
                        {
                            r.awaitSubscribed();
                        }
                        final long now = gateway.counters().lastSeq.get();
                        await("traffic after", Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > now + 200);
                        final List<Long> ends = new ArrayList<>();
                        for (final BusLossTest.Reader r : back)
                        {
                            r.finish();
                            ends.add(r.checker.pongSeq);
                        }
                        final long end = ends.stream().mapToLong(Long::longValue).max().orElseThrow();
                        await("journal has " + end, Duration.ofSeconds(30),
                            () -> lastJournaled(journal) >= end);
                        final JournalTruth truth = JournalTruth.replay(journal, null);
                        for (final BusLossTest.Reader r : back)
                        {
                            for (final String symbol : symbols)
                            {
                                final long from = r.checker.subscribedAt.get("trades/" + symbol);
                                final long to = r.checker.pongSeq;
                                assertThat(r.trades(symbol)).as("trades of %s after the restart", symbol)
                                    .isEqualTo(truth.trades.stream()
                                        .filter(t -> t.symbol().equals(symbol) && t.seq() > from && t.seq() <= to)
                                        .toList());
                                tradesChecked += r.trades(symbol).size();
                            }
                        }
                    }
                    finally
                    {
                        back.forEach(BusLossTest.Reader::close);
                    }
                }
                assertThat(tradesChecked).isPositive();
                System.out.println("DriverRestartTest: " + rounds + " driver restarts, " + tradesChecked +
                    " trades checked after them, " + gateway.counters().gapEventsFilledFromJournal.get() +
                    " events filled from the journal");
            }
        }
        finally
        {
            CloseHelper.quietClose(driver);
        }
    }

    /**
     * The crash this guards against (docs/reliability.md): a driver that stalls past {@code driverTimeout} while the
     * bus is busy makes the Aeron client time out with the bus images mapped and being polled. The driver here runs
     * on a test thread (INVOKER mode) that stops invoking it until the gateway has reported the loss, so the timeout
     * happens every run, mid-traffic, without a restart: the gateway must go DOWN (1013), reconnect to the same
     * driver once it runs again, come back UP and fill the stall's gap from the journal.
     */
    @Test
    @Timeout(120)
    void aDriverThatStallsPastTheTimeoutMidTrafficIsLostAndRejoinedWithoutACrash() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("DriverRestartTest stall seed=" + seed);
        final int udpPort;
        try (DatagramSocket probe = new DatagramSocket(0))
        {
            udpPort = probe.getLocalPort();
        }
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + udpPort;
        final Path journal = dir.resolve("journal");
        final String gatewayAeronDir = AeronSupport.uniqueAeronDirectory();
        final List<String> symbols = InstrumentSpec.defaults(2).stream().map(InstrumentSpec::symbol).toList();
        final HttpClient http = HttpClient.newHttpClient();
        final AtomicBoolean stalled = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();
        final MediaDriver driver = MediaDriver.launchEmbedded(driverContext(gatewayAeronDir)
            .threadingMode(ThreadingMode.INVOKER));
        final Thread duty = new Thread(() ->
        {
            final BackoffIdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            while (!stop.get())
            {
                idle.idle(stalled.get() ? 0 : driver.sharedAgentInvoker().invoke());
            }
        }, "test-stalling-driver");
        duty.start();
        try (EngineNode engine = EngineNode.launch(new EngineConfig()
            .journal(JournalConfig.of(journal))
            .instruments(InstrumentSpec.defaults(2))
            .simulatorRate(2_000)
            .simulatorSeed(seed)
            .marketDataChannel(channel)))
        {
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = gatewayAeronDir;
            config.busChannel = channel;
            config.journalDirectory = journal;
            config.ingressChannel = null;
            config.driverTimeout = Duration.ofMillis(500);
            try (GatewayServer gateway = GatewayServer.launch(config))
            {
                final URI base = URI.create("http://127.0.0.1:" + gateway.port());
                final URI stream = URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
                await("bus up", Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > 100);
                final List<BusLossTest.Reader> readers = new ArrayList<>();
                try
                {
                    for (int i = 0; i < 3; i++)
                    {
                        readers.add(new BusLossTest.Reader(new JdkClient(stream), symbols));
                    }
                    for (final BusLossTest.Reader r : readers)
                    {
                        r.awaitSubscribed();
                    }
                    final long filledBefore = gateway.counters().gapEventsFilledFromJournal.get();
                    final long before = gateway.counters().lastSeq.get();
                    await("traffic", Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > before + 200);

                    stalled.set(true); // the driver stops mid-traffic, its CnC and the bus images stay mapped
                    await("health DOWN", Duration.ofSeconds(30), () -> health(http, base).statusCode() == 503);
                    assertThat(health(http, base).body()).contains("\"reason\":\"media driver lost");
                    for (final BusLossTest.Reader r : readers)
                    {
                        assertThat(awaitClose(r)).as("close code").isEqualTo(CloseCodes.TRY_AGAIN_LATER);
                    }
                    assertThat(gateway.counters().driverLosses.get()).isEqualTo(1);
                    stalled.set(false); // the same driver runs again

                    await("health UP", Duration.ofSeconds(60), () -> health(http, base).statusCode() == 200);
                    assertThat(gateway.counters().driverReconnects.get()).isEqualTo(1);
                    final long upAt = gateway.counters().lastSeq.get();
                    await("bus flowing again", Duration.ofSeconds(30),
                        () -> gateway.counters().lastSeq.get() > upAt + 200);
                    assertThat(gateway.counters().gapEventsFilledFromJournal.get())
                        .as("the stall's events filled from the journal").isGreaterThan(filledBefore);
                    assertThat(gateway.counters().driverLosses.get()).isEqualTo(1);
                }
                finally
                {
                    readers.forEach(BusLossTest.Reader::close);
                }
            }
        }
        finally
        {
            stop.set(true);
            duty.join();
            CloseHelper.quietClose(driver);
        }
    }

    private static long lastJournaled(final Path journal)
    {
        try (io.tickwire.engine.journal.Journal j =
            io.tickwire.engine.journal.Journal.open(JournalConfig.of(journal).asReadOnly()))
        {
            return io.tickwire.engine.JournalScan.scan(j, b -> { }).lastSeq();
        }
    }

    private static int awaitClose(final BusLossTest.Reader r) throws InterruptedException
    {
        org.awaitility.Awaitility.await("closed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
            .until(() ->
            {
                r.drain(); // what came before the close still chains
                return r.client.closeCode >= 0;
            });
        r.drain();
        return r.client.closeCode;
    }

    static MediaDriver launchDriver(final String aeronDir)
    {
        return MediaDriver.launchEmbedded(driverContext(aeronDir));
    }

    /**
     * The driver writes its heartbeat (what the client's {@code driverTimeout} measures) once per timer interval,
     * 1 s by default: with the tests' 0.5 s and 1 s timeouts that alone times the client out now and then. 100 ms
     * leaves a timeout to a driver that is really gone or stalled.
     */
    private static MediaDriver.Context driverContext(final String aeronDir)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .timerIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 100_000))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
    }

    static HttpResponse<String> health(final HttpClient http, final URI base)
    {
        try
        {
            return http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

}
