package io.tickwire.gateway;

import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * One resume of trades handed from the gateway agent to the {@link ReplayAgent}: what to replay (the
 * instruments of one {@code subscribe}, after one seq), and the bounded queue the encoded messages come back
 * through. The inputs are immutable; {@link #chunks} has one producer (the replay agent) and one consumer (the
 * gateway agent); {@link #cancelled} is written by the gateway agent, {@link #failed} by the replay agent.
 */
final class ReplayRequest
{
    /** Chunks queued per replay: one being taken by the gateway, one being filled ahead. */
    static final int CHUNKS_QUEUED = 2;

    final long afterSeq;
    /** The resuming session's wire format: replayed trades are encoded in it. */
    final WireFormat format;
    final int[] instrumentIds;
    final String[] symbols;
    final int[] priceScales;
    final int[] qtyScales;
    final OneToOneConcurrentArrayQueue<ReplayChunk> chunks = new OneToOneConcurrentArrayQueue<>(CHUNKS_QUEUED);
    /** Gateway: stop replaying (the streams went live, were unsubscribed, or the connection closed). */
    volatile boolean cancelled;
    /** Replay agent: the replay cannot be served (the events after {@link #afterSeq} are gone, or a read failed). */
    volatile String failed;

    ReplayRequest(final long afterSeq, final GwInstrument[] instruments, final WireFormat format)
    {
        this.afterSeq = afterSeq;
        this.format = format;
        final int n = instruments.length;
        instrumentIds = new int[n];
        symbols = new String[n];
        priceScales = new int[n];
        qtyScales = new int[n];
        for (int i = 0; i < n; i++)
        {
            instrumentIds[i] = instruments[i].instrumentId;
            symbols[i] = instruments[i].symbol;
            priceScales[i] = instruments[i].priceScale;
            qtyScales[i] = instruments[i].qtyScale;
        }
    }
}
