package io.tickwire.gateway;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.book.LevelBook;
import io.tickwire.engine.book.OrderBookListener;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's view of one instrument, rebuilt from the bus: aggregated book levels, ticker, last seq of
 * each stream, and who subscribes to what. Owned by the gateway agent thread.
 */
final class GwInstrument
{
    static final long NULL_PRICE = Long.MIN_VALUE;

    final int instrumentId;
    final String symbol;
    final int priceScale;
    final int qtyScale;
    final long tickSize;
    final long lotSize;
    final InstrumentMode mode;
    final LevelBook book;

    long lastBookSeq;
    long lastTradeSeq;
    long lastTickerSeq;
    /** The engine's prev of the ticker event in the batch being applied. */
    long tickerPrev;

    long bid = NULL_PRICE;
    long bidQty;
    long ask = NULL_PRICE;
    long askQty;
    long last = NULL_PRICE;
    long lastQty;
    long volume;
    long tickerTime;

    /** Book changed in the batch being applied. */
    boolean bookChangedInBatch;
    /** Ticker event in the batch being applied. */
    boolean tickerInBatch;
    /** Trades of the batch being applied: seq, prev, price, qty, side (0 buy, 1 sell). */
    final TradeList batchTrades = new TradeList();

    final List<StreamSub> tradeSubs = new ArrayList<>();
    final List<StreamSub> tickerSubs = new ArrayList<>();
    final List<DepthView> depthViews = new ArrayList<>();

    GwInstrument(
        final int instrumentId,
        final String symbol,
        final int priceScale,
        final int qtyScale,
        final long tickSize,
        final long lotSize,
        final InstrumentMode mode,
        final int maxLevelsPerSide)
    {
        this.instrumentId = instrumentId;
        this.symbol = symbol;
        this.priceScale = priceScale;
        this.qtyScale = qtyScale;
        this.tickSize = tickSize;
        this.lotSize = lotSize;
        this.mode = mode;
        this.book = new LevelBook(instrumentId, maxLevelsPerSide, NO_EVENTS);
    }

    DepthView depthView(final int depth)
    {
        for (int i = 0; i < depthViews.size(); i++)
        {
            final DepthView view = depthViews.get(i);
            if (view.depth == depth)
            {
                return view;
            }
        }
        final DepthView view = new DepthView(this, depth);
        view.refresh();
        view.commit();
        view.lastPublishedSeq = lastBookSeq;
        depthViews.add(view);
        return view;
    }

    /**
     * Trades of one batch, in primitive arrays reused across batches.
     */
    static final class TradeList
    {
        int size;
        long[] seq = new long[16];
        long[] prev = new long[16];
        long[] price = new long[16];
        long[] qty = new long[16];
        Side[] side = new Side[16];

        void add(final long s, final long p, final long px, final long q, final Side sd)
        {
            if (size == seq.length)
            {
                final int n = size * 2;
                seq = java.util.Arrays.copyOf(seq, n);
                prev = java.util.Arrays.copyOf(prev, n);
                price = java.util.Arrays.copyOf(price, n);
                qty = java.util.Arrays.copyOf(qty, n);
                side = java.util.Arrays.copyOf(side, n);
            }
            seq[size] = s;
            prev[size] = p;
            price[size] = px;
            qty[size] = q;
            side[size] = sd;
            size++;
        }
    }

    private static final OrderBookListener NO_EVENTS = new OrderBookListener()
    {
        public void onAccepted(final long k, final Side s, final io.tickwire.codecs.sbe.OrderType t, final long p, final long q)
        {
        }

        public void onRejected(final long k, final io.tickwire.codecs.sbe.RejectReason r)
        {
        }

        public void onTrade(final long t, final long m, final Side s, final long p, final long q, final long tl, final long ml)
        {
        }

        public void onCancelled(final long k, final long q, final io.tickwire.codecs.sbe.CancelReason r)
        {
        }

        public void onReplaced(final long k, final long p, final long q, final boolean kept)
        {
        }

        public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
        {
        }
    };
}
