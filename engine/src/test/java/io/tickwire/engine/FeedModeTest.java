package io.tickwire.engine;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine as a feed normaliser: an external tick file goes through the real ingress stream, is
 * sequenced and journaled like any input.
 */
class FeedModeTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aTickFileIsSequencedIntoTheJournal() throws Exception
    {
        final Path file = dir.resolve("ticks.ndjson");
        Files.writeString(file, String.join("\n",
            "{\"type\":\"instrument\",\"symbol\":\"EUR-USD\",\"priceScale\":5,\"qtyScale\":0,\"tickSize\":\"0.00001\",\"lotSize\":\"1\"}",
            "{\"type\":\"book\",\"symbol\":\"EUR-USD\",\"side\":\"bid\",\"price\":\"1.08001\",\"qty\":\"1000000\"}",
            "{\"type\":\"book\",\"symbol\":\"EUR-USD\",\"side\":\"ask\",\"price\":\"1.08003\",\"qty\":\"500000\"}",
            "{\"type\":\"trade\",\"symbol\":\"EUR-USD\",\"price\":\"1.08003\",\"qty\":\"200000\",\"side\":\"buy\",\"ts\":1700000000000000000}",
            "{\"type\":\"book\",\"symbol\":\"EUR-USD\",\"side\":\"ask\",\"price\":\"1.08003\",\"qty\":\"300000\"}",
            ""));
        final EngineConfig config = new EngineConfig().journal(JournalConfig.of(dir.resolve("journal"))).feedFile(file);
        try (EngineNode node = EngineNode.launch(config))
        {
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (!node.feed().done() || lastSeq(dir.resolve("journal")) < 9)
            {
                assertThat(System.nanoTime()).as("feed sequenced within 30 s").isLessThan(deadline);
                LockSupport.parkNanos(1_000_000);
            }
        }
        final List<List<BatchEvents.Event>> batches = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(dir.resolve("journal")).asReadOnly()))
        {
            final List<UnsafeBuffer> inputs = new ArrayList<>();
            JournalScan.scan(journal, inputs::add);
            final Engine replay = new Engine(EngineLimits.defaults());
            for (final UnsafeBuffer input : inputs)
            {
                final int length = replay.apply(input, 0, input.capacity(), 0);
                batches.add(BatchEvents.decode(replay.batchBuffer(), 0, length));
            }
        }
        final long nullPrice = Long.MIN_VALUE;
        assertThat(batches).containsExactly(
            List.of(new BatchEvents.Header(1, 1), new BatchEvents.Definition(1, 0, 1, "EUR-USD")),
            List.of(new BatchEvents.Header(2, 2), new BatchEvents.Level(2, 0, 1, io.tickwire.codecs.sbe.Side.BUY, 108_001, 1_000_000, 0),
                new BatchEvents.Ticker(3, 0, 1, 108_001, 1_000_000, nullPrice, 0, nullPrice, 0, 0)),
            List.of(new BatchEvents.Header(4, 2), new BatchEvents.Level(4, 2, 1, io.tickwire.codecs.sbe.Side.SELL, 108_003, 500_000, 0),
                new BatchEvents.Ticker(5, 3, 1, 108_001, 1_000_000, 108_003, 500_000, nullPrice, 0, 0)),
            List.of(new BatchEvents.Header(6, 2), new BatchEvents.Trade(6, 0, 1, 108_003, 200_000, io.tickwire.codecs.sbe.Side.BUY),
                new BatchEvents.Ticker(7, 5, 1, 108_001, 1_000_000, 108_003, 500_000, 108_003, 200_000, 200_000)),
            List.of(new BatchEvents.Header(8, 2), new BatchEvents.Level(8, 4, 1, io.tickwire.codecs.sbe.Side.SELL, 108_003, 300_000, 0),
                new BatchEvents.Ticker(9, 7, 1, 108_001, 1_000_000, 108_003, 300_000, 108_003, 200_000, 200_000)));

        assertThatThrownBy(() -> EngineNode.launch(config))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("new journal");
    }

    private static long lastSeq(final Path journalDir)
    {
        if (!Files.exists(journalDir))
        {
            return 0;
        }
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).asReadOnly()))
        {
            return JournalScan.scan(journal, null).lastSeq();
        }
    }
}
