package io.tickwire.replay;

import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.Journal;
import org.agrona.concurrent.Agent;

import java.util.function.IntSupplier;

/**
 * Retention of a running engine's journal ({@code tickwire engine --retain-cycles N}): an agent on its own thread
 * (an {@link io.tickwire.engine.EngineConfig#addService engine service}) that, about once a second, keeps the
 * newest {@code keepCycles} cycle files and deletes the older ones with {@link JournalRetention}, but never the
 * cycle the engine's recovery starts from ({@link EngineNode#recoveryPointCycle()}: the newest snapshot's) nor a
 * later one. The engine writes a snapshot at the start of every cycle but the journal's first, so normally exactly
 * {@code keepCycles} files stay; while the engine is idle across a roll (no snapshot in the new cycle yet) one
 * more stays.
 * <p>
 * A deletion prints one line on stderr. A failure (a file that cannot be deleted) prints the error and is tried
 * again at the next check; the engine goes on either way.
 */
public final class RetentionAgent implements Agent
{
    /** How often the journal's cycles are looked at. */
    public static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Journal journal;
    private final int keepCycles;
    private final IntSupplier recoveryPoint;
    private long nextCheckNanos;
    private int checkedFirst = Integer.MIN_VALUE;
    private int checkedLast = Integer.MIN_VALUE;
    private int checkedPoint = Integer.MIN_VALUE;
    private long cyclesDeleted;

    /**
     * @param journal       the engine's journal (writable).
     * @param keepCycles    cycle files to keep, at least 1.
     * @param recoveryPoint the cycle recovery starts from ({@link EngineNode#recoveryPointCycle()}).
     */
    public RetentionAgent(final Journal journal, final int keepCycles, final IntSupplier recoveryPoint)
    {
        if (keepCycles < 1)
        {
            throw new IllegalArgumentException("keep at least one cycle, got " + keepCycles);
        }
        this.journal = journal;
        this.keepCycles = keepCycles;
        this.recoveryPoint = recoveryPoint;
    }

    /**
     * @return the agent for a running engine node.
     */
    public static RetentionAgent of(final EngineNode node, final int keepCycles)
    {
        return new RetentionAgent(node.journal(), keepCycles, node::recoveryPointCycle);
    }

    @Override
    public int doWork()
    {
        final long now = System.nanoTime();
        if (now - nextCheckNanos < 0)
        {
            return 0;
        }
        nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        final int first = journal.firstCycle();
        final int last = journal.lastCycle();
        final int point = recoveryPoint.getAsInt();
        if (first == checkedFirst && last == checkedLast && point == checkedPoint)
        {
            return 0;
        }
        try
        {
            final JournalRetention.Result result = JournalRetention.keepNewestCycles(journal, keepCycles, point);
            if (result.cyclesDeleted() > 0)
            {
                cyclesDeleted += result.cyclesDeleted();
                System.err.println("tickwire retention: deleted " + result.cyclesDeleted() + " cycle file(s) (" +
                    result.bytesDeleted() + " bytes); " + result.cyclesKept() +
                    " kept, the journal now starts at seq " + result.firstSeq());
            }
            checkedFirst = journal.firstCycle();
            checkedLast = last;
            checkedPoint = point;
            return 1;
        }
        catch (final RuntimeException ex)
        {
            System.err.println("tickwire retention: " + ex + "; trying again in a second");
            return 0;
        }
    }

    /**
     * @return cycle files deleted so far (this agent's thread, or after it stopped).
     */
    public long cyclesDeleted()
    {
        return cyclesDeleted;
    }

    @Override
    public String roleName()
    {
        return "tickwire-retention";
    }
}
