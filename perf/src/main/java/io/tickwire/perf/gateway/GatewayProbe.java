package io.tickwire.perf.gateway;

import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.gateway.GatewayConfig;
import io.tickwire.gateway.GatewayServer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * A first gateway measurement (the full open-loop rig with peers is a later piece of work): the engine with
 * its simulator at a fixed rate, one gateway, and N WebSocket clients (Jetty's client, in this JVM) each
 * subscribed to trades, ticker and book (depth 10) of every instrument. Reports messages delivered per
 * second and trade latency from engine time ({@code ts}) to the client's text callback, in HdrHistogram.
 * <p>
 * Usage: {@code java <flags> -cp perf/target/benchmarks.jar io.tickwire.perf.gateway.GatewayProbe
 * [clients=100] [rate=2000] [seconds=20] [instruments=4]}
 */
public final class GatewayProbe
{
    private GatewayProbe()
    {
    }

    /** Counts and times messages on Jetty's threads without parsing JSON fully. */
    public static final class ProbeClient implements Session.Listener.AutoDemanding
    {
        private final LongAdder messages;
        private final Recorder latency;
        volatile Session session;

        ProbeClient(final LongAdder messages, final Recorder latency)
        {
            this.messages = messages;
            this.latency = latency;
        }

        @Override
        public void onWebSocketOpen(final Session session)
        {
            this.session = session;
        }

        public Session session()
        {
            return session;
        }

        @Override
        public void onWebSocketText(final String text)
        {
            messages.increment();
            if (text.startsWith("{\"type\":\"trade\""))
            {
                final int at = text.lastIndexOf("\"ts\":");
                if (at > 0)
                {
                    final long ts = Long.parseLong(text, at + 5, text.length() - 1, 10);
                    final Instant now = Instant.now();
                    final long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                    latency.recordValue(Math.max(0, nowNanos - ts) / 1_000);
                }
            }
        }
    }

    /**
     * @return a client counting every message and recording trade latency (other probes reuse it).
     */
    public static ProbeClient newProbeClient(final LongAdder messages, final Recorder latency)
    {
        return new ProbeClient(messages, latency);
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        final double rate = args.length > 1 ? Double.parseDouble(args[1]) : 2000;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        final int instruments = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        final Path dir = Files.createTempDirectory("tickwire-probe");
        final LongAdder messages = new LongAdder();
        final Recorder recorder = new Recorder(3);
        final WebSocketClient wsClient = new WebSocketClient();
        wsClient.getHttpClient().setMaxConnectionsPerDestination(clients + 10);
        wsClient.start();
        try (EngineNode engine = EngineNode.launch(new EngineConfig()
            .journal(JournalConfig.of(dir.resolve("journal")))
            .instruments(InstrumentSpec.defaults(instruments))
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
                final List<ProbeClient> probes = new ArrayList<>();
                final List<CompletableFuture<Session>> connecting = new ArrayList<>();
                for (int i = 0; i < clients; i++)
                {
                    final ProbeClient probe = new ProbeClient(messages, recorder);
                    probes.add(probe);
                    connecting.add(wsClient.connect(probe, uri));
                }
                CompletableFuture.allOf(connecting.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
                final String symbols = String.join("\",\"",
                    InstrumentSpec.defaults(instruments).stream().map(InstrumentSpec::symbol).toList());
                for (final ProbeClient probe : probes)
                {
                    for (final String channel : List.of("trades", "ticker", "book"))
                    {
                        probe.session.sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"symbols\":[\"" +
                            symbols + "\"]}", Callback.NOOP);
                    }
                }
                Thread.sleep(2_000); // warm-up, not measured
                recorder.reset();
                final long startMessages = messages.sum();
                final long start = System.nanoTime();
                final Histogram total = new Histogram(3);
                for (int s = 0; s < seconds; s++)
                {
                    Thread.sleep(1_000);
                    total.add(recorder.getIntervalHistogram());
                }
                final double elapsed = (System.nanoTime() - start) / 1e9;
                final long delivered = messages.sum() - startMessages;
                System.out.printf("clients %d, engine inputs/s %.0f, instruments %d, %d s%n", clients, rate, instruments, seconds);
                System.out.printf("messages delivered: %d (%.0f/s)%n", delivered, delivered / elapsed);
                System.out.printf("trade latency engine->client us: p50 %d p90 %d p99 %d p99.9 %d p99.99 %d max %d (n=%d)%n",
                    total.getValueAtPercentile(50), total.getValueAtPercentile(90), total.getValueAtPercentile(99),
                    total.getValueAtPercentile(99.9), total.getValueAtPercentile(99.99), total.getMaxValue(),
                    total.getTotalCount());
                System.out.printf("gateway: conflated %d, slow-consumer closes %d, max bytes in flight %d%n",
                    gateway.counters().conflatedMessages.get(), gateway.counters().slowConsumerCloses.get(),
                    gateway.counters().maxSessionBytesInFlight.get());
            }
        }
        finally
        {
            wsClient.stop();
            deleteTree(dir);
        }
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
