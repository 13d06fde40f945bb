package io.tickwire.gateway;

import io.tickwire.codecs.sbe.Side;

import java.nio.ByteBuffer;

/**
 * Encodes the market-data messages and heartbeats of one {@link WireFormat}. The gateway agent encodes each
 * message at most once per format in use and hands the same bytes to every session of that format (each
 * delivery gets its own {@link ByteBuffer#duplicate()} view, because Jetty consumes the payload's position).
 * <p>
 * Each call returns a new buffer holding exactly the message; the bytes are never changed afterwards, so
 * they may be in flight to many sessions at once. Agent thread only.
 */
interface FrameEncoder
{
    /**
     * @return the format this encoder writes.
     */
    WireFormat format();

    ByteBuffer trade(GwInstrument instrument, long seq, long prev, long price, long qty, Side side, long ts);

    /**
     * The instrument's current ticker state with the given {@code seq} and {@code prev}.
     */
    ByteBuffer ticker(GwInstrument instrument, long seq, long prev);

    /**
     * A book message: the whole of {@code to} when {@code snapshot}, else the delta from {@code from} to
     * {@code to}, with the checksum of {@code to}.
     */
    ByteBuffer book(
        GwInstrument instrument,
        DepthView.Levels from,
        DepthView.Levels to,
        long seq,
        long prev,
        boolean snapshot,
        boolean conflated);

    ByteBuffer heartbeat(long seq);
}
