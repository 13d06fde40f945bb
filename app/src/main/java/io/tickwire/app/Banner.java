package io.tickwire.app;

import io.tickwire.engine.EngineNode;

import java.io.PrintStream;

/**
 * What a running node prints at start: what is where.
 */
final class Banner
{
    private Banner()
    {
    }

    static void gateway(final PrintStream out, final io.tickwire.gateway.GatewayServer gateway)
    {
        final int port = gateway.port();
        out.printf("tickwire gateway%n");
        out.printf("  websocket    ws://localhost:%d/stream   (JSON protocol: docs/protocol.md)%n", port);
        out.printf("  page         http://localhost:%d/%n", port);
        out.printf("  metrics      http://localhost:%d/metrics   health http://localhost:%d/health%n", port, port);
        out.printf("  bus          %s stream %d%n", gateway.config().busChannel, gateway.config().busStreamId);
        if (gateway.config().ingressChannel != null)
        {
            out.printf("  orders       to %s stream %d, gateway id %d, %s%n", gateway.config().ingressChannel,
                gateway.config().ingressStreamId, gateway.config().gatewayId,
                gateway.config().anonymousTrading ? "any connection may trade (--allow-trading)" :
                    "tokens with \"trade\": true only");
        }
        else
        {
            out.printf("  orders       off%n");
        }
        out.printf("Ctrl-C stops.%n");
        out.flush();
    }

    static void engine(final PrintStream out, final EngineNode node, final String replayService)
    {
        final EngineNode.RecoveryResult r = node.recovery();
        out.printf("tickwire engine%n");
        out.printf("  journal      %s (id %016x, %s%d batches recovered in %d ms, next seq %d)%n",
            node.config().journal().directory().toAbsolutePath(), node.journalId(),
            r.snapshotSeq() > 0 ? "snapshot at seq " + r.snapshotSeq() + " + " : "", r.batches(), r.nanos() / 1_000_000,
            r.nextSeq());
        out.printf("  aeron        %s%s%n", node.aeronDirectory(), node.config().embeddedMediaDriver() ? " (embedded driver)" : "");
        out.printf("  ingress      %s stream %d%n", node.config().ingressChannel(), node.config().ingressStreamId());
        out.printf("  market data  %s stream %d%n", node.config().marketDataChannel(), node.config().marketDataStreamId());
        out.printf("  replay       %s%n", replayService != null ? replayService : "off");
        out.printf("  instruments  %d configured%n", node.config().instruments().size());
        out.printf("  simulator    %s%n", node.config().simulatorRate() > 0 ?
            String.format("%.0f inputs/s, seed %d", node.config().simulatorRate(), node.config().simulatorSeed()) : "off");
        out.flush();
    }
}
