package io.tickwire.gateway;

import io.aeron.Aeron;
import io.aeron.driver.status.SubscriberPos;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.agrona.concurrent.status.CountersReader;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a media driver's counters (any process's driver, through its Aeron directory): the loss and recovery
 * system counters, and whether a subscription of a stream has an image.
 */
public final class DriverCounters implements AutoCloseable
{
    /** The counters that show loss and its repair. */
    public static final List<SystemCounterDescriptor> LOSS = List.of(
        SystemCounterDescriptor.NAK_MESSAGES_SENT, SystemCounterDescriptor.NAK_MESSAGES_RECEIVED,
        SystemCounterDescriptor.RETRANSMITS_SENT, SystemCounterDescriptor.RETRANSMITTED_BYTES,
        SystemCounterDescriptor.LOSS_GAP_FILLS, SystemCounterDescriptor.STATUS_MESSAGES_SENT,
        SystemCounterDescriptor.STATUS_MESSAGES_RECEIVED, SystemCounterDescriptor.HEARTBEATS_RECEIVED,
        SystemCounterDescriptor.ERRORS);

    private final Aeron aeron;

    public DriverCounters(final String aeronDirectory)
    {
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
    }

    public long get(final SystemCounterDescriptor descriptor)
    {
        return get(aeron.countersReader(), descriptor);
    }

    public static long get(final CountersReader reader, final SystemCounterDescriptor descriptor)
    {
        final long[] value = {-1};
        reader.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == SystemCounterDescriptor.SYSTEM_COUNTER_TYPE_ID && key.getInt(0) == descriptor.id())
            {
                value[0] = reader.getCounterValue(counterId);
            }
        });
        if (value[0] < 0)
        {
            throw new IllegalStateException("no system counter " + descriptor);
        }
        return value[0];
    }

    /**
     * @return the loss and recovery counters, in {@link #LOSS} order.
     */
    public Map<SystemCounterDescriptor, Long> loss()
    {
        final Map<SystemCounterDescriptor, Long> values = new EnumMap<>(SystemCounterDescriptor.class);
        for (final SystemCounterDescriptor d : LOSS)
        {
            values.put(d, get(d));
        }
        return values;
    }

    /**
     * @return true once a subscription of {@code streamId} on this driver has an image (a connected publisher).
     */
    public boolean hasImage(final int streamId)
    {
        final CountersReader reader = aeron.countersReader();
        final boolean[] found = {false};
        reader.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == SubscriberPos.SUBSCRIBER_POSITION_TYPE_ID && key.getInt(12) == streamId)
            {
                found[0] = true;
            }
        });
        return found[0];
    }

    @Override
    public void close()
    {
        aeron.close();
    }
}
