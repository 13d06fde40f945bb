package io.tickwire.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One WebSocket client as the gateway agent sees it. Everything here is owned by the agent thread except
 * the completion side of the outbound ring, which Jetty's send callbacks advance.
 * <p>
 * Outbound accounting: every frame handed to Jetty records its length in a single-producer single-consumer
 * ring; Jetty completes a session's frames in order, and each completion pops one length. So
 * {@link #bytesInFlight()} is exact and the ring's capacity bounds the frames in flight, with no
 * allocation per send.
 */
final class ClientSession implements Callback
{
    final long id;
    final WsEndpoint endpoint;
    final CoreSession core;
    final List<StreamSub> subs = new ArrayList<>();
    final String remote;
    /** Who the connection is and what it may subscribe to, as verified at upgrade. */
    final Principal principal;

    private final long[] ring;
    private final int mask;
    private long produced;
    private volatile long consumed;
    private long queuedBytes;
    private volatile long completedBytes;

    long lastOutboundNanos;
    long lastProgressNanos;
    private long observedConsumed;
    long lastInboundNanos;
    long rateWindowStart;
    int rateWindowCount;
    int dirtySubs;
    boolean closing;
    boolean needsFlush;
    long messagesSent;
    long conflated;

    ClientSession(
        final long id,
        final WsEndpoint endpoint,
        final Principal principal,
        final int maxFramesInFlight,
        final long now)
    {
        this.id = id;
        this.endpoint = endpoint;
        this.principal = principal;
        this.core = endpoint.core();
        this.remote = String.valueOf(core.getRemoteAddress());
        int capacity = 1;
        while (capacity < maxFramesInFlight)
        {
            capacity <<= 1;
        }
        ring = new long[capacity];
        mask = capacity - 1;
        lastOutboundNanos = now;
        lastInboundNanos = now;
        lastProgressNanos = now;
        rateWindowStart = now;
    }

    long bytesInFlight()
    {
        return queuedBytes - completedBytes;
    }

    /**
     * @return true if Jetty completed a frame since the last call.
     */
    boolean progressed()
    {
        final long c = consumed;
        if (c != observedConsumed)
        {
            observedConsumed = c;
            return true;
        }
        return false;
    }

    int framesInFlight()
    {
        return (int)(produced - consumed);
    }

    /**
     * @return the most frames that can be in flight (maxFramesInFlight rounded up to a power of two).
     */
    int ringCapacity()
    {
        return ring.length;
    }

    boolean ringFull()
    {
        return produced - consumed >= ring.length;
    }

    /**
     * Queues one text frame (batched: written with the next {@link #flush()}).
     *
     * @param payload a buffer whose remaining bytes are the message; it must not change until sent.
     */
    void send(final ByteBuffer payload, final long now)
    {
        final int length = payload.remaining();
        ring[(int)(produced & mask)] = length;
        produced++;
        queuedBytes += length;
        messagesSent++;
        lastOutboundNanos = now;
        core.sendFrame(new Frame(OpCode.TEXT, payload), this, true);
    }

    void flush()
    {
        core.flush(Callback.NOOP);
    }

    /**
     * Jetty: a frame was written (or failed because the connection went away); frames complete in order.
     */
    @Override
    public void succeeded()
    {
        final long c = consumed;
        completedBytes = completedBytes + ring[(int)(c & mask)];
        consumed = c + 1;
    }

    @Override
    public void failed(final Throwable x)
    {
        succeeded();
    }

    void close(final int code, final String reason)
    {
        if (!closing)
        {
            closing = true;
            core.close(code, reason, Callback.NOOP);
        }
    }
}
