package io.tickwire.client;

/**
 * The wire format a client speaks with the gateway, chosen with {@link ClientConfig#protocol(WireProtocol)}.
 * Both carry the same messages with the same {@code seq} and {@code prev} (one sequence model), so the client
 * behaves the same with either: same listener calls, same resume, checksums and resync. Requests and their
 * replies are JSON text in both.
 */
public enum WireProtocol
{
    /**
     * The binary subprotocol {@code tickwire.sbe.v1} (docs/protocol-sbe.md), the default: market data and
     * heartbeats in SBE, a third of JSON's size and decoded without allocating or parsing text.
     */
    SBE
    {
        @Override
        WireCodec newCodec()
        {
            return new SbeWireCodec();
        }
    },

    /** The JSON text protocol of docs/protocol.md (subprotocol {@code json}): readable, in a packet capture too. */
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
