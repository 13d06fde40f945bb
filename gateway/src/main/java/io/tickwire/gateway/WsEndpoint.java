package io.tickwire.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jetty's side of one connection. Runs on Jetty threads and touches no gateway state: it reassembles text
 * messages (bounded), checks UTF-8, and hands each message to the gateway agent's queue. Requests are JSON
 * text in both protocols, so binary messages from the client are refused in both (1003). It carries the
 * connection's {@link Principal}
 * (established at upgrade) to the agent, and releases the connection's {@link ConnectionLimiter.Admission}
 * when Jetty reports it closed.
 */
final class WsEndpoint implements FrameHandler
{
    private final GatewayAgent agent;
    private final int maxMessageBytes;
    private final Principal principal;
    private final ConnectionLimiter.Admission admission;
    private final WireFormat format;
    /** Pongs queued in Jetty and not yet written, at most. */
    static final int MAX_PONGS_IN_FLIGHT = 32;
    private CoreSession core;
    private byte[] assembly = new byte[256];
    private int assembled;
    private boolean inText;
    private final AtomicInteger pongsInFlight = new AtomicInteger();
    private final Callback pongDone =
        Callback.from(pongsInFlight::decrementAndGet, failure -> pongsInFlight.decrementAndGet());

    WsEndpoint(
        final GatewayAgent agent,
        final int maxMessageBytes,
        final Principal principal,
        final ConnectionLimiter.Admission admission,
        final WireFormat format)
    {
        this.format = format;
        this.agent = agent;
        this.maxMessageBytes = maxMessageBytes;
        this.principal = principal;
        this.admission = admission;
    }

    Principal principal()
    {
        return principal;
    }

    WireFormat format()
    {
        return format;
    }

    CoreSession core()
    {
        return core;
    }

    @Override
    public void onOpen(final CoreSession coreSession, final Callback callback)
    {
        core = coreSession;
        callback.succeeded();
        if (!agent.enqueueOpen(this))
        {
            coreSession.close(CloseCodes.TRY_AGAIN_LATER, "gateway busy", Callback.NOOP);
            return;
        }
        coreSession.demand();
    }

    @Override
    public void onFrame(final Frame frame, final Callback callback)
    {
        final byte opCode = frame.getOpCode();
        switch (opCode)
        {
            case OpCode.TEXT:
            case OpCode.CONTINUATION:
                if (opCode == OpCode.TEXT)
                {
                    inText = true;
                    assembled = 0;
                }
                else if (!inText)
                {
                    callback.succeeded();
                    core.close(CloseStatus.PROTOCOL, "continuation without a message", Callback.NOOP);
                    return;
                }
                if (!append(frame.getPayload()))
                {
                    callback.succeeded();
                    core.close(CloseStatus.MESSAGE_TOO_LARGE, "message over " + maxMessageBytes + " bytes", Callback.NOOP);
                    return;
                }
                if (frame.isFin())
                {
                    inText = false;
                    final String text = decode();
                    if (text == null)
                    {
                        callback.succeeded();
                        core.close(CloseStatus.BAD_PAYLOAD, "invalid UTF-8", Callback.NOOP);
                        return;
                    }
                    if (!agent.enqueueText(this, text))
                    {
                        callback.succeeded();
                        core.close(CloseCodes.TRY_AGAIN_LATER, "gateway busy", Callback.NOOP);
                        return;
                    }
                }
                break;
            case OpCode.BINARY:
                callback.succeeded();
                core.close(CloseStatus.BAD_DATA, format == WireFormat.JSON ?
                    "binary messages are not part of the JSON protocol" :
                    "binary messages from clients are not part of tickwire.sbe.v1; send requests as JSON text",
                    Callback.NOOP);
                return;
            case OpCode.PING:
                pong(frame.getPayload());
                break;
            default:
                break; // PONG is ignored, CLOSE is handled by Jetty's session
        }
        callback.succeeded();
        core.demand();
    }

    /**
     * Answers a ping with a pong carrying its payload (Jetty's core session leaves that to the frame handler). The
     * pong goes through Jetty's frame queue, ahead of data frames not yet written and never inside one. At most
     * {@link #MAX_PONGS_IN_FLIGHT} are queued: a ping beyond that gets no pong (RFC 6455 5.5.3 allows answering
     * only the latest ping), so a client sending pings without reading cannot grow the queue.
     */
    private void pong(final ByteBuffer ping)
    {
        if (pongsInFlight.incrementAndGet() > MAX_PONGS_IN_FLIGHT)
        {
            pongsInFlight.decrementAndGet();
            return;
        }
        final ByteBuffer payload = ByteBuffer.allocate(ping == null ? 0 : ping.remaining());
        if (ping != null)
        {
            payload.put(ping.slice()).flip();
        }
        core.sendFrame(new Frame(OpCode.PONG, true, payload), pongDone, false);
    }

    private boolean append(final ByteBuffer payload)
    {
        if (payload == null)
        {
            return true;
        }
        final int length = payload.remaining();
        if (assembled + length > maxMessageBytes)
        {
            return false;
        }
        if (assembled + length > assembly.length)
        {
            assembly = java.util.Arrays.copyOf(assembly, Math.min(maxMessageBytes, Math.max(assembly.length * 2, assembled + length)));
        }
        payload.get(assembly, assembled, length);
        assembled += length;
        return true;
    }

    private String decode()
    {
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        try
        {
            final CharBuffer chars = decoder.decode(ByteBuffer.wrap(assembly, 0, assembled));
            return chars.toString();
        }
        catch (final CharacterCodingException ex)
        {
            return null;
        }
    }

    @Override
    public void onError(final Throwable cause, final Callback callback)
    {
        callback.succeeded();
    }

    @Override
    public void onClosed(final CloseStatus closeStatus, final Callback callback)
    {
        // Closed before the release: the agent sees this session go before any session admitted in its place.
        agent.enqueueClosed(this);
        admission.release();
        callback.succeeded();
    }
}
