package io.tickwire.app;

import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Options shared by the commands that run an engine.
 */
final class EngineOptions
{
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

    EngineConfig toConfig(final double rate)
    {
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
        return new EngineConfig()
            .instanceName(instance)
            .acceptForeignJournal(acceptForeignJournal)
            .minFreeDiskBytes(minFreeDiskMb * 1024 * 1024)
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
