package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.tickwire.gateway.HostileCases.Case;
import io.tickwire.gateway.HostileCases.CloseCase;
import io.tickwire.gateway.HostileCases.FloodCase;
import io.tickwire.gateway.HostileCases.Model;
import io.tickwire.gateway.HostileCases.RawCase;
import io.tickwire.gateway.HostileCases.RawFrame;
import io.tickwire.gateway.HostileCases.Reply;
import io.tickwire.gateway.HostileCases.UpgradeCase;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One real gateway fed by the real engine, attacked by lanes of real clients (JDK and Jetty WebSocket clients,
 * and raw sockets for what those refuse to send) running a seeded stream of at least 10,000 hostile cases:
 * invalid JSON, wrong types, unknown ops, channels and symbols, absurd depths, ids and numbers, deep nesting,
 * oversized and fragmented frames (1009), binary frames (1003), invalid UTF-8 (1007), protocol violations
 * (1002), subscription and request floods (TOO_MANY_SUBSCRIPTIONS, RATE_LIMITED, 4029), missing, expired and
 * forged tokens (401), foreign origins (403). Every case asserts its exact documented outcome
 * ({@link HostileCases}); text requests are pipelined on shared connections, each kept under the rate limit
 * by reconnecting, so their outcomes do not depend on timing.
 * <p>
 * Meanwhile a well-behaved client subscribed to book, trades and ticker sees unbroken prev chains and valid
 * checksums ({@link StreamChecker}); at the end the gateway still serves (/health, a fresh subscription) and its
 * connection counts and refusal counters are exact.
 * <p>
 * Reproduce with {@code -Dtickwire.test.seed=N}; {@code -Dtickwire.hostile.cases=N} changes the number of cases.
 */
class HostileInputTest
{
    static final byte[] SECRET = Tokens.secret("hostile-test-secret-0123456789abcdef0123456789");
    static final String APP = "https://app.example.com";
    static final int RATE = 200;
    /** Requests per lane connection: under RATE in total, so no window can see RATE_LIMITED. */
    static final int BUDGET = RATE - 10;
    /** Requests in flight per lane. */
    static final int WINDOW = 16;
    static final int LANES = 6;
    static final Duration WAIT = Duration.ofSeconds(15);
    static final List<String> GOOD_SYMBOLS = List.of("BTC-USD", "ETH-USD");

    @Test
    @Timeout(180)
    void hostileInputsGetTheirDocumentedOutcomesWhileAWellBehavedClientSeesNoGap(@TempDir final Path dir) throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int cases = Integer.getInteger("tickwire.hostile.cases", 10_000);
        System.out.println("HostileInputTest seed=" + seed + " cases=" + cases);
        final long start = System.nanoTime();

