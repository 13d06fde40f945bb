package io.tickwire.replay;

import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes a journal's old roll-cycle files, oldest first, then publishes the new oldest cycle to every
 * process that has the journal open ({@code refreshDirectoryListing}). Afterwards
 * {@link JournalIndex#firstSeq()} is the first seq of the oldest kept cycle, and lookups of older seqs
 * answer {@link JournalIndex#BEFORE_RETAINED}.
 * <p>
 * Never deleted: the newest cycle file (the writer appends there), the cycle the journal's clock is in, and
 * the newest cycle holding a batch (so the retained journal still knows its last seq). Before deleting,
 * the journal's identity and the instrument definitions of the doomed cycles are saved to the
 * {@link RetainedPrefix}, so {@link JournalIndex#journalId()} and {@link InstrumentCatalog#load} still
 * work.
 * <p>
 * Other processes: a reader positioned in a deleted cycle keeps reading it (on Linux an unlinked file stays
 * mapped until released) and moves on to the next cycle; Chronicle logs that the cycle was deleted under it.
 * A reader that wants an older seq gets {@code BEFORE_RETAINED}.
 * <p>
 * <b>A running engine's journal</b>: the engine restarts from its newest state snapshot (docs/architecture.md,
 * "Snapshots"), so the cycle holding that snapshot and every later one must stay: pass its cycle as
 * {@code keepFromCycle} ({@link io.tickwire.engine.EngineNode#recoveryPointCycle()}, or the cycle of
 * {@link io.tickwire.engine.EngineSnapshots#newest} for a journal at rest). {@link RetentionAgent} does that on
 * a live engine ({@code tickwire engine --retain-cycles N}).
 */
public final class JournalRetention
{
    /**
     * What a retention run did.
     *
     * @param cyclesDeleted   cycle files deleted.
     * @param bytesDeleted    their apparent size (Chronicle files are sparse: the disk space freed can be less).
     * @param cyclesKept      cycle files left.
     * @param firstSeq        the journal's first retained seq afterwards.
     * @param definitionsKept instrument definitions in the retained prefix afterwards.
     */
    public record Result(int cyclesDeleted, long bytesDeleted, int cyclesKept, long firstSeq, int definitionsKept)
    {
    }

    private JournalRetention()
    {
    }

    /**
     * Keeps the newest {@code keep} cycle files and deletes the older ones.
     */
    public static Result keepNewestCycles(final Journal journal, final int keep)
    {
        return keepNewestCycles(journal, keep, Integer.MAX_VALUE);
    }

    /**
     * Keeps the newest {@code keep} cycle files and deletes the older ones, but never {@code keepFromCycle} or a
     * later cycle (the cycle an engine's recovery starts from).
     */
    public static Result keepNewestCycles(final Journal journal, final int keep, final int keepFromCycle)
    {
        if (keep < 1)
        {
            throw new IllegalArgumentException("keep at least one cycle, got " + keep);
        }
        final int[] cycles = journal.cycles();
        final int limit = cycles.length > keep ? cycles[cycles.length - keep] : Integer.MIN_VALUE;
        try (JournalIndex index = new JournalIndex(journal))
        {
            return deleteCyclesBefore(journal, index, Math.min(limit, keepFromCycle));
        }
    }

    /**
     * Deletes the cycles that hold only batches older than {@code epochNanos} (engine time): every cycle before
     * the one holding {@link JournalIndex#indexAtOrAfterTime(long) the first batch at or after it}.
     */
    public static Result deleteOlderThan(final Journal journal, final long epochNanos)
    {
        return deleteOlderThan(journal, epochNanos, Integer.MAX_VALUE);
    }

    /**
     * As {@link #deleteOlderThan(Journal, long)}, but never deleting {@code keepFromCycle} or a later cycle.
     */
    public static Result deleteOlderThan(final Journal journal, final long epochNanos, final int keepFromCycle)
    {
        try (JournalIndex index = new JournalIndex(journal))
        {
            final long first = index.indexAtOrAfterTime(epochNanos);
            final int limit = first >= 0 ? journal.rollCycle().toCycle(first) : Integer.MAX_VALUE;
            return deleteCyclesBefore(journal, index, Math.min(limit, keepFromCycle));
        }
    }

    private static Result deleteCyclesBefore(final Journal journal, final JournalIndex index, final int requested)
    {
        if (journal.config().readOnly())
        {
            throw new IllegalArgumentException("retention needs a writable journal: " + journal.config().directory());
        }
        final int[] cycles = journal.cycles();
        int limit = Math.min(requested, journal.currentCycle());
        if (cycles.length > 0)
        {
            limit = Math.min(limit, cycles[cycles.length - 1]);
        }
        final long lastBatch = index.lastBatchIndex();
        if (lastBatch >= 0)
        {
            limit = Math.min(limit, journal.rollCycle().toCycle(lastBatch));
        }
        int doomed = 0;
        while (doomed < cycles.length && cycles[doomed] < limit)
        {
            doomed++;
        }
        final Path directory = journal.config().directory();
        if (doomed == 0)
        {
            return new Result(0, 0, cycles.length, index.firstSeq(), RetainedPrefix.read(directory).definitionCount());
        }

        final RetainedPrefix prefix = RetainedPrefix.read(directory)
            .plus(journal.readJournalId(), definitionsBefore(journal, journal.rollCycle().toIndex(limit, 0)));
        prefix.write(directory);

        long bytes = 0;
        int deleted = 0;
        for (int i = 0; i < doomed; i++)
        {
            final Path file = journal.cycleFile(cycles[i]);
            if (file == null)
            {
                continue;
            }
            try
            {
                final long size = Files.size(file);
                Files.delete(file);
                bytes += size;
                deleted++;
            }
            catch (final IOException ex)
            {
                journal.refreshDirectoryListing();
                throw new UncheckedIOException("retention stopped: cannot delete " + file +
                    " (" + deleted + " older cycle files deleted)", ex);
            }
        }
        journal.refreshDirectoryListing();
        return new Result(deleted, bytes, cycles.length - deleted, index.firstSeq(), prefix.definitionCount());
    }

    /**
     * @return copies of the {@code InstrumentDefinition} messages (with header) in excerpts before
     * {@code endIndex}.
     */
    private static List<byte[]> definitionsBefore(final Journal journal, final long endIndex)
    {
        final List<byte[]> definitions = new ArrayList<>();
        final MarketDataDecoder decoder = new MarketDataDecoder();
        final MarketDataListener collector = new DefinitionCollector(definitions);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        try (ExcerptTailer tailer = journal.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || dc.index() >= endIndex)
                    {
                        break;
                    }
                    final int length = JournalReader.wrap(dc, view);
                    if (BatchFields.isBatch(view, length) && BatchFields.isAddInstrument(view, length))
                    {
                        decoder.decode(view, 0, length, collector);
                    }
                }
            }
        }
        return definitions;
    }

    private static final class DefinitionCollector implements MarketDataListener
    {
        private final List<byte[]> definitions;

        DefinitionCollector(final List<byte[]> definitions)
        {
            this.definitions = definitions;
        }

        @Override
        public void onInstrument(final InstrumentDefinitionDecoder definition)
        {
            final int header = MessageHeaderDecoder.ENCODED_LENGTH;
            definitions.add(RetainedPrefix.copy(definition.buffer(), definition.offset() - header,
                header + definition.encodedLength()));
        }

        @Override
        public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
        {
        }

        @Override
        public void onTrade(final TradeDecoder trade)
        {
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
    }
}
