package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickwire.engine.ParticipantRanges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Order entry end to end: real WebSocket clients, a real gateway, the real engine (no simulator, so every
 * trade is the test's own) and real Aeron, with an {@link IngressRelay} between the gateway's ingress
 * publication and the engine so a test can hold inputs back like a busy engine. Replies are asserted whole;
 * only {@code seq} and {@code ts}, which depend on the run, are checked apart.
 */
@Timeout(60)
class OrderEntryTest
{
    static final byte[] SECRET = Tokens.secret("order-entry-test-secret-0123456789abcdef");
    static final int RELAY_STREAM = 11;
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static TickwireFixture fixture;
    static IngressRelay relay;

    @BeforeAll
    static void start() throws Exception
    {
        fixture = new TickwireFixture(dir, 3, 0, 1, c ->
        {
            c.jwtSecret = SECRET;
            c.ingressStreamId = RELAY_STREAM;
            c.maxOrdersInFlightPerSession = 8;
            c.maxOpenOrdersPerSession = 3;
        });
        relay = new IngressRelay(fixture.engine.aeron(), "aeron:ipc", RELAY_STREAM);
    }

    @AfterAll
    static void stop()
    {
        if (relay != null)
        {
            relay.close();
        }
        fixture.close();
    }

    private static JdkClient trader(final String user, final String claims) throws Exception
    {
        final long exp = System.currentTimeMillis() / 1000 + 3600;
        final String token = Tokens.sign(SECRET, "{\"sub\":\"" + user + "\",\"exp\":" + exp + claims + "}");
        return new JdkClient(HttpClient.newHttpClient(), fixture.streamUri(), Map.of("Authorization", "Bearer " + token));
    }

    private static JdkClient trader(final String user) throws Exception
    {
        return trader(user, ",\"trade\":true");
    }

    /**
     * @return the next message that is not a heartbeat.
     */
    private static JsonNode reply(final JdkClient client) throws InterruptedException
    {
        while (true)
        {
            final JsonNode m = client.next(WAIT);
            if (!"heartbeat".equals(m.path("type").asText()))
            {
                return m;
            }
        }
    }

    /**
     * @return the message as text without {@code seq} and {@code ts} (checked apart by the callers).
     */
    private static String withoutSeqTs(final JsonNode m)
    {
        final ObjectNode copy = m.deepCopy();
        assertThat(copy.path("ts").asLong()).as("ts of %s", m).isPositive();
        copy.remove("seq");
        copy.remove("ts");
        return copy.toString();
    }

    private static String order(final Object id, final String symbol, final String side, final String type,
        final String price, final String qty, final long clientOrderId)
    {
        return "{\"op\":\"order\",\"id\":" + id + ",\"symbol\":\"" + symbol + "\",\"side\":\"" + side + "\",\"type\":\"" +
            type + "\"" + (price != null ? ",\"price\":\"" + price + "\"" : "") + ",\"qty\":\"" + qty +
            "\",\"clientOrderId\":" + clientOrderId + "}";
    }

    private static JsonNode subscribe(final JdkClient client, final StreamChecker checker, final String channel,
        final String symbol) throws InterruptedException
    {
        client.send("{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"symbols\":[\"" + symbol + "\"]}");
        final JsonNode subscribed = reply(client);
        checker.accept(subscribed);
        if (channel.equals("book"))
        {
            checker.accept(reply(client)); // the snapshot
        }
        return subscribed;
    }

    /**
     * Reads the watcher's messages up to a pong, checking every prev chain and checksum.
     */
    private static void drain(final JdkClient watcher, final StreamChecker checker) throws InterruptedException
    {
        watcher.send("{\"op\":\"ping\"}");
        while (checker.pongSeq < 0)
        {
            checker.accept(reply(watcher));
        }
    }

    @Test
    void anOrderIsAckedByIdAndTheTradeItMakesReachesEveryOtherScreen() throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        try (JdkClient watcher = new JdkClient(fixture.streamUri());
             JdkClient maker = trader("maker");
             JdkClient taker = trader("taker"))
        {
            final long subscribedAt = subscribe(watcher, checker, "trades", "BTC-USD").path("seq").asLong();
            subscribe(watcher, checker, "book", "BTC-USD");

            maker.send(order("\"m1\"", "BTC-USD", "sell", "limit", "65000", "0.5", 1));
            final JsonNode makerAck = reply(maker);
            assertThat(withoutSeqTs(makerAck)).isEqualTo("{\"type\":\"ack\",\"id\":\"m1\",\"request\":\"order\"," +
                "\"symbol\":\"BTC-USD\",\"clientOrderId\":1,\"filled\":\"0\",\"leaves\":\"0.5\"}");
            assertThat(makerAck.path("seq").asLong()).isGreaterThan(subscribedAt);

            // the same clientOrderId on another connection: a different participant, so no conflict
            taker.send(order(2, "BTC-USD", "buy", "limit", "65000.5", "0.2", 1));
            final JsonNode takerAck = reply(taker);
            final JsonNode takerFill = reply(taker);
            final JsonNode makerFill = reply(maker);
            final long tradeSeq = takerFill.path("tradeSeq").asLong();
            assertThat(List.of(withoutSeqTs(takerAck), withoutSeqTs(takerFill), withoutSeqTs(makerFill))).containsExactly(
                "{\"type\":\"ack\",\"id\":2,\"request\":\"order\",\"symbol\":\"BTC-USD\",\"clientOrderId\":1," +
                    "\"filled\":\"0.2\",\"leaves\":\"0\"}",
                "{\"type\":\"fill\",\"symbol\":\"BTC-USD\",\"clientOrderId\":1,\"side\":\"buy\",\"price\":\"65000\"," +
                    "\"qty\":\"0.2\",\"leaves\":\"0\",\"maker\":false,\"tradeSeq\":" + tradeSeq + "}",
                "{\"type\":\"fill\",\"symbol\":\"BTC-USD\",\"clientOrderId\":1,\"side\":\"sell\",\"price\":\"65000\"," +
                    "\"qty\":\"0.2\",\"leaves\":\"0.3\",\"maker\":true,\"tradeSeq\":" + tradeSeq + "}");
            assertThat(makerFill.path("tradeSeq").asLong()).isEqualTo(tradeSeq);
            assertThat(takerAck.path("seq").asLong()).isGreaterThanOrEqualTo(tradeSeq);

            JsonNode trade;
            do
            {
                trade = reply(watcher);
                checker.accept(trade);
            }
            while (!"trade".equals(trade.path("type").asText()));
            assertThat(trade.toString()).isEqualTo("{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"seq\":" + tradeSeq +
                ",\"prev\":" + subscribedAt + ",\"price\":\"65000\",\"qty\":\"0.2\",\"side\":\"buy\",\"ts\":" +
                takerFill.path("ts").asLong() + "}");
            drain(watcher, checker);
            assertThat(checker.books.get("BTC-USD").view()).containsExactly("|", "65000:0.3");

            final List<IngressRelay.SentOrder> sent = relay.orders.stream()
                .filter(o -> o.instrumentId() == 1 && o.clientOrderId() == 1).toList();
            assertThat(sent).hasSize(2);
            assertThat(sent.get(0)).isEqualTo(new IngressRelay.SentOrder(sent.get(0).participantId(), 1, 1, "SELL",
                "LIMIT", 6_500_000, 5_000));
            assertThat(sent.get(1)).isEqualTo(new IngressRelay.SentOrder(sent.get(1).participantId(), 1, 1, "BUY",
                "LIMIT", 6_500_050, 2_000));
            assertThat(sent.get(0).participantId()).isNotEqualTo(sent.get(1).participantId());
            for (final IngressRelay.SentOrder o : sent)
            {
                assertThat(ParticipantRanges.rangeOf(o.participantId())).isEqualTo(fixture.gateway.config().gatewayId);
            }
        }
    }

    @Test
    void rejectsAndRefusalsGetTheDocumentedReplies() throws Exception
    {
        try (JdkClient client = trader("rejects"))
        {
            final List<String> replies = new ArrayList<>();
            final String[] requests = {
                order(1, "ETH-USD", "buy", "limit", "3000.02", "0.01", 1),
                order(2, "ETH-USD", "buy", "limit", "0", "0.01", 2),
                order(3, "ETH-USD", "buy", "limit", "3000", "0.0005", 3),
                order(4, "ETH-USD", "buy", "limit", "3000.001", "0.01", 4),
                order(5, "DOGE-USD", "buy", "limit", "3000", "0.01", 5),
                order(6, "ETH-USD", "buy", "limit", "3000", "0.01", 6),
                order(7, "ETH-USD", "buy", "limit", "2999", "0.02", 6),
                "{\"op\":\"cancel\",\"id\":8,\"symbol\":\"ETH-USD\",\"clientOrderId\":6}",
                "{\"op\":\"cancel\",\"id\":9,\"symbol\":\"ETH-USD\",\"clientOrderId\":6}",
                order(10, "ETH-USD", "sell", "market", null, "0.01", 10),
                order(11, "ETH-USD", "buy", "ioc", "1", "0.01", 11),
            };
            for (final String request : requests)
            {
                client.send(request);
                replies.add(withoutSeqTsIfAny(reply(client)));
            }
            assertThat(replies).containsExactly(
                "{\"type\":\"reject\",\"id\":1,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":1," +
                    "\"code\":\"BAD_TICK_SIZE\",\"message\":\"price is not a multiple of the tick size 0.05\"}",
                "{\"type\":\"reject\",\"id\":2,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":2," +
                    "\"code\":\"BAD_PRICE\",\"message\":\"price must be positive\"}",
                "{\"type\":\"reject\",\"id\":3,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":3," +
                    "\"code\":\"BAD_QUANTITY\",\"message\":\"quantity must be positive and a multiple of the lot size 0.001\"}",
                "{\"type\":\"error\",\"id\":4,\"code\":\"BAD_REQUEST\",\"message\":\"field 'price': ETH-USD prices have" +
                    " at most 2 decimal places and fit in 64 bits\"}",
                "{\"type\":\"error\",\"id\":5,\"code\":\"UNKNOWN_SYMBOL\",\"message\":\"unknown symbol 'DOGE-USD'\"}",
                "{\"type\":\"ack\",\"id\":6,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":6,\"filled\":\"0\"," +
                    "\"leaves\":\"0.01\"}",
                "{\"type\":\"reject\",\"id\":7,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":6," +
                    "\"code\":\"DUPLICATE_ORDER_ID\",\"message\":\"this connection already has a live order with this" +
                    " clientOrderId\"}",
                "{\"type\":\"ack\",\"id\":8,\"request\":\"cancel\",\"symbol\":\"ETH-USD\",\"clientOrderId\":6," +
                    "\"cancelled\":\"0.01\"}",
                "{\"type\":\"reject\",\"id\":9,\"request\":\"cancel\",\"symbol\":\"ETH-USD\",\"clientOrderId\":6," +
                    "\"code\":\"UNKNOWN_ORDER\",\"message\":\"no live order with this clientOrderId on ETH-USD\"}",
                "{\"type\":\"ack\",\"id\":10,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":10," +
                    "\"filled\":\"0\",\"leaves\":\"0\"}",
                "{\"type\":\"ack\",\"id\":11,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":11," +
                    "\"filled\":\"0\",\"leaves\":\"0\"}");

            // open orders: 3 per connection on this gateway
            final List<String> bound = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                client.send(order(20 + i, "ETH-USD", "buy", "limit", "2000", "0.001", 20 + i));
                bound.add(withoutSeqTsIfAny(reply(client)));
            }
            assertThat(bound.get(3)).isEqualTo("{\"type\":\"error\",\"id\":23,\"code\":\"TOO_MANY_OPEN_ORDERS\"," +
                "\"message\":\"limit is 3 open orders per connection\"}");
            assertThat(bound.subList(0, 3)).allMatch(r -> r.startsWith("{\"type\":\"ack\""));
        }
    }

    private static String withoutSeqTsIfAny(final JsonNode m)
    {
        return m.has("seq") ? withoutSeqTs(m) : m.toString();
    }

    @Test
    void onlyConnectionsEntitledToTradeMayTradeAndOnlyTheirSymbols() throws Exception
    {
        final String expected = "{\"type\":\"error\",\"id\":1,\"code\":\"NOT_ENTITLED\",\"message\":\"this connection may not trade\"}";
        try (JdkClient anonymous = new JdkClient(fixture.streamUri()))
        {
            anonymous.send(order(1, "ETH-USD", "buy", "limit", "3000", "0.01", 1));
            assertThat(reply(anonymous).toString()).isEqualTo(expected);
        }
        try (JdkClient viewer = trader("viewer", ",\"trade\":false"))
        {
            viewer.send(order(1, "ETH-USD", "buy", "limit", "3000", "0.01", 1));
            assertThat(reply(viewer).toString()).isEqualTo(expected);
        }
        try (JdkClient ethTrader = trader("eth", ",\"trade\":true,\"sym\":[\"ETH-*\"]"))
        {
            ethTrader.send(order(1, "BTC-USD", "buy", "limit", "3000", "0.01", 1));
            ethTrader.send("{\"op\":\"cancel\",\"id\":2,\"symbol\":\"DOGE-USD\",\"clientOrderId\":1}");
            ethTrader.send(order(3, "ETH-USD", "buy", "ioc", "1", "0.01", 3));
            assertThat(List.of(reply(ethTrader).toString(), reply(ethTrader).toString(),
                withoutSeqTs(reply(ethTrader)))).containsExactly(
                "{\"type\":\"error\",\"id\":1,\"code\":\"NOT_ENTITLED\",\"message\":\"not entitled to symbol 'BTC-USD'\"}",
                "{\"type\":\"error\",\"id\":2,\"code\":\"NOT_ENTITLED\",\"message\":\"not entitled to symbol 'DOGE-USD'\"}",
                "{\"type\":\"ack\",\"id\":3,\"request\":\"order\",\"symbol\":\"ETH-USD\",\"clientOrderId\":3,\"filled\":\"0\"," +
                    "\"leaves\":\"0\"}");
        }
    }

    @Test
    void theInFlightBoundAndTheRateLimitRefuseAFloodWithoutDisturbingASubscriber() throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        try (JdkClient watcher = new JdkClient(fixture.streamUri());
             JdkClient maker = trader("sol-maker");
             JdkClient flooder = trader("flooder"))
        {
            subscribe(watcher, checker, "trades", "SOL-USD");
            subscribe(watcher, checker, "book", "SOL-USD");
            maker.send(order(1, "SOL-USD", "sell", "limit", "150", "1", 1));
            assertThat(reply(maker).path("type").asText()).isEqualTo("ack");

            relay.pause(); // the engine gets nothing until resume: requests stay in flight
            final int flood = 60;
            for (int i = 1; i <= flood; i++)
            {
                flooder.send(order(i, "SOL-USD", "buy", "ioc", "150", "0.01", i));
            }
            final List<String> refusals = new ArrayList<>();
            for (int i = 9; i <= flood; i++)
            {
                refusals.add(reply(flooder).toString());
            }
            final List<String> expected = new ArrayList<>();
            for (int i = 9; i <= 50; i++)
            {
                expected.add("{\"type\":\"error\",\"id\":" + i + ",\"code\":\"TOO_MANY_ORDERS_IN_FLIGHT\",\"message\":" +
                    "\"limit is 8 orders and cancels waiting for the engine per connection\"}");
            }
            for (int i = 51; i <= flood; i++)
            {
                expected.add("{\"type\":\"error\",\"id\":" + i + ",\"code\":\"RATE_LIMITED\",\"message\":\"over 50 requests/s\"}");
            }
            assertThat(refusals).containsExactlyElementsOf(expected);

            relay.resume();
            final List<String> answers = new ArrayList<>();
            for (int i = 1; i <= 8; i++)
            {
                answers.add(withoutSeqTs(reply(flooder)));
                final JsonNode fill = reply(flooder);
                assertThat(fill.path("type").asText()).isEqualTo("fill");
                answers.add(withoutSeqTs(((ObjectNode)fill.deepCopy()).put("tradeSeq", 0)));
            }
            final List<String> expectedAnswers = new ArrayList<>();
            for (int i = 1; i <= 8; i++)
            {
                expectedAnswers.add("{\"type\":\"ack\",\"id\":" + i + ",\"request\":\"order\",\"symbol\":\"SOL-USD\"," +
                    "\"clientOrderId\":" + i + ",\"filled\":\"0.01\",\"leaves\":\"0\"}");
                expectedAnswers.add("{\"type\":\"fill\",\"symbol\":\"SOL-USD\",\"clientOrderId\":" + i + ",\"side\":" +
                    "\"buy\",\"price\":\"150\",\"qty\":\"0.01\",\"leaves\":\"0\",\"maker\":false,\"tradeSeq\":0}");
            }
            assertThat(answers).containsExactlyElementsOf(expectedAnswers);

            drain(watcher, checker);
            assertThat(checker.trades).hasSize(8);
            assertThat(checker.trades).allMatch(t -> t.price().equals("150") && t.qty().equals("0.01"));
            assertThat(checker.books.get("SOL-USD").view()).containsExactly("|", "150:0.92");
        }
        finally
        {
            relay.resume();
        }
    }

    @Test
    void aConnectionsRestingOrdersAreCancelledWhenItEnds() throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        final long before = fixture.gateway.counters().cancelsOnDisconnect.get();
        try (JdkClient watcher = new JdkClient(fixture.streamUri()))
        {
            subscribe(watcher, checker, "book", "ETH-USD");
            try (JdkClient leaver = trader("leaver"))
            {
                leaver.send(order(1, "ETH-USD", "sell", "limit", "9000", "0.5", 1));
                leaver.send(order(2, "ETH-USD", "sell", "limit", "9000.05", "0.25", 2));
                assertThat(List.of(reply(leaver).path("type").asText(), reply(leaver).path("type").asText()))
                    .containsExactly("ack", "ack");
                awaitView(watcher, checker, "ETH-USD", v -> v.contains("9000:0.5") && v.contains("9000.05:0.25"));
            }
            awaitView(watcher, checker, "ETH-USD", v -> v.stream().noneMatch(level -> level.startsWith("9000")));
            drain(watcher, checker);
            // other tests' connections may end meanwhile: at least these two
            assertThat(fixture.gateway.counters().cancelsOnDisconnect.get() - before).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aGatewayWhoseEngineIsNotListeningRefusesOrdersAtOnceAndOneWithoutIngressHasNoOrderEntry() throws Exception
    {
        final String order = order(1, "ETH-USD", "buy", "limit", "3000", "0.01", 1);
        try (GatewayServer lonely = GatewayServer.launch(sideGateway(c -> c.ingressStreamId = 12));
             JdkClient client = new JdkClient(URI.create("ws://127.0.0.1:" + lonely.port() + "/stream")))
        {
            client.send(order);
            assertThat(reply(client).toString()).isEqualTo("{\"type\":\"error\",\"id\":1,\"code\":" +
                "\"ENGINE_UNAVAILABLE\",\"message\":\"the engine is not connected; the request was not sent\"}");
        }
        try (GatewayServer readOnly = GatewayServer.launch(sideGateway(c -> c.ingressChannel = null));
             JdkClient client = new JdkClient(URI.create("ws://127.0.0.1:" + readOnly.port() + "/stream")))
        {
            client.send(order);
            assertThat(reply(client).toString()).isEqualTo("{\"type\":\"error\",\"id\":1,\"code\":" +
                "\"UNKNOWN_OP\",\"message\":\"op 'order' is not enabled on this gateway\"}");
        }
    }

    /**
     * A second gateway on the fixture's engine (gateway id 2), open to anonymous trading.
     */
    private static GatewayConfig sideGateway(final java.util.function.Consumer<GatewayConfig> customizer)
    {
        final GatewayConfig config = new GatewayConfig();
        config.port = 0;
        config.host = "127.0.0.1";
        config.aeronDirectory = fixture.engine.aeronDirectory();
        config.journalDirectory = fixture.journal;
        config.gatewayId = 2;
        config.anonymousTrading = true;
        customizer.accept(config);
        return config;
    }

    private static void awaitView(final JdkClient watcher, final StreamChecker checker, final String symbol,
        final java.util.function.Predicate<List<String>> condition) throws InterruptedException
    {
        while (!condition.test(checker.books.get(symbol).view()))
        {
            checker.accept(reply(watcher));
        }
    }
}
