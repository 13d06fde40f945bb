package io.tickwire.app;

import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.TestInputs;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.engine.journal.JournalWriter;
import io.tickwire.replay.ReplayBounds;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tickwire replay} end to end: a real journal written through the engine, the replay node (embedded
 * media driver, replay publisher, unchanged gateway on an ephemeral port) and a JDK WebSocket client.
 */
@Timeout(120)
class ReplayCommandTest
{
    private static final long T0 = 1_714_564_800_000_000_000L; // 2024-05-01T12:00:00Z
    private static final Pattern FIELD = Pattern.compile("\"(type|symbol|seq|prev|ts|price|qty|side)\":\"?([^,\"}]*)");

    @TempDir
    Path dir;

    /** A trade as the protocol shows it: what the client must get for the range. */
    private record Trade(String symbol, long seq, long ts, long prev)
    {
    }

    /**
     * Two instruments and crossing limit orders over about 2 s of engine time (1 to 7 ms apart).
     */
    private Path writeJournal(final Random random) throws Exception
    {
        final Path path = dir.resolve("journal");
        final Engine engine = new Engine(EngineLimits.defaults());
        try (Journal journal = Journal.open(JournalConfig.of(path)); JournalWriter writer = journal.createWriter())
        {
            final ByteBuffer start = ByteBuffer.allocateDirect(64);
            new JournalStartEncoder().wrapAndApplyHeader(new UnsafeBuffer(start), 0, new MessageHeaderEncoder())
                .journalId(99).createdTime(T0);
            writer.source(start);
            writer.append(MessageHeaderEncoder.ENCODED_LENGTH + JournalStartEncoder.BLOCK_LENGTH);
            writer.source(engine.batchByteBuffer());
            long time = T0;
            for (final UnsafeBuffer add : List.of(
                TestInputs.addInstrument(1, "BTC-USD", 0, 0, 1, 1, InstrumentMode.MATCHING),
                TestInputs.addInstrument(2, "ETH-USD", 0, 0, 1, 1, InstrumentMode.MATCHING)))
            {
                writer.append(engine.apply(add, 0, add.capacity(), time));
            }
            for (int i = 1; i <= 500; i++)
            {
                time += 1_000_000L + random.nextInt(6_000_000);
                final UnsafeBuffer order = TestInputs.newOrder(1 + random.nextInt(3), i, 1 + random.nextInt(2),
                    random.nextBoolean() ? Side.BUY : Side.SELL, OrderType.LIMIT, 95 + random.nextInt(11),
                    1 + random.nextInt(5));
                writer.append(engine.apply(order, 0, order.capacity(), time));
            }
        }
        return path;
    }

