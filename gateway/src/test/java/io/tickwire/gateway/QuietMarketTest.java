package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real engine with no simulator, so every event is caused by this test's own orders (order entry through the
 * real gateway, anonymous trading on), and the gateway is quiet between them: its counters can be compared with
 * exactly what the clients received.
 * <ul>
 *   <li>Encode once: sessions in step on the same streams cost one encoding per live message and format, whatever
 *   their number; their first live messages after subscribing at the same seq (prev = that seq, not the stream's)
 *   are encoded once per format too, not once per session.</li>
 *   <li>JSON heartbeats on a connection whose subscriptions are idle: exactly {@code {"type":"heartbeat","seq":L}},
 *   L the gateway's last applied seq, which moves with batches of streams the connection does not follow.</li>
 * </ul>
 */
@Timeout(60)
class QuietMarketTest
{
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String SBE = "tickwire.sbe.v1";
    static final int SESSIONS_PER_FORMAT = 6;

    @TempDir
    static Path dir;
    static TickwireFixture fixture;

    @BeforeAll
    static void start() throws Exception
    {
        fixture = new TickwireFixture(dir, 3, 0, 1, c ->
        {
            c.anonymousTrading = true;
            c.heartbeatInterval = Duration.ofMillis(300);
        });
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    /** Market-data encodings by format (JSON, SBE) and kind, read from the gateway's counters. */
    private record Encodings(long[] shared, long[] rebased, long[] perSubscription)
    {
        static Encodings read(final GatewayCounters c)
        {
            return new Encodings(values(c.encodingsShared), values(c.encodingsRebased),
                values(c.encodingsPerSubscription));
        }

        private static long[] values(final java.util.concurrent.atomic.AtomicLong[] counters)
        {
            final long[] v = new long[counters.length];
            for (int i = 0; i < v.length; i++)
            {
                v[i] = counters[i].get();
            }
            return v;
        }

        Encodings minus(final Encodings before)
        {
            final long[][] now = {shared, rebased, perSubscription};
            final long[][] then = {before.shared, before.rebased, before.perSubscription};
            final long[][] d = new long[3][2];
            for (int k = 0; k < 3; k++)
            {
                for (int f = 0; f < 2; f++)
                {
                    d[k][f] = now[k][f] - then[k][f];
                }
            }
            return new Encodings(d[0], d[1], d[2]);
        }
    }

    private static String order(final int id, final String symbol, final String side, final String price,
        final String qty, final long clientOrderId)
    {
        return "{\"op\":\"order\",\"id\":" + id + ",\"symbol\":\"" + symbol + "\",\"side\":\"" + side +
            "\",\"type\":\"limit\",\"price\":\"" + price + "\",\"qty\":\"" + qty + "\",\"clientOrderId\":" +
            clientOrderId + "}";
    }

    /**
     * Sends an order and waits for its ack: the gateway sends the ack while applying the order's batch, before it
     * fans the batch's market data out (docs/protocol.md, "Order entry").
     *
     * @return the ack's seq.
     */
    private static long trade(final JdkClient trader, final String order) throws Exception
    {
        trader.send(order);
        final JsonNode ack = trader.nextOfType("ack", WAIT);
        assertThat(ack.path("id").asInt()).as("ack of %s", order)
            .isEqualTo(new ObjectMapper().readTree(order).path("id").asInt());
        return ack.path("seq").asLong();
    }

    /**
     * Reads up to a pong (a barrier: everything the gateway queued before serving the ping comes first).
     *
     * @return the market-data messages read, as text, checked by {@code checker}.
     */
    private static List<String> untilPong(final JdkClient client, final StreamChecker checker)
        throws InterruptedException
    {
        client.send("{\"op\":\"ping\"}");
        final List<String> data = new ArrayList<>();
        while (true)
        {
            final JsonNode m = client.next(WAIT);
            final String type = m.path("type").asText();
            if ("pong".equals(type))
            {
                return data;
            }
            if ("heartbeat".equals(type))
            {
                continue;
            }
            checker.accept(m);
            data.add(m.toString());
        }
    }

    @Test
    void sessionsInStepShareOneEncodingPerMessageAndFormat() throws Exception
    {
        final List<JdkClient> clients = new ArrayList<>();
        final List<StreamChecker> checkers = new ArrayList<>();
        try (JdkClient trader = new JdkClient(fixture.streamUri()))
        {
            // A trade on another instrument first, so the subscriptions' seq S is not 0 (every stream's engine prev
            // is still 0: their first live messages must be re-based on S). The test leaves no order open: a
            // cancel-on-disconnect batch would move S under the other test.
            trade(trader, order(100, "SOL-USD", "sell", "150", "1", 100));
            trade(trader, order(101, "SOL-USD", "buy", "150", "1", 101));
            for (int i = 0; i < 2 * SESSIONS_PER_FORMAT; i++)
            {
                clients.add(i < SESSIONS_PER_FORMAT ? new JdkClient(fixture.streamUri()) :
                    new JdkClient(HttpClient.newHttpClient(), fixture.streamUri(), Map.of(), SBE));
                checkers.add(new StreamChecker());
            }
            long subscribedAt = -1;
            for (int i = 0; i < clients.size(); i++)
            {
                final JdkClient client = clients.get(i);
                client.send("{\"op\":\"instruments\"}"); // SBE market data names instruments by id
                client.nextOfType("instruments", WAIT);
                for (final String channel : List.of("trades", "book", "ticker"))
                {
                    client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel +
                        "\",\"symbols\":[\"BTC-USD\"]" + ("book".equals(channel) ? ",\"depth\":5}" : "}"));
                }
                client.send("{\"op\":\"ping\"}");
                final List<String> types = new ArrayList<>();
                for (JsonNode m = client.next(WAIT); !"pong".equals(m.path("type").asText()); m = client.next(WAIT))
                {
                    if ("heartbeat".equals(m.path("type").asText()))
                    {
                        continue;
                    }
                    types.add(m.path("type").asText());
                    checkers.get(i).accept(m);
                    if ("subscribed".equals(m.path("type").asText()))
                    {
                        // Nothing trades meanwhile: every subscription starts at the same seq S.
                        subscribedAt = subscribedAt < 0 ? m.path("seq").asLong() : subscribedAt;
                        assertThat(m.path("seq").asLong()).isEqualTo(subscribedAt);
                    }
                }
                assertThat(types).containsExactly("subscribed", "subscribed", "book", "subscribed", "ticker");
            }

            // Phase 1: the first live messages. Their prev is S on every session, not the streams' previous event:
            // one encoding per message and format (kind rebased), shared by all the sessions of that format.
            Encodings before = Encodings.read(fixture.gateway.counters());
            trade(trader, order(1, "BTC-USD", "sell", "65000", "0.1", 1));
            trade(trader, order(2, "BTC-USD", "sell", "65000.5", "0.1", 2));
            trade(trader, order(3, "BTC-USD", "buy", "65000.5", "0.15", 3)); // two trades in one batch
            checkSameMessagesAndOneEncodingEach(clients, checkers, before, true);

            // Phase 2: in step. Resting orders and a sweep of three levels (three trades, one book delta, one
            // ticker in one batch): exactly one shared encoding per message and format, none per session.
            before = Encodings.read(fixture.gateway.counters());
            trade(trader, order(4, "BTC-USD", "sell", "65001", "0.1", 4));
            trade(trader, order(5, "BTC-USD", "sell", "65001.5", "0.1", 5));
            trade(trader, order(6, "BTC-USD", "buy", "64999", "0.2", 6));
            trade(trader, order(7, "BTC-USD", "buy", "65001.5", "0.25", 7)); // sweeps 65000.5, 65001, 65001.5
            trade(trader, order(8, "BTC-USD", "sell", "64999", "0.2", 8));
            checkSameMessagesAndOneEncodingEach(clients, checkers, before, false);
        }
        finally
        {
            clients.forEach(JdkClient::close);
        }
    }

    private static void checkSameMessagesAndOneEncodingEach(final List<JdkClient> clients,
        final List<StreamChecker> checkers, final Encodings before, final boolean first) throws InterruptedException
    {
        final List<List<String>> received = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++)
        {
            received.add(untilPong(clients.get(i), checkers.get(i)));
        }
        final Encodings d = Encodings.read(fixture.gateway.counters()).minus(before);
        for (int f = 0; f < 2; f++)
        {
            final List<String> reference = received.get(f * SESSIONS_PER_FORMAT);
            for (int i = f * SESSIONS_PER_FORMAT; i < (f + 1) * SESSIONS_PER_FORMAT; i++)
            {
                assertThat(received.get(i)).as("session %d receives what session %d does", i,
                    f * SESSIONS_PER_FORMAT).isEqualTo(reference);
            }
            assertThat(reference).as("messages of format %d", f)
                .anyMatch(m -> m.contains("\"type\":\"trade\""))
                .anyMatch(m -> m.contains("\"type\":\"book\""))
                .anyMatch(m -> m.contains("\"type\":\"ticker\""));
            final String what = "format " + f + ", " + SESSIONS_PER_FORMAT + " sessions, messages " + reference;
            assertThat(d.shared()[f] + d.rebased()[f]).as("encodings of %s", what).isEqualTo(reference.size());
            assertThat(d.perSubscription()[f]).as("snapshots and catch-ups of %s", what).isZero();
            if (first)
            {
                // every stream's first live message is rebased (prev = S); the later ones are shared
                assertThat(d.rebased()[f]).as("rebased encodings of %s", what).isEqualTo(3);
            }
            else
            {
                assertThat(d.rebased()[f]).as("rebased encodings of %s", what).isZero();
            }
        }
    }

    @Test
    void aJsonSessionIdleOnItsStreamsGetsHeartbeatsWithTheLastAppliedSeq() throws Exception
    {
        try (JdkClient client = new JdkClient(fixture.streamUri());
            JdkClient trader = new JdkClient(fixture.streamUri()))
        {
            client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"ticker\",\"symbols\":[\"SOL-USD\"]}");
            client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"book\",\"symbols\":[\"SOL-USD\"]}");
            client.send("{\"op\":\"ping\",\"id\":3}");
            final List<String> types = new ArrayList<>();
            JsonNode m;
            do
            {
                m = client.next(WAIT);
                types.add(m.path("type").asText());
            }
            while (!"pong".equals(m.path("type").asText()));
            assertThat(types).as("replies and snapshots, before any heartbeat")
                .containsExactly("subscribed", "ticker", "subscribed", "book", "pong");
            final long last = m.path("seq").asLong();

            // Nothing changes: heartbeats only, each exactly {"type":"heartbeat","seq":L}, L the last applied seq.
            for (int i = 0; i < 3; i++)
            {
                assertThat(client.next(WAIT).toString()).isEqualTo("{\"type\":\"heartbeat\",\"seq\":" + last + "}");
            }

            // A batch on a stream the session does not follow: no message for it, and the next heartbeat's seq is
            // that batch's last seq (the gateway's progress, not the session's streams').
            trade(trader, order(1, "ETH-USD", "sell", "3100", "0.01", 201));
            final long batchSeq = trade(trader, order(2, "ETH-USD", "buy", "3100", "0.01", 202)); // none left open
            assertThat(batchSeq).isGreaterThan(last);
            trader.send("{\"op\":\"ping\",\"id\":3}");
            final long applied = trader.nextOfType("pong", WAIT).path("seq").asLong();
            JsonNode beat;
            do
            {
                beat = client.next(WAIT);
                assertThat(beat.path("type").asText()).as("only heartbeats on an idle connection: %s", beat)
                    .isEqualTo("heartbeat");
            }
            while (beat.path("seq").asLong() == last);
            assertThat(beat.toString()).isEqualTo("{\"type\":\"heartbeat\",\"seq\":" + applied + "}");
            assertThat(applied).isGreaterThanOrEqualTo(batchSeq);
            assertThat(client.next(WAIT).toString()).isEqualTo("{\"type\":\"heartbeat\",\"seq\":" + applied + "}");
        }
    }
}
