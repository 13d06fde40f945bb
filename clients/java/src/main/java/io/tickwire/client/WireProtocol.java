package io.tickwire.client;

/**
 * The wire format a client speaks with the gateway.
 * <p>
 * Only {@link #JSON} exists in this release: the gateway does not serve the binary SBE subprotocol
 * ({@code tickwire.sbe.v1}) yet. When it does, it becomes another constant here backed by another
 * {@code WireCodec}; nothing else in the client changes (books, checksums, resume and failover work on decoded
 * values).
 */
public enum WireProtocol
{
    /** The JSON text protocol of docs/protocol.md (subprotocol {@code json}). */
    JSON
    {
        @Override
        WireCodec newCodec()
        {
            return new JsonWireCodec();
        }
    };

    abstract WireCodec newCodec();
}
