package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real engine and gateway, a real JDK WebSocket client, once per protocol (JSON, and the binary
 * {@code tickwire.sbe.v1} decoded by {@link SbeTestDecoder}): the client's books rebuilt from snapshot plus
 * deltas match the journal's book at every seq, every checksum verifies, prev chains are unbroken, and the
 * trades and tickers received are exactly the journal's.
 */
class GatewayConsistencyTest
{
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"json", "tickwire.sbe.v1"})
    @Timeout(120)
    void booksTradesAndTickersMatchTheJournalAtEverySeq(final String protocol) throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("GatewayConsistencyTest " + protocol + " seed=" + seed);
        final int depth = 5;
        final StreamChecker checker = new StreamChecker();
        final List<String> symbols = List.of("BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD");
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 3_000, seed, c -> { }))
        {
            try (JdkClient client = new JdkClient(HttpClient.newHttpClient(), fixture.streamUri(), Map.of(), protocol))
            {
                assertThat(client.subprotocol()).isEqualTo(protocol);
                client.send("{\"op\":\"instruments\",\"id\":0}"); // binary messages name instruments by id
                client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"book\",\"depth\":" + depth +
                    ",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\",\"BNB-USD\"]}");
                client.send("{\"op\":\"subscribe\",\"id\":\"t\",\"channel\":\"trades\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\",\"BNB-USD\"]}");
                client.send("{\"op\":\"subscribe\",\"id\":3,\"channel\":\"ticker\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\",\"BNB-USD\"]}");
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (checker.bookViews.size() < 3_000 || checker.trades.size() < 50)
                {
                    assertThat(System.nanoTime()).as("enough traffic within 60 s").isLessThan(deadline);
                    checker.accept(client.next(Duration.ofSeconds(10)));
                }
                final JsonNode pong;
                client.send("{\"op\":\"ping\",\"id\":99}");
                while (true)
                {
                    final JsonNode m = client.next(Duration.ofSeconds(10));
                    if ("pong".equals(m.path("type").asText()))
                    {
                        pong = m;
                        break;
                    }
                    checker.accept(m);
                }
                assertThat(pong.path("id").asInt()).isEqualTo(99);
                if ("json".equals(protocol))
                {
                    assertThat(client.binaryMessages.get()).isZero();
                }
                else
                {
                    assertThat(client.binaryMessages.get()).isPositive();
                    assertThat(client.textTypes.keySet()).as("text messages of the binary protocol")
                        .containsOnly("instruments", "subscribed", "pong");
                }
            }
        }

        // The truth: replay the journal and compare every book view at its seq.
        final Map<String, List<StreamChecker.BookView>> pending = new HashMap<>();
        for (final StreamChecker.BookView view : checker.bookViews)
        {
            pending.computeIfAbsent(view.symbol(), s -> new ArrayList<>()).add(view);
        }
        final int[] compared = {0};
        final Map<String, Integer> cursor = new HashMap<>();
        final JournalTruth truth = JournalTruth.replay(dir.resolve("journal"), (first, last, t) ->
        {
            for (final String symbol : symbols)
            {
                final List<StreamChecker.BookView> views = pending.getOrDefault(symbol, List.of());
                int i = cursor.getOrDefault(symbol, 0);
                while (i < views.size() && views.get(i).seq() <= last)
                {
                    final StreamChecker.BookView view = views.get(i);
                    assertThat(view.seq()).as("book message seq %d of %s lies in a batch", view.seq(), symbol)
                        .isGreaterThanOrEqualTo(first);
                    assertThat(view.view()).as("%s at seq %d", symbol, view.seq()).isEqualTo(String.join(",", t.topView(symbol, depth)));
                    compared[0]++;
                    i++;
                }
                cursor.put(symbol, i);
            }
        });
        assertThat(compared[0]).isEqualTo(checker.bookViews.size());

        // Trades: exactly the journal's trades after the subscription, up to the last one received.
        final long lastTrade = checker.trades.get(checker.trades.size() - 1).seq();
        final long from = checker.subscribedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        final List<JournalTruth.TradeRow> expected = truth.trades.stream()
            .filter(t -> t.seq() > checker.subscribedAt.get("trades/" + t.symbol()) && t.seq() <= lastTrade)
            .toList();
        assertThat(checker.trades).isEqualTo(expected);
        assertThat(from).isPositive();

        // Tickers: the first of each stream is the snapshot at the subscription's seq (the journal's latest ticker
        // of that symbol at or before it; its seq may be another stream's event); every later one is the journal's
        // ticker event with that seq.
        final Map<Long, JournalTruth.TickerRow> bySeq = new HashMap<>();
        truth.tickers.forEach(t -> bySeq.put(t.seq(), t));
        int tickerChecks = 0;
        for (final JournalTruth.TickerRow received : checker.tickers)
        {
            final long seq = received.seq();
            final String symbol = received.symbol();
            if (seq == checker.subscribedAt.get("ticker/" + symbol))
            {
                final JournalTruth.TickerRow latest = truth.tickers.stream()
                    .filter(r -> r.symbol().equals(symbol) && r.seq() <= seq)
                    .reduce((x, y) -> y)
                    .orElse(null);
                if (latest != null)
                {
                    assertThat(received).as("snapshot ticker of %s at %d", symbol, seq)
                        .isEqualTo(new JournalTruth.TickerRow(seq, symbol, latest.bid(), latest.bidQty(), latest.ask(),
                        latest.askQty(), latest.last()));
                }
                continue;
            }
            assertThat(received).isEqualTo(bySeq.get(seq));
            tickerChecks++;
        }
        assertThat(tickerChecks).isPositive();
        System.out.println("compared " + compared[0] + " book views, " + checker.trades.size() + " trades, " +
            tickerChecks + " tickers; conflated " + checker.conflated);
    }

    private static String text(final JsonNode node, final String field)
    {
        return node.path(field).isNull() ? null : node.path(field).asText();
    }
}
