package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickwire.engine.EngineSnapshots;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.replay.RetentionAgent;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Warm start on a trimmed journal: a real engine (no simulator: every order is this test's, entered through the
 * real gateway) rolls its journal on demand, so each cycle after the first opens with an engine snapshot, and
 * retention ({@link RetentionAgent}, keeping 2 cycles) deletes the first cycles, where most price levels were
 * last changed. A NEW gateway then starts on the trimmed journal. Its book snapshots and tickers must equal those
 * of the gateway that has been running since seq 1, subscribed at the same seq (the market is quiet). SOL-USD is
 * not touched after the first cycle: its whole book and ticker come from the snapshot.
 */
@Timeout(120)
class WarmStartTest
{
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String[] SYMBOLS = {"BTC-USD", "ETH-USD", "SOL-USD"};
    /** Mid, tick and lot of the default instruments, as decimals. */
    static final BigDecimal[] MIDS = {new BigDecimal("65000.00"), new BigDecimal("3500.00"), new BigDecimal("150.00")};
    static final BigDecimal[] TICKS = {new BigDecimal("0.50"), new BigDecimal("0.05"), new BigDecimal("0.01")};
    static final BigDecimal[] LOTS = {new BigDecimal("0.0001"), new BigDecimal("0.0010"), new BigDecimal("0.0100")};
    static final int LEVELS = 20;

    @TempDir
    Path dir;

    private int nextId = 1;

    @Test
    void newGatewayOnATrimmedJournalServesTheBooksAndTickersOfTheGatewayRunningSinceTheStart() throws Exception
    {
        final long seed = System.nanoTime();
        System.out.println("WarmStartTest seed " + seed);
        final Random random = new Random(seed);
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
        try (TickwireFixture fixture = new TickwireFixture(dir, 3, 0, 1, e -> e
                .journal(JournalConfig.of(dir.resolve("journal")).withRollCycle(TestRollCycles.TEST_SECONDLY)
                    .withTimeProvider(time))
                .minFreeDiskBytes(0)
                .addService(node -> RetentionAgent.of(node, 2)),
            c ->
            {
                c.anonymousTrading = true;
                c.maxInboundPerSecond = 1_000_000; // the orders are sent one after the other, each after its ack
                c.maxOpenOrdersPerSession = 1_000;
            });
            JdkClient trader = new JdkClient(fixture.streamUri()))
        {
            // Cycle 1: LEVELS resting levels a side on every instrument (the trader stays connected: its orders
            // stay in the books).
            for (int i = 0; i < SYMBOLS.length; i++)
            {
                for (int k = 1; k <= LEVELS; k++)
                {
                    order(trader, i, "buy", MIDS[i].subtract(TICKS[i].multiply(BigDecimal.valueOf(2L * k))),
                        1 + random.nextInt(50));
                    order(trader, i, "sell", MIDS[i].add(TICKS[i].multiply(BigDecimal.valueOf(2L * k))),
                        1 + random.nextInt(50));
                }
            }
            final int firstCycle = fixture.engine.journal().currentCycle();
            // Cycles 2 to 4: a few trades and new levels on BTC-USD and ETH-USD only; each cycle opens with a
            // snapshot, written before its first order.
            for (int roll = 0; roll < 3; roll++)
            {
                time.advanceMillis(1_000);
                for (int n = 0; n < 4; n++)
                {
                    final int i = random.nextInt(2);
                    final String side = random.nextBoolean() ? "buy" : "sell";
                    final int steps = random.nextInt(4); // crosses up to 3 levels, or rests between levels
                    final BigDecimal price = "buy".equals(side) ?
                        MIDS[i].add(TICKS[i].multiply(BigDecimal.valueOf(2L * steps + 1))) :
                        MIDS[i].subtract(TICKS[i].multiply(BigDecimal.valueOf(2L * steps + 1)));
                    order(trader, i, side, price, 1 + random.nextInt(80));
                }
            }
            await().pollInSameThread().atMost(WAIT).until(() -> fixture.engine.journal().cycles()[0] > firstCycle + 1);
            final int[] cycles = fixture.engine.journal().cycles();
            assertThat(cycles).hasSize(2);

            try (GatewayServer restarted = GatewayServer.launch(secondGateway(fixture)))
            {
                final URI restartedUri = URI.create("ws://127.0.0.1:" + restarted.port() + "/stream");
                try (JdkClient running = new JdkClient(fixture.streamUri());
                    JdkClient fresh = new JdkClient(restartedUri))
                {
                    final List<JsonNode> expected = subscribeAll(running);
                    final List<JsonNode> actual = subscribeAll(fresh);
                    // The restarted gateway cannot know when SOL-USD's ticker last changed (that batch is gone): it
                    // gives the snapshot's engine time, later than the running gateway's.
                    final long runningTs = stripSolTickerTs(expected);
                    final long freshTs = stripSolTickerTs(actual);
                    assertThat(actual).isEqualTo(expected);
                    assertThat(freshTs).isGreaterThanOrEqualTo(runningTs);
                    final JsonNode solBook = expected.stream()
                        .filter(m -> "book".equals(m.path("type").asText()) &&
                            "SOL-USD".equals(m.path("symbol").asText()))
                        .findFirst().orElseThrow();
                    assertThat(List.of(solBook.path("bids").size(), solBook.path("asks").size()))
                        .as("SOL-USD's book was last changed in the deleted first cycle")
                        .isEqualTo(List.of(LEVELS, LEVELS));
                }
                final long warmSeq = restarted.counters().warmStartSeq.get();
                try (Journal reader = Journal.open(JournalConfig.of(fixture.journal).asReadOnly()))
                {
                    assertThat(warmSeq).as("the snapshot opening the retained journal")
                        .isEqualTo(EngineSnapshots.wholeSnapshotsIn(reader, cycles[0]).get(0).snapshotSeq())
                        .isGreaterThan(1);
                }
                assertThat(fixture.gateway.counters().warmStartSeq.get()).isZero();
            }
        }
    }

