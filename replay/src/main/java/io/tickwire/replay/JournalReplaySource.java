package io.tickwire.replay;

import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.Channel;
import io.tickwire.engine.journal.Journal;

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
        final StreamFilter filter = new StreamFilter(afterSeq, instrumentIds, channels, listener);
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
}
