package io.tickwire.client;

import java.net.URI;

/**
 * A change of the client's connection, passed to {@link TickwireListener#onStatus}.
 *
 * @param state       the new state.
 * @param url         the gateway concerned (being connected to, connected, or lost).
 * @param attempt     consecutive failed attempts so far (0 once a connection is established).
 * @param closeCode   the WebSocket close code that ended the connection ({@code RECONNECTING}), -1 if none (a
 *                    failed connect, a dropped TCP connection, a heartbeat timeout).
 * @param reason      the close reason or the error, empty if none.
 * @param delayMillis for {@code RECONNECTING}: when the next attempt starts.
 * @param subprotocol for {@code CONNECTED} and {@code RESUMED}: the subprotocol the gateway selected
 *                    ({@code tickwire.sbe.v1} or {@code json}; empty if it selected none, as a gateway that
 *                    predates subprotocols does: it speaks JSON, which the client then reads); empty otherwise.
 */
public record StatusEvent(
    ConnectionState state, URI url, int attempt, int closeCode, String reason, long delayMillis, String subprotocol)
{
}
