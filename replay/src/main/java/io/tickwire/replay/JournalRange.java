package io.tickwire.replay;

import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntHashSet;

import java.util.EnumSet;
import java.util.Set;

/**
 * Streams the market-data events of a seq range {@code (afterSeq, toSeq]} (optionally also a time window),
 * filtered by symbol and channel, to a {@link MarketDataListener}, at the reader's pace: {@link #poll(int)}
 * reads at most the number of batches it is given. It starts at the range's first batch, found with a
 * {@link JournalIndex}, not by reading the journal from its start. This is what a gateway uses to resume a
 * client from its last seq, and what {@code tickwire dump} uses.
 *
 * <h2>What the listener gets</h2>
 * For every batch with at least one event that passes the filter: {@code onBatchStart} (the batch's own
 * header values), the passing events in journal order, {@code onBatchEnd}. Batches with no passing event
 * (zero-event batches among them) are not reported. An event passes if its seq is in the range, its
 * instrument's symbol is selected (or no symbol is) and its channel is selected (or none is).
 * {@code InstrumentDefinition} events belong to no channel: they pass if definitions are selected and the
 * symbol and seq do. Execution reports never pass (they are private).
 *
 * <h2>Ends</h2>
 * The range is {@link #done()} once a batch holding {@code toSeq}, or a later one, was read; or, with a time
 * window, once a batch with {@code engineTime >= toTime} was read (that batch is not delivered). An
 * unbounded range ({@code toSeq = Long.MAX_VALUE}, no {@code toTime}) is never done: it follows the journal
 * as the engine appends. A range whose {@code afterSeq} is at or past the journal's last seq starts after
 * the last batch, so it reads no batch, and is not done, until the engine appends one, even if its
 * {@code toTime} is already in the past. Engine time can step back (see {@link JournalIndex}), so the last
 * batch's time does not prove that the next batch will be at or after {@code toTime}. If {@code afterSeq + 1}
 * is older than the retained journal, the range starts at the first retained batch and
 * {@link #truncated()} says so (a resume must then tell its client).
 * <p>
 * One thread. Allocation free per batch once constructed.
 */
public final class JournalRange implements AutoCloseable
{
    /**
     * What to stream.
     *
     * @param afterSeq    the range starts after this seq (the last seq a client has; 0 for the start).
     * @param toSeq       the last seq (inclusive); {@code Long.MAX_VALUE} for no end.
     * @param fromTime    start at the first batch with {@code engineTime >= fromTime}; {@code Long.MIN_VALUE}
     *                    for no time start.
     * @param toTime      end before the first batch, after the start, with {@code engineTime >= toTime};
     *                    {@code Long.MAX_VALUE} for no time end.
     * @param symbols     the symbols to stream; empty for all.
     * @param channels    the channels to stream; empty for all.
     * @param definitions whether to stream {@code InstrumentDefinition} events.
     */
    public record Selection(
        long afterSeq, long toSeq, long fromTime, long toTime, Set<String> symbols, Set<Channel> channels,
        boolean definitions)
    {
        public Selection
        {
            if (afterSeq < 0 || toSeq < afterSeq)
            {
                throw new IllegalArgumentException("need 0 <= afterSeq <= toSeq, got " + afterSeq + ", " + toSeq);
            }
            if (toTime < fromTime)
            {
                throw new IllegalArgumentException("need fromTime <= toTime, got " + fromTime + ", " + toTime);
            }
            symbols = Set.copyOf(symbols);
            channels = channels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(channels));
        }

        /**
         * @return everything: every seq, time, symbol and channel, definitions included.
         */
        public static Selection all()
        {
            return new Selection(0, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, Set.of(), Set.of(), true);
        }

        public Selection seqs(final long after, final long to)
        {
            return new Selection(after, to, fromTime, toTime, symbols, channels, definitions);
        }

        public Selection times(final long from, final long to)
        {
            return new Selection(afterSeq, toSeq, from, to, symbols, channels, definitions);
        }

        public Selection withSymbols(final Set<String> selected)
        {
            return new Selection(afterSeq, toSeq, fromTime, toTime, selected, channels, definitions);
        }

        public Selection withChannels(final Set<Channel> selected)
        {
            return new Selection(afterSeq, toSeq, fromTime, toTime, symbols, selected, definitions);
        }

