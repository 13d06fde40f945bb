package io.tickwire.engine;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;

/**
 * Receives the market view held in an engine snapshot without building an engine (see
 * {@link EngineSnapshots#visit}): each instrument with its stream links and ticker, then its book as aggregated
 * levels. For readers that keep a view of the market (the gateway's warm start), not order-level state.
 * Reads the layout of {@link Engine#writeState} through the engine's own code.
 */
public interface SnapshotVisitor
{
    /**
     * One instrument of a snapshot: its definition, the last seq of each stream before the snapshot, the last
     * trade and the ticker as last published. Prices are {@link Instrument#NULL_PRICE} where there is none.
     *
     * @param id                the instrument id.
     * @param symbol            its symbol.
     * @param priceScale        decimal places of its prices.
     * @param qtyScale          decimal places of its quantities.
     * @param tickSize          price increment.
     * @param lotSize           quantity increment.
     * @param mode              matching or feed.
     * @param lastDefinitionSeq seq of its definition event (0 if none).
     * @param lastTradeSeq      seq of its last trade (0 if none).
     * @param lastBookSeq       seq of its last book level event (0 if none).
     * @param lastTickerSeq     seq of its last ticker event (0 if none).
     * @param lastPrice         price of its last trade.
     * @param lastQty           quantity of its last trade.
     * @param volume            traded volume.
     * @param tickerBid         best bid of the last published ticker.
     * @param tickerBidQty      its quantity.
     * @param tickerAsk         best ask of the last published ticker.
     * @param tickerAskQty      its quantity.
     * @param tickerLast        last price of the last published ticker.
     * @param tickerLastQty     its quantity.
     * @param tickerVolume      volume of the last published ticker.
     */
    record Instrument(
        int id,
        String symbol,
        int priceScale,
        int qtyScale,
        long tickSize,
        long lotSize,
        InstrumentMode mode,
        long lastDefinitionSeq,
        long lastTradeSeq,
        long lastBookSeq,
        long lastTickerSeq,
        long lastPrice,
        long lastQty,
        long volume,
        long tickerBid,
        long tickerBidQty,
        long tickerAsk,
        long tickerAskQty,
        long tickerLast,
        long tickerLastQty,
        long tickerVolume)
    {
        /** The null price of the engine and the wire (no bid, no ask, no trade yet). */
        public static final long NULL_PRICE = InstrumentState.NULL_PRICE;
    }

    /**
     * An instrument, before its levels.
     */
    void onInstrument(Instrument instrument);

    /**
     * One price level of the instrument last given to {@link #onInstrument}, with its total open quantity; per side
     * from the worst price to the best (bids then asks).
     */
    void onLevel(int instrumentId, Side side, long price, long quantity);
}
