package io.tickwire.codecs;

import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;

/**
 * Receives the market-data content of batches from a {@link MarketDataDecoder}, in journal order. The
 * decoders passed are positioned on the message and valid only during the call.
 */
public interface MarketDataListener
{
    /**
     * A batch starts. Its events follow, then {@link #onBatchEnd}.
     */
    void onBatchStart(long firstSeq, int eventCount, long engineTime, long intendedTime);

    void onInstrument(InstrumentDefinitionDecoder definition);

    void onTrade(TradeDecoder trade);

    void onBookLevel(BookLevelDecoder level);

    void onTicker(TickerDecoder ticker);

    /**
     * The batch is complete: apply its events together.
     */
    void onBatchEnd(long firstSeq, int eventCount);

    /**
     * Any other message of the batch (the input, execution reports); ignored by default.
     */
    default void onOtherMessage(int templateId, org.agrona.DirectBuffer buffer, int offset, int blockLength, int version)
    {
    }
}
