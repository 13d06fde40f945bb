package io.tickwire.app;

import io.tickwire.engine.EngineConfig;
import io.tickwire.gateway.GatewayConfig;
import io.tickwire.gateway.GatewayServer;
import io.tickwire.replay.ReplayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tickwire gateway}: a gateway in its own process, subscribed to an engine's bus.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run a WebSocket gateway fed by an engine's Aeron bus (needs a media driver at --aeron-dir).",
    footer = {
        "%nExamples:",
        "  tickwire gateway --aeron-dir /dev/shm/aeron --journal ./data/journal --port 8081",
        "      same host as the engine: starts from the journal and fills any bus gap from it",
        "  tickwire gateway --aeron-dir /dev/shm/aeron --channel 'aeron:udp?endpoint=0.0.0.0:40456' --port 8081",
        "      another host: the engine publishes to this endpoint (tickwire engine --channel ...)",
        "  tickwire gateway --aeron-dir /dev/shm/aeron --channel 'aeron:udp?endpoint=0.0.0.0:40456' \\",
        "      --ingress-channel 'aeron:udp?endpoint=engine-host:40123' --gateway-id 3 --jwt-secret-file jwt.key",
        "      another host, with order entry for tokens with \"trade\": true (tickwire engine --ingress-channel",
        "      'aeron:udp?endpoint=0.0.0.0:40123')",
        "  tickwire gateway --aeron-dir /dev/shm/aeron --channel 'aeron:udp?endpoint=0.0.0.0:40456' \\",
        "      --replay-channel 'aeron:udp?endpoint=engine-host:40460' \\",
        "      --replay-response-channel 'aeron:udp?endpoint=this-host:40461'",
        "      another host, no journal: starts from the state the engine's replay service replays (tickwire engine",
        "      --replay-channel 'aeron:udp?endpoint=0.0.0.0:40460'), fills bus gaps and serves resumes from it"
    })
final class GatewayCommand implements Callable<Integer>
{
    @Option(names = "--aeron-dir", paramLabel = "DIR", required = true, description = "Aeron media driver directory")
    String aeronDir;

    @Option(names = "--channel", paramLabel = "URI", defaultValue = "aeron:ipc",
        description = "Aeron channel of the market-data bus. Default: ${DEFAULT-VALUE}")
    String channel;

    @Option(names = "--stream", paramLabel = "ID", defaultValue = "20", description = "Bus stream id. Default: ${DEFAULT-VALUE}")
    int stream;

    @Option(names = "--journal", paramLabel = "DIR",
        description = "The engine's journal, when on this host: start from it and fill bus gaps from it")
    Path journal;

    @Option(names = "--replay-channel", paramLabel = "URI",
        description = "Request channel of the engine's replay service (the engine's --replay-channel), for a gateway "
            + "without --journal: start from the journal's state and fill bus gaps from it. Default: not used")
    String replayChannel;

    @Option(names = "--replay-stream", paramLabel = "ID", defaultValue = "" + ReplayServer.DEFAULT_REQUEST_STREAM,
        description = "Request stream id of the replay service. Default: ${DEFAULT-VALUE}")
    int replayStream;

    @Option(names = "--replay-response-channel", paramLabel = "URI", defaultValue = "aeron:ipc",
        description = "Where the replay service answers: a UDP endpoint of this host when the engine is elsewhere. "
            + "Default: ${DEFAULT-VALUE}")
    String replayResponseChannel;

    @Option(names = "--replay-response-stream", paramLabel = "ID",
        defaultValue = "" + (ReplayServer.DEFAULT_REQUEST_STREAM + 1),
        description = "Stream id of the replay service's answers. Default: ${DEFAULT-VALUE}")
    int replayResponseStream;

    @Option(names = "--gap-fill-timeout-ms", paramLabel = "MS", defaultValue = "2000",
        description = "A fill from the replay service gives up when nothing comes for this long (streams are then "
            + "reset with snapshots); a replay service silent this long (status probes, replays) makes resumes answer "
            + "recovered:false until the service answers again. Default: ${DEFAULT-VALUE}")
    long gapFillTimeoutMs;

    @Option(names = "--replay-resume-streams", paramLabel = "N", defaultValue = "8",
        description = "Resumes through the replay service: trade replays streaming at once, each on its own response "
            + "stream after --replay-response-stream + 1 (the status probes'); 0: resumes are not served through "
            + "the service (recovered:false). Default: ${DEFAULT-VALUE}")
    int replayResumeStreams;

    @Option(names = "--ingress-channel", paramLabel = "URI", defaultValue = "aeron:ipc",
        description = "Aeron channel of the engine's inputs, where orders go (the engine's --ingress-channel); "
            + "none: no order entry. Default: ${DEFAULT-VALUE}")
    String ingressChannel;

    @Option(names = "--ingress-stream", paramLabel = "ID", defaultValue = "10",
        description = "Stream id of the engine's inputs. Default: ${DEFAULT-VALUE}")
    int ingressStream;

    @picocli.CommandLine.Mixin
    GatewayOptions gatewayOptions = new GatewayOptions();

    @Option(names = "--idle", paramLabel = "KIND", defaultValue = "BACKOFF",
        description = "Idle strategy of the gateway agent: BACKOFF, SPIN, SLEEP. Default: ${DEFAULT-VALUE}")
    EngineConfig.Idle idle;

    @Override
    public Integer call() throws Exception
    {
        if (!Files.isDirectory(Path.of(aeronDir)))
        {
            throw new IllegalArgumentException("--aeron-dir " + aeronDir + ": no media driver directory there");
        }
        if (journal != null && !Files.isDirectory(journal))
        {
            throw new IllegalArgumentException("--journal " + journal + ": no such directory");
        }
        if (replayChannel != null && journal != null)
        {
            throw new IllegalArgumentException("--replay-channel is for a gateway without --journal");
        }
        if (replayResumeStreams < 0)
        {
            throw new IllegalArgumentException("--replay-resume-streams must be 0 or more, got " + replayResumeStreams);
        }
        if (gapFillTimeoutMs < 1)
        {
            throw new IllegalArgumentException("--gap-fill-timeout-ms must be positive, got " + gapFillTimeoutMs);
        }
        final GatewayConfig config = gatewayOptions.apply(new GatewayConfig(), false, 2);
        config.aeronDirectory = aeronDir;
        config.busChannel = channel;
        config.busStreamId = stream;
        config.ingressChannel = "none".equals(ingressChannel) ? null : ingressChannel;
        config.ingressStreamId = ingressStream;
        config.journalDirectory = journal;
        config.replayChannel = replayChannel;
        config.replayStreamId = replayStream;
        config.replayResponseChannel = replayResponseChannel;
        config.replayResponseStreamId = replayResponseStream;
        config.gapFillTimeout = java.time.Duration.ofMillis(gapFillTimeoutMs);
        config.replayResumeStreams = replayResumeStreams;
        config.idle = idle;
        try (GatewayServer gateway = GatewayServer.launch(config))
        {
            Banner.gateway(System.out, gateway);
            ShutdownSignal.await();
        }
        return 0;
    }
}
