package io.tickwire.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;

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
 * <p>
 * Frames: a connection without WebSocket extensions reuses {@link SlotFrame}s (a frame and its Jetty entry):
 * the frame of the k-th send is slot {@code k mod slots}, reused only when Jetty has completed send
 * {@code k - slots}; the slots grow (powers of two, at most the ring's capacity) to the most frames this
 * connection has had in flight. A connection with an extension (permessage-deflate rewrites frames) gets a new
 * {@link Frame} per send.
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
    /** How market data is encoded on this connection. */
    final WireFormat format;
    private final boolean reuseFrames;
    private SlotFrame[] slots = new SlotFrame[2];

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
    /** Order entry state, created by {@link OrderEntry} at the session's first order or cancel; null before. */
    TradingState trading;

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
        this.format = endpoint.format();
        this.core = endpoint.core();
        final java.util.List<?> extensions = core.getNegotiatedExtensions();
        this.reuseFrames = extensions == null || extensions.isEmpty();
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
     * Queues one frame (batched: written with the next {@link #flush()}).
     *
     * @param payload a buffer whose remaining bytes are the message, for this send only (Jetty consumes its
     *                position); its bytes must not change until sent.
     * @param opCode  text or binary.
     */
    void send(final ByteBuffer payload, final byte opCode, final long now)
    {
        final int length = payload.remaining();
        final long k = produced;
        ring[(int)(k & mask)] = length;
        produced = k + 1;
        queuedBytes += length;
        messagesSent++;
        lastOutboundNanos = now;
        if (reuseFrames)
        {
            final SlotFrame frame = slot(k);
            frame.reuse(opCode, payload);
            core.sendFrame(frame.entry);
        }
        else
        {
            core.sendFrame(new Frame(opCode, payload), this, true);
        }
    }

    /**
     * @return the slot of send {@code k}; every send before {@code k - slots.length} has completed.
     */
    private SlotFrame slot(final long k)
    {
        if (k - consumed >= slots.length)
        {
            growSlots(k);
        }
        final int index = (int)(k & (slots.length - 1));
        SlotFrame frame = slots[index];
        if (frame == null)
        {
            frame = new SlotFrame(this);
            slots[index] = frame;
        }
        return frame;
    }

    private void growSlots(final long k)
    {
        final SlotFrame[] old = slots;
        final SlotFrame[] grown = new SlotFrame[old.length * 2];
        final long c = consumed;
        for (long i = c; i < k; i++)
        {
            grown[(int)(i & (grown.length - 1))] = old[(int)(i & (old.length - 1))]; // still in flight: keep
        }
        slots = grown;
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
