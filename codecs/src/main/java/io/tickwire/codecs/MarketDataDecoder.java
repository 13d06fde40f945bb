package io.tickwire.codecs;

import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import org.agrona.DirectBuffer;

/**
 * Decodes whole batches into {@link MarketDataListener} callbacks. Reuses its decoders: allocation free.
 * One instance per thread.
 */
public final class MarketDataDecoder implements BatchReader.Handler
{
    private final BatchReader reader = new BatchReader();
    private final BatchHeaderDecoder batchHeader = new BatchHeaderDecoder();
    private final InstrumentDefinitionDecoder definition = new InstrumentDefinitionDecoder();
    private final TradeDecoder trade = new TradeDecoder();
    private final BookLevelDecoder bookLevel = new BookLevelDecoder();
    private final TickerDecoder ticker = new TickerDecoder();
    private MarketDataListener listener;
    private boolean started;

    /**
     * Decodes one batch. A buffer that does not start with a {@code BatchHeader} (for example the journal's
     * {@code JournalStart}) is ignored.
     *
     * @return true if it was a batch.
     * @throws BatchReader.MalformedBatchException if the batch does not parse.
     */
    public boolean decode(final DirectBuffer buffer, final int offset, final int length, final MarketDataListener listener)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH ||
            buffer.getShort(offset + 2, BatchHeaderDecoder.BYTE_ORDER) != BatchHeaderDecoder.TEMPLATE_ID)
        {
            return false;
        }
        this.listener = listener;
        started = false;
        reader.read(buffer, offset, length, this);
        if (!started)
        {
            return false;
        }
        listener.onBatchEnd(batchHeader.firstSeq(), batchHeader.eventCount());
        return true;
    }

    @Override
    public void onMessage(
        final int templateId, final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        switch (templateId)
        {
            case BatchHeaderDecoder.TEMPLATE_ID:
                batchHeader.wrap(buffer, offset, blockLength, version);
                started = true;
                listener.onBatchStart(batchHeader.firstSeq(), batchHeader.eventCount(), batchHeader.engineTime(),
                    batchHeader.intendedTime());
                break;
            case InstrumentDefinitionDecoder.TEMPLATE_ID:
                definition.wrap(buffer, offset, blockLength, version);
                listener.onInstrument(definition);
                break;
            case TradeDecoder.TEMPLATE_ID:
                trade.wrap(buffer, offset, blockLength, version);
                listener.onTrade(trade);
                break;
            case BookLevelDecoder.TEMPLATE_ID:
                bookLevel.wrap(buffer, offset, blockLength, version);
                listener.onBookLevel(bookLevel);
                break;
            case TickerDecoder.TEMPLATE_ID:
                ticker.wrap(buffer, offset, blockLength, version);
                listener.onTicker(ticker);
                break;
            default:
                listener.onOtherMessage(templateId, buffer, offset, blockLength, version);
                break;
        }
    }
}
