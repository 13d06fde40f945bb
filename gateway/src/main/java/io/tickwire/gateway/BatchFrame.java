package io.tickwire.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;

import java.nio.ByteBuffer;

/**
 * One write of a session's duty cycle, handed to Jetty as a single frame: the frame's header is that of the
 * cycle's first message, and its payload buffer holds that message's payload followed by every later message of
 * the cycle already framed (header and payload, server frames being unmasked).
 * <p>
 * {@link #getPayloadLength()} reports the first message's length only, which is what Jetty 12.1 uses to write
 * the header ({@code Generator.generateHeader}), to check the frame size ({@code FrameValidation}) and to decide
 * on fragmenting ({@code FragmentingFlusher}); its {@code FrameFlusher} then writes the payload buffer whole, in
 * one gathering write with the header, so the bytes on the wire are exactly the cycle's messages, each one
 * WebSocket frame. This holds only for an entry with {@code batch = false} (a batched entry would be copied into
 * Jetty's batch buffer by its length) and on a connection without extensions (an extension rewrites payloads):
 * {@link ClientSession} uses it only there. Jetty's control frames (a close) are queued as whole entries before
 * or after this one, never inside it. {@code SendPathTest} reads the result with real clients.
 */
final class BatchFrame extends Frame
{
    final OutgoingEntry entry;
    private int firstLength;

    BatchFrame(final Callback callback)
    {
        super(OpCode.TEXT);
        entry = new OutgoingEntry.Builder(this, callback).batch(false).build();
    }

    /**
     * @param opCode      the first message's opcode.
     * @param firstLength the first message's payload length.
     * @param bytes       from its position: the first message's payload, then the other messages framed.
     */
    void reuse(final byte opCode, final int firstLength, final ByteBuffer bytes)
    {
        this.firstLength = firstLength;
        setOpCode(opCode);
        setPayload(bytes);
    }

    @Override
    public int getPayloadLength()
    {
        return firstLength;
    }
}
