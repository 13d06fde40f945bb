package io.tickwire.engine;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;

/**
 * The engine thread: the {@link DriverLossGuard}, the {@link EngineAgent} and the {@link BusPublisherAgent}, in that
 * order each duty cycle, with one rule on top of theirs: <b>a fault in a mapped page anywhere on this thread halts
 * the engine</b>.
 * <p>
 * Why: the journal is a memory-mapped file. A write to it that cannot get a page (a full disk) is a SIGBUS, and in
 * JIT-compiled code HotSpot does not throw where it happened: it skips the faulting access and raises
 * {@code java.lang.InternalError: a fault occurred in a recent unsafe memory access operation} at a later poll
 * point of the same thread. So the append "returns", Chronicle commits the record's header over the page that was
 * never written (the torn record of docs/reliability.md), and the error may surface after the engine's own
 * {@code try} has ended (JDK 17 delivers it at the thread's next call into the VM or a native method): in the bus
 * publisher's journal read, say, or while the thread parks. Seen in CI (DiskFullTest, 2026-11-26): the
 * error escaped the publisher, killed the thread and the engine never reported {@code HALTED}.
 * <p>
 * Policy, as it cannot be told which access faulted: the first such error halts the engine (if the engine's own
 * {@code try} has not already); the publisher's reader did not consume the excerpt it was reading, so the next cycle
 * reads it again (the framing check stops the publisher at a torn batch; a batch published twice is skipped by
 * gateways, which drop seqs they have applied). A further fault once the engine is halted can only be the
 * publisher's own read (a read of a never-written page of a full tmpfs faults too): the publisher stops for good.
 * Other exceptions pass through as before (the engine catches its own; the publisher's go to the runner's error
 * handler and the thread goes on).
 */
public final class EngineThreadAgent implements Agent
{
    private final DriverLossGuard guard;
    private final EngineAgent engine;
    private final BusPublisherAgent publisher;
    private final IdleStrategy idle;

    /**
     * @param idle the thread's idle strategy, applied here (run this agent with a no-op one): HotSpot raises a
     *             pending fault at the thread's next call into the VM or a native method, and parking or yielding is
     *             one, so the idle must be inside the {@code try} too.
     */
    public EngineThreadAgent(
        final DriverLossGuard guard, final EngineAgent engine, final BusPublisherAgent publisher, final IdleStrategy idle)
    {
        this.guard = guard;
        this.engine = engine;
        this.publisher = publisher;
        this.idle = idle;
    }

    @Override
    public void onStart()
    {
        guard.onStart();
        engine.onStart();
        publisher.onStart();
    }

    @Override
    public int doWork()
    {
        int work = 0;
        try
        {
            work += guard.doWork(); // throws AgentTerminationException when the driver is lost: passes through
            work += engine.doWork();
            work += publisher.doWork();
            idle.idle(work);
        }
        catch (final InternalError ex)
        {
            onMappedPageFault(ex);
        }
        return work;
    }

    /**
     * The error handler of this agent's runner, which Agrona calls on this thread. It is the second layer: a fault
     * can surface at any poll point of the thread, including the few outside {@link #doWork()}'s {@code try} (its own
     * entry and return, the runner's loop). Agrona then ends the thread after this handler (it rethrows errors), so the
     * handler applies the same policy first: the engine halts, or, halted already, the publisher stops. The thread's
     * end is then what a driver loss does too: nothing on it runs again, the state says why. Any other {@link Error}
     * that reaches the runner ends the thread as well, so it halts the engine too.
     */
    public void onRunnerError(final Throwable ex)
    {
        if (ex instanceof org.agrona.concurrent.AgentTerminationException)
        {
            return; // a driver loss is reported by EngineAgent.driverLost
        }
        if (ex instanceof InternalError)
        {
            onMappedPageFault((InternalError)ex);
            System.err.println("tickwire engine thread: ending after a fault outside its agents' duty cycle");
        }
        else if (ex instanceof Error && !engine.halted())
        {
            // Any other error (OutOfMemoryError, StackOverflowError) ends the thread too: the engine takes no more
            // inputs, so its state must say so.
            engine.halt(ex);
            System.err.println("tickwire engine thread: ending after " + ex);
        }
        ex.printStackTrace(); // a RuntimeException (a bus publication failure, say): the thread goes on
    }

    private void onMappedPageFault(final InternalError ex)
    {
        if (!engine.halted())
        {
            engine.halt(ex);
        }
        else
        {
            publisher.stop("fault reading the journal (" + ex + ")");
        }
    }

    @Override
    public void onClose()
    {
        try
        {
            publisher.onClose();
        }
        finally
        {
            try
            {
                engine.onClose();
            }
            finally
            {
                guard.onClose();
            }
        }
    }

    @Override
    public String roleName()
    {
        return "tickwire-engine-thread";
    }
}
