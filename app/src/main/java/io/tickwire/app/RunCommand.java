package io.tickwire.app;

import io.tickwire.engine.EngineNode;
import io.tickwire.gateway.GatewayConfig;
import io.tickwire.gateway.GatewayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code tickwire run}: the whole system in one JVM.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the whole system in one JVM: embedded media driver, engine with the market simulator, gateway.",
    footer = {
        "%nExamples:",
        "  tickwire run                                 defaults: port 8080, 8 instruments, 1000 inputs/s",
        "  tickwire run --port 9000 --rate 20000 --instruments 50 --seed 1",
        "  tickwire run --journal /var/lib/tickwire/journal",
        "  tickwire run --allow-trading=false          no order entry without a token (it is on for the demo)"
    })
final class RunCommand implements Callable<Integer>
{
    @Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
        description = "Simulator inputs per second; 0 for none. Default: ${DEFAULT-VALUE}")
    double rate;

    @Mixin
    GatewayOptions gatewayOptions = new GatewayOptions();

    @Override
    public Integer call() throws Exception
    {
        final GatewayConfig gatewayConfig = gatewayOptions.apply(new GatewayConfig(), true, 1);
        try (EngineNode node = EngineNode.launch(engine.toConfig(rate)))
        {
            gatewayConfig.aeronDirectory = node.aeronDirectory();
            gatewayConfig.busChannel = node.config().marketDataChannel();
            gatewayConfig.busStreamId = node.config().marketDataStreamId();
            gatewayConfig.ingressChannel = node.config().ingressChannel();
            gatewayConfig.ingressStreamId = node.config().ingressStreamId();
            gatewayConfig.journalDirectory = node.config().journal().directory();
            gatewayConfig.idle = node.config().idle();
            try (GatewayServer gateway = GatewayServer.launch(gatewayConfig))
            {
                Banner.engine(System.out, node, engine.replayService());
                Banner.gateway(System.out, gateway);
                ShutdownSignal.await();
            }
        }
        return 0;
    }
}
