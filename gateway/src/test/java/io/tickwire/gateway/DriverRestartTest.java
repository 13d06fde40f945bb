package io.tickwire.gateway;

import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.replay.ReplayServer;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
 * A gateway without a journal must do the same with its bus gap fills and resumes through the engine's replay
 * service. Each test's engine and gateway come from {@link TickwireFixture#overUdp}.
 */
class DriverRestartTest
{
    private static final int BUS_STREAM = 98;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aGatewayWhoseDriverRestartsGoesDownClosesSessionsWith1013AndComesBackWithNoGap() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int rounds = Integer.getInteger("tickwire.driver.restarts", 1);
        System.out.println("DriverRestartTest seed=" + seed + " rounds=" + rounds);
        final String gatewayAeronDir = AeronSupport.uniqueAeronDirectory();
        final List<String> symbols = InstrumentSpec.defaults(2).stream().map(InstrumentSpec::symbol).toList();
        final HttpClient http = HttpClient.newHttpClient();
        MediaDriver driver = launchDriver(gatewayAeronDir);
        try (TickwireFixture fixture = TickwireFixture.overUdp(dir, 2, 2_000, seed, gatewayAeronDir, e -> { },
            c -> c.driverTimeout = Duration.ofSeconds(1)))
        {
            final GatewayServer gateway = fixture.gateway;
            final Path journal = fixture.journal;
            final URI base = URI.create("http://127.0.0.1:" + gateway.port());
            final URI stream = URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
            await("bus up", Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > 100);
            long tradesChecked = 0;
            for (int round = 1; round <= rounds; round++)
            {
                final List<BusLossTest.Reader> readers = new ArrayList<>();
                try
                {
                    subscribeThree(readers, stream, symbols);
                    final long filledBefore = gateway.counters().gapEventsFilledFromJournal.get();
                    awaitTraffic(gateway, "traffic");

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
                    awaitBackUp(http, base, gateway, round, filledBefore);
                }
                finally
                {
                    readers.forEach(BusLossTest.Reader::close);
                }

                // Clients come back (here, to the same gateway) and resubscribe: no gap from there on.
                final List<BusLossTest.Reader> back = new ArrayList<>();
                try
                {
                    subscribeThree(back, stream, symbols);
                    awaitTraffic(gateway, "traffic after");
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
        try (TickwireFixture fixture = TickwireFixture.overUdp(dir, 2, 2_000, seed, gatewayAeronDir, e -> { },
            c -> c.driverTimeout = Duration.ofMillis(500)))
        {
            final GatewayServer gateway = fixture.gateway;
            final URI base = URI.create("http://127.0.0.1:" + gateway.port());
            final URI stream = URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
            await("bus up", Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > 100);
            final List<BusLossTest.Reader> readers = new ArrayList<>();
            try
            {
                subscribeThree(readers, stream, symbols);
                final long filledBefore = gateway.counters().gapEventsFilledFromJournal.get();
                awaitTraffic(gateway, "traffic");

                stalled.set(true); // the driver stops mid-traffic, its CnC and the bus images stay mapped
                await("health DOWN", Duration.ofSeconds(30), () -> health(http, base).statusCode() == 503);
                assertThat(health(http, base).body()).contains("\"reason\":\"media driver lost");
                for (final BusLossTest.Reader r : readers)
                {
                    assertThat(awaitClose(r)).as("close code").isEqualTo(CloseCodes.TRY_AGAIN_LATER);
                }
                assertThat(gateway.counters().driverLosses.get()).isEqualTo(1);
                stalled.set(false); // the same driver runs again

                awaitBackUp(http, base, gateway, 1, filledBefore);
                assertThat(gateway.counters().driverLosses.get()).isEqualTo(1);
            }
            finally
            {
                readers.forEach(BusLossTest.Reader::close);
            }
        }
        finally
        {
            stop.set(true);
            duty.join();
            CloseHelper.quietClose(driver);
        }
    }

    /**
     * A gateway without a journal (on its own driver, fed over UDP, the engine's replay service over UDP, as on two
     * hosts) whose driver restarts: the replay service clients of the old Aeron client died with it, so after the
     * reconnect the agent must fill bus gaps through a client made on the new Aeron client, and the resume source
     * must make its own client again and serve resumes. The test is the bus publisher (the engine's journaled batches,
     * from the engine's Aeron client), so it decides the gaps: nothing is published during the outage; after it, the
     * outage's batches are skipped (a gap at the first batch) and later a second range. Two clients resume every
     * stream with {@code from} and the epoch after the restart; over both connections they must have exactly the
     * journal's trades once each, unbroken chains, and books and tickers equal to the journal's at every seq.
     */
    @Test
    @Timeout(120)
    void aGatewayWithoutAJournalFillsGapsAndServesResumesThroughTheReplayServiceAfterItsDriverRestarts()
        throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("DriverRestartTest replay service seed=" + seed);
        final String replayChannel = "aeron:udp?endpoint=127.0.0.1:" + TickwireFixture.freeUdpPort();
        final String responseChannel = "aeron:udp?endpoint=127.0.0.1:" + TickwireFixture.freeUdpPort();
        final String gatewayAeronDir = AeronSupport.uniqueAeronDirectory();
        final List<String> symbols = InstrumentSpec.defaults(2).stream().map(InstrumentSpec::symbol).toList();
        final HttpClient http = HttpClient.newHttpClient();
        final List<ResumingClient> clients = new ArrayList<>();
        MediaDriver driver = launchDriver(gatewayAeronDir);
        try (TickwireFixture fixture = TickwireFixture.overUdp(dir, 2, 1_000, seed, gatewayAeronDir,
            e -> e.marketDataChannel("aeron:ipc") // the test publishes the gateway's bus
                .addService(node -> new ReplayServer(node.aeron(), node.journal(), node.journalId(),
                    ReplayServer.Config.defaults(node.config().limits().maxBatchLength())
                        .withRequest(replayChannel, ReplayServer.DEFAULT_REQUEST_STREAM), new SystemNanoClock())),
            c ->
            {
                c.busStreamId = BUS_STREAM;
                c.journalDirectory = null;
                c.replayChannel = replayChannel;
                c.replayResponseChannel = responseChannel;
                c.replayProbeInterval = Duration.ofMillis(200);
                // 3 s: this test moves the most traffic after the restart (the journal's end at full speed), and a
                // driver starved for 1 s on a loaded box was lost a second time once (an unplanned DOWN).
                c.driverTimeout = Duration.ofSeconds(3);
            });
            ExclusivePublication bus =
                fixture.engine.aeron().addExclusivePublication(fixture.gateway.config().busChannel, BUS_STREAM))
        {
            final GatewayServer gateway = fixture.gateway;
            final Path journal = fixture.journal;
            final GatewayCounters counters = gateway.counters();
            final URI base = URI.create("http://127.0.0.1:" + gateway.port());
            final URI stream = URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
            final long startSeq = counters.lastSeq.get();
            assertThat(startSeq).as("started from the journal's state, replayed by the service").isPositive();
            assertThat(counters.gapEventsFilledFromJournal.get()).isEqualTo(startSeq);
            await("resume source available", Duration.ofSeconds(30),
                () -> BusLossTest.metric(http, base, "tickwire_gateway_resume_source_available") == 1);
            for (int i = 0; i < 2; i++)
            {
                final ResumingClient client = new ResumingClient(i, http, 5);
                for (final String channel : List.of("trades", "book", "ticker"))
                {
                    client.streams.put(channel, symbols);
                }
                clients.add(client);
                client.connect(stream, true);
            }
            settle(clients, counters);

            // Before the restart: the first 200 batches after the start.
            final List<UnsafeBuffer> before = batchesAfter(journal, startSeq, 200);
            for (int i = 0; i < 200; i++)
            {
                BusGapTest.offer(bus, before.get(i));
            }
            final long beforeRestart = lastSeqOf(before.get(199));
            BusGapTest.awaitSeq(gateway, beforeRestart);
            clients.forEach(ResumingClient::drain);

            driver.close(); // the gateway's driver goes away; nothing is published until it is back
            driver = null;
            await("health DOWN", Duration.ofSeconds(30), () -> health(http, base).statusCode() == 503);
            for (final ResumingClient client : clients)
            {
                await("client " + client.number + " closed", Duration.ofSeconds(30), () ->
                {
                    client.drain(); // what came before the close still chains
                    return client.socket().closeCode >= 0;
                });
                client.drain();
                assertThat(client.socket().closeCode).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
            }
            driver = launchDriver(gatewayAeronDir);
            await("health UP", Duration.ofSeconds(60), () -> health(http, base).statusCode() == 200);
            await("the resume source's client made again", Duration.ofSeconds(60),
                () -> counters.resumeSourceReconnects.get() == 1);
            await("resume source available again", Duration.ofSeconds(30),
                () -> BusLossTest.metric(http, base, "tickwire_gateway_resume_source_available") == 1);
            assertThat(counters.driverReconnects.get()).isEqualTo(1);
            assertThat(counters.lastSeq.get()).as("nothing published during the outage").isEqualTo(beforeRestart);

            // The clients resume every stream through the resume source's new client.
            for (final ResumingClient client : clients)
            {
                client.connect(stream, true);
            }
            settle(clients, counters);
            for (final ResumingClient client : clients)
            {
                assertThat(client.checker.notRecovered).as("client %d: resumes not recovered", client.number)
                    .isEmpty();
                assertThat(client.checker.resumed).as("client %d: resumes served", client.number)
                    .hasSize(3 * symbols.size());
            }

            // After the restart: the outage's batches skipped (a gap at the first one), then a second gap, to the
            // journal's end (past what the resumes replayed).
            final List<UnsafeBuffer> after = batchesAfter(journal, beforeRestart, 1_000);
            final int outage = 150;
            final int skipFrom = 500;
            final int skipTo = 700;
            for (int i = outage; i < after.size(); i++)
            {
                if (i < skipFrom || i >= skipTo)
                {
                    BusGapTest.offer(bus, after.get(i));
                }
            }
            final long endSeq = lastSeqOf(after.get(after.size() - 1));
            BusGapTest.awaitSeq(gateway, endSeq);
            for (final ResumingClient client : clients)
            {
                client.pingAndDrain(Duration.ofSeconds(30));
                assertThat(client.checker.pongSeq).isEqualTo(endSeq);
            }

            final long outageEvents = BusGapTest.firstSeqOf(after.get(outage)) - 1 - beforeRestart;
            final long secondGapEvents =
                BusGapTest.firstSeqOf(after.get(skipTo)) - BusGapTest.firstSeqOf(after.get(skipFrom));
            assertThat(counters.busGaps.get()).isEqualTo(2);
            assertThat(counters.gapFillsFailed.get()).isZero();
            assertThat(counters.gapEventsFilledFromJournal.get()).as("start, outage and second gap, exactly")
                .isEqualTo(startSeq + outageEvents + secondGapEvents);
            assertThat(counters.driverLosses.get()).isEqualTo(1);
            assertThat(counters.resumeSourceReconnects.get()).isEqualTo(1);
            assertThat(counters.gapFillClientReconnects.get()).as("gap-fill client made on the new client")
                .isEqualTo(1);
            assertThat(counters.resumesRecovered.get()).isEqualTo(2L * 3 * symbols.size());
            final ResumeChecks.Counts checked = ResumeChecks.verify(journal, clients);
            assertThat(checked.trades()).isPositive();
            assertThat(clients.stream().flatMap(c -> c.checker.trades.stream())
                .anyMatch(t -> t.seq() > BusGapTest.firstSeqOf(after.get(skipFrom)) &&
                    t.seq() < BusGapTest.firstSeqOf(after.get(skipTo)))).as("the second gap held trades").isTrue();
            System.out.println("DriverRestartTest replay service: " + checked + "; outage " + outageEvents +
                " and second gap " + secondGapEvents + " events filled from the replay service after the " +
                "restart; resume source reconnect attempts failed " + counters.resumeSourceReconnectFailures.get());
        }
        finally
        {
            clients.forEach(ResumingClient::close);
            CloseHelper.quietClose(driver);
        }
    }

    /** Adds three readers of trades and books of {@code symbols} to {@code readers} (closed by the caller). */
    private static void subscribeThree(final List<BusLossTest.Reader> readers, final URI stream,
        final List<String> symbols) throws Exception
    {
        for (int i = 0; i < 3; i++)
        {
            readers.add(new BusLossTest.Reader(new JdkClient(stream), symbols));
        }
        for (final BusLossTest.Reader r : readers)
        {
            r.awaitSubscribed();
        }
    }

    /** Waits until the gateway applied 200 more events. */
    private static void awaitTraffic(final GatewayServer gateway, final String what)
    {
        final long before = gateway.counters().lastSeq.get();
        await(what, Duration.ofSeconds(30), () -> gateway.counters().lastSeq.get() > before + 200);
    }

    /**
     * After a driver is back: {@code /health} UP, {@code reconnects} reconnects so far, the bus flowing again and the
     * outage's events filled from the journal.
     */
    private static void awaitBackUp(final HttpClient http, final URI base, final GatewayServer gateway,
        final long reconnects, final long filledBefore)
    {
        await("health UP", Duration.ofSeconds(60), () -> health(http, base).statusCode() == 200);
        assertThat(gateway.counters().driverReconnects.get()).isEqualTo(reconnects);
        awaitTraffic(gateway, "bus flowing again");
        assertThat(gateway.counters().gapEventsFilledFromJournal.get())
            .as("the outage's events filled from the journal").isGreaterThan(filledBefore);
    }

    /** Waits until every subscribe is answered and no replay is left, checking what arrives. */
    private static void settle(final List<ResumingClient> clients, final GatewayCounters counters)
    {
        await("every subscribe answered and every replay live", Duration.ofSeconds(60), () ->
        {
            clients.forEach(ResumingClient::drain);
            return clients.stream().allMatch(ResumingClient::subscribed) && counters.activeReplays.get() == 0;
        });
    }

    /**
     * @return at least {@code count} journaled batches with events after {@code afterSeq} (waiting for the engine to
     * journal them): every one there is now.
     */
    private static List<UnsafeBuffer> batchesAfter(final Path journal, final long afterSeq, final int count)
    {
        final List<UnsafeBuffer> after = new ArrayList<>();
        await(count + " batches after " + afterSeq, Duration.ofSeconds(30), () ->
        {
            after.clear();
            for (final UnsafeBuffer batch : BusGapTest.readBatches(journal))
            {
                if (BusGapTest.firstSeqOf(batch) > afterSeq)
                {
                    after.add(batch);
                }
            }
            return after.size() >= count;
        });
        return after;
    }

    private static long lastSeqOf(final UnsafeBuffer batch)
    {
        return BusGapTest.firstSeqOf(batch) + BusGapTest.eventCountOf(batch) - 1;
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
