package io.tickwire.replay;

import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.journal.Journal;
import org.agrona.collections.IntHashSet;

import java.util.Set;

/**
 * A {@link ReplaySource} over a journal this process can read: finds the start with a {@link JournalIndex}
 * (O(log n) reads, no scan), then streams with a {@link JournalRange} on its own Chronicle tailer. Opening a
 * stream reads no instrument catalog: streams filter by instrument id.
 * <p>
 * One thread (the index and the streams are single-threaded).
 */
public final class JournalReplaySource implements ReplaySource
{
    private final Journal journal;
    private final JournalIndex index;

    /**
     * @param journal the journal (not closed by this source).
     */
    public JournalReplaySource(final Journal journal)
    {
        this.journal = journal;
        this.index = new JournalIndex(journal);
    }

    @Override
    public long journalId()
    {
        return index.journalId();
    }

    @Override
    public long firstSeq()
    {
        return index.firstSeq();
    }

    @Override
    public ReplayStream open(
        final long afterSeq, final int[] instrumentIds, final Set<Channel> channels, final MarketDataListener listener)
    {
        if (instrumentIds.length == 0 || channels.isEmpty())
        {
            throw new IllegalArgumentException("a replay needs at least one instrument and one channel");
        }
        final ById filter = new ById(instrumentIds, listener);
        final JournalRange range = new JournalRange(journal, index,
            JournalRange.Selection.all().seqs(afterSeq, Long.MAX_VALUE).withChannels(channels).withDefinitions(false),
            new InstrumentCatalog(), filter);
        return new RangeStream(range);
    }

    @Override
    public void close()
    {
        index.close();
    }

    private record RangeStream(JournalRange range) implements ReplayStream
    {
        @Override
        public int poll(final int maxBatches)
        {
            return range.poll(maxBatches);
        }

        @Override
        public long lastSeqRead()
        {
            return range.lastSeqRead();
        }

        @Override
        public boolean truncated()
        {
            return range.truncated();
        }

        @Override
        public void close()
        {
            range.close();
        }
    }

    /**
     * Passes the events of the wanted instruments (the range already selected seqs and channels).
     */
    private static final class ById implements MarketDataListener
    {
        private final IntHashSet ids = new IntHashSet();
        private final MarketDataListener listener;

        ById(final int[] instrumentIds, final MarketDataListener listener)
        {
            for (final int id : instrumentIds)
            {
                ids.add(id);
            }
            this.listener = listener;
        }

        @Override
        public void onBatchStart(
            final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
        {
            listener.onBatchStart(firstSeq, eventCount, engineTime, intendedTime);
        }

        @Override
        public void onInstrument(final InstrumentDefinitionDecoder definition)
        {
        }

        @Override
        public void onTrade(final TradeDecoder trade)
        {
            if (ids.contains(trade.instrumentId()))
            {
                listener.onTrade(trade);
            }
        }

        @Override
        public void onBookLevel(final BookLevelDecoder level)
        {
            if (ids.contains(level.instrumentId()))
            {
                listener.onBookLevel(level);
            }
        }

        @Override
        public void onTicker(final TickerDecoder ticker)
        {
            if (ids.contains(ticker.instrumentId()))
            {
                listener.onTicker(ticker);
            }
        }

        @Override
        public void onBatchEnd(final long firstSeq, final int eventCount)
        {
            listener.onBatchEnd(firstSeq, eventCount);
        }
    }
}