        try (TickwireFixture fixture = new TickwireFixture(dir, 8, 1_000, seed, c ->
        {
            c.jwtSecret = SECRET;
            c.requireToken = true;
            c.allowedOrigins = List.of(APP);
            c.maxInboundMessageBytes = HostileCases.MAX_BYTES;
            c.maxInboundPerSecond = RATE;
            c.maxSubscriptionsPerSession = HostileCases.MAX_SUBS;
        }))
        {
            final HttpClient http = HttpClient.newHttpClient();
            final WebSocketClient jetty = new WebSocketClient();
            jetty.start();
            try
            {
                run(fixture, http, jetty, seed, cases, start);
            }
            finally
            {
                jetty.stop();
            }
        }
    }

    private void run(
        final TickwireFixture fixture, final HttpClient http, final WebSocketClient jetty, final long seed,
        final int cases, final long start) throws Exception
    {
        final URI uri = fixture.streamUri();
        final String laneToken = Tokens.valid(SECRET, "lane", HostileCases.LANE_SYM);
        final String goodToken = Tokens.valid(SECRET, "good", null);

        // The well-behaved client, checked on its own thread for the whole run.
        final StreamChecker checker = new StreamChecker();
        final AtomicReference<Throwable> goodFailure = new AtomicReference<>();
        final AtomicLong maxSilenceNanos = new AtomicLong();
        final AtomicLong goodMessages = new AtomicLong();
        final JdkClient good = new JdkClient(http, uri, HostileCases.withOrigin(HostileCases.bearer(goodToken), APP));
        for (final String channel : List.of("book", "trades", "ticker"))
        {
            good.send("{\"op\":\"subscribe\",\"id\":\"" + channel + "\",\"channel\":\"" + channel + "\"," +
                (channel.equals("book") ? "\"depth\":5," : "") + "\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}");
        }
        final Thread reader = new Thread(() ->
        {
            long last = System.nanoTime();
            try
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    final JsonNode m = good.messages.poll(100, TimeUnit.MILLISECONDS);
                    final long now = System.nanoTime();
                    if (m != null)
                    {
                        maxSilenceNanos.accumulateAndGet(now - last, Math::max);
                        last = now;
                        checker.accept(m);
                        goodMessages.incrementAndGet();
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final Throwable ex)
            {
                goodFailure.set(ex);
            }
        }, "good-client-checker");
        reader.start();

        // The lanes.
        final ExecutorService pool = Executors.newFixedThreadPool(LANES);
        final List<Future<Lane>> futures = new ArrayList<>();
        for (int l = 0; l < LANES; l++)
        {
            final int laneCases = cases / LANES + (l < cases % LANES ? 1 : 0);
            futures.add(pool.submit(new Lane(l, seed, laneCases, uri, fixture.gateway.port(), http, jetty, laneToken)));
        }
        final List<Lane> lanes = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        for (final Future<Lane> f : futures)
        {
            final Lane lane = f.get(150, TimeUnit.SECONDS);
            lanes.add(lane);
            if (lane.failure != null)
            {
                failures.add(lane.failure);
            }
        }
        pool.shutdown();
        final long hostileNanos = System.nanoTime() - start;

        reader.interrupt();
        reader.join(10_000);
        assertThat(failures).as("seed %d", seed).isEmpty();

        final Map<String, Integer> kinds = new TreeMap<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        long messages = 0;
        long connections = 0;
        for (final Lane lane : lanes)
        {
            lane.kinds.forEach((k, v) -> kinds.merge(k, v, Integer::sum));
            lane.outcomes.forEach((k, v) -> outcomes.merge(k, v, Integer::sum));
            messages += lane.messagesSent;
            connections += lane.connections;
        }
        assertThat(kinds.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(cases);
        System.out.println("cases by kind: " + kinds);
        System.out.println("outcomes: " + outcomes);
        System.out.println("hostile phase " + hostileNanos / 1_000_000 + " ms, " + messages + " messages on " + connections +
            " connections; good client: " + goodMessages.get() + " messages, " + checker.trades.size() + " trades, " +
            checker.bookViews.size() + " book views, " + checker.conflated + " conflated, longest silence " +
            maxSilenceNanos.get() / 1_000_000 + " ms");
        for (final String family : List.of("ping", "subscribe", "unsubscribe", "resync", "malformed", "unknownOp", "deep",
            "oversize-whole", "oversize-fragmented", "binary", "utf8-whole", "utf8-validSplit", "protocol-unmasked",
            "token-expired", "token-forged", "origin-foreign", "flood-rate", "flood-4029", "flood-subs"))
        {
            assertThat(kinds).as("cases of kind %s", family).containsKey(family);
        }

        // The well-behaved client: no gap (StreamChecker asserted every prev chain and checksum), still served.
        assertThat(goodFailure.get()).as("well-behaved client").isNull();
        assertThat(good.closeCode()).isEqualTo(-1);
        good.send("{\"op\":\"ping\",\"id\":\"end\"}");
        while (true)
        {
            final JsonNode m = good.next(WAIT);
            checker.accept(m);
            if ("pong".equals(m.path("type").asText()))
            {
                break;
            }
        }
        assertThat(checker.subscribedAt.keySet()).containsExactlyInAnyOrder(
            "book/BTC-USD", "book/ETH-USD", "trades/BTC-USD", "trades/ETH-USD", "ticker/BTC-USD", "ticker/ETH-USD");
        assertThat(checker.trades).isNotEmpty();
        assertThat(checker.bookViews).isNotEmpty();
        assertThat(checker.tickers).isNotEmpty();
        assertThat(maxSilenceNanos.get()).as("longest silence on the well-behaved client").isLessThan(10_000_000_000L);

        // The gateway still serves: health, and a fresh client subscribes and gets data.
        final HttpResponse<String> health = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.gateway.port() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        try (JettyClient fresh = new JettyClient(jetty, uri, HostileCases.bearer(laneToken)))
        {
            final StreamChecker freshChecker = new StreamChecker();
            fresh.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}");
            fresh.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"ticker\",\"symbols\":[\"BTC-USD\"]}");
            int data = 0;
            while (data < 5)
            {
                final JsonNode m = fresh.messages().poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(m).as("fresh client message").isNotNull();
                freshChecker.accept(m);
                if (m.has("prev"))
                {
                    data++;
                }
            }
            assertThat(freshChecker.subscribedAt.keySet())
                .containsExactlyInAnyOrder("trades/BTC-USD", "trades/ETH-USD", "ticker/BTC-USD");

            // Exact accounting: only the well-behaved and the fresh client are still connected.
            LaneSupport.await("connections", () -> fixture.gateway.openConnections(), 2);
            LaneSupport.await("connections from 127.0.0.1", () -> fixture.gateway.openConnectionsFrom("127.0.0.1"), 2);
            LaneSupport.await("agent sessions", () -> (int)fixture.gateway.counters().activeSessions.get(), 2);
        }
        final GatewayCounters counters = fixture.gateway.counters();
        assertThat(List.of(counters.upgradesRefusedToken.get(), counters.upgradesRefusedOrigin.get(),
            counters.upgradesRefusedGatewayFull.get(), counters.upgradesRefusedIpLimit.get(),
            counters.upgradesRefusedBadRequest.get(), counters.sessionsRefused.get()))
            .containsExactly((long)outcomes.getOrDefault("http 401", 0), (long)outcomes.getOrDefault("http 403", 0),
                0L, 0L, 0L, 0L);
        good.close();
        System.out.println("HostileInputTest total " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** Small waiting helpers. */
    static final class LaneSupport
    {
        private LaneSupport()
        {
        }

        static void await(final String what, final java.util.function.IntSupplier value, final int expected)
            throws InterruptedException
        {
            GatewayLimitsTest.awaitValue(what, value, expected);
        }
    }

    /**
     * One lane: its own seeded case stream, one shared connection at a time (JDK or Jetty by lane), fresh
     * connections for cases that need one.
     */
    static final class Lane implements java.util.concurrent.Callable<Lane>
    {
        final int index;
        final long seed;
        final int cases;
        final URI uri;
        final int port;
        final HttpClient http;
        final WebSocketClient jetty;
        final String laneToken;
        final boolean jdk;
        final HostileCases generator;
        final Map<String, Integer> kinds = new TreeMap<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        final Deque<Reply> outstanding = new ArrayDeque<>();
        final Deque<Integer> outstandingIndex = new ArrayDeque<>();
        String failure;
        long messagesSent;
        long connections;

        private TestSocket conn;
        private Model model;
        private int sentOnConn;
        private int caseIndex;

        Lane(final int index, final long seed, final int cases, final URI uri, final int port, final HttpClient http,
            final WebSocketClient jetty, final String laneToken)
        {
            this.index = index;
            this.seed = seed;
            this.cases = cases;
            this.uri = uri;
            this.port = port;
            this.http = http;
            this.jetty = jetty;
            this.laneToken = laneToken;
            this.jdk = index % 2 == 0;
            this.generator = new HostileCases(new Random(seed * 31 + index), SECRET, laneToken, APP);
        }

        private Map<String, String> headers()
        {
            return index % 3 == 0 ? HostileCases.withOrigin(HostileCases.bearer(laneToken), APP) : HostileCases.bearer(laneToken);
        }

        private TestSocket open() throws Exception
        {
            connections++;
            return jdk ? new JdkClient(http, uri, headers()) : new JettyClient(jetty, uri, headers());
        }

        private void reconnect() throws Exception
        {
            if (conn != null)
            {
                conn.close();
            }
            conn = open();
            model = new Model();
            sentOnConn = 0;
        }

        private void outcome(final String what)
        {
            outcomes.merge(what, 1, Integer::sum);
        }

        @Override
        public Lane call()
        {
            Case c = null;
            try
            {
                reconnect();
                for (caseIndex = 0; caseIndex < cases; caseIndex++)
                {
                    if (sentOnConn >= BUDGET)
                    {
                        drain();
                        reconnect();
                    }
                    c = generator.next(model);
                    kinds.merge(c.kind(), 1, Integer::sum);
                    if (c instanceof Reply r)
                    {
                        reply(r);
                    }
                    else if (c instanceof CloseCase cc)
                    {
                        closeCase(cc);
                    }
                    else if (c instanceof RawCase rc)
                    {
                        rawCase(rc);
                    }
                    else if (c instanceof UpgradeCase uc)
                    {
                        upgradeCase(uc);
                    }
                    else
                    {
                        floodCase((FloodCase)c);
                    }
                }
                drain();
                conn.close();
            }
            catch (final Throwable ex)
            {
                final java.io.StringWriter trace = new java.io.StringWriter();
                ex.printStackTrace(new java.io.PrintWriter(trace));
                failure = "lane " + index + (jdk ? " (JDK)" : " (Jetty)") + " case " + caseIndex + " seed " + seed + ": " +
                    (c != null ? HostileCases.describe(c) : "") + "\n" + trace;
                if (conn != null)
                {
                    conn.close();
                }
            }
            return this;
        }

        private void reply(final Reply r)
        {
            conn.send(r.text());
            messagesSent++;
            sentOnConn++;
            outstanding.add(r);
            outstandingIndex.add(caseIndex);
            if (outstanding.size() >= WINDOW)
            {
                matchOne();
            }
        }

        private void drain()
        {
            while (!outstanding.isEmpty())
            {
                matchOne();
            }
        }

        private void matchOne()
        {
            final Reply r = outstanding.poll();
            final int i = outstandingIndex.poll();
            final JsonNode reply = nextReply(conn);
            final String mismatch = r.expect().mismatch(reply);
            if (mismatch != null)
            {
                throw new AssertionError("case " + i + " " + HostileCases.describe(r) + ": " + mismatch);
            }
            outcome("error".equals(reply.path("type").asText()) ? reply.path("code").asText() : reply.path("type").asText());
        }

        /**
         * @return the next reply (not market data, not a heartbeat); fails fast if the connection ends.
         */
        static JsonNode nextReply(final TestSocket socket)
        {
            final long deadline = System.nanoTime() + WAIT.toNanos();
            try
            {
                while (true)
                {
                    final JsonNode m = socket.messages().poll(50, TimeUnit.MILLISECONDS);
                    if (m == null)
                    {
                        if (socket.closeCode() >= 0 && socket.messages().isEmpty())
                        {
                            throw new AssertionError("connection closed " + socket.closeCode() + " while waiting for a reply");
                        }
                        if (System.nanoTime() > deadline)
                        {
                            throw new AssertionError("no reply within " + WAIT);
                        }
                        continue;
                    }
                    switch (m.path("type").asText())
                    {
                        case "heartbeat", "trade", "book", "ticker" ->
                        {
                        }
                        default ->
                        {
                            return m;
                        }
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", ex);
            }
        }

        private void closeCase(final CloseCase cc) throws Exception
        {
            drain();
            try
            {
                switch (cc.send())
                {
                    case TEXT -> conn.send(cc.parts().get(0));
                    case PARTS -> conn.sendParts(cc.parts().toArray(new String[0]));
                    case BINARY -> conn.sendBinary(cc.binary());
                }
            }
            catch (final RuntimeException closedWhileSending)
            {
                // the gateway may close before the last part is written: the close code tells
            }
            messagesSent++;
            final int code = conn.awaitClose(WAIT);
            assertThat(code).as("close code of %s", cc.kind()).isEqualTo(cc.code());
            outcome("close " + code);
            reconnect();
        }

        private void rawCase(final RawCase rc) throws Exception
        {
            try (RawWsClient raw = RawWsClient.connect(port, null, "/stream", HostileCases.bearer(laneToken)))
            {
                connections++;
                assertThat(raw.status).isEqualTo(101);
                for (final RawFrame frame : rc.frames())
                {
                    raw.sendFrame(frame.firstByte(), frame.masked(), frame.payload());
                }
                messagesSent++;
                if (rc.code() == 0)
                {
                    final JsonNode reply = HostileCases.MAPPER.readTree(raw.nextReply(WAIT));
                    assertThat(reply.path("type").asText()).as(rc.kind()).isEqualTo("pong");
                    outcome("pong");
                }
                else
                {
                    final int code = raw.awaitClose(WAIT);
                    assertThat(code).as("close code of %s", rc.kind()).isEqualTo(rc.code());
                    outcome("close " + code);
                }
            }
        }

        private void upgradeCase(final UpgradeCase uc) throws Exception
        {
            final URI target = URI.create(uri + uc.query());
            connections++;
            final int status = jdk ? JdkClient.upgradeStatus(http, target, uc.headers()) :
                JettyClient.upgradeStatus(jetty, target, uc.headers());
            assertThat(status).as("HTTP status of %s", uc.kind()).isEqualTo(uc.status());
            outcome("http " + status);
        }

        private void floodCase(final FloodCase fc) throws Exception
        {
            try (TestSocket flood = open())
            {
                switch (fc.kind())
                {
                    case "flood-rate" -> floodRate(flood);
                    case "flood-4029" -> flood4029(flood);
                    default -> floodSubscriptions(flood);
                }
            }
        }

        /**
         * 3.5x the rate back to back: the first RATE are served, then RATE_LIMITED unless the burst is spread over
         * more than 2 s; under 4x in any window, so the session stays open. Every reply echoes its id in order.
         */
        private void floodRate(final TestSocket flood)
        {
            final int burst = RATE * 7 / 2;
            for (int i = 1; i <= burst; i++)
            {
                flood.send("{\"op\":\"ping\",\"id\":" + i + "}");
            }
            messagesSent += burst;
            final List<String> replies = new ArrayList<>();
            for (int i = 1; i <= burst; i++)
            {
                final JsonNode m = nextReply(flood);
                assertThat(m.path("id").asInt()).isEqualTo(i);
                replies.add("error".equals(m.path("type").asText()) ? m.path("code").asText() : m.path("type").asText());
            }
            assertThat(replies.subList(0, RATE)).containsOnly("pong");
            assertThat(replies).containsOnly("pong", "RATE_LIMITED").contains("RATE_LIMITED");
            assertThat(flood.closeCode()).isEqualTo(-1);
            outcome("RATE_LIMITED burst");
        }

        /**
         * 20x the rate: more than 4x in one window (unless spread over more than 5 s) closes the session with 4029;
         * what was answered before is pongs then RATE_LIMITED, ids in order.
         */
        private void flood4029(final TestSocket flood) throws Exception
        {
            int sent = 0;
            try
            {
                while (sent < RATE * 20 && flood.closeCode() < 0)
                {
                    flood.send("{\"op\":\"ping\",\"id\":" + ++sent + "}");
                }
            }
            catch (final RuntimeException closedWhileSending)
            {
                // the gateway closed the connection under the flood
            }
            messagesSent += sent;
            assertThat(flood.awaitClose(WAIT)).isEqualTo(CloseCodes.INBOUND_FLOOD);
            final List<JsonNode> replies = new ArrayList<>();
            for (final JsonNode m : flood.messages())
            {
                if (m.has("id"))
                {
                    replies.add(m);
                }
            }
            assertThat(replies.size()).isGreaterThanOrEqualTo(RATE);
            for (int i = 0; i < replies.size(); i++)
            {
                final JsonNode m = replies.get(i);
                assertThat(m.path("id").asInt()).isEqualTo(i + 1);
                assertThat(i < RATE ? "pong".equals(m.path("type").asText()) :
                    "pong".equals(m.path("type").asText()) || "RATE_LIMITED".equals(m.path("code").asText()))
                    .as("reply %d: %s", i, m).isTrue();
            }
            outcome("close 4029");
        }

        /**
         * Every entitled stream one at a time, in random order, pipelined: exactly MAX_SUBS are subscribed, the
         * next is refused whole, then a freed slot is taken again.
         */
        private void floodSubscriptions(final TestSocket flood)
        {
            final List<String[]> streams = new ArrayList<>();
            for (final String channel : HostileCases.CHANNELS)
            {
                for (final String symbol : HostileCases.ENTITLED_KNOWN)
                {
                    streams.add(new String[]{channel, symbol});
                }
            }
            Collections.shuffle(streams, new Random(seed + caseIndex));
            final List<String> requests = new ArrayList<>();
            for (int i = 0; i < streams.size(); i++)
            {
                requests.add("{\"op\":\"subscribe\",\"id\":" + (i + 1) + ",\"channel\":\"" + streams.get(i)[0] +
                    "\",\"symbols\":[\"" + streams.get(i)[1] + "\"]}");
            }
            final String[] last = streams.get(streams.size() - 1);
            requests.add("{\"op\":\"subscribe\",\"id\":10,\"channel\":\"" + last[0] + "\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]}");
            requests.add("{\"op\":\"unsubscribe\",\"id\":11,\"channel\":\"" + streams.get(0)[0] + "\",\"symbols\":[\"" + streams.get(0)[1] + "\"]}");
            requests.add(requests.get(streams.size() - 1).replace("\"id\":9,", "\"id\":12,"));
            for (final String request : requests)
            {
                flood.send(request);
            }
            messagesSent += requests.size();
            final List<String> replies = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++)
            {
                final JsonNode m = nextReply(flood);
                replies.add(m.path("id").asText() + " " + m.path("type").asText() + " " + m.path("code").asText());
            }
            final List<String> expected = new ArrayList<>();
            for (int i = 1; i <= HostileCases.MAX_SUBS; i++)
            {
                expected.add(i + " subscribed ");
            }
            expected.addAll(List.of("9 error TOO_MANY_SUBSCRIPTIONS", "10 error TOO_MANY_SUBSCRIPTIONS", "11 unsubscribed ",
                "12 subscribed "));
            assertThat(replies).isEqualTo(expected);
            outcome("TOO_MANY_SUBSCRIPTIONS flood");
        }
    }
}
