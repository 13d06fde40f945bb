package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.aeron.Publication;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gaps on the bus: the test is the bus publisher here (a real Aeron publication on its own stream), sending
 * the journal's batches but skipping a range. A gateway with the journal fills the gap from it and its
 * client sees nothing; a gateway without one resets book streams with snapshots and its trades show the gap.
 */
class BusGapTest
{
    private static final int STREAM = 99;
    private static final String SUBSCRIBE_BOOK =
        "{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"],\"depth\":5}";
    private static final String SUBSCRIBE_TRADES =
        "{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]}";

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aGatewayWithTheJournalFillsBusGapsAndOneWithoutShowsThem() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("BusGapTest seed=" + seed);
        try (TickwireFixture fixture = new TickwireFixture(dir, 2, 4_000, seed, c -> { }))
        {
            // Let the engine journal a good amount, then read every batch it wrote so far.
            awaitBatches(fixture.journal, 3_000);
            final List<UnsafeBuffer> batches = readBatches(fixture.journal);
            final int skipFrom = 2_000;
            final int skipTo = 2_200;

            // The gateway's journal: a copy holding the batches before the gap; the rest is appended (journal
            // first, as the engine does) just before the bus carries it.
            final Path copyDir = dir.resolve("copy");
            append(copyDir, batches.subList(0, skipFrom));

            for (final boolean withJournal : new boolean[]{true, false})
            {
                final GatewayConfig config = new GatewayConfig();
                config.port = 0;
                config.host = "127.0.0.1";
                config.aeronDirectory = fixture.engine.aeronDirectory();
                config.busStreamId = STREAM + (withJournal ? 0 : 1);
                config.journalDirectory = withJournal ? copyDir : null;
                config.journalCatchUpAfter = Duration.ofHours(1); // this test is about the gap path
                try (GatewayServer gateway = GatewayServer.launch(config);
                    Publication bus = fixture.engine.aeron().addExclusivePublication("aeron:ipc", config.busStreamId))
                {
                    final long deadline = System.nanoTime() + 10_000_000_000L;
                    while (!bus.isConnected())
                    {
                        assertThat(System.nanoTime()).isLessThan(deadline);
                        LockSupport.parkNanos(1_000_000);
                    }
                    // Without a journal the gateway must learn the instruments from the bus first.
                    int next = withJournal ? skipFrom : 0;
                    if (!withJournal)
                    {
                        for (; next < 1_000; next++)
                        {
                            offer(bus, batches.get(next));
                        }
                        awaitSeq(gateway, firstSeqOf(batches.get(next)) - 1);
                    }
                    final StreamChecker checker = new StreamChecker();
                    final long gapFirstSeq = firstSeqOf(batches.get(skipFrom));
                    final long gapEndSeq = firstSeqOf(batches.get(skipTo)) - 1;
                    try (JdkClient client = new JdkClient(java.net.URI.create("ws://127.0.0.1:" + gateway.port() + "/stream")))
                    {
                        client.send(SUBSCRIBE_BOOK);
                        client.send(SUBSCRIBE_TRADES);
                        client.send("{\"op\":\"ping\",\"id\":\"subscribed\"}");
                        final List<JsonNode> received = new ArrayList<>();
                        JsonNode m;
                        do
                        {
                            m = client.next(Duration.ofSeconds(10));
                            received.add(m);
                        }
                        while (!"pong".equals(m.path("type").asText()));
                        if (withJournal)
                        {
                            append(copyDir, batches.subList(skipFrom, batches.size()));
                        }
                        for (int i = next; i < batches.size(); i++)
                        {
                            if (i < skipFrom || i >= skipTo)
                            {
                                offer(bus, batches.get(i));
                            }
                        }
                        awaitSeq(gateway, firstSeqOf(batches.get(batches.size() - 1)));
                        client.send("{\"op\":\"ping\",\"id\":\"end\"}");
                        do
                        {
                            m = client.next(Duration.ofSeconds(10));
                            received.add(m);
                        }
                        while (!"pong".equals(m.path("type").asText()));
                        if (withJournal)
                        {
                            received.stream().filter(x -> !"pong".equals(x.path("type").asText()))
                                .forEach(checker::accept); // asserts unbroken prev chains and checksums
                            assertThat(checker.trades).isNotEmpty();
                            assertThat(gateway.counters().busGaps.get()).isEqualTo(1);
                            assertThat(gateway.counters().gapEventsFilledFromJournal.get())
                                .isEqualTo(gapEndSeq - gapFirstSeq + 1);
                        }
                        else
                        {
                            assertThat(gateway.counters().busGaps.get()).isEqualTo(1);
                            assertThat(gateway.counters().gapEventsFilledFromJournal.get()).isZero();
                            // A trade after the gap names the real previous trade: the client sees the gap.
                            long lastTrade = -1;
                            boolean tradeGapSeen = false;
                            boolean bookReset = false;
                            for (final JsonNode msg : received)
                            {
                                if ("trade".equals(msg.path("type").asText()) && "BTC-USD".equals(msg.path("symbol").asText()))
                                {
                                    if (lastTrade >= 0 && msg.path("prev").asLong() != lastTrade)
                                    {
                                        tradeGapSeen = true;
                                        assertThat(msg.path("prev").asLong()).isBetween(gapFirstSeq, gapEndSeq);
                                    }
                                    lastTrade = msg.path("seq").asLong();
                                }
                                if ("book".equals(msg.path("type").asText()) && msg.path("snapshot").asBoolean() &&
                                    msg.path("seq").asLong() > gapEndSeq)
                                {
                                    bookReset = true;
                                }
                            }
                            assertThat(bookReset).as("book streams reset with a snapshot after the gap").isTrue();
                            assertThat(tradeGapSeen || !hasTradeIn(batches.subList(skipFrom, skipTo)))
                                .as("a trade lost in the gap shows as a prev gap").isTrue();
                        }
                    }
                }
            }
        }
    }

    /**
     * The bus goes quiet while the journal moves on (an engine killed, or stopped, after journaling batches its
     * publisher never sent): a gateway with the journal applies them once the bus has been quiet for
     * {@code journalCatchUpAfter}, without waiting for a later bus batch to show the gap, and its client gets every
     * one of them with unbroken chains.
     */
    @Test
    @Timeout(120)
    void aGatewayWithTheJournalAppliesBatchesTheBusNeverCarried() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("BusGapTest quiet bus seed=" + seed);
        try (TickwireFixture fixture = new TickwireFixture(dir, 2, 4_000, seed, c -> { }))
        {
            awaitBatches(fixture.journal, 2_000);
            final List<UnsafeBuffer> batches = readBatches(fixture.journal);
            final int split = 1_000;
            final Path copyDir = dir.resolve("copy");
            append(copyDir, batches.subList(0, split));
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = fixture.engine.aeronDirectory();
            config.busStreamId = STREAM + 2; // nothing is ever published here: the bus stays quiet
            config.journalDirectory = copyDir;
            config.ingressChannel = null;
            try (GatewayServer gateway = GatewayServer.launch(config);
                JdkClient client = new JdkClient(URI.create("ws://127.0.0.1:" + gateway.port() + "/stream")))
            {
                client.send(SUBSCRIBE_BOOK);
                client.send(SUBSCRIBE_TRADES);
                final List<JsonNode> received = untilPong(client, "subscribed");
                final long subscribedAt = received.get(received.size() - 1).path("seq").asLong();
                assertThat(subscribedAt).isEqualTo(firstSeqOf(batches.get(split)) - 1);

                append(copyDir, batches.subList(split, batches.size())); // journaled, never published
                final UnsafeBuffer last = batches.get(batches.size() - 1);
                final long end = firstSeqOf(last) + eventCountOf(last) - 1;
                awaitSeq(gateway, end);
                received.addAll(untilPong(client, "end"));

                final StreamChecker checker = new StreamChecker();
                received.stream().filter(x -> !"pong".equals(x.path("type").asText()))
                    .forEach(checker::accept); // asserts unbroken prev chains and checksums
                final JournalTruth truth = JournalTruth.replay(copyDir, null);
                assertThat(checker.trades).as("trades after the subscription: the journal's").isNotEmpty()
                    .isEqualTo(truth.trades.stream().filter(t -> t.seq() > subscribedAt && t.seq() <= end &&
                        (t.symbol().equals("BTC-USD") || t.symbol().equals("ETH-USD"))).toList());
                assertThat(gateway.counters().busGaps.get()).isZero();
                assertThat(gateway.counters().gapEventsFilledFromJournal.get()).isEqualTo(end - subscribedAt);
            }
        }
    }

    private static List<JsonNode> untilPong(final JdkClient client, final String id) throws Exception
    {
        client.send("{\"op\":\"ping\",\"id\":\"" + id + "\"}");
        final List<JsonNode> received = new ArrayList<>();
        JsonNode m;
        do
        {
            m = client.next(Duration.ofSeconds(10));
            received.add(m);
        }
        while (!"pong".equals(m.path("type").asText()));
        return received;
    }

    /** Appends batches to the journal at {@code journalDir} (created if need be), as the engine does. */
    private static void append(final Path journalDir, final List<UnsafeBuffer> batches)
    {
        final java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(1 << 20);
        final UnsafeBuffer directView = new UnsafeBuffer(direct);
        try (Journal journal = Journal.open(JournalConfig.of(journalDir));
            io.tickwire.engine.journal.JournalWriter writer = journal.createWriter())
        {
            writer.source(direct);
            for (final UnsafeBuffer batch : batches)
            {
                directView.putBytes(0, batch, 0, batch.capacity());
                writer.append(batch.capacity());
            }
        }
    }

    static int eventCountOf(final UnsafeBuffer batch)
    {
        return batch.getInt(MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.eventCountEncodingOffset(),
            BatchHeaderDecoder.BYTE_ORDER);
    }

    private static boolean hasTradeIn(final List<UnsafeBuffer> batches)
    {
        final boolean[] found = {false};
        for (final UnsafeBuffer batch : batches)
        {
            new io.tickwire.codecs.BatchReader().read(batch, 0, batch.capacity(), (templateId, b, offset, blockLength, version) ->
            {
                if (templateId == io.tickwire.codecs.sbe.TradeDecoder.TEMPLATE_ID &&
                    new io.tickwire.codecs.sbe.TradeDecoder().wrap(b, offset, blockLength, version).instrumentId() == 1)
                {
                    found[0] = true;
                }
            });
        }
        return found[0];
    }

    static void offer(final Publication bus, final UnsafeBuffer batch)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (bus.offer(batch, 0, batch.capacity()) < 0)
        {
            assertThat(System.nanoTime()).as("bus accepts the batch").isLessThan(deadline);
            LockSupport.parkNanos(10_000);
        }
    }

    static long firstSeqOf(final UnsafeBuffer batch)
    {
        return batch.getLong(MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.firstSeqEncodingOffset(),
            BatchHeaderDecoder.BYTE_ORDER);
    }

    static void awaitSeq(final GatewayServer gateway, final long seq)
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (gateway.counters().lastSeq.get() < seq)
        {
            assertThat(System.nanoTime()).as("gateway reaches seq %d", seq).isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }

    static void awaitBatches(final Path journal, final int count)
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (readBatches(journal).size() < count)
        {
            assertThat(System.nanoTime()).isLessThan(deadline);
            LockSupport.parkNanos(50_000_000);
        }
    }

    /** Batches with events, in journal order (copies). */
    static List<UnsafeBuffer> readBatches(final Path journalDir)
    {
        final List<UnsafeBuffer> batches = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final BatchHeaderDecoder batch = new BatchHeaderDecoder();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).asReadOnly());
            JournalReader reader = new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) ->
            {
                header.wrap(buffer, 0);
                if (header.templateId() != BatchHeaderDecoder.TEMPLATE_ID)
                {
                    return;
                }
                batch.wrapAndApplyHeader(buffer, 0, header);
                if (batch.eventCount() == 0)
                {
                    return;
                }
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
                copy.putBytes(0, buffer, 0, length);
                batches.add(copy);
            }))
            {
                // read all
            }
        }
        return batches;
    }
}
