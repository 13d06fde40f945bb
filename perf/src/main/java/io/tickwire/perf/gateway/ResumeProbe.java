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
 * Resume figures (a probe, not a timed test; figures in BENCHMARKS.md). "Events" here are the trade messages a
 * resuming client receives: a resume replays the trades of its streams (book and ticker streams resume with one
 * conflated snapshot), so a catch-up of N events is N replayed trades; the journal range they come from also holds
 * the book and ticker events of the same instruments, printed as "journal events spanned".
 * <ul>
 *   <li>{@code catchup [trades=1000000] [runs=3] [events=5000000]}: a journal of {@code events} events written
 *   through the real engine (market simulator, 4 instruments), a gateway on it (embedded media driver, no live
 *   engine), and for each run one {@link CatchUpClient} (in this JVM, its own thread, a plain socket) that resumes
 *   the trades of every instrument with {@code from} set so that exactly {@code trades} trades follow: the time
 *   from writing the {@code subscribe} to receiving the last trade, trade events per second, the load average.
 *   Every trade's {@code prev} chain is checked.</li>
 *   <li>{@code live [liveClients=100] [resumers=100] [rate=200] [seconds=10] [catchUpTrades=20000]
 *   [history=2000000]}: a journal of {@code history} events, the live engine recovered on it with its simulator
 *   at {@code rate} inputs/s, a gateway, and {@code liveClients} Jetty WebSocket clients (in this JVM) on trades,
 *   ticker and book of every instrument measuring trade latency (engine time {@code ts} to the client's
 *   callback). After a warm-up (until two consecutive seconds have a p99 under 50 ms, at most 60 s), first
 *   {@code seconds} with nobody catching up; then {@code resumers} {@link CatchUpClient}s connect
 *   at once and each resumes the trades of every instrument {@code catchUpTrades} trades back; the second
 *   window lasts until every one has received the journal's last trade as of their start and the gateway has
 *   cut every replay over to live, at least {@code seconds}.</li>
 * </ul>
 * Usage: {@code java <flags> -cp perf/target/benchmarks.jar io.tickwire.perf.gateway.ResumeProbe catchup|live ...}
 */
