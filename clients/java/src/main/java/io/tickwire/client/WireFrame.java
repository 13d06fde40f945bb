package io.tickwire.client;

import java.nio.ByteBuffer;

/**
 * One outbound WebSocket message: a text frame (JSON) or a binary frame (a binary subprotocol).
 *
 * @param text   the text, or null for a binary frame.
 * @param binary the bytes, or null for a text frame.
 */
record WireFrame(String text, ByteBuffer binary)
{
    static WireFrame text(final String text)
    {
        return new WireFrame(text, null);
    }
}
