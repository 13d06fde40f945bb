package io.tickwire.gateway;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.sbe.Side;

import java.util.ArrayList;
import java.util.List;

/**
 * The top {@code depth} levels of one instrument's book as published to the in-sync subscribers of that depth.
 * After each batch that changed the book, {@link #refresh()} computes the new top levels; the difference from
 * the published view is one delta message, encoded once and shared by every in-sync subscriber. Levels
 * that move out of the window are sent with quantity 0, levels that move in with their quantity, so the
 * client's view is always exactly the top {@code depth} levels, which is what the checksum covers.
 */
final class DepthView
{
    final GwInstrument instrument;
    final int depth;
    final List<StreamSub> subs = new ArrayList<>();
    long lastPublishedSeq;

    final Levels published;
    final Levels next;

    DepthView(final GwInstrument instrument, final int depth)
    {
        this.instrument = instrument;
        this.depth = depth;
        this.published = new Levels(depth);
        this.next = new Levels(depth);
    }

    /**
     * Loads the book's current top levels into {@link #next}.
     */
    void refresh()
    {
        next.load(instrument, depth);
    }

    /**
     * Makes {@link #next} the published view.
     */
    void commit()
    {
        published.copyFrom(next);
    }

    /**
     * Top levels of both sides, best first.
     */
    static final class Levels implements io.tickwire.engine.book.LevelVisitor
    {
        private boolean loadingBids;

        final long[] bidPx;
        final long[] bidQty;
        final long[] askPx;
        final long[] askQty;
        int bids;
        int asks;

        Levels(final int depth)
        {
            bidPx = new long[depth];
            bidQty = new long[depth];
            askPx = new long[depth];
            askQty = new long[depth];
        }

        void load(final GwInstrument instrument, final int depth)
        {
            bids = 0;
            asks = 0;
            loadingBids = true;
            instrument.book.forEachLevel(Side.BUY, depth, this);
            loadingBids = false;
            instrument.book.forEachLevel(Side.SELL, depth, this);
        }

        @Override
        public void onLevel(final long price, final long qty, final int orders)
        {
            if (loadingBids)
            {
                bidPx[bids] = price;
                bidQty[bids] = qty;
                bids++;
            }
            else
            {
                askPx[asks] = price;
                askQty[asks] = qty;
                asks++;
            }
        }

        void copyFrom(final Levels other)
        {
            bids = other.bids;
            asks = other.asks;
            System.arraycopy(other.bidPx, 0, bidPx, 0, bids);
            System.arraycopy(other.bidQty, 0, bidQty, 0, bids);
            System.arraycopy(other.askPx, 0, askPx, 0, asks);
            System.arraycopy(other.askQty, 0, askQty, 0, asks);
        }

        long checksum(final BookChecksum checksum, final int priceScale, final int qtyScale)
        {
            checksum.reset();
            for (int i = 0; i < bids; i++)
            {
                checksum.bid(bidPx[i], priceScale, bidQty[i], qtyScale);
            }
            for (int i = 0; i < asks; i++)
            {
                checksum.ask(askPx[i], priceScale, askQty[i], qtyScale);
            }
            return checksum.value();
        }

        /**
         * @return true if both views hold the same levels.
         */
        boolean sameAs(final Levels other)
        {
            if (bids != other.bids || asks != other.asks)
            {
                return false;
            }
            for (int i = 0; i < bids; i++)
            {
                if (bidPx[i] != other.bidPx[i] || bidQty[i] != other.bidQty[i])
                {
                    return false;
                }
            }
            for (int i = 0; i < asks; i++)
            {
                if (askPx[i] != other.askPx[i] || askQty[i] != other.askQty[i])
                {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Receives the levels of a delta from {@code from} to {@code to}: changed or new levels with their
     * quantity, removed levels with quantity 0. Bids are reported best first, then asks.
     */
    interface DeltaSink
    {
        void level(long price, long qty);

        void endSide();
    }

    /**
     * Writes the delta that turns view {@code from} into view {@code to}.
     */
    static void delta(final Levels from, final Levels to, final DeltaSink sink)
    {
        sideDelta(from.bidPx, from.bidQty, from.bids, to.bidPx, to.bidQty, to.bids, true, sink);
        sink.endSide();
        sideDelta(from.askPx, from.askQty, from.asks, to.askPx, to.askQty, to.asks, false, sink);
        sink.endSide();
    }

    private static void sideDelta(
        final long[] fromPx, final long[] fromQty, final int fromCount,
        final long[] toPx, final long[] toQty, final int toCount,
        final boolean bids, final DeltaSink sink)
    {
        // Merge two best-first sorted lists.
        int i = 0;
        int j = 0;
        while (i < fromCount || j < toCount)
        {
            if (j >= toCount || (i < fromCount && better(fromPx[i], toPx[j], bids)))
            {
                sink.level(fromPx[i], 0);
                i++;
            }
            else if (i >= fromCount || better(toPx[j], fromPx[i], bids))
            {
                sink.level(toPx[j], toQty[j]);
                j++;
            }
            else
            {
                if (fromQty[i] != toQty[j])
                {
                    sink.level(toPx[j], toQty[j]);
                }
                i++;
                j++;
            }
        }
    }

    private static boolean better(final long a, final long b, final boolean bids)
    {
        return bids ? a > b : a < b;
    }
}
