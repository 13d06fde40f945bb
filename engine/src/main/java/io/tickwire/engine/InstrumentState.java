package io.tickwire.engine;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.engine.book.LevelBook;
import io.tickwire.engine.book.OrderBook;

/**
 * Everything the engine keeps per instrument: its definition, its book, the last seq of each of its
 * streams (the {@code prev} of the next event) and the ticker as last published. Owned by the engine thread.
 */
final class InstrumentState
{
    static final long NULL_PRICE = Long.MIN_VALUE;

    final int instrumentId;
    final String symbol;
    final int priceScale;
    final int qtyScale;
    final long tickSize;
    final long lotSize;
    final InstrumentMode mode;
    final OrderBook orderBook;
    final LevelBook levelBook;

    long lastDefinitionSeq;
    long lastTradeSeq;
    long lastBookSeq;
    long lastTickerSeq;

    long lastPrice = NULL_PRICE;
    long lastQty;
    long volume;

    long tickerBid = NULL_PRICE;
    long tickerBidQty;
    long tickerAsk = NULL_PRICE;
    long tickerAskQty;
    long tickerLast = NULL_PRICE;
    long tickerLastQty;
    long tickerVolume;

    InstrumentState(
        final int instrumentId,
        final String symbol,
        final int priceScale,
        final int qtyScale,
        final long tickSize,
        final long lotSize,
        final InstrumentMode mode,
        final OrderBook orderBook,
        final LevelBook levelBook)
    {
        this.instrumentId = instrumentId;
        this.symbol = symbol;
        this.priceScale = priceScale;
        this.qtyScale = qtyScale;
        this.tickSize = tickSize;
        this.lotSize = lotSize;
        this.mode = mode;
        this.orderBook = orderBook;
        this.levelBook = levelBook;
    }

    long bestBid()
    {
        return orderBook != null ? orderBook.bestBidPrice() : levelBook.bestBidPrice();
    }

    long bestBidQty()
    {
        return orderBook != null ? orderBook.bestBidQty() : levelBook.bestBidQty();
    }

    long bestAsk()
    {
        return orderBook != null ? orderBook.bestAskPrice() : levelBook.bestAskPrice();
    }

    long bestAskQty()
    {
        return orderBook != null ? orderBook.bestAskQty() : levelBook.bestAskQty();
    }

    /**
     * Takes the ticker as it stands (top of book, last trade, volume) into the {@code ticker*} fields if it differs
     * from the one last published.
     *
     * @return true if it differed: the ticker fields now hold the ticker to publish.
     */
    boolean updateTicker()
    {
        final long bid = bestBid();
        final long bidQty = bestBidQty();
        final long ask = bestAsk();
        final long askQty = bestAskQty();
        if (tickerBid == bid && tickerBidQty == bidQty && tickerAsk == ask && tickerAskQty == askQty &&
            tickerLast == lastPrice && tickerLastQty == lastQty && tickerVolume == volume)
        {
            return false;
        }
        tickerBid = bid;
        tickerBidQty = bidQty;
        tickerAsk = ask;
        tickerAskQty = askQty;
        tickerLast = lastPrice;
        tickerLastQty = lastQty;
        tickerVolume = volume;
        return true;
    }

    long bookHash()
    {
        return orderBook != null ? orderBook.stateHash() : levelBook.stateHash();
    }
}
