package io.tickwire.perf.rig;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes read from one rig connection and not yet parsed, {@code buf[start, end)}: the base of the fan-out and
 * idle clients' connections. Touched by the connection's reader thread only.
 */
abstract class InboundBytes
{
    byte[] buf;
    int start;
    int end;

    InboundBytes(final int capacity)
    {
        buf = new byte[capacity];
    }

    /**
     * Appends what a read put into {@code filled} (flipped here), moving the unparsed bytes to the front of the array
     * first, and doubling it when they still do not fit.
     */
    final void append(final ByteBuffer filled)
    {
        filled.flip();
        final int n = filled.remaining();
        if (buf.length - end < n)
        {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
            if (buf.length - end < n)
            {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + n));
            }
        }
        filled.get(buf, end, n);
        end += n;
    }
}
