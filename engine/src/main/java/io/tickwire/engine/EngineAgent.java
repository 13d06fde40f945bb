package io.tickwire.engine;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.List;

/**
 * The single writer. Polls the ingress stream, applies each input to the {@link Engine}, and appends the
 * resulting batch to the journal before anything else can see it. It never waits for the bus: the
 * {@link BusPublisherAgent} tails the journal.
 * <p>
 * On start (on its own thread, before any input) it writes the {@code JournalStart} of a new journal and
 * applies the start-up inputs (instrument definitions missing from the journal).
 * <p>
 * Storage faults (docs/reliability.md): about every {@value #DISK_CHECK_INTERVAL_MS} ms it reads the free space of
 * the journal's file system; below {@code minFreeDiskBytes} it stops polling the ingress
 * ({@link EngineState#PAUSED_DISK_LOW}, inputs wait in the stream) until 1.25 times that is free again. If an
 * append fails anyway (or anything else throws while an input is applied) it halts for good
 * ({@link EngineState#HALTED}): the failed batch is not visible in the journal, the engine's memory is ahead of
 * the journal by that batch, so it must not take another input; a restart recovers from the journal.
 * <p>
 * Snapshots (docs/architecture.md): before applying an input it writes a state snapshot into the journal when the
 * journal's clock has entered a cycle newer than the recovery point (the cycle of the newest snapshot, or of the
 * {@code JournalStart}), and, with {@code snapshotEveryBatches > 0}, after that many batches since the last one.
 * An idle engine writes none; the first input of a new cycle pays for it.
 */
public final class EngineAgent implements Agent, FragmentHandler
{
    /** Inputs taken per duty cycle: bounds the time between two checks of anything else on the thread. */
    static final int FRAGMENT_LIMIT = 64;
    /** How often the journal's free disk space is read. */
    static final long DISK_CHECK_INTERVAL_MS = 50;

    private final Engine engine;
    private final Journal journal;
    private final long newJournalId;
    private final long journalId;
    private final long snapshotEveryBatches;
    private final AtomicCounter snapshotsWritten;
    private EngineSnapshots.Writer snapshots;
    private long batchesSinceSnapshot;
    private volatile int recoveryPointCycle;
    private volatile long lastSnapshotSeq;
    private final List<UnsafeBuffer> startupInputs;
    private final Subscription ingress;
    private final EpochNanoClock clock;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final AtomicCounter batchesJournaled;
    private final AtomicCounter malformedInputs;
    private final long minFreeDiskBytes;
    private final AtomicCounter state;
    private final AtomicCounter failures;
    private FileStore fileStore;
    private long nextDiskCheckNanos;
    private volatile String haltReason;
    /**
     * The state, kept here too: the Aeron counter {@code state} lives in the driver's mapped CnC file, which is
     * unmapped once the client closes (a driver loss), so readers on other threads read this field instead.
     */
    private volatile long stateCode = EngineState.RUNNING.code();
    private JournalWriter writer;
    private volatile boolean ready;

    /**
     * @param newJournalId     non-zero to write a {@code JournalStart} with this id first (a new journal).
     * @param minFreeDiskBytes free space of the journal's file system below which inputs wait; 0 for no check.
     * @param state            set to the {@link EngineState#code()} of the current state.
     * @param failures         counts halts (failed appends and other errors while applying an input).
     * @param journalId        the journal's identity (stamped on snapshots).
     * @param recoveryPoint    the cycle recovery would start from today (that of the snapshot restored or of the
     *                         {@code JournalStart}); ignored for a new journal.
     * @param snapshotEveryBatches batches between two snapshots besides those at rolls; 0 for rolls only.
     * @param snapshotsWritten counts snapshots written.
     */
    public EngineAgent(
        final Engine engine,
        final Journal journal,
        final long newJournalId,
        final List<UnsafeBuffer> startupInputs,
        final Subscription ingress,
        final EpochNanoClock clock,
        final AtomicCounter batchesJournaled,
        final AtomicCounter malformedInputs,
        final long minFreeDiskBytes,
        final AtomicCounter state,
        final AtomicCounter failures,
        final long journalId,
        final int recoveryPoint,
        final long snapshotEveryBatches,
        final AtomicCounter snapshotsWritten)
    {
        this.journalId = journalId;
        this.recoveryPointCycle = recoveryPoint;
        this.snapshotEveryBatches = snapshotEveryBatches;
        this.snapshotsWritten = snapshotsWritten;
        this.engine = engine;
        this.journal = journal;
        this.newJournalId = newJournalId;
        this.startupInputs = List.copyOf(startupInputs);
        this.ingress = ingress;
        this.clock = clock;
        this.batchesJournaled = batchesJournaled;
        this.malformedInputs = malformedInputs;
        this.minFreeDiskBytes = minFreeDiskBytes;
        this.state = state;
        this.failures = failures;
    }

