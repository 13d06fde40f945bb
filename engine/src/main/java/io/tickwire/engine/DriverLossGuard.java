package io.tickwire.engine;

import io.aeron.Aeron;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.concurrent.TimeUnit;

/**
 * First agent of a thread that uses an Aeron client with a conductor thread of its own (the engine thread, the
 * replay publisher of {@code tickwire replay}): stops the thread when the client has closed (the media driver was
 * lost), before the client unmaps the buffers the thread's agents read and write (ingress images, publications,
 * counters, all in driver-owned mapped files: touching them after the unmap is a SIGSEGV, not an exception). The
 * client marks everything closed first and unmaps only after its {@code closeLingerDurationNs}, which must be
 * {@link #CLOSE_LINGER_NS}; this check runs at the start of every duty cycle, so the thread is out long before that.
 * <p>
 * For the engine: it then is {@link EngineState#HALTED}; the journal holds every event it applied, and a restart
 * recovers from it (docs/reliability.md, "Media driver lost under the engine").
 */
public final class DriverLossGuard implements Agent
{
    /** How long a closed client keeps its mapped buffers before unmapping them. */
    public static final long CLOSE_LINGER_NS = TimeUnit.SECONDS.toNanos(1);

    private final Aeron client;
    private final Runnable onLost;

    /**
     * @param onLost runs once, on the guarded thread, when the client is found closed (report it: one line, a state).
     */
    public DriverLossGuard(final Aeron client, final Runnable onLost)
    {
        this.client = client;
        this.onLost = onLost;
    }

    @Override
    public int doWork()
    {
        if (client.isClosed())
        {
            onLost.run();
            throw new AgentTerminationException("media driver lost");
        }
        return 0;
    }

    @Override
    public String roleName()
    {
        return "tickwire-driver-loss-guard";
    }
}
