package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every gateway limit at its bound, with real clients: sessions per gateway (HTTP 503) and per IP (HTTP 429,
 * counted exactly under concurrent upgrades and abrupt disconnects), inbound message size (1009), inbound rate
 * (RATE_LIMITED, then 4029), subscriptions per session (TOO_MANY_SUBSCRIPTIONS), idle timeout (1001); and
 * optional tokens (anonymous without one, 401 with a bad one).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class GatewayLimitsTest
{
    static final byte[] SECRET = Tokens.secret("limits-test-secret-0123456789abcdef0123456789");
    static final int MAX_SESSIONS = 6;
    static final int MAX_PER_IP = 4;
    static final int MAX_BYTES = 4096;
    static final int RATE = 20;
    static final int MAX_SUBS = 5;

    private TickwireFixture fixture;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception
    {
        fixture = new TickwireFixture(dir, 6, 500, 11, c ->
        {
            c.maxSessions = MAX_SESSIONS;
            c.maxSessionsPerIp = MAX_PER_IP;
            c.maxInboundMessageBytes = MAX_BYTES;
            c.maxInboundPerSecond = RATE;
            c.maxSubscriptionsPerSession = MAX_SUBS;
            c.jwtSecret = SECRET;
            c.requireToken = false;
        });
    }

    @AfterEach
    void closeClients() throws Exception
    {
        for (final AutoCloseable c : open)
        {
            c.close();
        }
        open.clear();
        awaitValue("connections after the test", () -> fixture.gateway.openConnections(), 0);
        awaitValue("agent sessions after the test", () -> (int)fixture.gateway.counters().activeSessions.get(), 0);
    }

    @AfterAll
    void stop()
    {
        if (fixture != null)
        {
            fixture.close();
        }
    }

    private <T extends AutoCloseable> T keep(final T c)
    {
        open.add(c);
        return c;
    }

    private RawWsClient raw(final String bindHost) throws Exception
    {
        return keep(RawWsClient.connect(fixture.gateway.port(), bindHost, "/stream", Map.of()));
    }

    static void awaitValue(final String what, final IntSupplier value, final int expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (value.getAsInt() != expected)
        {
            if (System.nanoTime() > deadline)
            {
                assertThat(value.getAsInt()).as(what).isEqualTo(expected);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void sessionsPerGatewayOverTheLimitAreRefusedWith503() throws Exception
    {
        final List<Integer> statuses = new ArrayList<>();
        for (final String ip : List.of("127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.3"))
        {
            statuses.add(raw(ip).status);
        }
        final RawWsClient refused = raw("127.0.0.4");
        assertThat(statuses).containsExactly(101, 101, 101, 101, 101, 101);
        assertThat(List.of(refused.status, refused.body, refused.headers.get("retry-after")))
            .containsExactly(503, "503 gateway at its session limit (6)\n", "5");
        assertThat(JdkClient.upgradeStatus(http, fixture.streamUri(), Map.of())).isEqualTo(503);

        // a closed session gives its place back
        open.get(0).close();
        awaitValue("connections", () -> fixture.gateway.openConnections(), MAX_SESSIONS - 1);
        assertThat(raw("127.0.0.4").status).isEqualTo(101);
        assertThat(fixture.gateway.counters().upgradesRefusedGatewayFull.get()).isEqualTo(2);
    }

    @Test
    void sessionsPerIpOverTheLimitAreRefusedWith429() throws Exception
    {
        final List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < MAX_PER_IP; i++)
        {
            statuses.add(raw("127.0.0.1").status);
        }
        final RawWsClient refused = raw("127.0.0.1");
        statuses.add(raw("127.0.0.2").status);
        assertThat(statuses).containsExactly(101, 101, 101, 101, 101);
        assertThat(List.of(refused.status, refused.body))
            .containsExactly(429, "429 too many sessions from this address (limit 4)\n");
        assertThat(JdkClient.upgradeStatus(http, fixture.streamUri(), Map.of())).isEqualTo(429);
        assertThat(List.of(fixture.gateway.openConnectionsFrom("127.0.0.1"), fixture.gateway.openConnectionsFrom("127.0.0.2")))
            .containsExactly(MAX_PER_IP, 1);

        open.get(1).close();
        awaitValue("connections from 127.0.0.1", () -> fixture.gateway.openConnectionsFrom("127.0.0.1"), MAX_PER_IP - 1);
        assertThat(raw("127.0.0.1").status).isEqualTo(101);
    }

    /**
     * Rounds of simultaneous upgrades from one IP: exactly the limit get in, the rest get 429; then all leave,
     * half of them by TCP reset, some before reading the upgrade response, and the counts return to zero.
     */
    @Test
    void concurrentUpgradesAreCountedExactly() throws Exception
    {
        final int attempts = 12;
        final ExecutorService pool = Executors.newFixedThreadPool(attempts);
        try
        {
            for (int round = 0; round < 5; round++)
            {
                final CyclicBarrier start = new CyclicBarrier(attempts);
                final List<Future<RawWsClient>> futures = new ArrayList<>();
                for (int i = 0; i < attempts; i++)
                {
                    futures.add(pool.submit(() ->
                    {
                        start.await();
                        return RawWsClient.connect(fixture.gateway.port(), "127.0.0.1", "/stream", Map.of());
                    }));
                }
                final List<Integer> statuses = new ArrayList<>();
                final List<RawWsClient> clients = new ArrayList<>();
                for (final Future<RawWsClient> f : futures)
                {
                    final RawWsClient c = f.get();
                    statuses.add(c.status);
                    clients.add(c);
                }
                Collections.sort(statuses);
                final List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < attempts; i++)
                {
                    expected.add(i < MAX_PER_IP ? 101 : 429);
                }
                assertThat(statuses).as("round %d", round).isEqualTo(expected);
                assertThat(fixture.gateway.openConnectionsFrom("127.0.0.1")).isEqualTo(MAX_PER_IP);
                for (int i = 0; i < clients.size(); i++)
                {
                    if (i % 2 == 0)
                    {
                        clients.get(i).reset();
                    }
                    else
                    {
                        clients.get(i).close();
                    }
                }
                awaitValue("connections from 127.0.0.1", () -> fixture.gateway.openConnectionsFrom("127.0.0.1"), 0);
            }

            // Upgrades abandoned at once, before the 101 is read.
            for (int i = 0; i < 20; i++)
            {
                final java.net.Socket s = new java.net.Socket("127.0.0.1", fixture.gateway.port());
                s.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
                s.setSoLinger(true, 0);
                s.close();
            }
            // The gateway may still be handling some of the abandoned upgrades (each takes its place, then gives it
            // back), so "nothing open now" can come before the last of them is admitted. The promise is that none
            // leaks a place: everything is released and a new upgrade from that IP is let in again.
            awaitValue("connections", () -> fixture.gateway.openConnections(), 0);
            awaitValue("connections from 127.0.0.1", () -> fixture.gateway.openConnectionsFrom("127.0.0.1"), 0);
            awaitValue("a new upgrade from 127.0.0.1 let in", () ->
            {
                try
                {
                    final RawWsClient c = RawWsClient.connect(fixture.gateway.port(), "127.0.0.1", "/stream", Map.of());
                    c.close();
                    return c.status;
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            }, 101);
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void anInboundMessageOverTheLimitClosesWith1009() throws Exception
    {
        // exactly at the limit: served
        final JdkClient atLimit = keep(new JdkClient(http, fixture.streamUri(), Map.of()));
        final String prefix = "{\"op\":\"ping\",\"id\":1,\"pad\":\"";
        final String exact = prefix + "x".repeat(MAX_BYTES - prefix.length() - 2) + "\"}";
        assertThat(exact.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BYTES);
        atLimit.send(exact);
        assertThat(GatewayAuthTest.nextReply(atLimit).path("type").asText()).isEqualTo("pong");

        final JdkClient whole = keep(new JdkClient(http, fixture.streamUri(), Map.of()));
        whole.send(exact.replace("\"pad\":\"", "\"pad\":\"y"));
        final JdkClient fragmented = keep(new JdkClient(http, fixture.streamUri(), Map.of()));
        fragmented.sendParts("{\"op\":\"ping\",\"pad\":\"", "z".repeat(2000), "z".repeat(2000), "z".repeat(100) + "\"}");
        assertThat(List.of(whole.awaitClose(Duration.ofSeconds(10)), fragmented.awaitClose(Duration.ofSeconds(10))))
            .containsExactly(1009, 1009);
    }

    @Test
    void requestsOverTheRateGetRateLimitedThenTheSessionIsClosedWith4029() throws Exception
    {
        final JdkClient client = keep(new JdkClient(http, fixture.streamUri(), Map.of()));
        // 3.5x the rate, back to back: the first RATE are always served; unless the burst is spread over more
        // than 2 s some are RATE_LIMITED; at most 3.5x < 4x in any window, so the session stays open.
        final int burst = RATE * 7 / 2;
        for (int i = 1; i <= burst; i++)
        {
            client.send("{\"op\":\"ping\",\"id\":" + i + "}");
        }
        final List<String> replies = new ArrayList<>();
        for (int i = 1; i <= burst; i++)
        {
            final JsonNode m = GatewayAuthTest.nextReply(client);
            assertThat(m.path("id").asInt()).isEqualTo(i);
            replies.add(m.path("type").asText() + ("error".equals(m.path("type").asText()) ? " " + m.path("code").asText() : ""));
        }
        assertThat(replies.subList(0, RATE)).containsOnly("pong");
        assertThat(replies).containsOnly("pong", "error RATE_LIMITED").contains("error RATE_LIMITED");
        assertThat(client.closeCode()).isEqualTo(-1);

        // 20x the rate: more than 4x in one window (unless spread over more than 5 s) closes the session.
        final JdkClient flood = keep(new JdkClient(http, fixture.streamUri(), Map.of()));
        try
        {
            for (int i = 0; i < RATE * 20 && flood.closeCode() < 0; i++)
            {
                flood.send("{\"op\":\"ping\",\"id\":" + i + "}");
            }
        }
        catch (final RuntimeException closedWhileSending)
        {
            // the gateway closed the connection under the flood: expected
        }
        assertThat(flood.awaitClose(Duration.ofSeconds(10))).isEqualTo(4029);
        assertThat(flood.closeReason.get()).isEqualTo("more than 80 messages/s");
    }

    @Test
    void subscriptionsOverTheLimitAreRefusedWhole() throws Exception
    {
        final JdkClient client = keep(new JdkClient(http, fixture.streamUri(), Map.of()));
        final String[] requests = {
            "{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]}",
            "{\"op\":\"subscribe\",\"id\":2,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]}",
            "{\"op\":\"subscribe\",\"id\":3,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}",
            "{\"op\":\"subscribe\",\"id\":4,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]}",
            "{\"op\":\"subscribe\",\"id\":5,\"channel\":\"ticker\",\"symbols\":[\"BTC-USD\"]}",
            "{\"op\":\"unsubscribe\",\"id\":6,\"channel\":\"trades\",\"symbols\":[\"SOL-USD\"]}",
            // a symbol listed twice is one stream (the parser drops repeats): 4 + 1 = 5 streams, at the limit
            "{\"op\":\"subscribe\",\"id\":7,\"channel\":\"ticker\",\"symbols\":[\"BTC-USD\",\"BTC-USD\"]}",
            "{\"op\":\"subscribe\",\"id\":8,\"channel\":\"ticker\",\"symbols\":[\"ETH-USD\"]}",
        };
        final List<String> replies = new ArrayList<>();
        for (final String request : requests)
        {
            client.send(request);
            final JsonNode m = GatewayAuthTest.nextReply(client);
            replies.add(m.path("id").asText() + " " + m.path("type").asText() + " " + m.path("code").asText());
        }
        assertThat(replies).containsExactly(
            "1 subscribed ",
            "2 error TOO_MANY_SUBSCRIPTIONS",
            "3 subscribed ",
            "4 subscribed ",
            "5 error TOO_MANY_SUBSCRIPTIONS",
            "6 unsubscribed ",
            "7 subscribed ",
            "8 error TOO_MANY_SUBSCRIPTIONS");
    }

    @Test
    void tokensAreOptionalHereButABadOneIsStillRefused() throws Exception
    {
        final JdkClient anonymous = keep(new JdkClient(http, fixture.streamUri(), Map.of()));
        anonymous.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"ticker\",\"symbols\":[\"AVAX-USD\"]}");
        assertThat(GatewayAuthTest.nextReply(anonymous).path("type").asText()).isEqualTo("subscribed");
        final String limited = Tokens.valid(SECRET, "frank", "[\"BTC-USD\"]");
        final JdkClient entitled = keep(new JdkClient(http, fixture.streamUri(), Map.of("Authorization", "Bearer " + limited)));
        entitled.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"ticker\",\"symbols\":[\"AVAX-USD\"]}");
        assertThat(GatewayAuthTest.nextReply(entitled).path("code").asText()).isEqualTo("NOT_ENTITLED");
        assertThat(JdkClient.upgradeStatus(http, fixture.streamUri(), Map.of("Authorization", "Bearer x.y.z"))).isEqualTo(401);
    }

    /**
     * A gateway of its own with a 1 s idle timeout: a silent session is closed with 1001 while one that keeps
     * sending stays open.
     */
    @Test
    void anIdleSessionIsClosedWith1001(@TempDir final Path dir) throws Exception
    {
        try (TickwireFixture idle = new TickwireFixture(dir, 2, 100, 13, c ->
        {
            c.idleTimeout = Duration.ofSeconds(1);
            c.heartbeatInterval = Duration.ofMillis(100);
        });
            JdkClient silent = new JdkClient(http, idle.streamUri(), Map.of());
            JdkClient chatty = new JdkClient(http, idle.streamUri(), Map.of()))
        {
            final long start = System.nanoTime();
            int pings = 0;
            final List<String> pongs = new ArrayList<>();
            while (silent.closeCode() < 0)
            {
                // a ping every other heartbeat (about 200 ms) keeps the chatty session alive
                int heartbeats = 0;
                while (heartbeats < 2)
                {
                    final JsonNode m = chatty.next(Duration.ofSeconds(5));
                    switch (m.path("type").asText())
                    {
                        case "heartbeat" -> heartbeats++;
                        case "pong" -> pongs.add(m.path("id").asText());
                        default -> throw new AssertionError("unexpected " + m);
                    }
                }
                chatty.send("{\"op\":\"ping\",\"id\":" + ++pings + "}");
                assertThat(System.nanoTime() - start).as("silent session closed within 10 s").isLessThan(10_000_000_000L);
            }
            assertThat(silent.awaitClose(Duration.ofSeconds(5))).isEqualTo(1001);
            assertThat(silent.closeReason.get()).isEqualTo("idle for 1 s");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(1_000_000_000L);
            chatty.send("{\"op\":\"ping\",\"id\":\"last\"}");
            while (pongs.isEmpty() || !"last".equals(pongs.get(pongs.size() - 1)))
            {
                pongs.add(chatty.nextOfType("pong", Duration.ofSeconds(5)).path("id").asText());
            }
            final List<String> expected = new ArrayList<>();
            for (int i = 1; i <= pings; i++)
            {
                expected.add(String.valueOf(i));
            }
            expected.add("last");
            assertThat(pongs).isEqualTo(expected);
            assertThat(chatty.closeCode()).isEqualTo(-1);
        }
    }
}