        public Selection withDefinitions(final boolean selected)
        {
            return new Selection(afterSeq, toSeq, fromTime, toTime, symbols, channels, selected);
        }
    }

    private final Selection selection;
    private final MarketDataListener listener;
    private final InstrumentCatalog catalog;
    private final JournalReader reader;
    private final MarketDataDecoder decoder = new MarketDataDecoder();
    private final Filter filter = new Filter();
    private final JournalReader.ExcerptHandler handler = this::onExcerpt;
    private final IntHashSet selectedIds = new IntHashSet();
    private final boolean allSymbols;
    private final boolean trades;
    private final boolean book;
    private final boolean ticker;
    /** Only trades are selected: a batch with no trade has nothing to deliver (definitions come with AddInstrument). */
    private final boolean tradesOnly;
    private final long afterSeq;
    private final long toSeq;
    private final long fromTime;
    private final long toTime;
    private final boolean truncated;
    private final long startIndex;
    private boolean timeStarted;
    private boolean done;
    private long lastSeqRead;
    private long batchesDelivered;

    /**
     * Finds the start and positions the range there; reads nothing yet.
     *
     * @param index    a lookup over {@code journal} (used here only, on this thread).
     * @param catalog  the instruments defined before the range, to filter by symbol (and for the listener to
     *                 look events up in); null to load them ({@link InstrumentCatalog#load}). The range adds
     *                 the definitions it reads.
     * @param listener receives the selected events.
     */
    public JournalRange(
        final Journal journal,
        final JournalIndex index,
        final Selection selection,
        final InstrumentCatalog catalog,
        final MarketDataListener listener)
    {
        this.selection = selection;
        this.listener = listener;
        this.afterSeq = selection.afterSeq();
        this.toSeq = selection.toSeq();
        this.fromTime = selection.fromTime();
        this.toTime = selection.toTime();
        this.timeStarted = fromTime == Long.MIN_VALUE;
        this.lastSeqRead = afterSeq;
        this.allSymbols = selection.symbols().isEmpty();
        final Set<Channel> channels = selection.channels();
        this.trades = channels.isEmpty() || channels.contains(Channel.TRADES);
        this.book = channels.isEmpty() || channels.contains(Channel.BOOK);
        this.ticker = channels.isEmpty() || channels.contains(Channel.TICKER);
        this.tradesOnly = trades && !book && !ticker;

        long start = index.indexOfSeq(afterSeq + 1);
        this.truncated = start == JournalIndex.BEFORE_RETAINED;
        if (truncated)
        {
            start = index.firstBatchIndex();
        }
        if (start >= 0 && fromTime != Long.MIN_VALUE)
        {
            final long byTime = index.indexAtOrAfterTime(fromTime);
            start = byTime < 0 ? byTime : Math.max(start, byTime);
        }

        this.reader = new JournalReader(journal);
        final ExcerptTailer tailer = reader.tailer();
        if (start >= 0 && tailer.moveToIndex(start))
        {
            startIndex = start;
        }
        else if (start >= 0)
        {
            tailer.toStart(); // the start was deleted meanwhile (retention): read what is left
            startIndex = Long.MIN_VALUE;
        }
        else
        {
            // Nothing in the range yet: continue after the last batch there is now.
            final long last = index.lastBatchIndex();
            if (last >= 0 && tailer.moveToIndex(last))
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    startIndex = dc.isPresent() ? last + 1 : last;
                }
            }
            else
            {
                tailer.toStart();
                startIndex = Long.MIN_VALUE;
            }
        }

        this.catalog = catalog != null ? catalog : InstrumentCatalog.load(journal, startIndex);
        for (final String symbol : selection.symbols())
        {
            final InstrumentCatalog.Instrument instrument = this.catalog.bySymbol(symbol);
            if (instrument != null)
            {
                selectedIds.add(instrument.instrumentId());
            }
        }
    }

    /**
     * Reads up to {@code maxBatches} journal excerpts, delivering the selected events.
     *
     * @return the excerpts read: 0 when the range is done or the journal has nothing more yet.
     */
    public int poll(final int maxBatches)
    {
        int read = 0;
        while (read < maxBatches && !done && reader.poll(handler))
        {
            read++;
        }
        return read;
    }

    /**
     * @return true once the range's end was read: nothing more will be delivered.
     */
    public boolean done()
    {
        return done;
    }

    /**
     * @return true if the range starts before the retained journal: the seqs from {@code afterSeq + 1} up to
     * the journal's first retained seq were deleted and will not be delivered.
     */
    public boolean truncated()
    {
        return truncated;
    }

    /**
     * @return the Chronicle index the range started reading at ({@code Long.MIN_VALUE}: the journal's start).
     */
    public long startIndex()
    {
        return startIndex;
    }

    /**
     * @return the last seq of the batches read so far (events up to it were delivered or filtered out);
     * {@code afterSeq} before the first.
     */
    public long lastSeqRead()
    {
        return lastSeqRead;
    }

    /**
     * @return the batches reported to the listener so far.
     */
    public long batchesDelivered()
    {
        return batchesDelivered;
    }

    /**
     * @return the instruments known to the range (the catalog it was given or loaded, plus what it read).
     */
    public InstrumentCatalog catalog()
    {
        return catalog;
    }

    public Selection selection()
    {
        return selection;
    }

    @Override
    public void close()
    {
        reader.close();
    }

    private void onExcerpt(final DirectBuffer buffer, final int length, final long index)
    {
        if (!BatchFields.isBatch(buffer, length))
        {
            return;
        }
        final long firstSeq = BatchFields.firstSeq(buffer);
        final long lastSeq = firstSeq + BatchFields.eventCount(buffer) - 1;
        final long engineTime = BatchFields.engineTime(buffer);
        if (!timeStarted)
        {
            if (engineTime < fromTime)
            {
                return;
            }
            timeStarted = true;
        }
        if (engineTime >= toTime || firstSeq > toSeq)
        {
            done = true;
            return;
        }
        if ((lastSeq > afterSeq && (!tradesOnly || BatchFields.hasTrade(buffer, length))) ||
            BatchFields.isAddInstrument(buffer, length))
        {
            decoder.decode(buffer, 0, length, filter); // a trades-only range skips batches with no trade unread
        }
        if (lastSeq > lastSeqRead)
        {
            lastSeqRead = lastSeq;
        }
        if (lastSeq >= toSeq)
        {
            done = true;
        }
    }

    private boolean selected(final long seq, final int instrumentId)
    {
        return seq > afterSeq && seq <= toSeq && (allSymbols || selectedIds.contains(instrumentId));
    }

    /**
     * Forwards the selected events; reports a batch only once it has one.
     */
    private final class Filter implements MarketDataListener
    {
        private long firstSeq;
        private int eventCount;
        private long engineTime;
        private long intendedTime;
        private boolean started;

        @Override
        public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
        {
            this.firstSeq = firstSeq;
            this.eventCount = eventCount;
            this.engineTime = engineTime;
            this.intendedTime = intendedTime;
            started = false;
        }

        private void start()
        {
            if (!started)
            {
                started = true;
                listener.onBatchStart(firstSeq, eventCount, engineTime, intendedTime);
            }
        }

        @Override
        public void onInstrument(final InstrumentDefinitionDecoder definition)
        {
            catalog.add(definition);
            if (selection.symbols().contains(definition.symbol().trim()))
            {
                selectedIds.add(definition.instrumentId());
            }
            if (selection.definitions() && selected(definition.seq(), definition.instrumentId()))
            {
                start();
                listener.onInstrument(definition);
            }
        }

        @Override
        public void onTrade(final TradeDecoder trade)
        {
            if (trades && selected(trade.seq(), trade.instrumentId()))
            {
                start();
                listener.onTrade(trade);
            }
        }

        @Override
        public void onBookLevel(final BookLevelDecoder level)
        {
            if (book && selected(level.seq(), level.instrumentId()))
            {
                start();
                listener.onBookLevel(level);
            }
        }

        @Override
        public void onTicker(final TickerDecoder tick)
        {
            if (ticker && selected(tick.seq(), tick.instrumentId()))
            {
                start();
                listener.onTicker(tick);
            }
        }

        @Override
        public void onBatchEnd(final long firstSeq, final int eventCount)
        {
            if (started)
            {
                started = false;
                batchesDelivered++;
                listener.onBatchEnd(firstSeq, eventCount);
            }
        }
    }
}
