package io.tickwire.engine;

import io.aeron.Aeron;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.concurrent.TimeUnit;

/**
 * First agent of the engine thread: stops the thread when its Aeron client has closed (the media driver was lost),
 * before the client unmaps the buffers the engine's agents read and write (ingress images, the bus publication and
 * the engine's counters, all in driver-owned mapped files: touching them after the unmap is a SIGSEGV, not an
 * exception). The client marks everything closed first and unmaps only after {@link #CLOSE_LINGER_NS}; this check
 * runs at the start of every duty cycle, so the thread is out long before that.
 * <p>
 * The engine then is {@link EngineState#HALTED}: the journal holds every event it applied, and a restart recovers
 * from it (docs/reliability.md, "Media driver lost under the engine").
 */
final class DriverLossGuard implements Agent
{
    /** How long a closed client keeps its mapped buffers before unmapping them. */
    static final long CLOSE_LINGER_NS = TimeUnit.SECONDS.toNanos(1);

    private final Aeron client;
    private final EngineAgent engine;

    DriverLossGuard(final Aeron client, final EngineAgent engine)
    {
        this.client = client;
        this.engine = engine;
    }

    @Override
    public int doWork()
    {
        if (client.isClosed())
        {
            engine.driverLost();
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
