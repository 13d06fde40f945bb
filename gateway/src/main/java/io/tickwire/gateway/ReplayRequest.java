package io.tickwire.gateway;

import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * One resume of trades handed from the gateway agent to the {@link ReplayAgent}: what to replay (the
 * instruments of one {@code subscribe}, after one seq), and the bounded queues the encoded messages come back
 * through. The inputs are immutable; {@link #chunks} has one producer (the replay agent) and one consumer (the
 * gateway agent), {@link #free} the other way round; {@link #cancelled} is written by the gateway agent,
 * {@link #failed} by the replay agent.
 */
final class ReplayRequest
{
    /**
     * Chunks per replay, in circulation between the two agents: filled ones waiting for the gateway, the one it
     * sends, empty ones back to the replay agent. Enough for the replay agent to read ahead while the gateway
     * sends, so neither waits for the other on every chunk.
     */
    static final int CHUNKS_QUEUED = 4;

    final long afterSeq;
    /** The resuming session's wire format: replayed trades are encoded in it. */
    final WireFormat format;
    final int[] instrumentIds;
    final String[] symbols;
    final int[] priceScales;
    final int[] qtyScales;
    /** Filled chunks, in seq order: replay agent to gateway agent. */
    final OneToOneConcurrentArrayQueue<ReplayChunk> chunks = new OneToOneConcurrentArrayQueue<>(CHUNKS_QUEUED);
    /** Sent chunks, to be filled again: gateway agent to replay agent. */
    final OneToOneConcurrentArrayQueue<ReplayChunk> free = new OneToOneConcurrentArrayQueue<>(CHUNKS_QUEUED);
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
