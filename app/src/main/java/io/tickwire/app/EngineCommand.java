package io.tickwire.app;

import io.tickwire.engine.EngineNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tickwire engine}: the engine alone (with or without the simulator, or sequencing a feed file).
 */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = "Run the engine alone: it journals every input and publishes on the Aeron bus.",
    footer = {
        "%nExamples:",
        "  tickwire engine --rate 2000                     simulated market at 2000 inputs/s",
        "  tickwire engine --rate 0                        no simulator: inputs come on the ingress stream",
        "  tickwire engine --feed ticks.ndjson --rate 0    sequence an external tick file (docs/feed-format.md)"
    })
final class EngineCommand implements Callable<Integer>
{
    @Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--rate", paramLabel = "N", defaultValue = "1000",
        description = "Simulator inputs per second; 0 for none. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = "--feed", paramLabel = "FILE",
        description = "An NDJSON or CSV tick file to sequence into a new journal (the simulator is off)")
    Path feed;

    private static void reportFeed(final EngineNode node)
    {
        while (!node.feed().done())
        {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
        if (node.feed().failure() != null)
        {
            System.err.println("tickwire: feed stopped after " + node.feed().sent() + " inputs: " +
                node.feed().failure().getMessage());
        }
        else
        {
            System.out.println("feed done: " + node.feed().sent() + " inputs sequenced; the engine keeps serving (Ctrl-C stops)");
        }
    }

    @Override
    public Integer call() throws Exception
    {
        if (feed != null && !Files.isReadable(feed))
        {
            throw new IllegalArgumentException("--feed " + feed + " is not a readable file");
        }
        final io.tickwire.engine.EngineConfig config = engine.toConfig(feed != null ? 0 : rate).feedFile(feed);
        if (feed != null)
        {
            config.instruments(java.util.List.of()); // a feed file defines its own instruments
        }
        try (EngineNode node = EngineNode.launch(config))
        {
            Banner.engine(System.out, node, engine.replayService());
            if (node.feed() != null)
            {
                final Thread reporter = new Thread(() -> reportFeed(node), "tickwire-feed-report");
                reporter.setDaemon(true);
                reporter.start();
            }
            ShutdownSignal.await();
        }
        return 0;
    }
}
