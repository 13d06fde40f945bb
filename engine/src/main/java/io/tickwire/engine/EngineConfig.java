package io.tickwire.engine;

import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of an engine node (see engine/README.md for every option with its default).
 */
public final class EngineConfig
{
    /** Default Aeron stream of engine inputs. */
    public static final int DEFAULT_INGRESS_STREAM = 10;
    /** Default Aeron stream of journaled batches. */
    public static final int DEFAULT_MARKET_DATA_STREAM = 20;
    /** Instance name of an engine that was given none. */
    public static final String DEFAULT_INSTANCE = "default";
    /** Free space on the journal's file system below which the engine stops taking inputs: 64 MiB. */
    public static final long DEFAULT_MIN_FREE_DISK_BYTES = 64L * 1024 * 1024;
    /** How far ahead of the writer the journal pretoucher keeps the journal's pages touched: 8 MiB. */
    public static final long DEFAULT_JOURNAL_PRETOUCH_BYTES = 8L * 1024 * 1024;

    private JournalConfig journal;
    private EngineLimits limits = EngineLimits.defaults();
    private String aeronDirectory;
    private boolean embeddedMediaDriver = true;
    private java.time.Duration driverTimeout = java.time.Duration.ofSeconds(10);
    private String ingressChannel = "aeron:ipc";
    private int ingressStreamId = DEFAULT_INGRESS_STREAM;
    private String marketDataChannel = "aeron:ipc";
    private int marketDataStreamId = DEFAULT_MARKET_DATA_STREAM;
    private final List<InstrumentSpec> instruments = new ArrayList<>();
    private double simulatorRate;
    private long simulatorSeed = 42;
    private Path feedFile;
    private Idle idle = Idle.BACKOFF;
    private String instanceName = DEFAULT_INSTANCE;
    private boolean acceptForeignJournal;
    private long minFreeDiskBytes = DEFAULT_MIN_FREE_DISK_BYTES;
    private long snapshotEveryBatches;
    private long journalPretouchBytes = DEFAULT_JOURNAL_PRETOUCH_BYTES;
    private final List<java.util.function.Function<EngineNode, org.agrona.concurrent.Agent>> services = new ArrayList<>();

    /**
     * How agent threads wait when they have no work.
     */
    public enum Idle
    {
        /** Spin, then yield, then park up to 100 us: the default, fair to the other threads on small machines. */
        BACKOFF,
        /** Busy spin: lowest latency, needs a core per agent. */
        SPIN,
        /** Sleep 1 ms: least CPU. */
        SLEEP
    }

    public JournalConfig journal()
    {
        return journal;
    }

    public EngineConfig journal(final JournalConfig journal)
    {
        this.journal = Objects.requireNonNull(journal);
        return this;
    }

    public EngineLimits limits()
    {
        return limits;
    }

    public EngineConfig limits(final EngineLimits limits)
    {
        this.limits = Objects.requireNonNull(limits);
        return this;
    }

    public String aeronDirectory()
    {
        return aeronDirectory;
    }

    /**
     * @param dir the media driver directory; null (default) picks a unique one under /dev/shm (or the
     *            temp dir) for an embedded driver.
     */
    public EngineConfig aeronDirectory(final String dir)
    {
        this.aeronDirectory = dir;
        return this;
    }

    public boolean embeddedMediaDriver()
    {
        return embeddedMediaDriver;
    }

    /**
     * @param embedded true (default) to launch a media driver in this JVM; false to use an external one at
     *                 {@link #aeronDirectory()}.
     */
    public EngineConfig embeddedMediaDriver(final boolean embedded)
    {
        this.embeddedMediaDriver = embedded;
        return this;
    }

    public java.time.Duration driverTimeout()
    {
        return driverTimeout;
    }

