package io.tickwire.gateway;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.sbe.Side;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteBuffer;

/**
 * {@link FrameEncoder} of the JSON protocol: {@link MarketDataJson} into a scratch buffer, returned as a view of
 * that buffer.
 */
final class JsonFrames implements FrameEncoder, DepthView.DeltaSink
{
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    /** What the last call returned: a view of {@link #scratch}, valid until the next call. */
    private ByteBuffer view = ByteBuffer.wrap(scratch.byteArray());
    private final JsonWriter writer = new JsonWriter();
    private final MarketDataJson json = new MarketDataJson(writer);
    private final BookChecksum checksum = new BookChecksum();
    private long benchIntendedTime = -1;

    @Override
    public WireFormat format()
    {
        return WireFormat.JSON;
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
        writer.wrap(scratch, 0);
        if (benchIntendedTime >= 0)
        {
            return result(json.trade(instrument.symbol, seq, prev, price, instrument.priceScale, qty,
                instrument.qtyScale, side, ts, benchIntendedTime));
        }
        return result(json.trade(instrument.symbol, seq, prev, price, instrument.priceScale, qty, instrument.qtyScale,
            side, ts));
    }

    /**
     * Load rig only ({@code GatewayConfig.benchIntendedTime}): trades of the current batch carry
     * {@code "intended"} (the batch's intended time); a negative value leaves it out.
     */
    void benchIntendedTime(final long intendedNanos)
    {
        benchIntendedTime = intendedNanos;
    }

    @Override
    public ByteBuffer ticker(final GwInstrument instrument, final long seq, final long prev)
    {
        writer.wrap(scratch, 0);
        return result(json.ticker(instrument.symbol, seq, prev, instrument.priceScale, instrument.qtyScale,
            instrument.bid, instrument.bidQty, instrument.ask, instrument.askQty, instrument.last, instrument.lastQty,
            instrument.volume, instrument.tickerTime));
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
        writer.wrap(scratch, 0);
        json.beginBook(instrument.symbol, seq, prev, snapshot, instrument.priceScale, instrument.qtyScale);
        if (snapshot)
        {
            for (int i = 0; i < to.bids; i++)
            {
                json.level(to.bidPx[i], to.bidQty[i]);
            }
            json.endSide();
            for (int i = 0; i < to.asks; i++)
            {
                json.level(to.askPx[i], to.askQty[i]);
            }
            json.endSide();
        }
        else
        {
            DepthView.delta(from, to, this);
        }
        return result(json.endBook(to.checksum(checksum, instrument.priceScale, instrument.qtyScale), conflated));
    }

    @Override
    public ByteBuffer heartbeat(final long seq)
    {
        writer.wrap(scratch, 0);
        return result(json.heartbeat(seq));
    }

    @Override
    public void level(final long price, final long qty)
    {
        json.level(price, qty);
    }

    @Override
    public void endSide()
    {
        json.endSide();
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
}
