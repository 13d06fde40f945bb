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
            // resync, then a ping as a barrier: up to the pong, the only snapshot is ETH-USD's, on an unbroken chain
            final long lastEthBook = checker.lastSeq.get("book/ETH-USD");
            client.send("{\"op\":\"resync\",\"id\":3,\"channel\":\"book\",\"symbols\":[\"ETH-USD\"]}");
            client.send("{\"op\":\"ping\",\"id\":30}");
            final List<JsonNode> snapshots = new ArrayList<>();
            JsonNode m;
            do
            {
                m = client.next(Duration.ofSeconds(10));
                checker.accept(m);
                if (m.path("snapshot").asBoolean())
                {
                    snapshots.add(m);
                }
            }
            while (!"pong".equals(m.path("type").asText()));
            checker.pongSeq = -1; // the checker goes on recording after this barrier
            assertThat(snapshots).as("snapshots between the resync and the pong").hasSize(1);
            final JsonNode snapshot = snapshots.get(0);
            assertThat(snapshot.path("symbol").asText()).isEqualTo("ETH-USD");
            assertThat(snapshot.path("type").asText()).isEqualTo("book");
            assertThat(snapshot.path("prev").asLong()).as("prev = the last book seq sent")
                .isGreaterThanOrEqualTo(lastEthBook);
            assertThat(snapshot.path("seq").asLong()).isLessThanOrEqualTo(m.path("seq").asLong());
            assertThat(snapshot.path("depth").isMissingNode()).isTrue();
            // The snapshot is the journal's top 3 of ETH-USD as of its seq.
            final long at = snapshot.path("seq").asLong();
            final String[] truth = new String[1];
            JournalTruth.replay(fixture.journal, (first, last, t) ->
            {
                if (last == at)
                {
                    truth[0] = String.join(",", t.topView("ETH-USD", 3));
                }
            });
            assertThat(truth[0]).as("a batch ends at the snapshot's seq %d", at).isNotNull();
            final StreamChecker.BookView view = checker.bookViews.stream()
                .filter(v -> v.seq() == at && v.symbol().equals("ETH-USD")).reduce((x, y) -> y).orElseThrow();
            assertThat(view.view()).isEqualTo(truth[0]);

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
            do
            {
                m = client.next(Duration.ofSeconds(10));
                assertThat(m.path("type").asText()).as("no book after unsubscribed").isNotEqualTo("book");
            }
            while (!"pong".equals(m.path("type").asText()));
        }
    }

    @Test
    void resyncOfATickerSendsTheCurrentTickerOnThatStreamOnly() throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        final List<JsonNode> received = new ArrayList<>();
        final long pongSeq;
        try (JdkClient client = new JdkClient(fixture.streamUri()))
        {
            client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"ticker\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}");
            while (checker.tickers.size() < 20)
            {
                checker.accept(client.next(Duration.ofSeconds(10)));
            }
            client.send("{\"op\":\"resync\",\"id\":2,\"channel\":\"ticker\",\"symbols\":[\"ETH-USD\"]}");
            client.send("{\"op\":\"ping\",\"id\":3}");
            JsonNode m;
            do
            {
                m = client.next(Duration.ofSeconds(10));
                checker.accept(m); // prev chains unbroken across the resync
                received.add(m);
            }
            while (!"pong".equals(m.path("type").asText()));
            pongSeq = m.path("seq").asLong();
        }
        // Live tickers are the journal's ticker events (seq = the event's seq, prev < seq); the resync's message has
        // seq = the gateway's last applied seq, which is no ticker event of its symbol, or prev = seq when the
        // ticker has not changed since the last one sent.
        final JournalTruth truth = JournalTruth.replay(fixture.journal, null);
        final java.util.Map<Long, JournalTruth.TickerRow> events = new java.util.HashMap<>();
        truth.tickers.forEach(t -> events.put(t.seq(), t));
        final List<JournalTruth.TickerRow> resynced = new ArrayList<>();
        final List<JournalTruth.TickerRow> afterResync = new ArrayList<>();
        for (final JsonNode n : received)
        {
            if (!"ticker".equals(n.path("type").asText()))
            {
                continue;
            }
            final JournalTruth.TickerRow row = new JournalTruth.TickerRow(n.path("seq").asLong(),
                n.path("symbol").asText(), text(n, "bid"), text(n, "bidQty"), text(n, "ask"), text(n, "askQty"),
                text(n, "last"));
            afterResync.add(row);
            final JournalTruth.TickerRow event = events.get(row.seq());
            if (event == null || !event.symbol().equals(row.symbol()) || n.path("prev").asLong() == row.seq())
            {
                resynced.add(row);
            }
            else
            {
                assertThat(row).as("a live ticker is the journal's event").isEqualTo(event);
            }
        }
        assertThat(resynced).as("tickers of the resync up to the pong (%s)", afterResync).hasSize(1);
        final JournalTruth.TickerRow current = resynced.get(0);
        assertThat(current.symbol()).isEqualTo("ETH-USD");
        assertThat(current.seq()).isLessThanOrEqualTo(pongSeq);
        // ... and it is the journal's latest ETH-USD ticker as of its seq (all but seq, which is the position).
        final JournalTruth.TickerRow latest = truth.tickers.stream()
            .filter(t -> t.symbol().equals("ETH-USD") && t.seq() <= current.seq()).reduce((x, y) -> y).orElseThrow();
        assertThat(new JournalTruth.TickerRow(latest.seq(), current.symbol(), current.bid(), current.bidQty(),
            current.ask(), current.askQty(), current.last())).isEqualTo(latest);
    }

    private static String text(final JsonNode node, final String field)
    {
        return node.path(field).isNull() ? null : node.path(field).asText();
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