public final class ResumeProbe
{
    private ResumeProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("chronicle.analytics.disable", "true");
        final String mode = args.length > 0 ? args[0] : "catchup";
        if ("catchup".equals(mode))
        {
            catchUp(arg(args, 1, 1_000_000), (int)arg(args, 2, 3), arg(args, 3, 5_000_000));
        }
        else
        {
            live((int)arg(args, 1, 100), (int)arg(args, 2, 100), args.length > 3 ? Double.parseDouble(args[3]) : 200,
                (int)arg(args, 4, 10), arg(args, 5, 20_000), arg(args, 6, 2_000_000));
        }
    }

    private static long arg(final String[] args, final int i, final long otherwise)
    {
        return args.length > i ? Long.parseLong(args[i]) : otherwise;
    }

    private static String[] symbols()
    {
        return InstrumentSpec.defaults(4).stream().map(InstrumentSpec::symbol).toArray(String[]::new);
    }

    private static String allSymbols()
    {
        return String.join("\",\"", symbols());
    }

    private static String loadAverage()
    {
        try
        {
            final String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        }
        catch (final java.io.IOException ex)
        {
            return "?";
        }
    }

    /**
     * @return the CPU time used so far by the live threads whose name starts with {@code prefix}, in ns.
     */
    private static long cpuNanos(final String prefix)
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith(prefix))
            {
                sum += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return sum;
    }

    private static void catchUp(final long trades, final int runs, final long events) throws Exception
    {
        final Path dir = Files.createTempDirectory("tickwire-resume-probe");
        try
        {
            final Path journalDir = dir.resolve("journal");
            final SimulatedJournal.Written written = SimulatedJournal.write(journalDir, events, 1_000_000);
            final JournalTrades journal = JournalTrades.scan(journalDir);
            if (journal.count() <= trades)
            {
                throw new IllegalArgumentException("the journal holds " + journal.count() + " trades, need more than " +
                    trades + ": raise events");
            }
            final long from = journal.seqs[journal.count() - (int)trades - 1];
            final long lastTrade = journal.seqs[journal.count() - 1];
            System.out.printf("journal: %d events, %d batches, %d trades, written in %.1f s; resume from seq %d: " +
                "%d trades (seq %d..%d), journal events spanned %d%n", written.events(), written.batches(),
                journal.count(), written.nanos() / 1e9, from, trades, from + 1, lastTrade, lastTrade - from);
            final String aeronDir = AeronSupport.uniqueAeronDirectory();
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
                    for (int run = 1; run <= runs; run++)
                    {
                        final String loadBefore = loadAverage();
                        final long replayCpu = cpuNanos("tickwire-replay");
                        final long gatewayCpu = cpuNanos("tickwire-gateway");
                        final long jettyCpu = cpuNanos("tickwire-jetty");
                        final CatchUpClient client =
                            new CatchUpClient("127.0.0.1", gateway.port(), symbols(), from, lastTrade, false);
                        final Thread thread = new Thread(client, "catch-up-client");
                        thread.start();
                        thread.join(TimeUnit.MINUTES.toMillis(5));
                        client.stop();
                        thread.join();
                        final double seconds = (client.caughtUpNanos - client.subscribeNanos) / 1e9;
                        final boolean ok = client.error == null && client.trades == trades && client.gaps == 0 &&
                            client.duplicates == 0 && client.caughtUpNanos != 0;
                        System.out.printf("run %d: %d trade events in %.3f s = %.0f events/s (journal events spanned " +
                            "%.0f/s); gaps %d, duplicates %d%s; load average before %s, after %s%n", run,
                            client.trades, seconds, client.trades / seconds, (lastTrade - from) / seconds, client.gaps,
                            client.duplicates, ok ? "" : " FAILED: expected " + trades + " trades" +
                            (client.error == null ? "" : ", " + client.error), loadBefore, loadAverage());
                        System.out.printf("run %d: CPU s per 1M trade events: replay thread %.3f, gateway thread %.3f, " +
                            "Jetty threads %.3f%n", run, (cpuNanos("tickwire-replay") - replayCpu) / 1e3 / trades,
                            (cpuNanos("tickwire-gateway") - gatewayCpu) / 1e3 / trades,
                            (cpuNanos("tickwire-jetty") - jettyCpu) / 1e3 / trades);
                    }
                }
            }
        }
        finally
        {
            deleteTree(dir);
        }
    }

    /** The seqs of a journal's trades, in order, from a linear scan. */
    private record JournalTrades(long[] seqs, int count)
    {
        static JournalTrades scan(final Path journalDir)
        {
            final long[][] seqs = {new long[1 << 20]};
            final int[] count = {0};
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
                    if (count[0] == seqs[0].length)
                    {
                        seqs[0] = java.util.Arrays.copyOf(seqs[0], count[0] * 2);
                    }
                    seqs[0][count[0]++] = t.seq();
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
                    // collecting
                }
            }
            return new JournalTrades(seqs[0], count[0]);
        }
    }

    private static void live(final int liveClients, final int resumers, final double rate, final int seconds,
        final long catchUpTrades, final long history) throws Exception
    {
        final Path dir = Files.createTempDirectory("tickwire-resume-probe");
        final LongAdder messages = new LongAdder();
        final Recorder recorder = new Recorder(3);
        final WebSocketClient wsClient = new WebSocketClient();
        wsClient.getHttpClient().setMaxConnectionsPerDestination(liveClients + 10);
        wsClient.start();
        final Path journalDir = dir.resolve("journal");
        final SimulatedJournal.Written written = SimulatedJournal.write(journalDir, history, 1_000_000);
        System.out.printf("history: %d events, %d batches%n", written.events(), written.batches());
        try (EngineNode engine = EngineNode.launch(new EngineConfig()
            .journal(JournalConfig.of(journalDir))
            .acceptForeignJournal(true) // the history was written by SimulatedJournal, which records no owner
            .instruments(InstrumentSpec.defaults(4))
            .simulatorRate(rate)
            .simulatorSeed(1)))
        {
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = engine.aeronDirectory();
            config.journalDirectory = journalDir;
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
                        probe.session().sendText("{\"op\":\"subscribe\",\"channel\":\"" + channel +
                            "\",\"symbols\":[\"" + allSymbols() + "\"]}", Callback.NOOP);
                    }
                }
                warmUp(recorder);
                final String loadAlone = loadAverage();
                final long messagesBefore = messages.sum();
                final Histogram alone = measure(recorder, seconds);
                report("live clients alone, " + seconds + " s", alone, liveClients, messages.sum() - messagesBefore,
                    seconds, loadAlone);

                final JournalTrades journal = JournalTrades.scan(journalDir);
                final long from = journal.seqs[Math.max(0, journal.count() - (int)catchUpTrades - 1)];
                final long until = journal.seqs[journal.count() - 1];
                final long replayedBefore = gateway.counters().replayedTrades.get();
                final long cutOverBefore = gateway.counters().resumesCutOver.get();
                final String loadDuring = loadAverage();
                final long messagesDuring = messages.sum();
                final List<CatchUpClient> catching = new ArrayList<>();
                final List<Thread> threads = new ArrayList<>();
                recorder.reset();
                final long start = System.nanoTime();
                for (int i = 0; i < resumers; i++)
                {
                    final CatchUpClient client = new CatchUpClient("127.0.0.1", gateway.port(), symbols(), from,
                        until, true);
                    catching.add(client);
                    final Thread thread = new Thread(client, "catch-up-" + i);
                    threads.add(thread);
                    thread.start();
                }
                final Histogram during = new Histogram(3);
                final long deadline = start + TimeUnit.MINUTES.toNanos(5);
                long allLive = 0;
                while (System.nanoTime() < deadline &&
                    (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds) ||
                    !catching.stream().allMatch(CatchUpClient::finished) || allLive == 0))
                {
                    Thread.sleep(100);
                    during.add(recorder.getIntervalHistogram());
                    if (allLive == 0 && gateway.counters().resumesCutOver.get() - cutOverBefore >= resumers)
                    {
                        allLive = System.nanoTime() - start;
                    }
                }
                final double window = (System.nanoTime() - start) / 1e9;
                during.add(recorder.getIntervalHistogram());
                final long duringMessages = messages.sum() - messagesDuring;
                for (final CatchUpClient client : catching)
                {
                    client.stop();
                }
                for (final Thread thread : threads)
                {
                    thread.join();
                }
                report("live clients while " + resumers + " clients catch up at once, " +
                    String.format("%.1f", window) + " s", during, liveClients, duringMessages, window, loadDuring);
                long caughtUp = 0;
                long slowest = 0;
                long trades = 0;
                long gaps = 0;
                long duplicates = 0;
                int failed = 0;
                for (final CatchUpClient client : catching)
                {
                    if (client.caughtUpNanos != 0)
                    {
                        caughtUp++;
                        slowest = Math.max(slowest, client.caughtUpNanos - start);
                        trades += client.caughtUpTrades;
                    }
                    if (client.error != null)
                    {
                        failed++;
                        System.out.println("catch-up client failed: " + client.error);
                    }
                    gaps += client.gaps;
                    duplicates += client.duplicates;
                }
                System.out.printf("all %d replays cut over to live after %s%n", resumers,
                    allLive == 0 ? "NOT within the deadline" : String.format("%.2f s", allLive / 1e9));
                System.out.printf("catch-ups: %d of %d caught up to seq %d (from %d, %d trades each) in %.2f s: " +
                    "%d trade events, %.0f events/s over all; gaps %d, duplicates %d, failed %d; gateway: replayed " +
                    "%d, cut over %d, slow-consumer closes %d; load average now %s%n", caughtUp, resumers, until, from,
                    catchUpTrades, slowest / 1e9, trades, trades / (slowest / 1e9), gaps, duplicates, failed,
                    gateway.counters().replayedTrades.get() - replayedBefore,
                    gateway.counters().resumesCutOver.get() - cutOverBefore,
                    gateway.counters().slowConsumerCloses.get(), loadAverage());
            }
        }
        finally
        {
            wsClient.stop();
            deleteTree(dir);
        }
    }

    /**
     * Waits (not measured) until the live clients have worked off the start (snapshots, JIT): two consecutive
     * seconds with a trade latency p99 under 50 ms, or 60 s.
     */
    private static void warmUp(final Recorder recorder) throws InterruptedException
    {
        recorder.reset();
        int good = 0;
        for (int s = 0; s < 60 && good < 2; s++)
        {
            Thread.sleep(1_000);
            final Histogram second = recorder.getIntervalHistogram();
            good = second.getTotalCount() > 0 && second.getValueAtPercentile(99) < 50_000 ? good + 1 : 0;
        }
        System.out.println(good >= 2 ? "warmed up" : "NOT warmed up after 60 s: the live clients alone fall behind");
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

    private static void report(final String what, final Histogram h, final int clients, final long messages,
        final double seconds, final String load)
    {
        System.out.printf("%s (%d live clients): trade latency engine->client us p50 %d p90 %d p99 %d p99.9 %d " +
            "max %d (n=%d); %.0f messages/s to live clients; load average at start %s%n", what, clients,
            h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
            h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount(), messages / seconds, load);
    }

    private static void deleteTree(final Path dir) throws java.io.IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
