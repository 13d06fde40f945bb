package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary subprotocol {@code tickwire.sbe.v1} against a real engine and gateway, with JDK WebSocket clients:
 * negotiation, the frame kinds of each message, the close code of a binary frame from the client, and a JSON
 * and a binary session on the same gateway receiving the same seq/prev sequences and the same content.
 * (GatewayConsistencyTest checks binary books, trades and tickers against the journal.)
 */
class SbeProtocolTest
{
    private static final String SBE = "tickwire.sbe.v1";
    private static final String SYMBOLS = "[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TickwireFixture fixture;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("SbeProtocolTest seed=" + seed);
        fixture = new TickwireFixture(dir, 3, 2_000, seed, c -> c.heartbeatInterval = Duration.ofMillis(200));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    @Test
    @Timeout(30)
    void negotiatesTheFirstOfferedSubprotocolItSpeaks() throws Exception
    {
        try (JdkClient none = new JdkClient(http, fixture.streamUri(), Map.of());
            JdkClient sbe = new JdkClient(http, fixture.streamUri(), Map.of(), SBE);
            JdkClient sbeFirst = new JdkClient(http, fixture.streamUri(), Map.of(), "mqtt", SBE, "json");
            JdkClient jsonFirst = new JdkClient(http, fixture.streamUri(), Map.of(), "json", SBE))
        {
            assertThat(List.of(none.subprotocol(), sbe.subprotocol(), sbeFirst.subprotocol(), jsonFirst.subprotocol()))
                .containsExactly("", SBE, SBE, "json");
        }
        assertThatThrownBy(() -> new JdkClient(http, fixture.streamUri(), Map.of(), "tickwire.sbe.v2", "mqtt"))
            .isInstanceOf(ExecutionException.class)
            .satisfies(ex -> assertThat(((WebSocketHandshakeException)ex.getCause()).getResponse().statusCode())
                .isEqualTo(400));
    }

    @Test
    @Timeout(30)
    void repliesAreJsonTextAndHeartbeatsAreBinary() throws Exception
    {
        try (JdkClient client = new JdkClient(http, fixture.streamUri(), Map.of(), SBE))
        {
            client.send("{\"op\":\"instruments\",\"id\":1}");
            final JsonNode instruments = client.nextOfType("instruments", WAIT);
            assertThat(instruments.path("instruments").findValuesAsText("symbol"))
                .containsExactly("BTC-USD", "ETH-USD", "SOL-USD");
            assertThat(instruments.path("instruments").findValues("instrumentId")).allMatch(JsonNode::isInt);
            client.send("{\"op\":\"bogus\",\"id\":2}");
            final JsonNode error = client.nextOfType("error", WAIT);
            assertThat(error.path("code").asText()).isEqualTo("UNKNOWN_OP");
            client.send("{\"op\":\"ping\",\"id\":3}");
            final long pongSeq = client.nextOfType("pong", WAIT).path("seq").asLong();
            final JsonNode heartbeat = client.nextOfType("heartbeat", WAIT);
            assertThat(heartbeat.path("seq").asLong()).isGreaterThanOrEqualTo(pongSeq);
            assertThat(client.textTypes.keySet()).containsOnly("instruments", "error", "pong");
            assertThat(client.binaryMessages.get()).isPositive();
        }
    }

    @Test
    @Timeout(30)
    void aBinaryFrameFromTheClientCloses1003() throws Exception
    {
        try (JdkClient client = new JdkClient(http, fixture.streamUri(), Map.of(), SBE))
        {
            client.send("{\"op\":\"ping\",\"id\":1}");
            client.nextOfType("pong", WAIT);
            client.sendBinary(new byte[] {8, 0, 1, 0, 0x16, 0x1e, 1, 0});
            assertThat(client.awaitClose(WAIT)).isEqualTo(1003);
            assertThat(client.closeReason.get())
                .isEqualTo("binary messages from clients are not part of tickwire.sbe.v1; send requests as JSON text");
        }
    }

