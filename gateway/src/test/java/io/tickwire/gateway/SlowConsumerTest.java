package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that stop reading while others stream (issue 3's slow-consumer case): the gateway's per-session outbound
 * stays within its bound, and so does the heap of this JVM (engine, gateway and test clients) over the stall; a
 * stalled book/ticker client catches up with conflated messages whose books equal the journal's; a stalled trades
 * client, and a stalled book client with {@code "policy":"close"}, are closed with 4008 naming the seq to resume
 * from; and the clients that kept reading got every event with no gap (counts and ordered digests of every trades
 * stream against the journal, checksums and unbroken chains on every book and ticker stream, nothing conflated).
 * Stall length: {@code -Dtickwire.stall.seconds} (default 5); clients that keep reading: {@code
 * -Dtickwire.slow.others} (default 4), each reading the trades, book and ticker of one symbol; simulator inputs per
 * second {@code -Dtickwire.slow.rate} (default 3,000). The soak profile runs 30 s with 100 others at 300 inputs/s
 * (a hundred JDK clients parsing JSON in this JVM at 1,000 inputs/s or more starved it on the shared 2-core box).
 * Delivery latency of the others before and during the stall is printed (a measurement, not an assertion).
 * <p>
 * Heap bound (docs/reliability.md "Slow consumers"): the heap used after a full GC may grow over the stall by at most
 * {@link #HEAP_SLACK} plus, per stalled session, {@code closeAboveBytes + 16 x ring capacity + 32 x depth x book
 * streams} (the bytes in flight it may hold, its ring of lengths and queue times, and the client view kept per
 * conflating book stream). The write buffers of a batched connection are direct memory, so on this path the
 * per-session part is an over-estimate; the direct memory is printed as well.
 */
class SlowConsumerTest
{
    private static final List<String> SYMBOLS = List.of("BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD");
    private static final String ALL = "[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\",\"BNB-USD\"]";
    /** Heap growth over the stall allowed on top of the stalled sessions' budgets (JIT, pools, clients' buffers). */
    static final long HEAP_SLACK = 32L * 1024 * 1024;
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void stalledClientsConflateOrCloseAndNobodyElseNotices() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int stallSeconds = Integer.getInteger("tickwire.stall.seconds", 5);
        final int normalCount = Integer.getInteger("tickwire.slow.others", 4);
        final int rate = Integer.getInteger("tickwire.slow.rate", 3_000);
        System.out.println("SlowConsumerTest seed=" + seed + " stall=" + stallSeconds + "s others=" + normalCount +
            " rate=" + rate + "/s");
        final List<StreamChecker> normalCheckers = new ArrayList<>();
        final StreamChecker slowBook = new StreamChecker();
        final StreamChecker slowTrades = new StreamChecker();
        final StreamChecker slowClose = new StreamChecker();
        final GatewayCounters counters;
        final int tradesCloseCode;
        final String tradesCloseReason;
        final int closePolicyCode;
        final String closePolicyReason;
        final int conflateAbove = 16 * 1024;
        final int closeAbove = 256 * 1024;
        final long heapBefore;
        final long heapDuring;
        final long heapBound;
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, rate, seed, c ->
        {
            c.conflateAboveBytes = conflateAbove;
            c.closeAboveBytes = closeAbove;
        }))
        {
            counters = fixture.gateway.counters();
            // The others share one HttpClient (one selector thread, two for callbacks), so a hundred of them fit in
            // this JVM. Each reads the trades, book and ticker of one symbol (every symbol has readers with 4 or more).
            final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(2);
            final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().executor(executor).build();
            final List<JdkClient> normal = new ArrayList<>();
            for (int i = 0; i < normalCount; i++)
            {
                final JdkClient client = new JdkClient(http, fixture.streamUri(), Map.of());
                final String symbol = "[\"" + SYMBOLS.get(i % SYMBOLS.size()) + "\"]";
                client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":" + symbol + "}");
                client.send("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":" + symbol + ",\"depth\":10}");
                client.send("{\"op\":\"subscribe\",\"channel\":\"ticker\",\"symbols\":" + symbol + "}");
                normal.add(client);
                final StreamChecker checker = new StreamChecker();
                checker.recordViews = false; // their books are proven by checksums and unbroken chains
                checker.recordTrades = false; // and their trades by per-stream digests: constant memory
                checker.recordTickers = false;
                normalCheckers.add(checker);
            }
            final JdkClient bookClient = new JdkClient(fixture.streamUri());
            subscribeAll(bookClient, "book", ",\"depth\":10");
            subscribeAll(bookClient, "ticker", "");
            final JdkClient tradesClient = new JdkClient(fixture.streamUri());
            subscribeAll(tradesClient, "trades", "");
            subscribeAll(tradesClient, "book", ",\"depth\":50");
            final JdkClient closeClient = new JdkClient(fixture.streamUri());
            subscribeAll(closeClient, "book", ",\"depth\":50,\"policy\":\"close\"");
            final List<JdkClient> slow = List.of(bookClient, tradesClient, closeClient);
            final List<StreamChecker> slowCheckers = List.of(slowBook, slowTrades, slowClose);

            // The slow clients stop reading at once (so the kernel never grows their socket buffers), and the heap
            // is measured then; the others read for 2 s before the stall is timed.
            slow.forEach(JdkClient::pause);
            final long gcStart = System.nanoTime();
            heapBefore = usedHeapAfterGc(normal, normalCheckers);
            final long directBefore = directMemoryUsed();
            System.out.println("heap measured in " + (System.nanoTime() - gcStart) / 1_000_000 + " ms");
            final Latency before = new Latency();
            final long warm = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < warm)
            {
                drain(normal, normalCheckers, before);
            }

            // Stall: keep the normal clients reading; wait for at least the stall time and until the trades client
            // and the close-policy client were closed.
            final Latency during = new Latency();
            final long stallStart = System.nanoTime();
            final long stallEnd = System.nanoTime() + Duration.ofSeconds(stallSeconds).toNanos();
            final long deadline = System.nanoTime() + Duration.ofSeconds(stallSeconds + 120).toNanos();
            while (System.nanoTime() < stallEnd || counters.slowConsumerCloses.get() < 2)
            {
                assertThat(System.nanoTime()).as("the stalled trades and close-policy clients are closed in time")
                    .isLessThan(deadline);
                drain(normal, normalCheckers, during);
            }
            final long stallMillis = Math.max(1, (System.nanoTime() - stallStart) / 1_000_000);
            System.out.println("stall ended after " + stallMillis + " ms, slow-consumer closes " +
                counters.slowConsumerCloses.get());
            heapDuring = usedHeapAfterGc(normal, normalCheckers);
            final long directDuring = directMemoryUsed();
            final GatewayConfig config = fixture.gateway.config();
            final long ring = Integer.highestOneBit(Math.max(1, config.maxFramesInFlight * 2 - 1));
            // bookClient: 4 book streams of depth 10; tradesClient: 4 of 50; closeClient: 4 of 50 (views kept only
            // when conflating, counted for all)
            heapBound = HEAP_SLACK + 3 * (config.closeAboveBytes + 16 * ring) + 32L * 4 * (10 + 50 + 50);
            System.out.printf("heap used after full GC: %.1f MiB before the stall, %.1f MiB at its end (growth %.1f " +
                    "MiB, bound %.1f MiB); direct buffers %.1f MiB, %.1f MiB%n", heapBefore / (double)MIB,
                heapDuring / (double)MIB, (heapDuring - heapBefore) / (double)MIB, heapBound / (double)MIB,
                directBefore / (double)MIB, directDuring / (double)MIB);
            assertThat(heapDuring - heapBefore).as("heap growth over the stall (bytes)").isLessThanOrEqualTo(heapBound);
            assertThat(counters.maxSessionBytesInFlight.get()).as("outbound bytes in flight per session stay bounded")
                .isLessThanOrEqualTo(closeAbove + 64 * 1024);
            // /metrics shows the lag while the book client is still stalled, and the send latency histogram.
            final String metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + fixture.gateway.port() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metric(metrics, "tickwire_gateway_sessions_lagging")).isGreaterThanOrEqualTo(1);
            assertThat(metric(metrics, "tickwire_gateway_session_bytes_in_flight_max"))
                .isGreaterThan(fixture.gateway.config().conflateAboveBytes);
            final long sent = metric(metrics, "tickwire_gateway_send_latency_seconds_count");
            assertThat(sent).isPositive();
            assertThat(metric(metrics, "tickwire_gateway_send_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(sent);

            // Includes this test's own JSON parsing, so it shows whether the others kept flowing, not the gateway's
            // latency (BENCHMARKS.md has that).
            System.out.println("others' trade delivery latency (engine time to the test's parse), before the stall: " +
                before + "; during: " + during + " (" + during.messages * 1000 / stallMillis + " messages/s)");
            slow.forEach(JdkClient::resume);
            final long caughtUpBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tradesClient.closeCode < 0 || closeClient.closeCode < 0 || slowBook.conflated == 0 ||
                tradesClient.messages.size() > 0 || closeClient.messages.size() > 0)
            {
                assertThat(System.nanoTime()).as("slow clients catch up").isLessThan(caughtUpBy);
                drain(normal, normalCheckers);
                drainOne(bookClient, slowBook);
                drainOne(tradesClient, slowTrades);
                drainOne(closeClient, slowClose);
            }
            // Let the book client take a few more live messages after its catch-up.
            final int views = slowBook.bookViews.size();
            while (slowBook.bookViews.size() < views + 50)
            {
                assertThat(System.nanoTime()).isLessThan(caughtUpBy);
                drain(normal, normalCheckers);
                drainOne(bookClient, slowBook);
            }
            tradesCloseCode = tradesClient.closeCode;
            tradesCloseReason = tradesClient.closeReason.get();
            closePolicyCode = closeClient.closeCode;
            closePolicyReason = closeClient.closeReason.get();
            ping(bookClient, slowBook);
            for (int i = 0; i < normal.size(); i++)
            {
                ping(normal.get(i), normalCheckers.get(i));
            }
            normal.forEach(JdkClient::close);
            slow.forEach(JdkClient::close);
            executor.shutdownNow();
        }

        // The reason names the lowest last-delivered seq over the client's streams: a safe resume point for
        // all of them (each stream's own last seq is exact).
        assertThat(tradesCloseCode).isEqualTo(CloseCodes.SLOW_CONSUMER);
        assertThat(tradesCloseReason).isEqualTo("slow consumer; resume from " + lowestLastSeq(slowTrades));
        final JournalTruth truth = JournalTruth.replay(dir.resolve("journal"), null);
        // The stalled trades client: its close reason names the seq to resume trades from, and every trade
        // it got before is exactly the journal's.
        assertThat(slowTrades.trades).isEqualTo(expectedTrades(truth, slowTrades, Long.MAX_VALUE));

        // The stalled book client with policy close: closed, not conflated, with its last seq; every view it had
        // equals the journal's book at that seq.
        assertThat(closePolicyCode).isEqualTo(CloseCodes.SLOW_CONSUMER);
        assertThat(closePolicyReason).isEqualTo("slow consumer; resume from " + lowestLastSeq(slowClose));
        assertThat(slowClose.conflated).isZero();
        assertThat(slowClose.bookViews).isNotEmpty();
        assertBooksMatch(slowClose, 50);

        // The stalled book client: every view it had, conflated or not, equals the journal's book at that seq.
        assertThat(slowBook.conflated).isPositive();
        assertBooksMatch(slowBook, 10);

        // Everyone else: every trade up to its pong (count and ordered digest per stream), no gap, nothing conflated.
        long othersTrades = 0;
        for (final StreamChecker checker : normalCheckers)
        {
            assertThat(checker.pongSeq).isPositive();
            assertThat(checker.conflated).isZero();
            for (final String symbol : SYMBOLS)
            {
                final String key = "trades/" + symbol;
                if (!checker.subscribedAt.containsKey(key))
                {
                    continue;
                }
                final long[] expected = new long[2];
                truth.trades.stream()
                    .filter(t -> t.symbol().equals(symbol))
                    .filter(t -> t.seq() > checker.subscribedAt.get(key) && t.seq() <= checker.pongSeq)
                    .forEach(t -> StreamChecker.digest(expected, t));
                final long[] actual = checker.tradeDigests.getOrDefault(key, new long[2]);
                assertThat(actual).as("trades of %s: count and digest", key).containsExactly(expected);
                othersTrades += actual[0];
            }
        }
        assertThat(othersTrades).isPositive();
        System.out.println("others: " + normalCheckers.size() + " clients, " + othersTrades +
            " trades checked against the journal; slow book client: " + slowBook.bookViews.size() + " book views, " +
            slowBook.conflated + " conflated; close-policy client: " + slowClose.bookViews.size() + " views, closed " +
            closePolicyCode + " '" + closePolicyReason + "'; max bytes in flight on a session " +
            counters.maxSessionBytesInFlight.get() + "; slow-consumer closes " + counters.slowConsumerCloses.get());
    }

    private static long lowestLastSeq(final StreamChecker checker)
    {
        return checker.lastSeq.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    /**
     * @return the heap used right after a full GC, once two GCs in a row agree within 2 MiB (at most 5), with the
     *         clients' queues drained before each so what they hold is not counted.
     */
    private static long usedHeapAfterGc(final List<JdkClient> clients, final List<StreamChecker> checkers)
        throws InterruptedException
    {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            drain(clients, checkers, null);
            System.gc();
            final long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(used - previous) < 2 * MIB)
            {
                return Math.min(used, previous);
            }
            previous = used;
        }
        return previous;
    }

    private static long directMemoryUsed()
    {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> "direct".equals(p.getName())).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    private static List<JournalTruth.TradeRow> expectedTrades(final JournalTruth truth, final StreamChecker checker, final long upTo)
    {
        final long last = checker.trades.isEmpty() ? 0 : checker.trades.get(checker.trades.size() - 1).seq();
        return truth.trades.stream()
            .filter(t -> checker.subscribedAt.containsKey("trades/" + t.symbol()))
            .filter(t -> t.seq() > checker.subscribedAt.get("trades/" + t.symbol()) && t.seq() <= Math.min(last, upTo))
            .toList();
    }

    private void assertBooksMatch(final StreamChecker checker, final int depth)
    {
        final Map<String, List<StreamChecker.BookView>> bySymbol = new HashMap<>();
        checker.bookViews.forEach(v -> bySymbol.computeIfAbsent(v.symbol(), s -> new ArrayList<>()).add(v));
        final Map<String, Integer> cursor = new HashMap<>();
        final int[] compared = {0};
        JournalTruth.replay(dir.resolve("journal"), (first, last, t) ->
        {
            for (final Map.Entry<String, List<StreamChecker.BookView>> e : bySymbol.entrySet())
            {
                int i = cursor.getOrDefault(e.getKey(), 0);
                while (i < e.getValue().size() && e.getValue().get(i).seq() <= last)
                {
                    final StreamChecker.BookView view = e.getValue().get(i);
                    assertThat(view.view()).as("%s at seq %d (conflated %s)", view.symbol(), view.seq(), view.conflated())
                        .isEqualTo(String.join(",", t.topView(view.symbol(), depth)));
                    compared[0]++;
                    i++;
                }
                cursor.put(e.getKey(), i);
            }
        });
        assertThat(compared[0]).isEqualTo(checker.bookViews.size());
    }

    private static void subscribeAll(final JdkClient client, final String channel, final String extra)
    {
        client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"symbols\":" + ALL + extra + "}");
    }

    /** Engine-time-to-client latency of trades, in microseconds. */
    private static final class Latency
    {
        final org.HdrHistogram.Histogram histogram = new org.HdrHistogram.Histogram(3);
        long messages;

        void record(final JsonNode m)
        {
            messages++;
            if ("trade".equals(m.path("type").asText()))
            {
                final java.time.Instant now = java.time.Instant.now();
                final long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                histogram.recordValue(Math.max(0, (nowNanos - m.path("ts").asLong()) / 1_000));
            }
        }

        @Override
        public String toString()
        {
            return messages + " messages, trade p50 " + histogram.getValueAtPercentile(50) + " us, p99 " +
                histogram.getValueAtPercentile(99) + " us, max " + histogram.getMaxValue() + " us";
        }
    }

    private static void drain(final List<JdkClient> clients, final List<StreamChecker> checkers) throws InterruptedException
    {
        drain(clients, checkers, null);
    }

    private static void drain(final List<JdkClient> clients, final List<StreamChecker> checkers, final Latency latency)
        throws InterruptedException
    {
        boolean any = false;
        for (int i = 0; i < clients.size(); i++)
        {
            JsonNode m;
            while ((m = clients.get(i).messages.poll()) != null)
            {
                checkers.get(i).accept(m);
                if (latency != null)
                {
                    latency.record(m);
                }
                any = true;
            }
        }
        if (!any)
        {
            final JsonNode m = clients.get(0).messages.poll(10, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (m != null)
            {
                checkers.get(0).accept(m);
            }
        }
    }

    private static void drainOne(final JdkClient client, final StreamChecker checker)
    {
        JsonNode m;
        while ((m = client.messages.poll()) != null)
        {
            checker.accept(m);
        }
    }

    private static void ping(final JdkClient client, final StreamChecker checker) throws InterruptedException
    {
        client.send("{\"op\":\"ping\",\"id\":\"end\"}");
        while (true)
        {
            final JsonNode m = client.next(Duration.ofSeconds(30));
            checker.accept(m); // a pong ends what the checker records (its pongSeq)
            if ("pong".equals(m.path("type").asText()))
            {
                return;
            }
        }
    }

    private static long metric(final String metrics, final String name)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return (long)Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + metrics);
    }
}
