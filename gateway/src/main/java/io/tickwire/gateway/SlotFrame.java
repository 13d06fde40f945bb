package io.tickwire.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;

import java.nio.ByteBuffer;

/**
 * A reusable outgoing frame of one session, with the {@link OutgoingEntry} that carries it to Jetty. A session
 * reuses a slot only after Jetty completed the frame that last used it (see {@link ClientSession}); Jetty
 * copies the entry's fields when the frame is sent and keeps only the frame, until it completes the callback.
 */
final class SlotFrame extends Frame
{
    final OutgoingEntry entry;

    SlotFrame(final Callback callback)
    {
        super(OpCode.TEXT);
        entry = new OutgoingEntry.Builder(this, callback).batch(true).build();
    }

    /**
     * Points this frame at the next message.
     */
    void reuse(final byte opCode, final ByteBuffer payload)
    {
        setOpCode(opCode);
        setPayload(payload);
    }
}