    /**
     * @param timeout how long the media driver may go without a heartbeat before the engine's Aeron client closes
     *                and the engine halts ({@link DriverLossGuard}). Default 10 s (Aeron's default); keep it well
     *                above the driver's timer interval (1 s by default), at which the driver heartbeats.
     */
    public EngineConfig driverTimeout(final java.time.Duration timeout)
    {
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("driverTimeout must be positive: " + timeout);
        }
        this.driverTimeout = timeout;
        return this;
    }

    public String ingressChannel()
    {
        return ingressChannel;
    }

    public EngineConfig ingressChannel(final String channel)
    {
        this.ingressChannel = Objects.requireNonNull(channel);
        return this;
    }

    public int ingressStreamId()
    {
        return ingressStreamId;
    }

    public EngineConfig ingressStreamId(final int streamId)
    {
        this.ingressStreamId = streamId;
        return this;
    }

    public String marketDataChannel()
    {
        return marketDataChannel;
    }

    public EngineConfig marketDataChannel(final String channel)
    {
        this.marketDataChannel = Objects.requireNonNull(channel);
        return this;
    }

    public int marketDataStreamId()
    {
        return marketDataStreamId;
    }

    public EngineConfig marketDataStreamId(final int streamId)
    {
        this.marketDataStreamId = streamId;
        return this;
    }

    public List<InstrumentSpec> instruments()
    {
        return instruments;
    }

    /**
     * Instruments the engine defines at start if the journal does not have them yet.
     */
    public EngineConfig instruments(final List<InstrumentSpec> specs)
    {
        instruments.clear();
        instruments.addAll(specs);
        return this;
    }

    public double simulatorRate()
    {
        return simulatorRate;
    }

    /**
     * @param ratePerSecond inputs per second from the built-in simulator; 0 (default) runs no simulator.
     */
    public EngineConfig simulatorRate(final double ratePerSecond)
    {
        if (ratePerSecond < 0)
        {
            throw new IllegalArgumentException("rate must not be negative");
        }
        this.simulatorRate = ratePerSecond;
        return this;
    }

    public long simulatorSeed()
    {
        return simulatorSeed;
    }

    public EngineConfig simulatorSeed(final long seed)
    {
        this.simulatorSeed = seed;
        return this;
    }

    public Path feedFile()
    {
        return feedFile;
    }

    /**
     * @param file an NDJSON or CSV tick file to sequence (docs/feed-format.md); null for none.
     */
    public EngineConfig feedFile(final Path file)
    {
        this.feedFile = file;
        return this;
    }

    public Idle idle()
    {
        return idle;
    }

    public EngineConfig idle(final Idle idle)
    {
        this.idle = Objects.requireNonNull(idle);
        return this;
    }

    public String instanceName()
    {
        return instanceName;
    }

    /**
     * @param name this engine's instance name (1 to 64 characters of {@code [A-Za-z0-9._-]}), recorded in the
     *             journal directory when the journal is created. An engine refuses a journal recorded for
     *             another instance unless {@link #acceptForeignJournal(boolean)} (docs/reliability.md).
     */
    public EngineConfig instanceName(final String name)
    {
        this.instanceName = io.tickwire.engine.journal.JournalOwner.checkInstanceName(name);
        return this;
    }

    public boolean acceptForeignJournal()
    {
        return acceptForeignJournal;
    }

    /**
     * @param accept true to take over a journal of another instance (or one with no owner record): the
     *               engine records itself as the journal's owner and goes on from its last batch.
     */
    public EngineConfig acceptForeignJournal(final boolean accept)
    {
        this.acceptForeignJournal = accept;
        return this;
    }

    public long minFreeDiskBytes()
    {
        return minFreeDiskBytes;
    }

    /**
     * @param bytes free space on the journal's file system below which the engine stops taking inputs (state
     *              {@code PAUSED_DISK_LOW}) until at least 1.25 times as much is free again; 0 turns the check
     *              off (the engine then halts when an append fails). Default 64 MiB.
     */
    public EngineConfig minFreeDiskBytes(final long bytes)
    {
        if (bytes < 0)
        {
            throw new IllegalArgumentException("minFreeDiskBytes must not be negative");
        }
        this.minFreeDiskBytes = bytes;
        return this;
    }

    /**
     * @return batches between two state snapshots besides the one at each roll cycle; 0 (default): only at rolls.
     */
    public long snapshotEveryBatches()
    {
        return snapshotEveryBatches;
    }

    /**
     * The engine writes a state snapshot into the journal at the start of every roll cycle but the journal's first
     * (docs/architecture.md, "Snapshots"); with {@code batches > 0} also after every {@code batches} batches, which
     * bounds the batches a restart re-executes within a cycle.
     */
    public EngineConfig snapshotEveryBatches(final long batches)
    {
        if (batches < 0)
        {
            throw new IllegalArgumentException("snapshotEveryBatches must not be negative");
        }
        this.snapshotEveryBatches = batches;
        return this;
    }

    public long journalPretouchBytes()
    {
        return journalPretouchBytes;
    }

    /**
     * @param bytes how far ahead of the engine's appends a thread of its own ({@code tickwire-journal-pretoucher},
     *              see {@link io.tickwire.engine.journal.JournalPretoucher}) keeps the journal file's pages mapped
     *              and touched, so that the engine thread does not take their page faults; 0 runs no such thread.
     *              Default 8 MiB (docs/operations.md, "Journal pretoucher").
     */
    public EngineConfig journalPretouchBytes(final long bytes)
    {
        if (bytes < 0)
        {
            throw new IllegalArgumentException("journalPretouchBytes must not be negative");
        }
        this.journalPretouchBytes = bytes;
        return this;
    }

    public List<java.util.function.Function<EngineNode, org.agrona.concurrent.Agent>> services()
    {
        return services;
    }

    /**
     * Adds a service that runs with the node: {@code factory} is called once the engine is recovered and
     * running, and the agent it returns runs on its own thread (backoff idle strategy) until the node closes.
     * The replay service ({@code io.tickwire.replay.ReplayServer}) comes this way: the engine module does not
     * depend on the modules that read the journal.
     */
    public EngineConfig addService(final java.util.function.Function<EngineNode, org.agrona.concurrent.Agent> factory)
    {
        services.add(Objects.requireNonNull(factory));
        return this;
    }
}
