package io.tickwire.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's batched send path ({@link ClientSession}, {@link BatchFrame}: each duty cycle's messages to a
 * session framed into one buffer and handed to Jetty as one write) read by a client that parses every frame
 * itself ({@link RawWsClient}): every frame must be one whole message (FIN set, a known opcode, exactly one JSON
 * value), client pings answered in order between messages, the close handshake after the last message, and the
 * trades exactly the journal's. A broken header or a message cut or merged by the batching fails these.
 */
class SendPathTest
{
    private static final ObjectMapper STRICT =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String ALL = "[\"BTC-USD\",\"ETH-USD\",\"SOL-USD\",\"BNB-USD\"]";
    private static final int PONG = 0xA;

    @TempDir
    Path dir;

    /**
     * Each {@code subscribe} puts its reply and four snapshots in one write; 3,000 inputs/s put several messages
     * in many cycles' writes; pings from the client arrive throughout; the client closes at the end.
     */
    @Test
    @Timeout(120)
    void manyMessagesPerWriteWithClientPingsAndACloseHandshake() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("SendPathTest.manyMessagesPerWrite seed=" + seed);
        final StreamChecker checker = new StreamChecker();
        final Frames frames = new Frames(checker);
        final int pings = 100;
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 3_000, seed, c -> { }))
        {
            try (RawWsClient client = RawWsClient.connect(fixture.gateway.port(), null, "/stream", Map.of()))
            {
                assertThat(client.status).isEqualTo(101);
                client.sendFrame(true, RawWsClient.TEXT,
                    utf8("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"book\",\"depth\":5,\"symbols\":" + ALL + "}"));
                client.sendFrame(true, RawWsClient.TEXT,
                    utf8("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"trades\",\"symbols\":" + ALL + "}"));
                client.sendFrame(true, RawWsClient.TEXT,
                    utf8("{\"op\":\"subscribe\",\"id\":3,\"channel\":\"ticker\",\"symbols\":" + ALL + "}"));
                int sent = 0;
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (sent < pings || checker.trades.size() < 200)
                {
                    assertThat(System.nanoTime()).as("enough traffic within 60 s").isLessThan(deadline);
                    frames.read(client);
                    if (sent < pings && frames.texts % 10 == 0)
                    {
                        client.sendFrame(true, RawWsClient.PING, utf8("p" + sent)); // between the gateway's writes
                        sent++;
                    }
                }
                client.sendFrame(true, RawWsClient.TEXT, utf8("{\"op\":\"ping\",\"id\":99}"));
                while (checker.pongSeq < 0 || frames.pongs.size() < pings)
                {
                    assertThat(System.nanoTime()).as("pongs within 60 s").isLessThan(deadline);
                    frames.read(client);
                }
                client.sendFrame(true, RawWsClient.CLOSE, new byte[] {0x03, (byte)0xE8}); // 1000
                int closeCode = -1;
                while (closeCode < 0)
                {
                    final RawWsClient.Frame frame = frames.read(client);
                    if (frame.opcode() == RawWsClient.CLOSE)
                    {
                        closeCode = frame.closeCode();
                    }
                }
                assertThat(closeCode).as("the close handshake's answer").isEqualTo(1000);
                assertThat(endOfStream(client)).as("nothing after the close frame").isTrue();
            }
            assertThat(fixture.gateway.counters().slowConsumerCloses.get()).isZero();
        }
        final List<String> expectedPongs = new ArrayList<>();
        for (int i = 0; i < pings; i++)
        {
            expectedPongs.add("p" + i);
        }
        assertThat(frames.pongs).as("every ping answered once, in order").isEqualTo(expectedPongs);
        assertThat(checker.bookViews).isNotEmpty();
        assertThat(checker.tickers).isNotEmpty();
        assertTradesAreTheJournals(checker);
    }

    /**
     * A client with a small receive buffer stops reading until the gateway holds 64 KiB for it: its socket is full
     * and a write stays partly done across many duty cycles while later messages gather behind it. Then it reads
     * everything: every trade of its streams, in order, each exactly once, whole.
     */
    @Test
    @Timeout(120)
    void aWritePendingAcrossManyCyclesLosesAndCutsNothing() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("SendPathTest.aWritePending seed=" + seed);
        final StreamChecker checker = new StreamChecker();
        final Frames frames = new Frames(checker);
        final int pings = 20;
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 5_000, seed, c ->
        {
            c.closeAboveBytes = 256 * 1024 * 1024; // this test's stall must not end in 4008
            c.maxFramesInFlight = 1 << 18;
        }))
        {
            try (RawWsClient client = RawWsClient.connect(fixture.gateway.port(), null, "/stream", Map.of(), 4096))
            {
                assertThat(client.status).isEqualTo(101);
                client.sendFrame(true, RawWsClient.TEXT,
                    utf8("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"trades\",\"symbols\":" + ALL + "}"));
                final GatewayCounters counters = fixture.gateway.counters();
                Awaitility.await("64 KiB in flight to the stalled client").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> counters.sessionBytesInFlightMax.get() >= 64 * 1024);
                for (int i = 0; i < pings; i++)
                {
                    client.sendFrame(true, RawWsClient.PING, utf8("s" + i)); // queued behind the pending write
                }
                client.sendFrame(true, RawWsClient.TEXT, utf8("{\"op\":\"ping\",\"id\":99}"));
                final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (checker.pongSeq < 0 || frames.pongs.size() < pings)
                {
                    assertThat(System.nanoTime()).as("the backlog within 60 s").isLessThan(deadline);
                    frames.read(client);
                }
                assertThat(counters.slowConsumerCloses.get()).isZero();
                assertThat(counters.maxSessionBytesInFlight.get()).isGreaterThanOrEqualTo(64 * 1024);
            }
        }
        final List<String> expectedPongs = new ArrayList<>();
        for (int i = 0; i < pings; i++)
        {
            expectedPongs.add("s" + i);
        }
        assertThat(frames.pongs).isEqualTo(expectedPongs);
        assertThat(checker.trades.size()).as("trades received").isGreaterThan(300);
        assertTradesAreTheJournals(checker);
    }

    /**
     * The received trades are exactly the journal's trades of each stream after its subscription, up to the last
     * one received.
     */
    private void assertTradesAreTheJournals(final StreamChecker checker)
    {
        assertThat(checker.trades).isNotEmpty();
        final long lastTrade = checker.trades.get(checker.trades.size() - 1).seq();
        final JournalTruth truth = JournalTruth.replay(dir.resolve("journal"), (first, last, t) -> { });
        final List<JournalTruth.TradeRow> expected = truth.trades.stream()
            .filter(t -> t.seq() > checker.subscribedAt.get("trades/" + t.symbol()) && t.seq() <= lastTrade)
            .toList();
        assertThat(checker.trades).isEqualTo(expected);
    }

    private static boolean endOfStream(final RawWsClient client) throws IOException
    {
        try
        {
            final RawWsClient.Frame frame = client.readFrame();
            throw new AssertionError("a frame after the close frame: opcode " + frame.opcode());
        }
        catch (final EOFException ex)
        {
            return true;
        }
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads and checks frames: whole messages only, pongs recorded, text parsed strictly into the checker. */
    private static final class Frames
    {
        final StreamChecker checker;
        final List<String> pongs = new ArrayList<>();
        int texts;

        Frames(final StreamChecker checker)
        {
            this.checker = checker;
            checker.recordViews = true;
        }

        RawWsClient.Frame read(final RawWsClient client) throws IOException
        {
            final RawWsClient.Frame frame = client.readFrame();
            assertThat(frame.fin()).as("every server frame is a whole message").isTrue();
            switch (frame.opcode())
            {
                case RawWsClient.TEXT ->
                {
                    final JsonNode message = STRICT.readTree(frame.text()); // exactly one JSON value
                    assertThat(message.path("type").asText())
                        .isIn("subscribed", "trade", "book", "ticker", "heartbeat", "pong");
                    checker.accept(message);
                    texts++;
                }
                case PONG -> pongs.add(frame.text());
                case RawWsClient.CLOSE ->
                {
                    // the caller looks at it
                }
                default -> throw new AssertionError("unexpected opcode " + frame.opcode());
            }
            return frame;
        }
    }
}
