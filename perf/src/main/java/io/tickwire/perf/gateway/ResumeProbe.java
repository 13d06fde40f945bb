package io.tickwire.perf.gateway;

import io.aeron.driver.MediaDriver;
import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.gateway.GatewayConfig;
import io.tickwire.gateway.GatewayServer;
import io.tickwire.perf.replay.SimulatedJournal;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Resume figures (a probe, not a timed test; figures in BENCHMARKS.md).
 * <ul>
 *   <li>{@code catchup [events=8000000]}: a journal written through the real engine (market simulator, 4
 *   instruments), a gateway on it (embedded media driver, no live engine), one WebSocket client that resumes the
 *   trades of every instrument with {@code from} 0: the time from the {@code subscribe} to the last trade
 *   received, and the rate.</li>
 *   <li>{@code live [liveClients=100] [resumers=100] [rate=2000] [seconds=20]}: the live engine and gateway, live
 *   clients on trades, ticker and book of every instrument measuring trade latency (engine time to the client's
 *   callback), first alone for {@code seconds}, then for {@code seconds} while {@code resumers} clients each
 *   resume the trades of every instrument from seq 0 again and again (a new connection every 2 s).</li>
 * </ul>
 * Usage: {@code java <flags> -cp perf/target/benchmarks.jar io.tickwire.perf.gateway.ResumeProbe catchup|live ...}
 */
public final class ResumeProbe
{
    private ResumeProbe()
    {
    }

    /** Counts trade messages; remembers the last trade seq. */
    public static final class TradeCounter implements Session.Listener.AutoDemanding
    {
        final LongAdder trades = new LongAdder();
        volatile long lastSeq;
        volatile long subscribedNanos;
        volatile long lastNanos;
        volatile Session session;

        @Override
        public void onWebSocketOpen(final Session session)
        {
            this.session = session;
        }

        @Override
        public void onWebSocketText(final String text)
        {
            if (text.startsWith("{\"type\":\"trade\""))
            {
                trades.increment();
                final int at = text.indexOf("\"seq\":");
                final int end = text.indexOf(',', at);
                lastSeq = Long.parseLong(text, at + 6, end, 10);
                lastNanos = System.nanoTime();
            }
        }
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final String mode = args.length > 0 ? args[0] : "catchup";
        if ("catchup".equals(mode))
        {
            catchUp(args.length > 1 ? Long.parseLong(args[1]) : 8_000_000);
        }
        else
        {
            live(args.length > 1 ? Integer.parseInt(args[1]) : 100, args.length > 2 ? Integer.parseInt(args[2]) : 100,
                args.length > 3 ? Double.parseDouble(args[3]) : 2_000, args.length > 4 ? Integer.parseInt(args[4]) : 20);
        }
    }

    private static String allSymbols()
    {
        return String.join("\",\"", InstrumentSpec.defaults(4).stream().map(InstrumentSpec::symbol).toList());
    }

    private static void catchUp(final long events) throws Exception
    {
        final Path dir = Files.createTempDirectory("tickwire-resume-probe");
        final WebSocketClient wsClient = new WebSocketClient();
        try
        {
            final Path journalDir = dir.resolve("journal");
            final SimulatedJournal.Written written = SimulatedJournal.write(journalDir, events, 1_000_000);
            final long[] counts = countTrades(journalDir);
            System.out.printf("journal: %d events, %d batches, %d trades (last trade seq %d), written in %.1f s%n",
                written.events(), written.batches(), counts[0], counts[1], written.nanos() / 1e9);
            final String aeronDir = AeronSupport.uniqueAeronDirectory();
            wsClient.start();
            try (MediaDriver driver = AeronSupport.launchEmbeddedDriver(aeronDir, EngineConfig.Idle.BACKOFF))
            {
                final GatewayConfig config = new GatewayConfig();
                config.port = 0;
                config.host = "127.0.0.1";
                config.aeronDirectory = aeronDir;
                config.journalDirectory = journalDir;
                final long startGateway = System.nanoTime();
                try (GatewayServer gateway = GatewayServer.launch(config))
                {
                    System.out.printf("gateway started (read the journal) in %.1f s%n",
                        (System.nanoTime() - startGateway) / 1e9);
                    for (int round = 1; round <= 3; round++)
                    {
                        final TradeCounter client = new TradeCounter();
                        wsClient.connect(client, URI.create("ws://127.0.0.1:" + gateway.port() + "/stream"))
                            .get(10, TimeUnit.SECONDS);
                        final long start = System.nanoTime();
                        client.session.sendText("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"" +
                            allSymbols() + "\"],\"from\":0}", Callback.NOOP);
                        final long deadline = start + TimeUnit.MINUTES.toNanos(5);
                        while (client.lastSeq < counts[1] && System.nanoTime() < deadline)
                        {
                            Thread.sleep(1);
                        }
                        final double seconds = (client.lastNanos - start) / 1e9;
                        System.out.printf("round %d: %d trades caught up in %.2f s (%.0f trades/s), last seq %d%s%n",
                            round, client.trades.sum(), seconds, client.trades.sum() / seconds, client.lastSeq,
                            client.trades.sum() == counts[0] ? "" : " MISMATCH: expected " + counts[0]);
                        client.session.close();
                    }
                }
            }
        }
        finally
        {
            wsClient.stop();
            deleteTree(dir);
        }
    }

