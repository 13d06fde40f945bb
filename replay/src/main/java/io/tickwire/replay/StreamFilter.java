package io.tickwire.replay;

import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import org.agrona.collections.IntHashSet;

import java.util.Set;

/**
 * Passes a {@link ReplayStream}'s wanted events to its listener: those of the wanted instruments and channels
 * with a seq after {@link #afterSeq} (a batch that starts at or before it is passed without its earlier events).
 * Instrument definitions are never passed. Batch start and end are always passed.
 */
final class StreamFilter implements MarketDataListener
{
    private final IntHashSet ids = new IntHashSet();
    private final boolean trades;
    private final boolean book;
    private final boolean ticker;
    private final MarketDataListener listener;
    /** Events at or below it were delivered already. */
    long afterSeq;
    /** The last seq of the last batch started (0 before the first). */
    long batchLastSeq;

    StreamFilter(final long afterSeq, final int[] instrumentIds, final Set<Channel> channels,
        final MarketDataListener listener)
    {
        if (instrumentIds.length == 0 || channels.isEmpty())
        {
            throw new IllegalArgumentException("a replay needs at least one instrument and one channel");
        }
        for (final int id : instrumentIds)
        {
            ids.add(id);
        }
        this.afterSeq = afterSeq;
        this.trades = channels.contains(Channel.TRADES);
        this.book = channels.contains(Channel.BOOK);
        this.ticker = channels.contains(Channel.TICKER);
        this.listener = listener;
    }

    @Override
    public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
    {
        batchLastSeq = firstSeq + eventCount - 1;
        listener.onBatchStart(firstSeq, eventCount, engineTime, intendedTime);
    }

    @Override
    public void onInstrument(final InstrumentDefinitionDecoder definition)
    {
    }

    @Override
    public void onTrade(final TradeDecoder trade)
    {
        if (trades && trade.seq() > afterSeq && ids.contains(trade.instrumentId()))
        {
            listener.onTrade(trade);
        }
    }

    @Override
    public void onBookLevel(final BookLevelDecoder level)
    {
        if (book && level.seq() > afterSeq && ids.contains(level.instrumentId()))
        {
            listener.onBookLevel(level);
        }
    }

    @Override
    public void onTicker(final TickerDecoder tick)
    {
        if (ticker && tick.seq() > afterSeq && ids.contains(tick.instrumentId()))
        {
            listener.onTicker(tick);
        }
    }

    @Override
    public void onBatchEnd(final long firstSeq, final int eventCount)
    {
        listener.onBatchEnd(firstSeq, eventCount);
    }
}
