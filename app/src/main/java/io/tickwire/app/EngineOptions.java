package io.tickwire.app;

import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.replay.ReplayServer;
import io.tickwire.replay.RetentionAgent;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Options shared by the commands that run an engine.
 */
final class EngineOptions
{
    /** The replay service's request channel and stream, or null when it is off (for the banner). */
    String replayService()
    {
        return noReplayService ? null : replayChannel + " stream " + replayStream + " (at most " + maxReplays +
            " replays at once)";
    }

    @Option(names = "--journal", paramLabel = "DIR", defaultValue = "./data/journal",
        description = "Journal directory (created if missing; recovered if it exists). Default: ${DEFAULT-VALUE}")
    Path journal;

    @Option(names = "--roll-cycle", paramLabel = "CYCLE", defaultValue = "FAST_HOURLY",
        description = "Journal roll cycle: FIVE_MINUTELY, TEN_MINUTELY, HALF_HOURLY, FAST_HOURLY, FAST_DAILY, WEEKLY, ... Default: ${DEFAULT-VALUE}")
    String rollCycle;

    @Option(names = "--instruments", paramLabel = "K", defaultValue = "8",
        description = "Simulated instruments to define (1..1000). Default: ${DEFAULT-VALUE}")
    int instruments;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Simulator seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Aeron media driver directory. Default: a fresh one under /dev/shm with an embedded driver")
    String aeronDir;

    @Option(names = "--external-driver", description = "Use an already running media driver at --aeron-dir instead of embedding one")
    boolean externalDriver;

    @Option(names = "--channel", paramLabel = "URI", defaultValue = "aeron:ipc",
        description = "Aeron channel of the market-data bus. Default: ${DEFAULT-VALUE}")
    String channel;

    @Option(names = "--ingress-channel", paramLabel = "URI", defaultValue = "aeron:ipc",
        description = "Aeron channel of engine inputs. Default: ${DEFAULT-VALUE}")
    String ingressChannel;

    @Option(names = "--idle", paramLabel = "KIND", defaultValue = "BACKOFF",
        description = "Idle strategy of agent threads: BACKOFF, SPIN, SLEEP. Default: ${DEFAULT-VALUE}")
    EngineConfig.Idle idle;

    @Option(names = "--instance", paramLabel = "NAME", defaultValue = EngineConfig.DEFAULT_INSTANCE,
        description = "This engine's instance name, recorded with a new journal; a journal of another instance is refused. Default: ${DEFAULT-VALUE}")
    String instance;

    @Option(names = "--accept-foreign-journal",
        description = "Take over a journal recorded for another instance (or with no owner record)")
    boolean acceptForeignJournal;

    @Option(names = "--min-free-disk-mb", paramLabel = "MB", defaultValue = "64",
        description = "Stop taking inputs while the journal's file system has less free space (0: no check). Default: ${DEFAULT-VALUE}")
    long minFreeDiskMb;

    @Option(names = "--retain-cycles", paramLabel = "N", defaultValue = "0",
        description = "Keep only the newest N journal cycle files, deleting older ones as the journal rolls " +
            "(never the cycle of the newest engine snapshot, which a restart needs). 0: keep everything. " +
            "Default: ${DEFAULT-VALUE}")
    int retainCycles;

    @Option(names = "--snapshot-every", paramLabel = "BATCHES", defaultValue = "0",
        description = "Also write an engine state snapshot every BATCHES batches (one is always written at the start " +
            "of each new roll cycle); bounds what a restart re-executes. 0: at rolls only. Default: ${DEFAULT-VALUE}")
    long snapshotEvery;

    @Option(names = "--journal-pretouch-kb", paramLabel = "KB", defaultValue = "8192",
        description = "A thread keeps the journal's pages touched this far ahead of the engine's appends, so that " +
            "the engine thread takes no page faults on them (docs/operations.md). 0: no such thread. " +
            "Default: ${DEFAULT-VALUE}")
    long journalPretouchKb;

    @Option(names = "--replay-channel", paramLabel = "URI", defaultValue = "aeron:ipc",
        description = "Aeron channel the replay service takes requests on (gateways elsewhere: a UDP endpoint of " +
            "this host). Default: ${DEFAULT-VALUE}")
    String replayChannel;

    @Option(names = "--replay-stream", paramLabel = "ID", defaultValue = "" + ReplayServer.DEFAULT_REQUEST_STREAM,
        description = "Request stream id of the replay service. Default: ${DEFAULT-VALUE}")
    int replayStream;

    @Option(names = "--max-replays", paramLabel = "N", defaultValue = "8",
        description = "Replays the replay service streams at once; more get BUSY. Default: ${DEFAULT-VALUE}")
    int maxReplays;

    @Option(names = "--no-replay-service", description = "Do not run the Aeron replay service")
    boolean noReplayService;

    EngineConfig toConfig(final double rate)
    {
        if (maxReplays < 1)
        {
            throw new IllegalArgumentException("--max-replays must be positive, got " + maxReplays);
        }
        if (instruments < 1 || instruments > 1000)
        {
            throw new IllegalArgumentException("--instruments must be 1..1000, got " + instruments);
        }
        if (rate < 0)
        {
            throw new IllegalArgumentException("--rate must not be negative, got " + rate);
        }
        if (Files.exists(journal) && !Files.isDirectory(journal))
        {
            throw new IllegalArgumentException("--journal " + journal + " exists and is not a directory");
        }
        if (externalDriver && aeronDir == null)
        {
            throw new IllegalArgumentException("--external-driver needs --aeron-dir");
        }
        if (minFreeDiskMb < 0)
        {
            throw new IllegalArgumentException("--min-free-disk-mb must not be negative, got " + minFreeDiskMb);
        }
        if (retainCycles < 0)
        {
            throw new IllegalArgumentException("--retain-cycles must not be negative, got " + retainCycles);
        }
        if (snapshotEvery < 0)
        {
            throw new IllegalArgumentException("--snapshot-every must not be negative, got " + snapshotEvery);
        }
        if (journalPretouchKb < 0 || journalPretouchKb > 1024 * 1024)
        {
            throw new IllegalArgumentException("--journal-pretouch-kb must be 0..1048576, got " + journalPretouchKb);
        }
        final EngineConfig config = new EngineConfig();
        if (retainCycles > 0)
        {
            config.addService(node -> RetentionAgent.of(node, retainCycles));
        }
        if (!noReplayService)
        {
            final ReplayServer.Config replay = ReplayServer.Config.defaults(config.limits().maxBatchLength())
                .withRequest(replayChannel, replayStream).withMaxReplays(maxReplays);
            config.addService(node -> new ReplayServer(
                node.aeron(), node.journal(), node.journalId(), replay, new SystemNanoClock()));
        }
        return config
            .instanceName(instance)
            .acceptForeignJournal(acceptForeignJournal)
            .minFreeDiskBytes(minFreeDiskMb * 1024 * 1024)
            .snapshotEveryBatches(snapshotEvery)
            .journalPretouchBytes(journalPretouchKb * 1024)
            .journal(JournalConfig.of(journal).withRollCycle(JournalConfig.parseRollCycle(rollCycle)))
            .instruments(InstrumentSpec.defaults(instruments))
            .simulatorRate(rate)
            .simulatorSeed(seed)
            .aeronDirectory(aeronDir)
            .embeddedMediaDriver(!externalDriver)
            .marketDataChannel(channel)
            .ingressChannel(ingressChannel)
            .idle(idle);
    }
}
