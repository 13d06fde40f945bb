package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request-reply semantics with a real client against a real gateway: every reply asserted whole (apart from
 * the seq, which depends on the market).
 */
@Timeout(60)
class GatewayRequestsTest
{
    @TempDir
    static Path dir;
    static TickwireFixture fixture;

    @BeforeAll
    static void start() throws Exception
    {
        fixture = new TickwireFixture(dir, 3, 2_000, 5, c -> c.maxSubscriptionsPerSession = 4);
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    private static JsonNode reply(final JdkClient client, final String type) throws InterruptedException
    {
        return client.nextOfType(type, Duration.ofSeconds(10));
    }

    @Test
    void instrumentsPingAndErrorsEchoTheirIds() throws Exception
    {
        try (JdkClient client = new JdkClient(fixture.streamUri()))
        {
            client.send("{\"op\":\"instruments\",\"id\":\"i-1\"}");
            final JsonNode instruments = reply(client, "instruments");
            assertThat(instruments.path("id").asText()).isEqualTo("i-1");
            final List<String> symbols = new ArrayList<>();
            instruments.path("instruments").forEach(i -> symbols.add(i.path("symbol").asText()));
            assertThat(symbols).containsExactly("BTC-USD", "ETH-USD", "SOL-USD");

            client.send("{\"op\":\"ping\",\"id\":7}");
            final JsonNode pong = reply(client, "pong");
            assertThat(pong.path("id").asInt()).isEqualTo(7);
            assertThat(pong.path("seq").asLong()).isPositive();

            client.send("{\"op\":\"subscribe\",\"id\":8,\"channel\":\"trades\",\"symbols\":[\"NOPE\"]}");
            assertThat(reply(client, "error").toString())
                .isEqualTo("{\"type\":\"error\",\"id\":8,\"code\":\"UNKNOWN_SYMBOL\",\"message\":\"unknown symbol 'NOPE'\"}");

            client.send("{\"op\":\"resync\",\"id\":9,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"]}");
            assertThat(reply(client, "error").path("code").asText()).isEqualTo("NOT_SUBSCRIBED");

            client.send("{\"op\":\"subscribe\",\"id\":10,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"],\"maxHz\":5}");
            assertThat(reply(client, "error").path("code").asText()).isEqualTo("BAD_REQUEST");

            client.send("{\"op\":\"subscribe\",\"id\":11,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"],\"depth\":101}");
            assertThat(reply(client, "error").path("code").asText()).isEqualTo("BAD_REQUEST");

            client.send("{\"op\":\"order\",\"id\":12,\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"type\":\"limit\",\"price\":\"1\",\"qty\":\"1\",\"clientOrderId\":1}");
            assertThat(reply(client, "error").toString()).isEqualTo(
                "{\"type\":\"error\",\"id\":12,\"code\":\"NOT_ENTITLED\",\"message\":\"this connection may not trade\"}");

            client.send("{\"op\":\"subscribe\",\"id\":13,\"channel\":\"ticker\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]}");
            assertThat(reply(client, "subscribed").path("id").asInt()).isEqualTo(13);
            client.send("{\"op\":\"subscribe\",\"id\":14,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}");
            final JsonNode tooMany = reply(client, "error");
            assertThat(tooMany.path("id").asInt()).isEqualTo(14);
            assertThat(tooMany.path("code").asText()).isEqualTo("TOO_MANY_SUBSCRIPTIONS");
        }
    }

    @Test
    void resyncSendsAFreshSnapshotOnThatStreamOnlyAndUnsubscribeStopsIt() throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        try (JdkClient client = new JdkClient(fixture.streamUri()))
        {
            client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"],\"depth\":3}");
            client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]}");
            int books = 0;
            while (books < 30)
            {
                final JsonNode m = client.next(Duration.ofSeconds(10));
                checker.accept(m);
                books += "book".equals(m.path("type").asText()) ? 1 : 0;
            }
            client.send("{\"op\":\"resync\",\"id\":3,\"channel\":\"book\",\"symbols\":[\"ETH-USD\"]}");
            JsonNode snapshot;
            do
            {
                snapshot = client.next(Duration.ofSeconds(10));
                checker.accept(snapshot);
            }
            while (!("book".equals(snapshot.path("type").asText()) && snapshot.path("snapshot").asBoolean()));
            assertThat(snapshot.path("symbol").asText()).isEqualTo("ETH-USD");
            assertThat(snapshot.path("depth").isMissingNode()).isTrue();

            client.send("{\"op\":\"resync\",\"id\":4,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]}");
            JsonNode error;
            do
            {
                error = client.next(Duration.ofSeconds(10));
                checker.accept(error.path("type").asText().equals("error") ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : error);
            }
            while (!"error".equals(error.path("type").asText()));
            assertThat(error.path("code").asText()).isEqualTo("BAD_REQUEST");

            client.send("{\"op\":\"unsubscribe\",\"id\":5,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}");
            JsonNode unsubscribed;
            do
            {
                unsubscribed = client.next(Duration.ofSeconds(10));
                checker.accept(unsubscribed);
            }
            while (!"unsubscribed".equals(unsubscribed.path("type").asText()));
            assertThat(unsubscribed.toString())
                .isEqualTo("{\"type\":\"unsubscribed\",\"id\":5,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}");
            client.send("{\"op\":\"ping\",\"id\":6}");
            JsonNode m;
            do
            {
                m = client.next(Duration.ofSeconds(10));
                assertThat(m.path("type").asText()).as("no book after unsubscribed").isNotEqualTo("book");
            }
            while (!"pong".equals(m.path("type").asText()));
        }
    }

    @Test
    void maxHzConflatesABookStreamToAtMostThatRateWithCorrectBooks() throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        try (JdkClient client = new JdkClient(fixture.streamUri()))
        {
            client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"],\"depth\":5,\"maxHz\":10}");
            final JsonNode subscribed = reply(client, "subscribed");
            assertThat(subscribed.path("maxHz").asDouble()).isEqualTo(10.0);
            checker.accept(subscribed);
            final long start = System.nanoTime();
            while (checker.bookViews.size() < 12)
            {
                checker.accept(client.next(Duration.ofSeconds(10)));
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(checker.conflated).as("updates faster than 10/s were merged").isPositive();
            // 12 messages (the first is the snapshot) at most 10 per second: at least 1.1 s.
            assertThat(seconds).isGreaterThanOrEqualTo(1.0);
        }
    }
}
