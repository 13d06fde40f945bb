package io.tickwire.engine.sim;

import io.aeron.Publication;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Drives a {@link MarketSimulator} open loop: inputs are due at Poisson arrival times computed from the
 * configured rate, each stamped with its <em>intended</em> time, and sent on the engine's ingress stream.
 * A late duty cycle sends everything that became due (up to a burst bound), still stamped with the
 * intended times, so latency measured from {@code intendedTime} includes any queueing (no coordinated
 * omission).
 * <p>
 * At the bound: when the ingress is back-pressured the current input is retried on the next cycle; when
 * the simulator falls more than {@link #MAX_LAG_NANOS} behind schedule it skips ahead (counted in
 * {@link #skippedInputs()}), so a stalled engine does not cause an unbounded burst afterwards.
 */
public final class SimulatorAgent implements Agent
{
    static final int MAX_BURST = 256;
    static final long MAX_LAG_NANOS = 1_000_000_000L;

    private final MarketSimulator simulator;
    private final Publication ingress;
    private final EpochNanoClock clock;
    private final double ratePerSecond;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private long nextDue;
    private int pendingLength;
    private long sent;
    private long skipped;

    public SimulatorAgent(
        final MarketSimulator simulator, final Publication ingress, final EpochNanoClock clock, final double ratePerSecond)
    {
        if (!(ratePerSecond > 0))
        {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.simulator = simulator;
        this.ingress = ingress;
        this.clock = clock;
        this.ratePerSecond = ratePerSecond;
    }

    @Override
    public void onStart()
    {
        nextDue = clock.nanoTime();
    }

    @Override
    public int doWork()
    {
        final long now = clock.nanoTime();
        if (now - nextDue > MAX_LAG_NANOS && pendingLength == 0)
        {
            while (now - nextDue > MAX_LAG_NANOS)
            {
                nextDue += simulator.nextInterArrivalNanos(ratePerSecond);
                skipped++;
            }
        }
        int work = 0;
        while (work < MAX_BURST && nextDue <= now)
        {
            if (pendingLength == 0)
            {
                pendingLength = simulator.next(nextDue, buffer, 0);
            }
            final long result = ingress.offer(buffer, 0, pendingLength);
            if (result < 0 && result != Publication.NOT_CONNECTED)
            {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                {
                    throw new IllegalStateException("ingress publication " + Publication.errorString(result));
                }
                break;
            }
            if (result == Publication.NOT_CONNECTED)
            {
                break; // the engine is not there yet: keep the input, try again
            }
            pendingLength = 0;
            sent++;
            nextDue += simulator.nextInterArrivalNanos(ratePerSecond);
            work++;
        }
        return work;
    }

    public long sentInputs()
    {
        return sent;
    }

    public long skippedInputs()
    {
        return skipped;
    }

    @Override
    public String roleName()
    {
        return "tickwire-simulator";
    }
}
