package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.aeron.Publication;
import io.tickwire.replay.ReplayServer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import static io.tickwire.gateway.BusGapTest.awaitBatches;
import static io.tickwire.gateway.BusGapTest.awaitSeq;
import static io.tickwire.gateway.BusGapTest.firstSeqOf;
import static io.tickwire.gateway.BusGapTest.offer;
import static io.tickwire.gateway.BusGapTest.readBatches;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway without a journal, using the engine's Aeron replay service (real engine, embedded media driver,
 * real gateway and WebSocket client): started late, it learns the instruments and the books from the service;
 * a gap on its bus (the test is its bus publisher, sending the engine's journaled batches but skipping a range,
 * as in {@link BusGapTest}) is filled from the service before the next batch, so the client sees no gap; with no
 * service answering, it falls back to resetting streams and counts it.
 */
class ReplayServiceGatewayTest
{
    private static final int BUS_STREAM = 97;
    private static final String[] SYMBOLS = {"BTC-USD", "ETH-USD"};

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aLateGatewayLearnsTheStateFromTheReplayServiceAndBusGapsAreFilledFromIt() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ReplayServiceGatewayTest seed=" + seed);
        try (TickwireFixture fixture = new TickwireFixture(dir, 2, 4_000, seed,
            e -> e.addService(node -> new ReplayServer(node.aeron(), node.journal(), node.journalId(),
                ReplayServer.Config.defaults(e.limits().maxBatchLength()), new SystemNanoClock())),
            c -> { }))
        {
            awaitBatches(fixture.journal, 1_000); // the definitions and a good part of history are behind us
            final GatewayConfig config = remoteConfig(fixture);
            config.replayChannel = "aeron:ipc";
            try (GatewayServer gateway = GatewayServer.launch(config);
                Publication bus = fixture.engine.aeron().addExclusivePublication("aeron:ipc", BUS_STREAM);
                JdkClient client = new JdkClient(URI.create("ws://127.0.0.1:" + gateway.port() + "/stream")))
            {
                final long startSeq = gateway.counters().lastSeq.get();
                assertThat(startSeq).as("started from the journal's state").isGreaterThan(0);
                assertThat(gateway.counters().gapEventsFilledFromJournal.get()).isEqualTo(startSeq);
                awaitConnected(bus);
                client.send(
                    "{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"],\"depth\":5}");
                client.send("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}");
                final List<JsonNode> received = new ArrayList<>();
                pingAndCollect(client, "subscribed", received);

                // The engine goes on journaling; the bus carries what follows the gateway's start, minus a range.
                awaitBatches(fixture.journal, 3_500);
                final List<UnsafeBuffer> after = new ArrayList<>();
                for (final UnsafeBuffer batch : readBatches(fixture.journal))
                {
                    if (firstSeqOf(batch) > startSeq)
                    {
                        after.add(batch);
                    }
                }
                assertThat(after.size()).isGreaterThan(1_000);
                final int skipFrom = 300;
                final int skipTo = 700;
                for (int i = 0; i < after.size(); i++)
                {
                    if (i < skipFrom || i >= skipTo)
                    {
                        offer(bus, after.get(i));
                    }
                }
                final UnsafeBuffer lastBatch = after.get(after.size() - 1);
                final long endSeq = firstSeqOf(lastBatch) + lastBatch.getInt(
                    io.tickwire.codecs.sbe.MessageHeaderDecoder.ENCODED_LENGTH +
                    io.tickwire.codecs.sbe.BatchHeaderDecoder.eventCountEncodingOffset(),
                    io.tickwire.codecs.sbe.BatchHeaderDecoder.BYTE_ORDER) - 1;
                awaitSeq(gateway, endSeq);
                pingAndCollect(client, "end", received);

                final long gapFirst = firstSeqOf(after.get(skipFrom));
                final long gapEnd = firstSeqOf(after.get(skipTo)) - 1;
                assertThat(gateway.counters().busGaps.get()).isEqualTo(1);
                assertThat(gateway.counters().gapFillsFailed.get()).isZero();
                assertThat(gateway.counters().gapEventsFilledFromJournal.get())
                    .isEqualTo(startSeq + gapEnd - gapFirst + 1);

                final StreamChecker checker = new StreamChecker();
                received.stream().filter(m -> !("pong".equals(m.path("type").asText()) &&
                    "subscribed".equals(m.path("id").asText()))).forEach(checker::accept); // unbroken prev chains
                assertThat(checker.pongSeq).isEqualTo(endSeq);

                // Every trade of the two symbols after the subscription, exactly once, across the gap; the books at
                // the end equal the journal's.
                final Map<String, List<String>> expectedBooks = new HashMap<>();
                final JournalTruth truth = JournalTruth.replay(fixture.journal, (first, last, t) ->
                {
                    if (first <= endSeq && endSeq <= last)
                    {
                        for (final String symbol : SYMBOLS)
                        {
                            expectedBooks.put(symbol, t.topView(symbol, 5));
                        }
                    }
                });
                final List<JournalTruth.TradeRow> expectedTrades = truth.trades.stream()
                    .filter(t -> Set.of(SYMBOLS).contains(t.symbol()) && t.seq() <= endSeq &&
                        t.seq() > checker.subscribedAt.get("trades/" + t.symbol()))
                    .toList();
                assertThat(expectedTrades.stream().anyMatch(t -> t.seq() >= gapFirst && t.seq() <= gapEnd))
                    .as("the gap held trades").isTrue();
                assertThat(checker.trades).isEqualTo(expectedTrades);
                for (final String symbol : SYMBOLS)
                {
                    assertThat(checker.books.get(symbol).view()).as("book of %s", symbol)
                        .isEqualTo(expectedBooks.get(symbol));
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void withoutAnAnsweringServiceTheGatewayFallsBackToResettingStreams() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ReplayServiceGatewayTest fallback seed=" + seed);
        try (TickwireFixture fixture = new TickwireFixture(dir, 2, 4_000, seed, c -> { }))
        {
            awaitBatches(fixture.journal, 1_000);
            final List<UnsafeBuffer> batches = readBatches(fixture.journal);
            final GatewayConfig config = remoteConfig(fixture);
            config.replayChannel = "aeron:ipc";
            config.replayStreamId = 77; // nobody serves it
            config.gapFillTimeout = Duration.ofMillis(200);
            try (GatewayServer gateway = GatewayServer.launch(config);
                Publication bus = fixture.engine.aeron().addExclusivePublication("aeron:ipc", BUS_STREAM))
            {
                assertThat(gateway.counters().lastSeq.get()).isZero();
                assertThat(gateway.counters().gapFillsFailed.get()).as("the start-up fill").isEqualTo(1);
                awaitConnected(bus);
                for (int i = 0; i < batches.size(); i++)
                {
                    if (i < 100 || i >= 500)
                    {
                        offer(bus, batches.get(i)); // the definitions, then a jump the service cannot fill
                    }
                }
                awaitSeq(gateway, firstSeqOf(batches.get(batches.size() - 1)));
                assertThat(gateway.counters().busGaps.get()).isEqualTo(1);
                assertThat(gateway.counters().gapFillsFailed.get()).isEqualTo(2);
                assertThat(gateway.counters().gapEventsFilledFromJournal.get()).isZero();

                // Resumes: no journal here and no service answering, so they are not served, at once, with a
                // snapshot (book) or the live stream (trades); counted as unavailable. No epoch is known to send.
                final long seq = gateway.counters().lastSeq.get();
                try (JdkClient client = new JdkClient(URI.create("ws://127.0.0.1:" + gateway.port() + "/stream")))
                {
                    client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]," +
                        "\"from\":" + (seq - 100) + "}");
                    assertThat(client.next(Duration.ofSeconds(10)).toString()).isEqualTo(
                        "{\"type\":\"subscribed\",\"id\":1,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"],\"seq\":" +
                        seq + ",\"recovered\":false}");
                    client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"]," +
                        "\"depth\":5,\"from\":" + (seq - 100) + "}");
                    final JsonNode reply = client.next(Duration.ofSeconds(10));
                    assertThat(reply.toString()).isEqualTo("{\"type\":\"subscribed\",\"id\":2,\"channel\":\"book\"," +
                        "\"symbols\":[\"BTC-USD\"],\"seq\":" + seq + ",\"recovered\":false,\"depth\":5}");
                    final JsonNode snapshot = client.next(Duration.ofSeconds(10));
                    assertThat(snapshot.path("type").asText()).isEqualTo("book");
                    assertThat(snapshot.path("snapshot").asBoolean()).isTrue();
                    assertThat(snapshot.path("seq").asLong()).isEqualTo(seq);
                    assertThat(snapshot.path("prev").asLong()).isEqualTo(seq);
                }
                assertThat(gateway.counters().resumesUnavailable.get()).isEqualTo(2);
                assertThat(gateway.counters().resumesNotRecovered.get()).isEqualTo(2);
            }
        }
    }

    private static GatewayConfig remoteConfig(final TickwireFixture fixture)
    {
        final GatewayConfig config = new GatewayConfig();
        config.port = 0;
        config.host = "127.0.0.1";
        config.aeronDirectory = fixture.engine.aeronDirectory();
        config.busStreamId = BUS_STREAM;
        config.ingressChannel = null;
        return config;
    }

    private static void awaitConnected(final Publication bus)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!bus.isConnected())
        {
            assertThat(System.nanoTime()).as("bus connected").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static void pingAndCollect(final JdkClient client, final String id, final List<JsonNode> received)
        throws InterruptedException
    {
        client.send("{\"op\":\"ping\",\"id\":\"" + id + "\"}");
        JsonNode m;
        do
        {
            m = client.next(Duration.ofSeconds(10));
            received.add(m);
        }
        while (!("pong".equals(m.path("type").asText()) && id.equals(m.path("id").asText())));
    }
}
