package io.tickwire.gateway;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A run of replayed trade messages, already encoded, for one {@link ReplayRequest}: every trade of its
 * instruments after the previous chunk and up to {@link #coveredTo}, in seq order. Chunks are reused: the replay
 * agent fills one, hands it to the gateway agent through {@link ReplayRequest#chunks}, the gateway agent sends its
 * messages (each send copies them) and hands it back through {@link ReplayRequest#free}. The queues' ordering is
 * what makes the hand-overs safe: exactly one thread touches a chunk at a time.
 */
final class ReplayChunk
{
    /** Room to start with: {@code ReplayAgent.CHUNK_BYTES} plus one more message of any size. */
    private final int initialBytes;
    /** The messages, back to back. */
    byte[] bytes;
    /** Writes into {@link #bytes} (the replay agent's encoders). */
    final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    /** Reads one message of {@link #bytes} (the gateway agent). */
    private ByteBuffer reader;
    int count;
    /** Bytes used. */
    int position;
    int[] offsets;
    int[] lengths;
    /** Per message: the index of its instrument in the request. */
    int[] streams;
    /** Per message: the trade's seq. */
    long[] seqs;
    /** Every event of the request's streams up to this seq is in this chunk or an earlier one. */
    long coveredTo;

    ReplayChunk(final int bytes, final int messages)
    {
        initialBytes = bytes;
        this.bytes = new byte[bytes];
        view.wrap(this.bytes);
        reader = ByteBuffer.wrap(this.bytes);
        offsets = new int[messages];
        lengths = new int[messages];
        streams = new int[messages];
        seqs = new long[messages];
    }

    /**
     * Replay agent: empties the chunk for filling.
     */
    void clear()
    {
        count = 0;
        position = 0;
    }

    /**
     * Replay agent: makes room for one more message of at most {@code maxBytes} at {@link #position} (a batch
     * is never split, so a chunk may outgrow its usual size; it then keeps the room).
     */
    void ensureRoom(final int maxBytes)
    {
        if (position + maxBytes > bytes.length)
        {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, position + maxBytes + initialBytes));
            view.wrap(bytes);
            reader = ByteBuffer.wrap(bytes);
        }
        if (count == offsets.length)
        {
            final int n = count * 2;
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            streams = Arrays.copyOf(streams, n);
            seqs = Arrays.copyOf(seqs, n);
        }
    }

    /**
     * Replay agent: records the message just written at {@link #position}.
     */
    void add(final int length, final int stream, final long seq)
    {
        offsets[count] = position;
        lengths[count] = length;
        streams[count] = stream;
        seqs[count] = seq;
        count++;
        position += length;
    }

    /**
     * Gateway agent: message {@code i}, as the remaining bytes of a buffer that is reused for the next call (the
     * gateway's send copies them at once).
     */
    ByteBuffer message(final int i)
    {
        final int offset = offsets[i];
        return reader.limit(offset + lengths[i]).position(offset);
    }
}
