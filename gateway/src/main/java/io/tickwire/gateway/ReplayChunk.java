package io.tickwire.gateway;

import java.nio.ByteBuffer;

/**
 * A run of replayed trade messages, already encoded, for one {@link ReplayRequest}: every trade of its
 * instruments after the previous chunk and up to {@link #coveredTo}, in seq order. Written by the replay
 * agent, then handed over (through the request's queue) to the gateway agent, which only reads it.
 */
final class ReplayChunk
{
    /** The messages, back to back. */
    final byte[] bytes;
    final int count;
    final int[] offsets;
    final int[] lengths;
    /** Per message: the index of its instrument in the request. */
    final int[] streams;
    /** Per message: the trade's seq. */
    final long[] seqs;
    /** Every event of the request's streams up to this seq is in this chunk or an earlier one. */
    final long coveredTo;

    ReplayChunk(
        final byte[] bytes,
        final int count,
        final int[] offsets,
        final int[] lengths,
        final int[] streams,
        final long[] seqs,
        final long coveredTo)
    {
        this.bytes = bytes;
        this.count = count;
        this.offsets = offsets;
        this.lengths = lengths;
        this.streams = streams;
        this.seqs = seqs;
        this.coveredTo = coveredTo;
    }

    /**
     * @return message {@code i} as a buffer of its own (Jetty keeps it until written).
     */
    ByteBuffer message(final int i)
    {
        return ByteBuffer.wrap(bytes, offsets[i], lengths[i]).slice();
    }

    int byteCount()
    {
        return count == 0 ? 0 : offsets[count - 1] + lengths[count - 1];
    }
}
