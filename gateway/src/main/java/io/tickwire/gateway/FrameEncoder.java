package io.tickwire.gateway;

import io.tickwire.codecs.sbe.Side;

import java.nio.ByteBuffer;

/**
 * Encodes the market-data messages and heartbeats of one {@link WireFormat}. The gateway agent encodes each
 * message at most once per format in use and copies the same bytes into the write buffer of every session of
 * that format ({@link ClientSession#send}).
 * <p>
 * Each call returns a view of the encoder's own buffer holding exactly the message (position 0, limit its length),
 * valid until the next call on the same encoder: the result must be used (copied) before that, and the buffer
 * object must not be kept. So an encoder allocates nothing per message once its buffer has grown to the largest
 * message. Agent thread only.
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
