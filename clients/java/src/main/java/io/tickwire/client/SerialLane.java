package io.tickwire.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs the client's work one task at a time, so that all of the client's state has one writer at any moment
 * (an actor without a thread of its own). A task runs on the thread that submits it when the lane is free and
 * that thread may run client work ({@link #tryEnter}: the WebSocket thread delivering a message, the hot
 * path, with no hand-over and no allocation); otherwise it is queued and run by whoever holds the lane, or by
 * the client's own executor ({@link #execute}: timers, and every call from application threads, which never run
 * client work themselves). Entering and leaving the lane are an atomic compare-and-set and a volatile write,
 * so each task happens-after the previous one.
 */
final class SerialLane
{
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final Executor executor;
    private final Consumer<Throwable> onTaskFailure;
    private final Runnable drainOnExecutor = this::drainThenExit;
    private volatile Thread owner;

    SerialLane(final Executor executor, final Consumer<Throwable> onTaskFailure)
    {
        this.executor = executor;
        this.onTaskFailure = onTaskFailure;
    }

    /**
     * Enters the lane on this thread if it is free: the caller then runs its work and must call {@link #exit()}.
     * The allocation-free form of running inline, for the WebSocket thread delivering a message.
     *
     * @return true if entered.
     */
    boolean tryEnter()
    {
        if (busy.compareAndSet(false, true))
        {
            owner = Thread.currentThread();
            return true;
        }
        return false;
    }

    /**
     * Runs what was queued meanwhile, then leaves the lane. Only after a successful {@link #tryEnter()}.
     */
    void exit()
    {
        drainThenExit0();
    }

    /**
     * Queues {@code task}; the lane's holder runs it, or the executor if the lane is free.
     */
    void execute(final Runnable task)
    {
        enqueue(task);
    }

    /**
     * @return true if the calling thread is running a lane task now.
     */
    boolean inLane()
    {
        return owner == Thread.currentThread();
    }

    /**
     * @return who holds the lane and how many tasks wait, for diagnostics (racy).
     */
    String describe()
    {
        final Thread t = owner;
        return "busy=" + busy.get() + " owner=" + (t == null ? "-" : t.getName()) + " queued=" + tasks.size();
    }

    private void enqueue(final Runnable task)
    {
        tasks.offer(task);
        if (busy.compareAndSet(false, true))
        {
            try
            {
                executor.execute(drainOnExecutor);
            }
            catch (final RejectedExecutionException ex)
            {
                busy.set(false); // the client is closed: nothing runs any more
            }
        }
    }

    private void drainThenExit()
    {
        owner = Thread.currentThread();
        drainThenExit0();
    }

    private void drainThenExit0()
    {
        while (true)
        {
            Runnable task;
            while ((task = tasks.poll()) != null)
            {
                run(task);
            }
            owner = null;
            busy.set(false);
            // A task queued after the last poll but before the release saw the lane busy: take it back.
            if (tasks.isEmpty() || !busy.compareAndSet(false, true))
            {
                return;
            }
            owner = Thread.currentThread();
        }
    }

    private void run(final Runnable task)
    {
        try
        {
            task.run();
        }
        catch (final Throwable ex)
        {
            onTaskFailure.accept(ex);
        }
    }
}