    @Override
    public void onStart()
    {
        if (minFreeDiskBytes > 0)
        {
            try
            {
                fileStore = Files.getFileStore(journal.config().directory());
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("cannot find the file system of the journal", ex);
            }
        }
        writer = journal.createWriter();
        if (newJournalId != 0)
        {
            final ByteBuffer start = ByteBuffer.allocateDirect(64);
            final JournalStartEncoder encoder = new JournalStartEncoder();
            encoder.wrapAndApplyHeader(new UnsafeBuffer(start), 0, new MessageHeaderEncoder())
                .journalId(newJournalId)
                .createdTime(clock.nanoTime())
                .schemaVersion(JournalStartEncoder.SCHEMA_VERSION);
            writer.source(start);
            final long index = writer.append(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
            recoveryPointCycle = journal.rollCycle().toCycle(index);
        }
        writer.source(engine.batchByteBuffer());
        snapshots = new EngineSnapshots.Writer(writer);
        for (final UnsafeBuffer input : startupInputs)
        {
            apply(input, 0, input.capacity());
        }
        ready = true;
    }

    /**
     * @return true once the journal start and the start-up inputs are journaled.
     */
    public boolean ready()
    {
        return ready;
    }

    /**
     * @return why the engine halted, or null while it has not.
     */
    public String haltReason()
    {
        return haltReason;
    }

    @Override
    public int doWork()
    {
        final long current = stateCode;
        if (current == EngineState.HALTED.code() || !diskSpaceOk(current))
        {
            return 0;
        }
        try
        {
            return ingress.poll(assembler, FRAGMENT_LIMIT);
        }
        catch (final Throwable ex)
        {
            // A failed append (a full disk shows as an InternalError: a fault in a mapped page) or a bug while
            // applying an input: the engine's memory may be ahead of the journal, so it must stop here.
            halt(ex);
            return 0;
        }
    }

    private boolean diskSpaceOk(final long current)
    {
        if (fileStore == null)
        {
            return true;
        }
        final long now = System.nanoTime();
        if (now - nextDiskCheckNanos < 0)
        {
            return current == EngineState.RUNNING.code();
        }
        nextDiskCheckNanos = now + DISK_CHECK_INTERVAL_MS * 1_000_000L;
        final long free;
        try
        {
            free = fileStore.getUsableSpace();
        }
        catch (final IOException ex)
        {
            halt(ex);
            return false;
        }
        if (current == EngineState.RUNNING.code() && free < minFreeDiskBytes)
        {
            setState(EngineState.PAUSED_DISK_LOW);
            System.err.println("tickwire engine: PAUSED_DISK_LOW: journal file system has " + free +
                " bytes free, below minFreeDiskBytes " + minFreeDiskBytes + "; not taking inputs until " +
                (minFreeDiskBytes + minFreeDiskBytes / 4) + " are free");
            return false;
        }
        if (current == EngineState.PAUSED_DISK_LOW.code())
        {
            if (free < minFreeDiskBytes + minFreeDiskBytes / 4)
            {
                return false;
            }
            setState(EngineState.RUNNING);
            System.err.println("tickwire engine: RUNNING again: journal file system has " + free + " bytes free");
        }
        return true;
    }

    /**
     * @return the engine's state (any thread).
     */
    public EngineState state()
    {
        return EngineState.of(stateCode);
    }

    private void setState(final EngineState next)
    {
        stateCode = next.code();
        state.setRelease(next.code()); // the client is open: DriverLossGuard stops this thread before it closes
    }

    /**
     * The media driver is lost (the Aeron client closed itself): no more inputs can arrive and nothing can be
     * published. Called on this agent's thread by {@link DriverLossGuard}, before the client unmaps its buffers.
     */
    void driverLost()
    {
        if (stateCode != EngineState.HALTED.code())
        {
            haltReason = "media driver lost (the Aeron client closed)";
            System.err.println("tickwire engine: HALTED at seq " + engine.nextSeq() + ": " + haltReason +
                "; the journal holds every event up to here. Restart the engine: it recovers from the journal.");
            failures.incrementRelease();
            setState(EngineState.HALTED);
        }
    }

    /**
     * @return true once the engine has halted (its thread only).
     */
    boolean halted()
    {
        return stateCode == EngineState.HALTED.code();
    }

    /**
     * Halts for good: the engine's memory may be ahead of its journal. Its thread only.
     */
    void halt(final Throwable cause)
    {
        haltReason = cause.toString();
        System.err.println("tickwire engine: HALTED at seq " + engine.nextSeq() + ": " + cause +
            "; taking no more inputs. Free disk space if it is full, then restart: the engine recovers from the journal.");
        cause.printStackTrace();
        failures.incrementRelease();
        setState(EngineState.HALTED);
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        apply(buffer, offset, length);
    }

    private void apply(final DirectBuffer buffer, final int offset, final int length)
    {
        if (journal.currentCycle() > recoveryPointCycle ||
            (snapshotEveryBatches > 0 && batchesSinceSnapshot >= snapshotEveryBatches))
        {
            writeSnapshot();
        }
        final int batchLength = engine.apply(buffer, offset, length, clock.nanoTime());
        if (batchLength > 0)
        {
            writer.append(batchLength);
            batchesSinceSnapshot++;
            batchesJournaled.incrementRelease();
        }
        else
        {
            malformedInputs.incrementRelease();
        }
    }

    private void writeSnapshot()
    {
        final EngineSnapshots.Found written = snapshots.write(engine, journalId);
        batchesSinceSnapshot = 0;
        lastSnapshotSeq = written.snapshotSeq();
        recoveryPointCycle = journal.rollCycle().toCycle(written.firstIndex());
        snapshotsWritten.incrementRelease();
    }

    /**
     * @return the oldest cycle a restart needs (any thread): that of the newest snapshot written or restored, or of
     * the {@code JournalStart}. Cycles before it may be deleted.
     */
    public int recoveryPointCycle()
    {
        return recoveryPointCycle;
    }

    /**
     * @return the seq of the last snapshot this agent wrote, 0 if none (any thread).
     */
    public long lastSnapshotSeq()
    {
        return lastSnapshotSeq;
    }

    @Override
    public String roleName()
    {
        return "tickwire-engine";
    }

    @Override
    public void onClose()
    {
        if (writer != null)
        {
            writer.close();
        }
    }
}
