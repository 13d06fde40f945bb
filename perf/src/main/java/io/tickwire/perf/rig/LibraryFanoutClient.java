package io.tickwire.perf.rig;

import io.tickwire.client.ClientConfig;
import io.tickwire.client.ClientError;
import io.tickwire.client.ConnectionState;
import io.tickwire.client.Gap;
import io.tickwire.client.StatusEvent;
import io.tickwire.client.Subscription;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireListener;
import io.tickwire.client.Trade;
import io.tickwire.client.WireProtocol;
import io.tickwire.codecs.json.Channel;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out rig's client process with the project's Java client library ({@code --client java}, Tickwire
 * target only): N {@link TickwireClient}s, each subscribed to trades of its symbols exactly as {@link FanoutClient}
 * subscribes ({@code all}, or {@code 1-in-10}: the symbols {@code s} with {@code s % 10 == connection % 10}, in
 * requests of at most 200 symbols), over {@code tickwire.sbe.v1} (the library's default) or JSON
 * ({@code --protocol json}). The connections share {@code --threads} JDK {@code HttpClient}s and one scheduler of
 * {@code --threads} threads ({@link ClientConfig#httpClient} and {@link ClientConfig#scheduler}: the library's
 * documented way to hold many connections in one process, without a thread per client).
 * <p>
 * <b>Latency.</b> {@code receive} is {@link System#nanoTime()} at the start of {@link TickwireListener#onTrade}: it
 * includes the JDK WebSocket's reading and the library's decoding, {@code prev} check and hand-over, which the lean
 * client's figure (taken when its read returned) does not. The intended time is the tick's due time on the
 * driver's schedule, the very value the driver wrote into the feed record and the gateway puts in its bench-only
 * JSON field {@code "intended"}; the library does not surface that field (the SBE trade has no such field, and the
 * JSON codec skips unknown fields), so this client computes it from the schedule it gets in {@code START}:
 * on a stream (connection, symbol {@code s}) the {@code k}-th trade delivered (from 0) is tick
 * {@code i = s + k * symbols}, due at {@code t0 + i * period}. That holds because the connections subscribe before
 * the first tick and the gateway sends each stream every trade once in order; it is checked on every trade: the
 * trade's price, quantity and side must be tick {@code i}'s ({@link TickStream} makes them depend on {@code i}
 * only), or it counts as an error. After a gap the count is no longer known: that stream's later trades are not
 * recorded (they count as missing), and the run is not correct anyway.
 * <p>
 * <b>Correctness</b> comes from the library: {@code gaps} is the number of {@link TickwireListener#onGap} calls
 * (the library's own {@code prev} chain check and resume reports), {@code duplicates} the library's counter of
 * messages it dropped as already delivered ({@code ClientCounters.duplicatesDropped}), {@code closed} the
 * connections the library lost at least once ({@code RECONNECTING}; it reconnects by itself), {@code errors} every
 * {@link TickwireListener#onError} and every lost connection, plus what this client's cross-check of the delivered
 * trades found (a trade
 * at or below the stream's last seq, a {@code prev} break the library did not report, a trade that is not the
 * expected tick, a trade on a symbol not subscribed).
 * <p>
 * The protocol with the driver is {@link FanoutClient}'s ({@code READY}, {@code START ...}, {@code RESULT ...},
 * {@code ERROR ...}, {@code DONE}), with the same {@code RESULT} keys plus {@code impl=java}; stall runs are not
 * supported (the library reads as fast as its listener returns; it has no way to stop reading).
 */
public final class LibraryFanoutClient
{
    private static final long HIGHEST = 600_000_000_000L;
    private static final int MAX_SYMBOLS_PER_REQUEST = 200;

    private final int port;
    private final int symbols;
    private final boolean oneInTen;
    private final WireProtocol protocol;
    private final List<Conn> conns = new ArrayList<>();
    private ScheduledThreadPoolExecutor scheduler;
    private final AtomicHistogram latency = new AtomicHistogram(HIGHEST, 3);
    private final AtomicInteger errors = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private volatile long t0;
    private volatile long period = 1;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MIN_VALUE;
    private volatile boolean running = true;

    /**
     * One connection: a {@link TickwireClient} and its listener. Its fields are written only in the client's
     * callbacks, which the library runs one at a time, each happening-after the previous.
     */
    final class Conn implements TickwireListener
    {
        final int index;
        final boolean[] subscribed;
        final long[] lastSeq;
        final long[] delivered;
        final boolean[] gapAnnounced;
        final boolean[] lost;
        TickwireClient client;
        long received;
        volatile long inWindow;
        long expected;
        long gaps;
        volatile boolean closed;
        int closeCode = FanoutClient.CLOSE_NONE;

        Conn(final int index)
        {
            this.index = index;
            subscribed = new boolean[symbols];
            lastSeq = new long[symbols];
            java.util.Arrays.fill(lastSeq, -1);
            delivered = new long[symbols];
            gapAnnounced = new boolean[symbols];
            lost = new boolean[symbols];
            for (int s = 0; s < symbols; s++)
            {
                subscribed[s] = !oneInTen || s % 10 == index % 10;
            }
        }

        @Override
        public void onTrade(final Trade trade)
        {
            final long now = System.nanoTime();
            received++;
            final int symbol = symbolIndex(trade.symbol());
            if (symbol < 0 || !subscribed[symbol])
            {
                error("trade on a symbol not subscribed: " + trade.symbol());
                return;
            }
            final long last = lastSeq[symbol];
            if (last >= 0)
            {
                if (trade.seq() <= last)
                {
                    error("the library delivered seq " + trade.seq() + " after " + last + " on " + trade.symbol());
                    return;
                }
                if (trade.prev() != last && !gapAnnounced[symbol])
                {
                    error("prev " + trade.prev() + " != last seq " + last + " on " + trade.symbol() +
                        " with no onGap");
                }
            }
            lastSeq[symbol] = trade.seq();
            gapAnnounced[symbol] = false;
            final long tick = symbol + delivered[symbol]++ * symbols;
            if (lost[symbol])
            {
                return;
            }
            if (trade.price() != TickStream.price(tick) || trade.priceScale() != TickStream.PRICE_SCALE ||
                trade.qty() != TickStream.qty(tick) || trade.qtyScale() != TickStream.QTY_SCALE ||
                trade.side() != TickStream.side(tick))
            {
                lost[symbol] = true;
                error("connection " + index + ": trade " + trade + " is not tick " + tick + " (" +
                    TickStream.price(tick) + ", " + TickStream.qty(tick) + ", " + TickStream.side(tick) + ")");
                return;
            }
            final long from = windowStart; // read first: t0 and period were written before it
            final long intended = t0 + tick * period;
            if (intended >= from && intended < windowEnd)
            {
                inWindow++;
                latency.recordValue(Math.min(Math.max(0, now - intended), HIGHEST));
            }
        }

        @Override
        public void onGap(final Gap gap)
        {
            gaps++;
            final int symbol = symbolIndex(gap.symbol());
            if (symbol >= 0)
            {
                gapAnnounced[symbol] = true;
                lost[symbol] = true;
            }
        }

        @Override
        public void onStatus(final StatusEvent status)
        {
            if (status.state() == ConnectionState.RECONNECTING && running)
            {
                closed = true;
                if (status.closeCode() >= 0)
                {
                    closeCode = status.closeCode();
                }
                error("connection " + index + " lost: close code " + status.closeCode() + " " + status.reason());
            }
        }

        @Override
        public void onError(final ClientError error)
        {
            error("connection " + index + ": " + error.code() + " " + error.message());
        }
    }

    LibraryFanoutClient(final Args a)
    {
        port = a.intValue("--port", 8080);
        symbols = a.intValue("--symbols", 100);
        oneInTen = "1-in-10".equals(a.value("--subscription", "all"));
        protocol = "json".equals(a.value("--protocol", "sbe")) ? WireProtocol.JSON : WireProtocol.SBE;
        if (oneInTen && symbols < 10)
        {
            throw new IllegalArgumentException("--subscription 1-in-10 needs at least 10 symbols");
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final Args a = new Args(args);
        final LibraryFanoutClient client = new LibraryFanoutClient(a);
        final int clients = a.intValue("--clients", 100);
        final int threads = Math.max(1, Math.min(a.intValue("--threads", 2), clients));
        final Path out = Path.of(a.value("--out", "."));
        final String label = a.value("--label", "run");
        final double drainSeconds = a.doubleValue("--drain", 5);
        client.connectAll(clients, threads);
        System.out.println("READY connections=" + clients + " protocol=" + client.protocol);
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        final String start = in.readLine();
        if (start == null || !start.startsWith("START "))
        {
            throw new IllegalStateException("expected START, got " + start);
        }
        final String[] f = start.split(" ");
        final long t0 = Long.parseLong(f[1]);
        final long period = Long.parseLong(f[2]);
        final long total = Long.parseLong(f[3]);
        final long from = Long.parseLong(f[4]);
        final long to = Long.parseLong(f[5]);
        client.expect(from, to);
        // published before the first tick is due (t0 is in the future), read by the callbacks
        client.t0 = t0;
        client.period = period;
        client.windowEnd = t0 + to * period;
        client.windowStart = t0 + from * period;
        final long drainEnd = t0 + (total - 1) * period + (long)(drainSeconds * 1e9);
        while (System.nanoTime() < drainEnd && !client.complete())
        {
            LockSupport.parkNanos(10_000_000);
        }
        client.running = false;
        for (final Conn conn : client.conns)
        {
            conn.client.close(); // waits for the client's lane: every callback happens-before the report
        }
        client.scheduler.shutdown();
        client.report(out, label, (to - from) * period / 1e9, System.out);
        System.out.println("DONE");
        System.out.flush();
    }

    private void connectAll(final int clients, final int threads) throws Exception
    {
        final AtomicInteger threadCount = new AtomicInteger();
        scheduler = new ScheduledThreadPoolExecutor(threads, r ->
        {
            final Thread t = new Thread(r, "library-clients-" + threadCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        final HttpClient[] http = new HttpClient[threads];
        for (int t = 0; t < threads; t++)
        {
            http[t] = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
        final List<CompletableFuture<?>> replies = new ArrayList<>();
        for (int c = 0; c < clients; c++)
        {
            final Conn conn = new Conn(c);
            conns.add(conn);
            conn.client = TickwireClient.connect(new ClientConfig()
                .urls("ws://127.0.0.1:" + port + "/stream")
                .protocol(protocol)
                .httpClient(http[c % threads])
                .scheduler(scheduler)
                .connectTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofSeconds(60))
                .seed(c), conn);
            final List<String> chunk = new ArrayList<>();
            for (int s = 0; s < symbols; s++)
            {
                if (conn.subscribed[s])
                {
                    chunk.add(TickStream.symbol(s));
                }
                if (chunk.size() == MAX_SYMBOLS_PER_REQUEST || (s == symbols - 1 && !chunk.isEmpty()))
                {
                    replies.add(conn.client.subscribe(Subscription.of(Channel.TRADES, chunk)));
                    chunk.clear();
                }
            }
        }
        final long deadline = System.nanoTime() + 120_000_000_000L;
        for (final CompletableFuture<?> reply : replies)
        {
            final long left = deadline - System.nanoTime();
            try
            {
                reply.get(Math.max(1, left), TimeUnit.NANOSECONDS);
            }
            catch (final java.util.concurrent.TimeoutException ex)
            {
                throw new IllegalStateException("not every subscribed reply came in 120 s; errors " + errorSamples);
            }
        }
    }

    private int symbolIndex(final String symbol)
    {
        // SYM0000 .. SYM9999 (TickStream.symbol)
        if (symbol == null || symbol.length() != 7 || !symbol.startsWith("SYM"))
        {
            return -1;
        }
        int v = 0;
        for (int i = 3; i < 7; i++)
        {
            final char ch = symbol.charAt(i);
            if (ch < '0' || ch > '9')
            {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v < symbols ? v : -1;
    }

    private void expect(final long from, final long to)
    {
        if (to < from)
        {
            throw new IllegalArgumentException("empty window");
        }
        for (final Conn conn : conns)
        {
            long e = 0;
            for (int s = 0; s < symbols; s++)
            {
                if (conn.subscribed[s])
                {
                    e += TickStream.ticksOfSymbol(s, from, to, symbols);
                }
            }
            conn.expected = e;
        }
    }

    private boolean complete()
    {
        for (final Conn conn : conns)
        {
            if (conn.inWindow < conn.expected)
            {
                return false;
            }
        }
        return true;
    }

    void error(final String what)
    {
        if (errors.incrementAndGet() <= 5)
        {
            errorSamples.add(what);
        }
    }

    private void report(final Path out, final String label, final double windowSeconds, final PrintStream print)
        throws IOException
    {
        long gaps = 0;
        long duplicates = 0;
        long missing = 0;
        long expected = 0;
        long inWindow = 0;
        long received = 0;
        long libraryTrades = 0;
        long libraryGaps = 0;
        long disconnects = 0;
        int closed = 0;
        int closed4008 = 0;
        for (final Conn conn : conns)
        {
            gaps += conn.gaps;
            duplicates += conn.client.counters().duplicatesDropped();
            libraryTrades += conn.client.counters().trades();
            libraryGaps += conn.client.counters().gaps();
            disconnects += conn.client.counters().disconnects();
            expected += conn.expected;
            received += conn.received;
            inWindow += conn.inWindow;
            missing += Math.max(0, conn.expected - conn.inWindow);
            if (conn.closed)
            {
                closed++;
                if (conn.closeCode == 4008)
                {
                    closed4008++;
                }
            }
        }
        final Histogram merged = new Histogram(HIGHEST, 3);
        merged.add(latency);
        Files.createDirectories(out);
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(out.resolve(label + ".hgrm"))))
        {
            merged.outputPercentileDistribution(hgrm, 1000.0);
        }
        print.println("RESULT impl=java protocol=" + protocol + " connections=" + conns.size() + " stalled=0" +
            " expected=" + expected + " received=" + received + " missing=" + missing +
            " gaps=" + gaps + " duplicates=" + duplicates + " closed=" + closed + " closed4008=" + closed4008 +
            " stalledCorrect=0 stalled4008=0 errors=" + errors.get() +
            " othersInWindow=" + inWindow + " windowSeconds=" + windowSeconds +
            " count=" + merged.getTotalCount() +
            " p50=" + merged.getValueAtPercentile(50) + " p90=" + merged.getValueAtPercentile(90) +
            " p99=" + merged.getValueAtPercentile(99) + " p999=" + merged.getValueAtPercentile(99.9) +
            " p9999=" + merged.getValueAtPercentile(99.99) + " max=" + merged.getMaxValue() +
            " stalledCount=0 stalledP99=0 libraryTrades=" + libraryTrades + " libraryGaps=" + libraryGaps +
            " libraryDisconnects=" + disconnects);
        for (final String sample : errorSamples)
        {
            print.println("ERROR " + sample);
        }
    }
}
