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
 * Outbound accounting: every message queued records its queue time in a single-producer single-consumer ring
 * (and, on a connection with extensions, its payload length); Jetty completes a session's writes in order, and
 * each completed write pops its messages and adds its bytes (each write's message count and payload bytes are
 * kept per write buffer). So {@link #bytesInFlight()} is exact (queued and not yet written, including messages
 * still in the session's own buffer) and the ring's capacity bounds the messages in flight, with no allocation
 * per send. The ring starts at {@link #INITIAL_RING} slots and doubles (on the agent thread) when a message finds
 * it full below that capacity, so an idle or keeping-up session holds a few hundred bytes of it, not
 * {@code maxFramesInFlight} x 8 bytes (x 16 with extensions); it is never shrunk.
 * <p>
 * Send path (a connection without WebSocket extensions): each message is framed (header and payload) into the
 * session's write buffer as it is queued, and {@link #flush()} hands the whole buffer to Jetty as ONE entry
 * ({@link BatchFrame}), so a duty cycle costs one pass through Jetty's frame flusher and one socket write per
 * session for up to {@link #writeTarget(int)} bytes of messages (a cycle with more makes a write per that many
 * bytes). Up to {@link #WRITES} - 1 such writes may be queued in Jetty
 * (written one after the other as the socket takes them, with no help from the agent); beyond that (the socket
 * is full), later messages gather in the buffer being filled and go as one write once a buffer is free
 * ({@link #flush()} returns false meanwhile and the agent retries each cycle). On close, what is buffered is
 * handed over first, so Jetty's close frame follows every message queued before it. The buffers grow (doubling)
 * to the largest write the session needed and are never shrunk; while every write completes at once (a socket
 * that takes them), the session keeps filling the same buffer, so only that one grows. Only the first buffer is
 * made with the session; the others are made the first time the session has a write in flight while it fills the
 * next (so an idle or keeping-up session holds one buffer of direct memory, not {@link #WRITES}).
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
    /** The smallest and largest write target ({@link #writeTarget(int)}). */
    static final int MIN_WRITE_TARGET = 4096;
    static final int MAX_WRITE_TARGET = 16384;
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
    /** A write is handed over in the middle of a cycle once it holds this many bytes and a buffer is free. */
    private final int writeTarget;

    /**
     * Payload length of each message in flight, by message number; only with extensions (else null). Grows with
     * {@link #queuedAt} (same length, same slots).
     */
    private volatile long[] ring;
    /**
     * The agent's clock when each message in flight was queued, by message number. Replaced by a larger copy when
     * the ring grows: volatile, so Jetty's completion side reads the current array (or the one before, whose slots
     * not yet consumed hold the same values and are never written again).
     */
    private volatile long[] queuedAt;
    private final SendLatencyHistogram sendLatency;
    /** The most messages in flight (maxFramesInFlight rounded up to a power of two), kept in a field so the checks
     * of every delivery do not read an array's header. */
    private final int capacity;
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
    /** Payload bytes of the messages in each write (same slots), read by the completion callback. */
    private final long[] writeBytes = new long[WRITES];
    private long bufferedBytes;
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
    /** In the agent's list of sessions with dirty subscriptions (visited every service pass). */
    boolean inDirtyList;
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
        final int writeTarget,
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
        this.writeTarget = writeTarget;
        if (batched)
        {
            buffers[0] = ByteBuffer.allocateDirect(INITIAL_WRITE_BUFFER); // the others on first need: startWrite
            for (int i = 0; i < WRITES; i++)
            {
                frames[i] = new BatchFrame(this);
            }
        }
        this.remote = String.valueOf(core.getRemoteAddress());
        int capacity = 1;
        while (capacity < maxFramesInFlight)
        {
            capacity <<= 1;
        }
        final int initial = Math.min(INITIAL_RING, capacity);
        ring = batched ? null : new long[initial];
        queuedAt = new long[initial];
        this.sendLatency = sendLatency;
        this.capacity = capacity;
        lastOutboundNanos = now;
        lastInboundNanos = now;
        lastProgressNanos = now;
        rateWindowStart = now;
    }

    /**
     * The bytes at which a session's write is handed over in the middle of a cycle: a quarter of the conflation
     * bound (Jetty completes a write only when all of it is written, and the whole write counts as in flight until
     * then, so a write in flight alone never makes a session conflate), between {@link #MIN_WRITE_TARGET} and
     * {@link #MAX_WRITE_TARGET}.
     *
     * @param conflateAboveBytes the gateway's {@code conflateAboveBytes}.
     */
    static int writeTarget(final int conflateAboveBytes)
    {
        return Math.max(MIN_WRITE_TARGET, Math.min(MAX_WRITE_TARGET, conflateAboveBytes / 4));
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
        long[] times = queuedAt;
        if (k - consumed >= times.length)
        {
            times = growRing(times, k); // below capacity: callers check ringFull() first
        }
        times[(int)(k & (times.length - 1))] = now;
        produced = k + 1;
        queuedBytes += length;
        messagesSent++;
        lastOutboundNanos = now;
        if (batched)
        {
            final int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : MAX_HEADER;
            if (bufferedMessages > 0 && buffers[(int)(writesSubmitted & WRITE_MASK)].position() >= writeTarget &&
                writesSubmitted + 1 - writesCompleted < WRITES)
            {
                submit(); // a full write: hand it over now, the cycle's next messages start the next one
            }
            if (bufferedMessages == 0)
            {
                startWrite();
            }
            final ByteBuffer out = writable(header + length);
            if (bufferedMessages == 0)
            {
                firstOpCode = opCode;
                firstLength = length;
                firstHeader = header;
            }
            bufferedMessages++;
            bufferedBytes += length;
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
            final long[] lengths = ring;
            lengths[(int)(k & (lengths.length - 1))] = length;
            final ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, payload, payload.position(), length);
            core.sendFrame(new Frame(opCode, copy), this, true);
        }
    }

    /**
     * Doubles the ring (queue times, and lengths with extensions), copying the messages in flight to their slots in
     * the new arrays, and publishes them (lengths first). Jetty's completion side may still be reading the old
     * arrays: it reads only messages queued before now, whose slots in the old arrays are never written again.
     */
    private long[] growRing(final long[] old, final long produced)
    {
        final int oldMask = old.length - 1;
        final int size = old.length << 1;
        final int newMask = size - 1;
        final long[] times = new long[size];
        final long[] oldLengths = ring;
        final long[] lengths = oldLengths == null ? null : new long[size];
        for (long m = consumed; m < produced; m++)
        {
            times[(int)(m & newMask)] = old[(int)(m & oldMask)];
            if (lengths != null)
            {
                lengths[(int)(m & newMask)] = oldLengths[(int)(m & oldMask)];
            }
        }
        if (lengths != null)
        {
            ring = lengths;
        }
        queuedAt = times;
        return times;
    }

    /**
     * Clears the buffer of the next write (its last write has completed). With no write in flight, every buffer
     * is free: the one the last write used (already grown to the size this session's writes need) takes the next
     * write's slot, so a session whose writes complete at once fills one buffer and the others stay small (or are
     * never made: a slot's buffer is made the first time that slot is filled while a write is in flight; at most
     * {@link #WRITES} - 1 allocations in a session's life, like the growth of {@link #writable}).
     */
    private void startWrite()
    {
        final long w = writesSubmitted;
        final int index = (int)(w & WRITE_MASK);
        if (w > 0 && w == writesCompleted)
        {
            final int last = (int)((w - 1) & WRITE_MASK);
            final ByteBuffer used = buffers[last];
            buffers[last] = buffers[index];
            buffers[index] = used;
        }
        if (buffers[index] == null)
        {
            buffers[index] = ByteBuffer.allocateDirect(INITIAL_WRITE_BUFFER);
        }
        buffers[index].clear();
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
        int size = out.capacity();
        while (size - out.position() < bytes)
        {
            size = Math.multiplyExact(size, 2);
        }
        final ByteBuffer grown = ByteBuffer.allocateDirect(size); // not in flight: free to replace
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
        writeBytes[index] = bufferedBytes;
        bufferedMessages = 0;
        bufferedBytes = 0;
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
        final long c = consumed;
        final int messages;
        if (batched)
        {
            final int index = (int)(w & WRITE_MASK);
            messages = writeMessages[index];
            completedBytes += writeBytes[index];
        }
        else
        {
            messages = 1;
            final long[] lengths = ring;
            completedBytes += lengths[(int)(c & (lengths.length - 1))];
        }
        if (sendLatency != null)
        {
            final long[] times = queuedAt;
            sendLatency.recordQueued(times, times.length - 1, c, messages, System.nanoTime());
        }
        consumed = c + messages;
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