    private static GatewayConfig secondGateway(final TickwireFixture fixture)
    {
        final GatewayConfig config = new GatewayConfig();
        config.port = 0;
        config.host = "127.0.0.1";
        config.aeronDirectory = fixture.engine.aeronDirectory();
        config.journalDirectory = fixture.journal;
        return config;
    }

    /**
     * Subscribes to the full books (depth 100) and tickers of every symbol.
     *
     * @return every message up to the pong, heartbeats left out.
     */
    private static List<JsonNode> subscribeAll(final JdkClient client) throws InterruptedException
    {
        client.send("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]," +
            "\"depth\":100}");
        client.send("{\"op\":\"subscribe\",\"channel\":\"ticker\",\"symbols\":[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\"]}");
        client.send("{\"op\":\"ping\"}");
        final List<JsonNode> messages = new ArrayList<>();
        for (JsonNode m = client.next(WAIT); !"pong".equals(m.path("type").asText()); m = client.next(WAIT))
        {
            if (!"heartbeat".equals(m.path("type").asText()))
            {
                messages.add(m);
            }
        }
        return messages;
    }

    /**
     * @return the ts of SOL-USD's ticker, removed from it.
     */
    private static long stripSolTickerTs(final List<JsonNode> messages)
    {
        for (final JsonNode m : messages)
        {
            if ("ticker".equals(m.path("type").asText()) && "SOL-USD".equals(m.path("symbol").asText()))
            {
                return ((ObjectNode)m).remove("ts").asLong();
            }
        }
        throw new AssertionError("no SOL-USD ticker in " + messages);
    }

    private void order(final JdkClient trader, final int instrument, final String side, final BigDecimal price,
        final int lots) throws InterruptedException
    {
        final int id = nextId++;
        trader.send("{\"op\":\"order\",\"id\":" + id + ",\"symbol\":\"" + SYMBOLS[instrument] + "\",\"side\":\"" +
            side + "\",\"type\":\"limit\",\"price\":\"" + price.toPlainString() + "\",\"qty\":\"" +
            LOTS[instrument].multiply(BigDecimal.valueOf(lots)).toPlainString() + "\",\"clientOrderId\":" + id + "}");
        JsonNode answer = trader.next(WAIT);
        while (!"ack".equals(answer.path("type").asText()) && !"error".equals(answer.path("type").asText()))
        {
            answer = trader.next(WAIT);
        }
        assertThat(List.of(answer.path("type").asText(), answer.path("id").asInt())).as("answer %s", answer)
            .isEqualTo(List.of("ack", id));
    }
}