    /**
     * The journal's trades of {@code symbol} in the batches from the range's first to the one holding toSeq,
     * with {@code prev} chained from {@code subscribedSeq} (per subscription, as the protocol says).
     */
    private static List<Trade> expectedTrades(final Path path, final ReplayBounds bounds, final String symbol,
        final long subscribedSeq)
    {
        final List<Trade> trades = new ArrayList<>();
        final long[] batchTime = new long[1];
        final long[] prev = {subscribedSeq};
        final MarketDataListener listener = new MarketDataListener()
        {
            @Override
            public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long it)
            {
                batchTime[0] = engineTime;
            }

            @Override
            public void onInstrument(final InstrumentDefinitionDecoder definition)
            {
            }

            @Override
            public void onTrade(final TradeDecoder trade)
            {
                final String s = trade.instrumentId() == 1 ? "BTC-USD" : "ETH-USD";
                if (s.equals(symbol) && trade.seq() >= bounds.fromSeq())
                {
                    trades.add(new Trade(s, trade.seq(), batchTime[0], prev[0]));
                    prev[0] = trade.seq();
                }
            }

            @Override
            public void onBookLevel(final BookLevelDecoder level)
            {
            }

            @Override
            public void onTicker(final TickerDecoder ticker)
            {
            }

            @Override
            public void onBatchEnd(final long firstSeq, final int eventCount)
            {
            }
        };
        final MarketDataDecoder decoder = new MarketDataDecoder();
        try (Journal journal = Journal.open(JournalConfig.of(path).asReadOnly());
            JournalReader reader = new JournalReader(journal))
        {
            final boolean[] ended = {false};
            while (!ended[0] && reader.poll((buffer, length, index) ->
            {
                if (index < bounds.startIndex() || length < 100)
                {
                    return;
                }
                decoder.decode(buffer, 0, length, new MarketDataListener()
                {
                    @Override
                    public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime,
                        final long intendedTime)
                    {
                        ended[0] |= firstSeq > bounds.toSeq();
                        if (!ended[0])
                        {
                            listener.onBatchStart(firstSeq, eventCount, engineTime, intendedTime);
                        }
                    }

                    @Override
                    public void onInstrument(final InstrumentDefinitionDecoder definition)
                    {
                    }

                    @Override
                    public void onTrade(final TradeDecoder trade)
                    {
                        if (!ended[0])
                        {
                            listener.onTrade(trade);
                        }
                    }

                    @Override
                    public void onBookLevel(final BookLevelDecoder level)
                    {
                    }

                    @Override
                    public void onTicker(final TickerDecoder ticker)
                    {
                    }

                    @Override
                    public void onBatchEnd(final long firstSeq, final int eventCount)
                    {
                    }
                });
            }))
            {
                // scanning
            }
        }
        return trades;
    }

    /** Collects whole text messages (the JDK client may deliver one in parts). */
    private static final class Client implements WebSocket.Listener
    {
        final java.util.concurrent.LinkedBlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(final WebSocket socket, final CharSequence data, final boolean last)
        {
            part.append(data);
            if (last)
            {
                messages.add(part.toString());
                part.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }

    private static String field(final String message, final String name)
    {
        final Matcher m = FIELD.matcher(message);
        while (m.find())
        {
            if (m.group(1).equals(name))
            {
                return m.group(2);
            }
        }
        return null;
    }

    @Test
    void aWebSocketClientGetsExactlyTheRangesTradesWithUnbrokenPrevAndNoOtherSymbol() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ReplayCommandTest seed=" + seed);
        final Path journal = writeJournal(new Random(seed));
        final long lastSeq;
        try (Journal j = Journal.open(JournalConfig.of(journal).asReadOnly());
            io.tickwire.replay.JournalIndex index = new io.tickwire.replay.JournalIndex(j))
        {
            lastSeq = index.lastSeq();
        }
        final ReplayBounds bounds = ReplayNode.bounds(journal, lastSeq / 4, ReplayBounds.NONE, 3 * lastSeq / 4,
            ReplayBounds.NONE);
        final ReplayNode.Settings settings = new ReplayNode.Settings(journal, bounds, 10, Set.of("BTC-USD"), 0,
            "127.0.0.1", null, 0, true);
        try (ReplayNode node = ReplayNode.launch(settings))
        {
            final long deadline = System.nanoTime() + 30_000_000_000L;
            org.awaitility.Awaitility.await("prefix applied").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(1))
                .until(() -> node.publisher().prefixDone() &&
                    node.gateway().counters().lastSeq.get() >= bounds.fromSeq() - 1);
            assertThat(node.gateway().counters().lastSeq.get()).as("waits for a client").isEqualTo(bounds.fromSeq() - 1);
            final Client client = new Client();
            final WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + node.gateway().port() + "/stream"), client).join();
            socket.sendText("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[\"ETH-USD\"]}", true).join();
            socket.sendText("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]}", true).join();

            final List<Trade> received = new ArrayList<>();
            final List<String> replies = new ArrayList<>();
            long subscribedSeq = -1;
            while (!node.publisher().done() || !node.awaitGatewayApplied(0) || received.isEmpty() ||
                received.get(received.size() - 1).seq() < lastTradeSeq(journal, bounds))
            {
                assertThat(System.nanoTime()).as("replay delivered").isLessThan(deadline);
                final String message = client.messages.poll(1, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (message == null)
                {
                    continue;
                }
                final String type = field(message, "type");
                if ("trade".equals(type))
                {
                    received.add(new Trade(field(message, "symbol"), Long.parseLong(field(message, "seq")),
                        Long.parseLong(field(message, "ts")), Long.parseLong(field(message, "prev"))));
                }
                else if (!"heartbeat".equals(type))
                {
                    replies.add(message);
                    if ("subscribed".equals(type))
                    {
                        subscribedSeq = Long.parseLong(field(message, "seq"));
                    }
                }
            }
            assertThat(replies.get(0)).as("--symbols restricts the endpoint")
                .contains("\"type\":\"error\"", "\"id\":1", "NOT_ENTITLED");
            assertThat(subscribedSeq).isEqualTo(bounds.fromSeq() - 1);
            assertThat(received).as("seed %d", seed).isEqualTo(expectedTrades(journal, bounds, "BTC-USD", subscribedSeq))
                .isNotEmpty();
            assertThat(ReplayCommand.summaryLine(node.publisher().summary()))
                .startsWith("replay done: ").contains("seq " + bounds.fromSeq() + "..");
            socket.abort();
        }
    }

    private static long lastTradeSeq(final Path journal, final ReplayBounds bounds)
    {
        final List<Trade> all = expectedTrades(journal, bounds, "BTC-USD", 0);
        return all.isEmpty() ? Long.MAX_VALUE : all.get(all.size() - 1).seq();
    }

    @Test
    void theCommandReplaysAtMaxSpeedPrintsItsSummaryAndExits() throws Exception
    {
        final Path journal = writeJournal(new Random(5));
        final PrintStream oldOut = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int code;
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = TickwireCli.execute("replay", "--journal", journal.toString(), "--from", "2024-05-01T12:00:00.5Z",
                "--speed", "max", "--port", "0", "--host", "127.0.0.1", "--no-wait", "--exit-at-end");
        }
        finally
        {
            System.setOut(oldOut);
        }
        final String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("tickwire replay", "ws://localhost:").containsPattern(
            "replay done: \\d+ events in \\d+ batches \\(seq \\d+\\.\\.\\d+\\), [0-9.]+ s recorded in [0-9.]+ s");
        assertThat(TickwireCli.execute("replay", "--journal", journal.toString(), "--speed", "fast")).isEqualTo(2);
        assertThat(TickwireCli.execute("replay", "--journal", journal.toString(), "--from", "yesterday")).isEqualTo(2);
    }

    /**
     * The replay node's Aeron client loses its media driver (the embedded driver closed under it, the replay waiting
     * for a subscriber on its Aeron output). Aeron's default error handler would exit the JVM; the node's counts the
     * timeout, its publisher thread stops before anything is unmapped, and the node says why.
     */
    @Test
    void aReplayWhoseMediaDriverIsLostStopsAndSaysWhy() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ReplayCommandTest driver loss seed=" + seed);
        final Path journal = writeJournal(new Random(seed));
        final ReplayBounds bounds = ReplayNode.bounds(journal, ReplayBounds.NONE, ReplayBounds.NONE, ReplayBounds.NONE,
            ReplayBounds.NONE);
        final ReplayNode.Settings settings = new ReplayNode.Settings(journal, bounds, 1, Set.of(), -1, null,
            "aeron:ipc", 31, false);
        // 3 s: above the driver's 1 s heartbeat interval, so only a driver that is really gone times the client out.
        try (ReplayNode node = ReplayNode.launch(settings, java.time.Duration.ofSeconds(3)))
        {
            assertThat(node.failure()).isNull();
            assertThat(node.aeronClientErrors()).isZero();
            node.driver().close();
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (node.failure() == null)
            {
                assertThat(System.nanoTime()).as("the replay stops within 30 s").isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            assertThat(node.failure()).isEqualTo("media driver lost (the Aeron client closed)");
            assertThat(node.aeronClientErrors()).as("the driver timeout, counted").isPositive();
            assertThat(node.publisher().done()).isFalse();
        }
    }
}
