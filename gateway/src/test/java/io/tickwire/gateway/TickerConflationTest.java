package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ticker subscriber that stops reading (a raw client with a 4 KiB receive buffer, so the gateway's bound is
 * reached in seconds) while the real engine sequences the simulator's market ({@link TestMarket}): once it reads
 * again, every ticker it gets, conflated or live, is the journal's ticker event at its seq (the whole state of its
 * symbol then), with unbroken {@code prev} chains and some catch-ups covering several events; once the market
 * stops, after a ping barrier each symbol's last ticker is the journal's latest.
 */
class TickerConflationTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ALL = "[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]";

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aStalledTickerSubscriberCatchesUpWithTheJournalsTickers() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("TickerConflationTest seed=" + seed);
        final StreamChecker checker = new StreamChecker();
        final List<JsonNode> tickers = new ArrayList<>();
        final long conflatedBefore;
        final long conflatedAfter;
        try (TickwireFixture fixture = new TickwireFixture(dir, 3, 0, seed, c ->
        {
            c.conflateAboveBytes = 8 * 1024;
            c.heartbeatInterval = Duration.ofSeconds(30);
        }))
        {
            final GatewayCounters counters = fixture.gateway.counters();
            try (RawWsClient client = RawWsClient.connect(fixture.gateway.port(), null, "/stream", Map.of(), 4096);
                TestMarket market = new TestMarket(fixture.engine, seed, 4_000))
            {
                assertThat(client.status).isEqualTo(101);
                client.sendFrame(true, RawWsClient.TEXT,
                    utf8("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"ticker\",\"symbols\":" + ALL + "}"));
                // Stop reading. Wait until the session is behind (its tickers held back), then for 3,000 more events.
                conflatedBefore = counters.conflatedMessages.get();
                Awaitility.await("the stalled session lags").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5)).until(() -> counters.sessionsLagging.get() > 0);
                final long lagFrom = counters.lastSeq.get();
                Awaitility.await("the market moves on").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5)).until(() -> counters.lastSeq.get() > lagFrom + 3_000);
                // Read again while the market runs, until conflated tickers were sent and the session is in step.
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (counters.conflatedMessages.get() == conflatedBefore || counters.sessionsLagging.get() > 0)
                {
                    assertThat(System.nanoTime()).as("caught up within 60 s").isLessThan(deadline);
                    read(client, checker, tickers);
                }
                // Stop the market; ping barriers until the session has nothing held back, then one more: up to its
                // pong the session has every symbol's latest ticker.
                market.stopAndAwaitJournaled();
                boolean settled = false;
                while (true)
                {
                    client.sendFrame(true, RawWsClient.TEXT, utf8("{\"op\":\"ping\"}"));
                    checker.pongSeq = -1;
                    while (checker.pongSeq < 0)
                    {
                        assertThat(System.nanoTime()).as("settled within 60 s").isLessThan(deadline + 60_000_000_000L);
                        read(client, checker, tickers);
                    }
                    if (settled)
                    {
                        break;
                    }
                    settled = counters.sessionsLagging.get() == 0 && counters.lastSeq.get() == checker.pongSeq;
                }
                assertThat(checker.pongSeq).as("the last pong is at the gateway's last applied seq")
                    .isEqualTo(counters.lastSeq.get());
                conflatedAfter = counters.conflatedMessages.get();
            }
        }
        assertThat(conflatedAfter).as("the gateway sent conflated tickers").isGreaterThan(conflatedBefore);

        // Every ticker message, live or conflated, is the journal's ticker event at its seq (the whole state), and
        // at least one skipped events of its symbol (a conflated catch-up).
        final JournalTruth truth = JournalTruth.replay(dir.resolve("journal"), null);
        final Map<Long, JournalTruth.TickerRow> events = new HashMap<>();
        final Map<Long, Long> previousOfSymbol = new HashMap<>();
        final Map<String, Long> last = new HashMap<>();
        for (final JournalTruth.TickerRow t : truth.tickers)
        {
            events.put(t.seq(), t);
            previousOfSymbol.put(t.seq(), last.getOrDefault(t.symbol(), 0L));
            last.put(t.symbol(), t.seq());
        }
        int skipping = 0;
        for (int i = 0; i < checker.tickers.size(); i++)
        {
            final JournalTruth.TickerRow row = checker.tickers.get(i);
            final JsonNode message = tickers.get(i);
            if (message.path("prev").asLong() == message.path("seq").asLong())
            {
                continue; // the subscription's snapshot
            }
            assertThat(row).as("ticker %s is the journal's ticker event at its seq", message)
                .isEqualTo(events.get(row.seq()));
            if (message.path("prev").asLong() < previousOfSymbol.get(row.seq()))
            {
                skipping++;
            }
        }
        assertThat(skipping).as("conflated tickers (covering several ticker events)").isPositive();
        for (final String symbol : List.of("BTC-USD", "ETH-USD", "SOL-USD"))
        {
            final JournalTruth.TickerRow latest = truth.tickers.stream()
                .filter(t -> t.symbol().equals(symbol) && t.seq() <= checker.pongSeq).reduce((a, b) -> b).orElseThrow();
            final JournalTruth.TickerRow seen = checker.tickers.stream()
                .filter(t -> t.symbol().equals(symbol)).reduce((a, b) -> b).orElseThrow();
            assertThat(seen).as("%s's last ticker before the pong at %d", symbol, checker.pongSeq).isEqualTo(latest);
        }
        System.out.println("TickerConflationTest: " + checker.tickers.size() + " tickers read, " + skipping +
            " covering several events; conflated messages " + (conflatedAfter - conflatedBefore));
    }

    /**
     * Reads one frame, which must be a text message, into the checker (tickers also into {@code tickers}).
     */
    private static void read(final RawWsClient client, final StreamChecker checker, final List<JsonNode> tickers)
        throws java.io.IOException
    {
        final RawWsClient.Frame frame = client.readFrame();
        assertThat(frame.opcode()).as("a text frame").isEqualTo(RawWsClient.TEXT);
        final JsonNode m = MAPPER.readTree(frame.text());
        checker.accept(m);
        if ("ticker".equals(m.path("type").asText()))
        {
            tickers.add(m);
        }
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
