package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events of one engine command are delivered together (docs/protocol.md, "Event atomicity and order"): a client
 * of the real gateway subscribed to every stream of every instrument, in JSON and in SBE, receives the messages of
 * each journaled batch contiguously, batches in journal order, and within a batch for each instrument its trades,
 * then at most one book message, then at most one ticker. The simulator's sweeping orders make batches of several
 * trades plus book and ticker changes; the bounds are raised so nothing conflates (a conflated catch-up is sent
 * later by design).
 */
@Timeout(90)
class BatchDeliveryTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ALL = "[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]";
    private static final int MESSAGES = 2_500;

    @TempDir
    static Path dir;
    static TickwireFixture fixture;

    @BeforeAll
    static void start() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("BatchDeliveryTest seed=" + seed);
        fixture = new TickwireFixture(dir, 3, 3_000, seed, c ->
        {
            c.conflateAboveBytes = 64 * 1024 * 1024;
            c.closeAboveBytes = 128 * 1024 * 1024;
            c.maxFramesInFlight = 1 << 20;
        });
    }

    @AfterAll
    static void stop()
    {
        fixture.close();
    }

    /** One market-data message as received. */
    private record Received(String type, String symbol, long seq, boolean conflated)
    {
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tickwire.sbe.v1"})
    void eachBatchArrivesWholeAndInOrder(final String subprotocol) throws Exception
    {
        final List<Received> received = new ArrayList<>();
        final StreamChecker checker = new StreamChecker();
        checker.recordViews = false;
        try (JdkClient client = subprotocol.isEmpty() ? new JdkClient(fixture.streamUri()) :
            new JdkClient(HttpClient.newHttpClient(), fixture.streamUri(), Map.of(), subprotocol))
        {
            client.send("{\"op\":\"instruments\"}");
            client.nextOfType("instruments", WAIT);
            client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":" + ALL + "}");
            client.send("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":" + ALL + ",\"depth\":10}");
            client.send("{\"op\":\"subscribe\",\"channel\":\"ticker\",\"symbols\":" + ALL + "}");
            client.send("{\"op\":\"ping\"}");
            for (JsonNode m = client.next(WAIT); !"pong".equals(m.path("type").asText()); m = client.next(WAIT))
            {
                checker.accept(m); // replies and snapshots
            }
            checker.pongSeq = -1;
            while (received.size() < MESSAGES)
            {
                final JsonNode m = client.next(WAIT);
                checker.accept(m); // prev chains and checksums as well
                final String type = m.path("type").asText();
                if ("trade".equals(type) || "book".equals(type) || "ticker".equals(type))
                {
                    received.add(new Received(type, m.path("symbol").asText(), m.path("seq").asLong(),
                        m.path("conflated").asBoolean(false)));
                }
            }
        }
        assertThat(received).as("no conflation in this test").noneMatch(Received::conflated);

        // The journal's batches (those with events), and which one each message belongs to.
        final List<long[]> batches = new ArrayList<>();
        final JournalTruth truth = JournalTruth.replay(fixture.journal, (first, last, t) ->
            batches.add(new long[] {first, last}));
        final long[] firsts = batches.stream().mapToLong(b -> b[0]).toArray();
        final int[] batchOf = new int[received.size()];
        for (int i = 0; i < received.size(); i++)
        {
            final int found = Arrays.binarySearch(firsts, received.get(i).seq());
            batchOf[i] = found >= 0 ? found : -found - 2;
            assertThat(batchOf[i]).as("message %s is in a batch", received.get(i)).isNotNegative();
            assertThat(received.get(i).seq()).isLessThanOrEqualTo(batches.get(batchOf[i])[1]);
        }
        int multiTrade = 0;
        int threeOrMore = 0;
        for (int start = 0; start < received.size(); )
        {
            int end = start + 1;
            while (end < received.size() && batchOf[end] == batchOf[start])
            {
                end++;
            }
            if (end < received.size())
            {
                assertThat(batchOf[end]).as("after the messages of batch %s (%s), a message of an earlier one: %s",
                    Arrays.toString(batches.get(batchOf[start])), received.subList(start, end), received.get(end))
                    .isGreaterThan(batchOf[start]);
            }
            final List<Received> batch = received.subList(start, end);
            assertOrderWithinBatch(batch);
            final long[] range = batches.get(batchOf[start]);
            final long trades = batch.stream().filter(r -> "trade".equals(r.type())).count();
            if (start > 0 && end < received.size())
            {
                // a whole batch (the first and last seen may be cut by the window): every trade of it is there
                assertThat(trades).as("trades of batch %s", Arrays.toString(range)).isEqualTo(
                    truth.trades.stream().filter(t -> t.seq() >= range[0] && t.seq() <= range[1]).count());
            }
            multiTrade += trades >= 2 ? 1 : 0;
            threeOrMore += batch.size() >= 3 ? 1 : 0;
            start = end;
        }
        System.out.println("BatchDeliveryTest " + (subprotocol.isEmpty() ? "json" : subprotocol) + ": " +
            received.size() + " messages, batches with 2+ trades " + multiTrade + ", with 3+ messages " + threeOrMore);
        assertThat(multiTrade).as("batches with several trades (sweeps) were seen").isPositive();
        assertThat(threeOrMore).as("batches of three or more messages were seen").isPositive();
    }

    /**
     * Within one batch: each instrument's messages together, as trades, then at most one book, then at most one
     * ticker.
     */
    private static void assertOrderWithinBatch(final List<Received> batch)
    {
        final List<String> symbolsSeen = new ArrayList<>();
        String symbol = null;
        int stage = 0; // 0: trades, 1: book seen, 2: ticker seen
        for (final Received r : batch)
        {
            if (!r.symbol().equals(symbol))
            {
                assertThat(symbolsSeen).as("%s's messages together in %s", r.symbol(), batch)
                    .doesNotContain(r.symbol());
                symbolsSeen.add(r.symbol());
                symbol = r.symbol();
                stage = 0;
            }
            final int next = switch (r.type())
            {
                case "trade" -> 0;
                case "book" -> 1;
                default -> 2;
            };
            assertThat(next).as("trades, then one book, then one ticker: %s", batch)
                .isGreaterThanOrEqualTo(stage);
            assertThat(next > 0 && next == stage).as("at most one %s per instrument in %s", r.type(), batch).isFalse();
            stage = next;
        }
    }
}
