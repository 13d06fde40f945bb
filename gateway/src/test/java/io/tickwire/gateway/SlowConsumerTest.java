package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that stop reading while others stream: the gateway's per-session outbound stays within its bound,
 * a stalled book/ticker client catches up with conflated messages whose books equal the journal's, a stalled
 * trades client is closed with 4008 naming the seq to resume from, and the clients that kept reading saw
 * every event with no gap. Stall length: {@code -Dtickwire.stall.seconds} (default 5), clients that keep
 * reading: {@code -Dtickwire.slow.others} (default 4); the soak profile runs 30 s with 20 others. Delivery
 * latency of the others before and during the stall is printed (a measurement, not an assertion).
 */
class SlowConsumerTest
{
    private static final String ALL = "[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\",\"BNB-USD\"]";

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void stalledClientsConflateOrCloseAndNobodyElseNotices() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int stallSeconds = Integer.getInteger("tickwire.stall.seconds", 5);
        System.out.println("SlowConsumerTest seed=" + seed + " stall=" + stallSeconds + "s");
        final int normalCount = Integer.getInteger("tickwire.slow.others", 4);
        final List<StreamChecker> normalCheckers = new ArrayList<>();
        final StreamChecker slowBook = new StreamChecker();
        final StreamChecker slowTrades = new StreamChecker();
        final GatewayCounters counters;
        final int tradesCloseCode;
        final String tradesCloseReason;
        final int conflateAbove = 16 * 1024;
        final int closeAbove = 256 * 1024;
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 3_000, seed, c ->
        {
            c.conflateAboveBytes = conflateAbove;
            c.closeAboveBytes = closeAbove;
        }))
        {
            counters = fixture.gateway.counters();
            final List<JdkClient> normal = new ArrayList<>();
            for (int i = 0; i < normalCount; i++)
            {
                final JdkClient client = new JdkClient(fixture.streamUri());
                subscribeAll(client, "book", ",\"depth\":10");
                subscribeAll(client, "trades", "");
                subscribeAll(client, "ticker", "");
                normal.add(client);
                final StreamChecker checker = new StreamChecker();
                checker.recordViews = false; // their books are proven by checksums and unbroken chains
                normalCheckers.add(checker);
            }
            final JdkClient bookClient = new JdkClient(fixture.streamUri());
            subscribeAll(bookClient, "book", ",\"depth\":10");
            subscribeAll(bookClient, "ticker", "");
            final JdkClient tradesClient = new JdkClient(fixture.streamUri());
            subscribeAll(tradesClient, "trades", "");
            subscribeAll(tradesClient, "book", ",\"depth\":50");
            bookClient.pause();
            tradesClient.pause();

            // Stall: keep the normal clients reading; wait until the slow ones are beyond the conflation
            // bound and the trades client was closed, and for at least the stall time.
            final Latency before = new Latency();
            final long warm = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < warm)
            {
                drain(normal, normalCheckers, before);
            }
            final Latency during = new Latency();
            final long stallEnd = System.nanoTime() + Duration.ofSeconds(stallSeconds).toNanos();
            final long deadline = System.nanoTime() + Duration.ofSeconds(stallSeconds + 120).toNanos();
            while (System.nanoTime() < stallEnd || counters.slowConsumerCloses.get() < 1)
            {
                assertThat(System.nanoTime()).as("the stalled trades client is closed within the deadline")
                    .isLessThan(deadline);
                drain(normal, normalCheckers, during);
            }
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

            // Includes this test's own JSON parsing on one thread, so it shows whether the others kept flowing, not the
            // gateway's latency (BENCHMARKS.md has that).
            System.out.println("others' trade delivery latency (engine time to the test's parse), before the stall: " +
                before + "; during: " + during);
            bookClient.resume();
            tradesClient.resume();
            final long caughtUpBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tradesClient.closeCode < 0 || slowBook.conflated == 0 || tradesClient.messages.size() > 0)
            {
                assertThat(System.nanoTime()).as("slow clients catch up").isLessThan(caughtUpBy);
                drain(normal, normalCheckers);
                drainOne(bookClient, slowBook);
                drainOne(tradesClient, slowTrades);
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
            ping(bookClient, slowBook);
            for (int i = 0; i < normal.size(); i++)
            {
                ping(normal.get(i), normalCheckers.get(i));
            }
            normal.forEach(JdkClient::close);
            bookClient.close();
            tradesClient.close();
        }

        // The reason names the lowest last-delivered seq over the client's streams: a safe resume point for
        // all of them (each stream's own last seq is exact).
        final long lastSeen = slowTrades.lastSeq.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(tradesCloseCode).isEqualTo(CloseCodes.SLOW_CONSUMER);
        assertThat(tradesCloseReason).isEqualTo("slow consumer; resume from " + lastSeen);
        final JournalTruth truth = JournalTruth.replay(dir.resolve("journal"), null);
        // The stalled trades client: its close reason names the seq to resume trades from, and every trade
        // it got before is exactly the journal's.
        assertThat(slowTrades.trades).isEqualTo(expectedTrades(truth, slowTrades, Long.MAX_VALUE));

        // The stalled book client: every view it had, conflated or not, equals the journal's book at that seq.
        assertThat(slowBook.conflated).isPositive();
        assertBooksMatch(slowBook, 10);

        // Everyone else: every trade, no gap, books right.
        for (final StreamChecker checker : normalCheckers)
        {
            assertThat(checker.trades).isEqualTo(expectedTrades(truth, checker, checker.trades.get(checker.trades.size() - 1).seq()));
            assertThat(checker.conflated).isZero();
        }
        System.out.println("slow book client: " + slowBook.bookViews.size() + " book views, " + slowBook.conflated +
            " conflated; max bytes in flight on a session " + counters.maxSessionBytesInFlight.get() +
            "; slow-consumer closes " + counters.slowConsumerCloses.get());
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
            if ("pong".equals(m.path("type").asText()))
            {
                return;
            }
            checker.accept(m);
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
