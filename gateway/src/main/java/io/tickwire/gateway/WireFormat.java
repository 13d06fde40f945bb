package io.tickwire.gateway;

import org.eclipse.jetty.websocket.core.OpCode;

import java.util.List;

/**
 * The two protocols of {@code /stream}, chosen per connection by the WebSocket subprotocol
 * (docs/protocol.md, docs/protocol-sbe.md). They differ only in how market data and heartbeats are
 * encoded; requests and replies are JSON text frames in both, and the sequence model is the same.
 */
enum WireFormat
{
    /** No subprotocol, or {@code json}: JSON text frames. */
    JSON("json", OpCode.TEXT),
    /** {@code tickwire.sbe.v1}: market data and heartbeats as SBE binary frames (schema id 7702). */
    SBE("tickwire.sbe.v1", OpCode.BINARY);

    static final WireFormat[] VALUES = values();

    /** The {@code Sec-WebSocket-Protocol} token. */
    final String subprotocol;
    /** The opcode of market-data frames. */
    final byte opCode;

    WireFormat(final String subprotocol, final byte opCode)
    {
        this.subprotocol = subprotocol;
        this.opCode = opCode;
    }

    /**
     * @param offered the subprotocols the client offered, in its order of preference.
     * @return the first offered one this gateway speaks, or null if none.
     */
    static WireFormat choose(final List<String> offered)
    {
        for (final String name : offered)
        {
            for (final WireFormat format : VALUES)
            {
                if (format.subprotocol.equals(name))
                {
                    return format;
                }
            }
        }
        return null;
    }
}
