package io.tickwire.gateway;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.MarketDataSbe;
import io.tickwire.codecs.sbe.Side;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteBuffer;

/**
 * {@link FrameEncoder} of the binary subprotocol {@code tickwire.sbe.v1}: {@link MarketDataSbe} into a scratch
 * buffer, returned as a view of that buffer. A book delta is walked twice (once to count each side's levels,
 * which SBE groups carry up front, once to write them); the checksum is the JSON protocol's.
 */
final class SbeFrames implements FrameEncoder
{
    /** Grows as needed (a book of 2 x 100 levels is about 3.3 KB). */
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    /** What the last call returned: a view of {@link #scratch}, valid until the next call. */
    private ByteBuffer view = ByteBuffer.wrap(scratch.byteArray());
    private final MarketDataSbe sbe = new MarketDataSbe();
    private final BookChecksum checksum = new BookChecksum();
    private final LevelCounter counter = new LevelCounter();
    private final LevelWriter levels = new LevelWriter();

    @Override
    public WireFormat format()
    {
        return WireFormat.SBE;
    }

    @Override
    public ByteBuffer trade(
        final GwInstrument instrument,
        final long seq,
        final long prev,
        final long price,
        final long qty,
        final Side side,
        final long ts)
    {
        return result(sbe.trade(scratch, 0, instrument.instrumentId, seq, prev, price, qty, side, ts));
    }

    @Override
    public ByteBuffer ticker(final GwInstrument instrument, final long seq, final long prev)
    {
        return result(sbe.ticker(scratch, 0, instrument.instrumentId, seq, prev, instrument.bid, instrument.bidQty,
            instrument.ask, instrument.askQty, instrument.last, instrument.lastQty, instrument.volume,
            instrument.tickerTime));
    }

    @Override
    public ByteBuffer book(
        final GwInstrument instrument,
        final DepthView.Levels from,
        final DepthView.Levels to,
        final long seq,
        final long prev,
        final boolean snapshot,
        final boolean conflated)
    {
        final long sum = to.checksum(checksum, instrument.priceScale, instrument.qtyScale);
        if (snapshot)
        {
            sbe.beginBook(scratch, 0, instrument.instrumentId, seq, prev, sum, true, conflated, to.bids);
            for (int i = 0; i < to.bids; i++)
            {
                sbe.level(to.bidPx[i], to.bidQty[i]);
            }
            sbe.beginAsks(to.asks);
            for (int i = 0; i < to.asks; i++)
            {
                sbe.level(to.askPx[i], to.askQty[i]);
            }
        }
        else
        {
            counter.reset();
            DepthView.delta(from, to, counter);
            sbe.beginBook(scratch, 0, instrument.instrumentId, seq, prev, sum, false, conflated, counter.bids);
            levels.askCount = counter.asks;
            levels.inAsks = false;
            DepthView.delta(from, to, levels);
        }
        return result(sbe.endBook());
    }

    @Override
    public ByteBuffer heartbeat(final long seq)
    {
        return result(sbe.heartbeat(scratch, 0, seq));
    }

    /**
     * @return the first {@code length} bytes of the scratch buffer, through one reused view.
     */
    private ByteBuffer result(final int length)
    {
        final byte[] array = scratch.byteArray();
        if (view.array() != array)
        {
            view = ByteBuffer.wrap(array); // the scratch buffer grew
        }
        view.limit(length).position(0);
        return view;
    }

    /** Counts the levels of each side of a delta. */
    private static final class LevelCounter implements DepthView.DeltaSink
    {
        int bids;
        int asks;
        private boolean inAsks;

        void reset()
        {
            bids = 0;
            asks = 0;
            inAsks = false;
        }

        @Override
        public void level(final long price, final long qty)
        {
            if (inAsks)
            {
                asks++;
            }
            else
            {
                bids++;
            }
        }

        @Override
        public void endSide()
        {
            inAsks = true;
        }
    }

    /** Writes the levels of a delta; the end of the bids starts the asks group. */
    private final class LevelWriter implements DepthView.DeltaSink
    {
        int askCount;
        boolean inAsks;

        @Override
        public void level(final long price, final long qty)
        {
            sbe.level(price, qty);
        }

        @Override
        public void endSide()
        {
            if (!inAsks)
            {
                inAsks = true;
                sbe.beginAsks(askCount);
            }
        }
    }
}