    @Test
    @Timeout(90)
    void jsonAndBinarySessionsSeeTheSameSequences() throws Exception
    {
        final long conflatedBefore = fixture.gateway.counters().conflatedMessages.get();
        final Received fromJson = new Received();
        final Received fromSbe = new Received();
        try (JdkClient json = new JdkClient(http, fixture.streamUri(), Map.of());
            JdkClient sbe = new JdkClient(http, fixture.streamUri(), Map.of(), SBE))
        {
            for (final JdkClient client : List.of(json, sbe))
            {
                client.send("{\"op\":\"instruments\"}");
                for (final String channel : List.of("trades", "book", "ticker"))
                {
                    client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"symbols\":" + SYMBOLS +
                        ("book".equals(channel) ? ",\"depth\":5}" : "}"));
                }
            }
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (fromJson.checker.trades.size() < 60 || fromSbe.checker.trades.size() < 60)
            {
                assertThat(System.nanoTime()).as("60 trades each within 60 s").isLessThan(deadline);
                fromJson.accept(json.next(WAIT));
                while (!sbe.messages.isEmpty())
                {
                    fromSbe.accept(sbe.next(WAIT));
                }
            }
            fromJson.drainToPong(json);
            fromSbe.drainToPong(sbe);
        }
        final boolean conflated = fixture.gateway.counters().conflatedMessages.get() != conflatedBefore;
        int compared = 0;
        for (final String key : fromJson.byStream.keySet())
        {
            if (conflated && !key.startsWith("trades/"))
            {
                continue; // a conflated catch-up legitimately differs between sessions; trades never conflate
            }
            final long late = Math.max(fromJson.checker.subscribedAt.get(key), fromSbe.checker.subscribedAt.get(key));
            final List<JsonNode> a = fromJson.after(key, late);
            final List<JsonNode> b = fromSbe.after(key, late);
            final int n = Math.min(a.size(), b.size());
            assertThat(b.subList(0, n)).as("stream %s after seq %d", key, late).isEqualTo(a.subList(0, n));
            compared += n;
        }
        System.out.println("compared " + compared + " messages (conflation " +
            (conflated ? "seen: trades only" : "none") + ")");
        assertThat(compared).isPositive();
    }

    /** What one client received: checked by a {@link StreamChecker}, and kept per stream. */
    private static final class Received
    {
        final StreamChecker checker = new StreamChecker();
        final Map<String, List<JsonNode>> byStream = new HashMap<>();

        Received()
        {
            checker.recordViews = false;
        }

        void accept(final JsonNode m)
        {
            checker.accept(m);
            final String type = m.path("type").asText();
            if ("trade".equals(type) || "book".equals(type) || "ticker".equals(type))
            {
                final String channel = "trade".equals(type) ? "trades" : type;
                byStream.computeIfAbsent(channel + "/" + m.path("symbol").asText(), k -> new ArrayList<>()).add(m);
            }
        }

        void drainToPong(final JdkClient client) throws InterruptedException
        {
            client.send("{\"op\":\"ping\"}");
            while (checker.pongSeq < 0)
            {
                accept(client.next(WAIT));
            }
        }

        /**
         * @return the stream's messages whose prev is after {@code seq}: those both sessions received whole.
         */
        List<JsonNode> after(final String key, final long seq)
        {
            return byStream.getOrDefault(key, List.of()).stream().filter(m -> m.path("prev").asLong() > seq).toList();
        }
    }

    @Test
    @Timeout(90)
    void aBinarySessionResumesTradesExactlyLikeAJsonSession() throws Exception
    {
        final int trades = 20;
        final long from;
        try (JdkClient live = new JdkClient(http, fixture.streamUri(), Map.of()))
        {
            live.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":" + SYMBOLS + "}");
            from = live.nextOfType("subscribed", WAIT).path("seq").asLong();
            for (int i = 0; i < trades; i++)
            {
                live.nextOfType("trade", WAIT); // the journal now holds at least this many trades after from
            }
        }
        final List<String> json = resumedTrades(null, from, trades);
        final List<String> sbe = resumedTrades(SBE, from, trades);
        assertThat(sbe).hasSize(trades).isEqualTo(json);
    }

    /**
     * Resumes the trades of every symbol from {@code from} and returns the first {@code n} as text, checking the
     * reply says recovered and each stream's chain starts at {@code from}.
     */
    private static List<String> resumedTrades(final String subprotocol, final long from, final int n) throws Exception
    {
        final List<String> trades = new java.util.ArrayList<>();
        try (JdkClient client = subprotocol == null ? new JdkClient(http, fixture.streamUri(), Map.of()) :
            new JdkClient(http, fixture.streamUri(), Map.of(), subprotocol))
        {
            client.send("{\"op\":\"instruments\"}");
            client.nextOfType("instruments", WAIT);
            client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"trades\",\"symbols\":" + SYMBOLS +
                ",\"from\":" + from + "}");
            final JsonNode reply = client.nextOfType("subscribed", WAIT);
            assertThat(reply.path("recovered").asBoolean()).as("recovered in %s", reply).isTrue();
            final Map<String, Long> last = new java.util.HashMap<>();
            while (trades.size() < n)
            {
                final JsonNode t = client.nextOfType("trade", WAIT);
                final String symbol = t.path("symbol").asText();
                assertThat(t.path("prev").asLong()).as("prev of %s", t).isEqualTo(last.getOrDefault(symbol, from));
                last.put(symbol, t.path("seq").asLong());
                trades.add(symbol + " " + t.path("seq").asLong() + " " + t.path("prev").asLong() + " " +
                    t.path("price").asText() + " " + t.path("qty").asText() + " " + t.path("side").asText() + " " +
                    t.path("ts").asLong());
            }
            if (subprotocol != null)
            {
                assertThat(client.textTypes).as("replayed trades must be binary").doesNotContainKey("trade");
            }
        }
        return trades;
    }
}
