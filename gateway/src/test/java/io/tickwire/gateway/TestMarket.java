package io.tickwire.gateway;

import io.aeron.Publication;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.ParticipantRanges;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.util.concurrent.locks.LockSupport;

/**
 * The engine's market simulator run by a test thread instead of the engine's own simulator agent (start the engine
 * with rate 0), offering its inputs on the engine's real Aeron ingress at about {@code rate} per second, so a test
 * can stop the market and know when the engine has journaled everything it was sent.
 */
final class TestMarket implements AutoCloseable
{
    private final EngineNode engine;
    private final MarketSimulator simulator;
    private final Publication ingress;
    private final double rate;
    private final long journaledAtStart;
    private volatile boolean running = true;
    private volatile long sent;
    private final Thread thread;

    TestMarket(final EngineNode engine, final long seed, final double rate)
    {
        this.engine = engine;
        this.rate = rate;
        this.simulator = new MarketSimulator(new SimulatorConfig()
            .seed(seed)
            .instruments(engine.config().instruments())
            .firstParticipantId(ParticipantRanges.first(ParticipantRanges.SIMULATOR_RANGE) + 1));
        this.ingress = engine.aeron().addPublication(engine.config().ingressChannel(),
            engine.config().ingressStreamId());
        this.journaledAtStart = journaled();
        thread = new Thread(this::run, "test-market");
        thread.setDaemon(true);
        thread.start();
    }

    private void run()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MarketSimulator.MAX_MESSAGE_LENGTH]);
        final long start = System.nanoTime();
        long due = start;
        int length = 0;
        while (running)
        {
            if (System.nanoTime() < due)
            {
                LockSupport.parkNanos(100_000);
                continue;
            }
            if (length == 0)
            {
                length = simulator.next(System.currentTimeMillis() * 1_000_000L, buffer, 0);
            }
            if (ingress.offer(buffer, 0, length) > 0)
            {
                length = 0;
                sent++;
                due += simulator.nextInterArrivalNanos(rate);
            }
            else
            {
                LockSupport.parkNanos(100_000); // back pressure or not connected yet: the same input again
            }
        }
    }

    /**
     * Stops sending, then waits until the engine has journaled one batch for every input sent.
     */
    void stopAndAwaitJournaled() throws InterruptedException
    {
        running = false;
        thread.join(10_000);
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (journaled() - journaledAtStart < sent)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("the engine journaled " + (journaled() - journaledAtStart) + " of " + sent +
                    " inputs in 30 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    long sent()
    {
        return sent;
    }

    private long journaled()
    {
        final CountersReader counters = engine.aeron().countersReader();
        final int[] id = {-1};
        counters.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == EngineNode.COUNTER_BATCHES_JOURNALED)
            {
                id[0] = counterId;
            }
        });
        return id[0] < 0 ? 0 : counters.getCounterValue(id[0]);
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        ingress.close();
    }
}
