package io.tickwire.engine;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.JournalStartDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.feed.FeedAgent;
import io.tickwire.engine.feed.FeedFileReader;
import io.tickwire.engine.journal.CycleFiles;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalOwner;
import io.tickwire.engine.journal.JournalPretoucher;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.engine.journal.JournalRepair;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorAgent;
import io.tickwire.engine.sim.SimulatorConfig;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An engine process: optional embedded media driver, the journal (recovered on start), the engine and bus
 * publisher agents on one thread, and the optional simulator. {@link #launch} returns once the engine is
 * recovered and running.
 */
public final class EngineNode implements AutoCloseable
{
    /** Aeron counter type ids of the engine (shown by AeronStat). */
    public static final int COUNTER_BATCHES_JOURNALED = 7701_01;
    public static final int COUNTER_MALFORMED_INPUTS = 7701_02;
    public static final int COUNTER_BATCHES_PUBLISHED = 7701_03;
    public static final int COUNTER_BUS_BACK_PRESSURE = 7701_04;
    public static final int COUNTER_BUS_NOT_CONNECTED = 7701_05;
    /** The engine's {@link EngineState#code()}. */
    public static final int COUNTER_ENGINE_STATE = 7701_06;
    /** Halts: failed journal appends and other errors while applying an input. */
    public static final int COUNTER_ENGINE_FAILURES = 7701_07;
    /** State snapshots written into the journal. */
    public static final int COUNTER_SNAPSHOTS_WRITTEN = 7701_08;

    private final EngineConfig config;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Journal journal;
    private final Engine engine;
    private final RecoveryResult recovery;
    private final AgentRunner engineRunner;
    private final AgentRunner pretouchRunner;
    private final EngineAgent engineAgent;
    private final AgentRunner simulatorRunner;
    private final SimulatorAgent simulatorAgent;
    private final AgentRunner feedRunner;
    private final FeedAgent feedAgent;
    private final String aeronDirectory;
    private final long journalId;
    private final Publication marketDataPublication;
    private final AtomicCounter stateCounter;
    private final JournalRepair.Result repair;
    private final List<AgentRunner> serviceRunners = new ArrayList<>();
    /** Errors the Aeron client reported ({@link AeronSupport#clientErrorHandler}). */
    private final AtomicLong aeronClientErrors = new AtomicLong();

    /**
     * What start-up found in the journal.
     *
     * @param journalId     the journal's identity (new or recovered).
     * @param batches       batches re-executed (after the snapshot, if one was restored).
     * @param nextSeq       the seq the engine continues from.
     * @param nanos         how long recovery took.
     * @param snapshotSeq   the seq of the snapshot restored, 0 if none (the whole journal was re-executed).
     * @param snapshotIndex the Chronicle index of the last part of the snapshot restored, -1 if none.
     */
    public record RecoveryResult(
        long journalId, long batches, long nextSeq, long nanos, long snapshotSeq, long snapshotIndex)
    {
    }

    private EngineNode(final EngineConfig config)
    {
        this.config = config;
        final EpochNanoClock clock = new SystemEpochNanoClock();
        aeronDirectory = config.aeronDirectory() != null ? config.aeronDirectory() : AeronSupport.uniqueAeronDirectory();
        MediaDriver launchedDriver = null;
        Aeron client = null;
        Journal openedJournal = null;
        try
        {
            launchedDriver = config.embeddedMediaDriver() ?
                AeronSupport.launchEmbeddedDriver(aeronDirectory, config.idle()) : null;
            // On a driver timeout the client marks its publications, images and counters closed, then unmaps them
            // after closeLingerDurationNs: the engine's agents stop at the start of their next duty cycle when they
            // see the client closed (DriverLossGuard), well within that linger.
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory)
                .driverTimeoutMs(config.driverTimeout().toMillis())
                .closeLingerDurationNs(DriverLossGuard.CLOSE_LINGER_NS)
                .errorHandler(AeronSupport.clientErrorHandler("tickwire engine", aeronClientErrors)));
            final long lastCycleSize = JournalRepair.lastCycleFileSize(config.journal().directory());
            checkOwner(config);
            repair = JournalRepair.repairTail(config.journal(), lastCycleSize);
            if (repair.repaired())
            {
                System.err.println("tickwire engine: journal's last cycle file was damaged (" + repair.reason() +
                    "); kept its " + repair.keptExcerpts() + " whole records, moved the damaged file to " +
                    repair.damagedFile());
            }
            openedJournal = Journal.open(config.journal());
            Engine recovering = new Engine(config.limits());
            RecoveryResult recovered;
            try
            {
                recovered = recover(openedJournal, recovering);
            }
            catch (final TornRecordException ex)
            {
                openedJournal.close();
                openedJournal = null;
                final JournalRepair.Result cut = JournalRepair.dropLastRecord(config.journal(), ex.getMessage());
                System.err.println("tickwire engine: journal's last record was torn (" + ex.getMessage() +
                    "); removed it, moved the damaged file to " + cut.damagedFile());
                openedJournal = Journal.open(config.journal());
                recovering = new Engine(config.limits());
                recovered = recover(openedJournal, recovering);
            }
            checkFreshStart(config.journal().directory(), recovered);
            engine = recovering;
            recovery = recovered;

            final List<UnsafeBuffer> startupInputs = new ArrayList<>();
            for (final InstrumentSpec spec : config.instruments())
            {
                if (!engine.hasInstrument(spec.instrumentId()))
                {
                    startupInputs.add(Inputs.addInstrument(spec));
                }
            }

            final Subscription ingress = client.addSubscription(config.ingressChannel(), config.ingressStreamId());
            final Publication marketData = client.addPublication(config.marketDataChannel(), config.marketDataStreamId());
            marketDataPublication = marketData;
            final AtomicCounter journaled = client.addCounter(COUNTER_BATCHES_JOURNALED, "tickwire batches journaled");
            final AtomicCounter malformed = client.addCounter(COUNTER_MALFORMED_INPUTS, "tickwire malformed inputs");
            final AtomicCounter published = client.addCounter(COUNTER_BATCHES_PUBLISHED, "tickwire batches published");
            final AtomicCounter backPressure = client.addCounter(COUNTER_BUS_BACK_PRESSURE, "tickwire bus back pressure");
            final AtomicCounter notConnected = client.addCounter(COUNTER_BUS_NOT_CONNECTED, "tickwire bus not connected");
            stateCounter = client.addCounter(COUNTER_ENGINE_STATE, "tickwire engine state");
            final AtomicCounter failures = client.addCounter(COUNTER_ENGINE_FAILURES, "tickwire engine failures");

            final Journal j = openedJournal;
            final long publishAfter = j.lastIndex();
            final BusPublisherAgent publisher = new BusPublisherAgent(
                () -> JournalReader.after(j, publishAfter), marketData, config.limits().maxBatchLength(),
                published, backPressure, notConnected, failures);
            final boolean newJournal = recovery.journalId() == 0;
            if (newJournal && recovery.batches() > 0)
            {
                throw new IllegalStateException("journal at " + config.journal().directory() +
                    " has batches but no JournalStart: not a Tickwire journal");
            }
            journalId = newJournal ? newJournalId() : recovery.journalId();
            new JournalOwner(config.instanceName(), journalId).write(config.journal().directory());
            final AtomicCounter snapshots = client.addCounter(COUNTER_SNAPSHOTS_WRITTEN, "tickwire snapshots written");
            final int recoveryPoint = recovery.snapshotIndex() >= 0 ?
                j.rollCycle().toCycle(recovery.snapshotIndex()) : j.firstCycle();
            engineAgent = new EngineAgent(
                engine, j, newJournal ? journalId : 0, startupInputs, ingress, clock, journaled, malformed,
                config.minFreeDiskBytes(), stateCounter, failures, journalId, recoveryPoint,
                config.snapshotEveryBatches(), snapshots);
            pretouchRunner = config.journalPretouchBytes() > 0 ?
                new AgentRunner(JournalPretoucher.idleStrategy(), Throwable::printStackTrace, null,
                    j.createPretoucher(config.journalPretouchBytes())) : null;
            // The thread idles inside EngineThreadAgent (so a late fault raised while parking is caught there too).
            final EngineThreadAgent engineThread = new EngineThreadAgent(
                new DriverLossGuard(client, engineAgent::driverLost), engineAgent, publisher,
                AeronSupport.idleStrategy(config.idle()));
            engineRunner = new AgentRunner(
                org.agrona.concurrent.NoOpIdleStrategy.INSTANCE, engineThread::onRunnerError, null, engineThread);

            if (config.simulatorRate() > 0)
            {
                final Publication simIngress = client.addPublication(config.ingressChannel(), config.ingressStreamId());
                // A restarted simulator must not reuse the ids of orders it left live before the restart:
                // its participants are offset by the recovered sequence (orphaned orders stay in the book).
                // They stay in the simulator's participant range: the other ranges belong to gateways.
                final int participantBase = ParticipantRanges.first(ParticipantRanges.SIMULATOR_RANGE) + 1 +
                    (int)((recovery.nextSeq() * 16) % (ParticipantRanges.RANGE_SIZE - 2048));
                simulatorAgent = new SimulatorAgent(
                    new MarketSimulator(new SimulatorConfig()
                        .seed(config.simulatorSeed())
                        .instruments(config.instruments())
                        .firstParticipantId(participantBase)),
                    simIngress, clock, config.simulatorRate());
                simulatorRunner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF),
                    Throwable::printStackTrace, null, simulatorAgent);
            }
            else
            {
                simulatorAgent = null;
                simulatorRunner = null;
            }
            if (config.feedFile() != null)
            {
                if (recovery.batches() > 0 || recovery.snapshotSeq() > 0)
                {
                    throw new IllegalArgumentException("--feed needs a new journal: " + config.journal().directory() +
                        " already holds " + recovery.batches() + " batches and the file would be sequenced twice");
                }
                feedAgent = new FeedAgent(new FeedFileReader(config.feedFile()),
                    client.addPublication(config.ingressChannel(), config.ingressStreamId()));
                // A file is read for throughput, not latency, and once it is read the agent only idles: its parks go
                // up to 1 ms (the default backoff's 100 us cost about 9% of a core on a 2-core box, taken from the
                // gateway under load; BENCHMARKS.md, "Fan-out CPU per delivery").
                feedRunner = new AgentRunner(new BackoffIdleStrategy(100, 10, 1_000, 1_000_000),
                    Throwable::printStackTrace, null, feedAgent);
            }
            else
            {
                feedAgent = null;
                feedRunner = null;
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(client, openedJournal, launchedDriver);
            throw ex;
        }
        driver = launchedDriver;
        aeron = client;
        journal = openedJournal;
    }

    /**
     * Recovers the engine from the journal and starts its agents; returns once the start-up inputs
     * (instrument definitions) are journaled.
     *
     * @throws IllegalStateException if the journal diverges from this engine's logic.
     */
    public static EngineNode launch(final EngineConfig config)
    {
        final EngineNode node = new EngineNode(config);
        if (node.pretouchRunner != null)
        {
            AgentRunner.startOnThread(node.pretouchRunner);
        }
        AgentRunner.startOnThread(node.engineRunner);
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (!node.engineAgent.ready())
        {
            if (node.engineRunner.isClosed() || System.nanoTime() > deadline)
            {
                node.close();
                throw new IllegalStateException("engine did not start (see the error above)");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        if (node.simulatorRunner != null)
        {
            AgentRunner.startOnThread(node.simulatorRunner);
        }
        if (node.feedRunner != null)
        {
            AgentRunner.startOnThread(node.feedRunner);
        }
        try
        {
            for (final java.util.function.Function<EngineNode, org.agrona.concurrent.Agent> service : config.services())
            {
                final AgentRunner runner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF),
                    Throwable::printStackTrace, null, service.apply(node));
                node.serviceRunners.add(runner);
                AgentRunner.startOnThread(runner);
            }
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
        return node;
    }

    /**
     * Recovers {@code engine} (a new one) from the journal: restores the newest whole snapshot, if the journal has
     * one, then re-executes every batch after it (all batches when there is none), checking each against what the
     * engine produces, byte for byte.
     *
     * @throws IllegalStateException if a batch diverges, or the journal starts after seq 1 (retention deleted its
     *                               first cycles) and holds no usable snapshot.
     */
    public static RecoveryResult recover(final Journal journal, final Engine engine)
    {
        final long start = System.nanoTime();
        final EngineSnapshots.Found snapshot = EngineSnapshots.restoreNewest(journal, engine);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final JournalStartDecoder startDecoder = new JournalStartDecoder();
        final long[] journalId = {snapshot != null ? snapshot.journalId() : 0};
        final long[] batches = {0};
        final IllegalStateException[] diverged = {null};
        try (JournalReader reader = snapshot != null ? JournalReader.after(journal, snapshot.lastIndex()) :
            new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) ->
            {
                if (length < MessageHeaderDecoder.ENCODED_LENGTH)
                {
                    throw new IllegalStateException("empty excerpt at index " + Long.toHexString(index));
                }
                header.wrap(buffer, 0);
                if (header.templateId() == JournalStartDecoder.TEMPLATE_ID)
                {
                    startDecoder.wrapAndApplyHeader(buffer, 0, header);
                    journalId[0] = startDecoder.journalId();
                }
                else if (header.templateId() == BatchHeaderDecoder.TEMPLATE_ID)
                {
                    if (diverged[0] != null)
                    {
                        throw diverged[0]; // a record after the diverging one: not a torn tail
                    }
                    if (batches[0] == 0 && snapshot == null && firstSeqOf(buffer) != 1)
                    {
                        throw new IllegalStateException("journal at " + journal.config().directory() +
                            " starts at seq " + firstSeqOf(buffer) +
                            " (its older cycles were deleted) and holds no usable snapshot: it cannot be recovered");
                    }
                    try
                    {
                        engine.recover(buffer, 0, length);
                    }
                    catch (final IllegalStateException ex)
                    {
                        if (!zeroTail(buffer, length, engine.batchBuffer()))
                        {
                            throw ex;
                        }
                        diverged[0] = ex;
                        return;
                    }
                    batches[0]++;
                }
                else if (!EngineSnapshots.isSnapshotPart(buffer, length))
                {
                    throw new IllegalStateException("unexpected template " + header.templateId() + " at index " +
                        Long.toHexString(index));
                }
                // a later snapshot than the one restored (one that failed its checks, or an unfinished one): skipped
            }))
            {
                // replaying
            }
        }
        if (diverged[0] != null)
        {
            throw new TornRecordException("the last batch, at seq " + engine.nextSeq() + ", " +
                "ends in zeros where its replay does not: " + diverged[0].getMessage(), diverged[0]);
        }
        return new RecoveryResult(journalId[0], batches[0], engine.nextSeq(), System.nanoTime() - start,
            snapshot != null ? snapshot.snapshotSeq() : 0, snapshot != null ? snapshot.lastIndex() : -1);
    }

    private static long firstSeqOf(final DirectBuffer batch)
    {
        return batch.getLong(MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.firstSeqEncodingOffset(),
            BatchHeaderDecoder.BYTE_ORDER);
    }

    /**
     * Refuses a journal of another instance (docs/reliability.md): its owner record names another instance or
     * another journal id, or it holds records but has no owner record. With {@code acceptForeignJournal} the
     * engine takes it over (the record is rewritten once the engine starts).
     */
    private static void checkOwner(final EngineConfig config)
    {
        final java.nio.file.Path dir = config.journal().directory();
        if (JournalRepair.lastCycleFile(dir) == null)
        {
            return;
        }
        final long id;
        try (Journal journal = Journal.open(config.journal()))
        {
            id = journal.readJournalId();
        }
        if (id == 0)
        {
            return; // empty (a new journal), or not a Tickwire journal: recovery says which
        }
        final JournalOwner owner = JournalOwner.read(dir);
        final String problem;
        if (owner == null)
        {
            problem = "has no owner record (" + JournalOwner.FILE_NAME + ")";
        }
        else if (owner.journalId() != id)
        {
            problem = "has an owner record for journal " + Long.toHexString(owner.journalId()) +
                " but its files are journal " + Long.toHexString(id);
        }
        else if (!owner.instance().equals(config.instanceName()))
        {
            problem = "belongs to engine instance '" + owner.instance() + "'";
        }
        else
        {
            return;
        }
        final String message = "journal " + Long.toHexString(id) + " at " + dir + " " + problem +
            "; this engine is instance '" + config.instanceName() + "'";
        if (!config.acceptForeignJournal())
        {
            throw new ForeignJournalException(message + ": refusing it (--accept-foreign-journal takes it over)");
        }
        System.err.println("tickwire engine: taking over: " + message);
    }

    /**
     * Refuses to start at seq 1 on a journal that holds records recovery did not read (docs/reliability.md,
     * "Never a fresh start on a journal with records"). Recovery reads through Chronicle (its shared directory
     * listing, index and tailer); if those ever miss the journal's records, starting at seq 1 would reuse every
     * sequence number already journaled, published and seen by clients. So when recovery found neither a batch nor
     * a snapshot, the records of the directory's cycle files are counted again from their bytes ({@link CycleFiles}):
     * there may be none, or only the {@code JournalStart} recovery read (an engine stopped before its first batch).
     *
     * @param directory the journal directory.
     * @param recovery  what recovery found in it.
     * @throws FreshStartRefusedException if the cycle files hold more records than recovery read.
     */
    public static void checkFreshStart(final java.nio.file.Path directory, final RecoveryResult recovery)
    {
        if (recovery.nextSeq() != 1 || recovery.snapshotSeq() != 0 || recovery.batches() != 0)
        {
            return;
        }
        final long read = recovery.journalId() != 0 ? 1 : 0;
        final long found = CycleFiles.countRecords(directory, read);
        if (found > read)
        {
            throw new FreshStartRefusedException("journal at " + directory + ": recovery read " +
                (read == 0 ? "no record" : "only its JournalStart") + " but its cycle files hold at least " + found +
                " records; refusing to start at seq 1, which would reuse journaled sequence numbers " +
                "(see docs/reliability.md; keep the directory for analysis)");
        }
    }

    /**
     * The engine would have started at seq 1 on a journal whose cycle files hold records recovery did not read.
     */
    public static final class FreshStartRefusedException extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        public FreshStartRefusedException(final String message)
        {
            super(message);
        }
    }

    /**
     * The journal belongs to another engine instance and taking it over was not asked for.
     */
    public static final class ForeignJournalException extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        public ForeignJournalException(final String message)
        {
            super(message);
        }
    }

    /**
     * @return true if {@code journaled} equals {@code replayed} up to some byte and is all zeros from there to
     * its end: the signature of an append whose last page never reached the disk.
     */
    private static boolean zeroTail(final DirectBuffer journaled, final int length, final DirectBuffer replayed)
    {
        int end = length;
        while (end > 0 && journaled.getByte(end - 1) == 0)
        {
            end--;
        }
        if (end == length)
        {
            return false;
        }
        for (int i = 0; i < end && i < replayed.capacity(); i++)
        {
            if (journaled.getByte(i) != replayed.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The journal's last batch is torn: it diverges from its replay only by a run of zeros at its end.
     */
    public static final class TornRecordException extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        TornRecordException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    private static long newJournalId()
    {
        final java.security.SecureRandom random = new java.security.SecureRandom();
        long id = 0;
        while (id <= 0)
        {
            id = random.nextLong();
        }
        return id;
    }

    /**
     * @return the journal's identity (the resume epoch).
     */
    public long journalId()
    {
        return journalId;
    }

    /**
     * @return the feed agent when sequencing a feed file, else null (its {@code done()} tells when the file
     * was sent).
     */
    public FeedAgent feed()
    {
        return feedAgent;
    }

    public RecoveryResult recovery()
    {
        return recovery;
    }

    /**
     * @return what the start-up check of the journal's last cycle file found and repaired.
     */
    public JournalRepair.Result repair()
    {
        return repair;
    }

    /**
     * @return the oldest roll cycle a restart needs (readable from any thread): the cycle of the newest snapshot
     * (written or restored) or of the {@code JournalStart}. Retention may delete every cycle before it.
     */
    public int recoveryPointCycle()
    {
        return engineAgent.recoveryPointCycle();
    }

    /**
     * @return the seq of the newest snapshot this node wrote, 0 if none yet (readable from any thread).
     */
    public long lastSnapshotSeq()
    {
        return engineAgent.lastSnapshotSeq();
    }

    /**
     * @return the engine's state (readable from any thread).
     */
    public EngineState state()
    {
        return engineAgent.state();
    }

    /**
     * @return errors the engine's Aeron client reported (a lost driver counts too: it also halts the engine).
     */
    public long aeronClientErrors()
    {
        return aeronClientErrors.get();
    }

    /**
     * @return why the engine halted, or null if it has not.
     */
    public String haltReason()
    {
        return engineAgent.haltReason();
    }

    public String aeronDirectory()
    {
        return aeronDirectory;
    }

    public Aeron aeron()
    {
        return aeron;
    }

    public Journal journal()
    {
        return journal;
    }

    public EngineConfig config()
    {
        return config;
    }

    /**
     * @return the engine; read its state only after {@link #close()} (the engine thread owns it until then).
     */
    public Engine engine()
    {
        return engine;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(serviceRunners);
        CloseHelper.closeAll(feedRunner, simulatorRunner, engineRunner, pretouchRunner, aeron, journal, driver);
    }

    /**
     * @return true while the engine thread runs (it ends when the media driver is lost, or after a fault that
     * surfaced outside its agents' duty cycle: see {@link EngineThreadAgent#onRunnerError}).
     */
    public boolean engineThreadAlive()
    {
        final Thread thread = engineRunner.thread();
        return thread != null && thread != AgentRunner.TOMBSTONE && thread.isAlive();
    }

    /**
     * @return true while the market-data publication has a connected subscriber; batches journaled while it has
     * none are not published (a gateway catches up from the journal or the replay service).
     */
    public boolean marketDataConnected()
    {
        return marketDataPublication.isConnected();
    }
}