    /**
     * @return {trades, last trade seq} of the journal, by a linear scan.
     */
    private static long[] countTrades(final Path journalDir)
    {
        final long[] counts = new long[2];
        final MarketDataDecoder decoder = new MarketDataDecoder();
        final MarketDataListener listener = new MarketDataListener()
        {
            public void onBatchStart(final long f, final int c, final long e, final long i)
            {
            }

            public void onInstrument(final InstrumentDefinitionDecoder d)
            {
            }

            public void onTrade(final TradeDecoder t)
            {
                counts[0]++;
                counts[1] = t.seq();
            }

            public void onBookLevel(final BookLevelDecoder b)
            {
            }

            public void onTicker(final TickerDecoder t)
            {
            }

            public void onBatchEnd(final long f, final int c)
            {
            }
        };
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).asReadOnly());
            JournalReader reader = new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) -> decoder.decode(buffer, 0, length, listener)))
            {
                // counting
            }
        }
        return counts;
    }

    private static void live(final int liveClients, final int resumers, final double rate, final int seconds)
        throws Exception
    {
        final Path dir = Files.createTempDirectory("tickwire-resume-probe");
        final LongAdder messages = new LongAdder();
        final Recorder recorder = new Recorder(3);
        final WebSocketClient wsClient = new WebSocketClient();
        wsClient.getHttpClient().setMaxConnectionsPerDestination(liveClients + resumers + 10);
        wsClient.start();
        try (EngineNode engine = EngineNode.launch(new EngineConfig()
            .journal(JournalConfig.of(dir.resolve("journal")))
            .instruments(InstrumentSpec.defaults(4))
            .simulatorRate(rate)
            .simulatorSeed(1)))
        {
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = engine.aeronDirectory();
            config.journalDirectory = dir.resolve("journal");
            try (GatewayServer gateway = GatewayServer.launch(config))
            {
                final URI uri = URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
                final List<CompletableFuture<Session>> connecting = new ArrayList<>();
                final List<GatewayProbe.ProbeClient> probes = new ArrayList<>();
                for (int i = 0; i < liveClients; i++)
                {
                    final GatewayProbe.ProbeClient probe = GatewayProbe.newProbeClient(messages, recorder);
                    probes.add(probe);
                    connecting.add(wsClient.connect(probe, uri));
                }
                CompletableFuture.allOf(connecting.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
                for (final GatewayProbe.ProbeClient probe : probes)
                {
                    for (final String channel : List.of("trades", "ticker", "book"))
                    {
                        probe.session().sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"symbols\":[\"" +
                            allSymbols() + "\"]}", Callback.NOOP);
                    }
                }
                Thread.sleep(5_000); // warm-up and some history for the resumers, not measured
                final Histogram alone = measure(recorder, seconds);
                report("live clients alone", alone, liveClients, messages);

                final long replayedBefore = gateway.counters().replayedTrades.get();
                final List<TradeCounter> catching = new ArrayList<>();
                final Thread driver = new Thread(() -> resumeLoop(wsClient, uri, resumers, catching, seconds));
                driver.start();
                final Histogram during = measure(recorder, seconds);
                driver.join();
                report("live clients while " + resumers + " clients resume from seq 0", during, liveClients, messages);
                System.out.printf("replayed trades during: %d (%.0f/s), journal last seq %d, slow-consumer closes %d%n",
                    gateway.counters().replayedTrades.get() - replayedBefore,
                    (gateway.counters().replayedTrades.get() - replayedBefore) / (double)seconds,
                    gateway.counters().lastSeq.get(), gateway.counters().slowConsumerCloses.get());
            }
        }
        finally
        {
            wsClient.stop();
            deleteTree(dir);
        }
    }

    private static void resumeLoop(
        final WebSocketClient wsClient, final URI uri, final int resumers, final List<TradeCounter> clients,
        final int seconds)
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try
        {
            while (System.nanoTime() < end)
            {
                final List<TradeCounter> round = new ArrayList<>();
                for (int i = 0; i < resumers; i++)
                {
                    final TradeCounter client = new TradeCounter();
                    wsClient.connect(client, uri).get(10, TimeUnit.SECONDS);
                    client.session.sendText("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"" +
                        allSymbols() + "\"],\"from\":0}", Callback.NOOP);
                    round.add(client);
                }
                clients.addAll(round);
                Thread.sleep(2_000);
                for (final TradeCounter client : round)
                {
                    client.session.close();
                }
            }
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static Histogram measure(final Recorder recorder, final int seconds) throws InterruptedException
    {
        recorder.reset();
        final Histogram total = new Histogram(3);
        for (int s = 0; s < seconds; s++)
        {
            Thread.sleep(1_000);
            total.add(recorder.getIntervalHistogram());
        }
        return total;
    }

    private static void report(final String what, final Histogram h, final int clients, final LongAdder messages)
    {
        System.out.printf("%s (%d): trade latency engine->client us p50 %d p90 %d p99 %d p99.9 %d max %d (n=%d); " +
            "messages so far %d%n", what, clients, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
            h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount(), messages.sum());
    }

    private static void deleteTree(final Path dir) throws java.io.IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
