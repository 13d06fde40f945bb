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
 * Outbound accounting: every message queued records its payload length in a single-producer single-consumer
 * ring; Jetty completes a session's writes in order, and each completed message pops one length. So
 * {@link #bytesInFlight()} is exact (queued and not yet written, including messages still in the session's own
 * buffer) and the ring's capacity bounds the messages in flight, with no allocation per send. The ring starts at
 * {@link #INITIAL_RING} slots and doubles (on the agent thread) when a message finds it full below that capacity,
 * so an idle or keeping-up session holds a few hundred bytes of it, not {@code maxFramesInFlight} x 16 bytes; it is
 * never shrunk.
 * <p>
 * Send path (a connection without WebSocket extensions): each message is framed (header and payload) into the
 * session's write buffer as it is queued, and {@link #flush()} hands the whole buffer to Jetty as ONE entry
 * ({@link BatchFrame}), so a duty cycle costs one pass through Jetty's frame flusher and one socket write per
 * session for up to {@link #WRITE_TARGET} bytes of messages (a cycle with more makes a write per 4 KiB). Up to {@link #WRITES} - 1 such writes may be queued in Jetty
 * (written one after the other as the socket takes them, with no help from the agent); beyond that (the socket
 * is full), later messages gather in the buffer being filled and go as one write once a buffer is free
 * ({@link #flush()} returns false meanwhile and the agent retries each cycle). On close, what is buffered is
 * handed over first, so Jetty's close frame follows every message queued before it. The buffers grow (doubling)
 * to the largest write the session needed and are never shrunk.
 * <p>
 * A connection with an extension (permessage-deflate rewrites frames) gets one {@link Frame} per message, with
 * its own copy of the payload, through Jetty's batching.
 */
final class ClientSession implements Callback
{
    /** Initial size of each of a session's write buffers. */
    static final int INITIAL_WRITE_BUFFER = 2048;
    /** Write buffers per session (a power of two): one being filled, the others in flight in Jetty's queue. */
    static final int WRITES = 4;
    private static final int WRITE_MASK = WRITES - 1;
    /**
     * A write is handed over as soon as it holds this many bytes and a buffer is free (as Jetty's 4 KiB batch
     * buffer did), so a write in flight, which counts whole until Jetty completes it, stays small.
     */
    static final int WRITE_TARGET = 4096;
    private static final int MAX_HEADER = 10;
    /** Slots of a new session's in-flight ring (a power of two); it grows to maxFramesInFlight as needed. */
    static final int INITIAL_RING = 16;

    final long id;
    final WsEndpoint endpoint;
    final CoreSession core;
    final List<StreamSub> subs = new ArrayList<>();
    final String remote;
    /** Who the connection is and what it may subscribe to, as verified at upgrade. */
    final Principal principal;
    /** How market data is encoded on this connection. */
    final WireFormat format;
    private final boolean batched;

    /**
     * The messages in flight, two longs per slot: payload length at {@code 2 * slot}, the agent's clock when it was
     * queued at {@code 2 * slot + 1}. Replaced by a larger copy when it grows: volatile, so Jetty's completion side
     * reads the current array (or the one before, whose slots not yet consumed hold the same values).
     */
    private volatile long[] ring;
    /** The most messages in flight: maxFramesInFlight rounded up to a power of two. */
    private final int capacity;
    private final SendLatencyHistogram sendLatency;
    private long produced;
    private volatile long consumed;
    private long queuedBytes;
    private volatile long completedBytes;

    /**
     * Write buffers by write number (mod {@link #WRITES}); the one of {@link #writesSubmitted} is being filled and
     * is never in flight (at most {@code WRITES - 1} writes are, except after a close).
     */
    private final ByteBuffer[] buffers = new ByteBuffer[WRITES];
    private final BatchFrame[] frames = new BatchFrame[WRITES];
    /** Messages in each write (by write number mod {@link #WRITES}), read by the completion callback. */
    private final int[] writeMessages = new int[WRITES];
    private long writesSubmitted;
    private volatile long writesCompleted;
    private int bufferedMessages;
    private byte firstOpCode;
    private int firstLength;
    private int firstHeader;

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
        final long now,
        final SendLatencyHistogram sendLatency)
    {
        this.id = id;
        this.endpoint = endpoint;
        this.principal = principal;
        this.format = endpoint.format();
        this.core = endpoint.core();
        final java.util.List<?> extensions = core.getNegotiatedExtensions();
        this.batched = extensions == null || extensions.isEmpty();
        if (batched)
        {
            for (int i = 0; i < WRITES; i++)
            {
                buffers[i] = ByteBuffer.allocateDirect(INITIAL_WRITE_BUFFER);
                frames[i] = new BatchFrame(this);
            }
        }
        this.remote = String.valueOf(core.getRemoteAddress());
        int slots = 1;
        while (slots < maxFramesInFlight)
        {
            slots <<= 1;
        }
        capacity = slots;
        ring = new long[2 * Math.min(INITIAL_RING, slots)];
        this.sendLatency = sendLatency;
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
        return capacity;
    }

    boolean ringFull()
    {
        return produced - consumed >= capacity;
    }

    /**
     * Queues one message: framed into the session's write buffer (sent by the next {@link #flush()}), or, on a
     * connection with extensions, handed to Jetty as a batched frame.
     *
     * @param payload the message: its remaining bytes, read without moving its position; they are copied, so
     *                the buffer may be reused as soon as this returns.
     * @param opCode  text or binary.
     */
    void send(final ByteBuffer payload, final byte opCode, final long now)
    {
        final int length = payload.remaining();
        final long k = produced;
        long[] r = ring;
        if (k - consumed >= r.length >> 1)
        {
            r = growRing(r, k); // below capacity: callers check ringFull() first
        }
        final int slot = (int)(k & ((r.length >> 1) - 1)) << 1;
        r[slot] = length;
        r[slot + 1] = now;
        produced = k + 1;
        queuedBytes += length;
        messagesSent++;
        lastOutboundNanos = now;
        if (batched)
        {
            final int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : MAX_HEADER;
            if (bufferedMessages > 0 && buffers[(int)(writesSubmitted & WRITE_MASK)].position() >= WRITE_TARGET &&
                writesSubmitted + 1 - writesCompleted < WRITES)
            {
                submit(); // a full write: hand it over now, the cycle's next messages start the next one
            }
            if (bufferedMessages == 0)
            {
                buffers[(int)(writesSubmitted & WRITE_MASK)].clear(); // its last write has completed
            }
            final ByteBuffer out = writable(header + length);
            if (bufferedMessages == 0)
            {
                firstOpCode = opCode;
                firstLength = length;
                firstHeader = header;
            }
            bufferedMessages++;
            int at = out.position();
            out.put(at++, (byte)(0x80 | opCode)); // FIN, no RSV bits, unmasked (a server's frame)
            if (header == 2)
            {
                out.put(at++, (byte)length);
            }
            else if (header == 4)
            {
                out.put(at++, (byte)126);
                out.putShort(at, (short)length);
                at += 2;
            }
            else
            {
                out.put(at++, (byte)127);
                out.putLong(at, length);
                at += 8;
            }
            out.put(at, payload, payload.position(), length);
            out.position(at + length);
        }
        else
        {
            final ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, payload, payload.position(), length);
            core.sendFrame(new Frame(opCode, copy), this, true);
        }
    }

    /**
     * Doubles the ring, copying the messages in flight to their slots in the new one, and publishes it. Jetty's
     * completion side may still be reading the old array: it reads only messages queued before now, whose slots
     * in the old array are never written again.
     */
    private long[] growRing(final long[] old, final long produced)
    {
        final int oldMask = (old.length >> 1) - 1;
        final long[] grown = new long[old.length << 1];
        final int mask = (grown.length >> 1) - 1;
        for (long m = consumed; m < produced; m++)
        {
            final int from = (int)(m & oldMask) << 1;
            final int to = (int)(m & mask) << 1;
            grown[to] = old[from];
            grown[to + 1] = old[from + 1];
        }
        ring = grown;
        return grown;
    }

    /**
     * @return the buffer being filled, with room for {@code bytes} more.
     */
    private ByteBuffer writable(final int bytes)
    {
        final int index = (int)(writesSubmitted & WRITE_MASK);
        final ByteBuffer out = buffers[index];
        if (out.remaining() >= bytes)
        {
            return out;
        }
        int capacity = out.capacity();
        while (capacity - out.position() < bytes)
        {
            capacity = Math.multiplyExact(capacity, 2);
        }
        final ByteBuffer grown = ByteBuffer.allocateDirect(capacity); // not in flight: free to replace
        out.flip();
        grown.put(out);
        buffers[index] = grown;
        return grown;
    }

    /**
     * Hands what is buffered to Jetty as one write (Jetty queues it behind this session's writes in flight),
     * unless {@code WRITES - 1} writes are in flight already.
     *
     * @return false if messages remain buffered (every other buffer is in flight): call again in a later cycle.
     */
    boolean flush()
    {
        if (!batched)
        {
            core.flush(Callback.NOOP);
            return true;
        }
        if (bufferedMessages == 0)
        {
            return true;
        }
        if (writesSubmitted + 1 - writesCompleted >= WRITES)
        {
            return false;
        }
        submit();
        return true;
    }

    private void submit()
    {
        final long w = writesSubmitted;
        final int index = (int)(w & WRITE_MASK);
        final ByteBuffer out = buffers[index];
        out.flip();
        out.position(firstHeader); // Jetty writes the first message's header itself
        writeMessages[index] = bufferedMessages;
        bufferedMessages = 0;
        final BatchFrame frame = frames[index];
        frame.reuse(firstOpCode, firstLength, out);
        writesSubmitted = w + 1;
        core.sendFrame(frame.entry);
    }

    /**
     * Jetty: a write was done (or failed because the connection went away); writes complete in order. Pops the
     * messages of that write (one message on a connection with extensions).
     */
    @Override
    public void succeeded()
    {
        final long w = writesCompleted;
        final int messages = batched ? writeMessages[(int)(w & WRITE_MASK)] : 1;
        final long now = sendLatency != null ? System.nanoTime() : 0;
        final long[] r = ring;
        final int mask = (r.length >> 1) - 1;
        long c = consumed;
        long bytes = completedBytes;
        for (int i = 0; i < messages; i++)
        {
            final int slot = (int)(c & mask) << 1;
            bytes += r[slot];
            if (sendLatency != null)
            {
                sendLatency.record(now - r[slot + 1]);
            }
            c++;
        }
        completedBytes = bytes;
        consumed = c;
        if (batched)
        {
            writesCompleted = w + 1;
        }
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
            if (batched && bufferedMessages > 0)
            {
                submit(); // before the close frame; the last write
            }
            core.close(code, reason, Callback.NOOP);
        }
    }
}
