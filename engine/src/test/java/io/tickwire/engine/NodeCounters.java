package io.tickwire.engine;

import org.agrona.concurrent.status.CountersReader;

import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test helpers for a running {@link EngineNode}: its Aeron counters by type, and waiting on a condition with a deadline.
 */
final class NodeCounters
{
    private NodeCounters()
    {
    }

    /**
     * @return the id of the counter of type {@code typeId} (one of {@code EngineNode.COUNTER_*}); fails if absent.
     */
    static int counterId(final CountersReader counters, final int typeId)
    {
        final int[] id = {-1};
        counters.forEach((counterId, type, key, label) ->
        {
            if (type == typeId)
            {
                id[0] = counterId;
            }
        });
        assertThat(id[0]).as("counter type %d", typeId).isNotNegative();
        return id[0];
    }

    /**
     * Polls {@code condition} every millisecond until it holds; fails with {@code what} after {@code seconds}.
     */
    static void awaitCondition(final String what, final long seconds, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }
}
