package io.tickwire.gateway;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

import java.util.List;

/**
 * Accepts a WebSocket upgrade on {@code /stream}: no subprotocol or {@code json} selects the JSON protocol.
 * Runs on a Jetty thread; it only creates the endpoint.
 */
final class Negotiator implements WebSocketNegotiator
{
    private final GatewayAgent agent;
    private final GatewayConfig config;

    Negotiator(final GatewayAgent agent, final GatewayConfig config)
    {
        this.agent = agent;
        this.config = config;
    }

    @Override
    public FrameHandler negotiate(
        final ServerUpgradeRequest request, final ServerUpgradeResponse response, final Callback callback)
    {
        final List<String> offered = request.getSubProtocols();
        if (offered != null && !offered.isEmpty())
        {
            if (!offered.contains("json"))
            {
                response.setStatus(400);
                callback.succeeded();
                return null;
            }
            response.setAcceptedSubProtocol("json");
        }
        return new WsEndpoint(agent, config.maxInboundMessageBytes);
    }
}
