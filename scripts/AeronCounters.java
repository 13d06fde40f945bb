import io.aeron.Aeron;
import io.aeron.driver.status.SystemCounterDescriptor;

/**
 * Prints a media driver's loss and recovery counters, one {@code name=value} per line. Single-file program:
 * {@code java -cp app/target/tickwire.jar scripts/AeronCounters.java /dev/shm/DRIVER-DIR} (plus the Agrona flag
 * {@code --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED}). Used by scripts/netns-loss.sh.
 */
public final class AeronCounters
{
    public static void main(final String[] args)
    {
        final SystemCounterDescriptor[] shown = {
            SystemCounterDescriptor.NAK_MESSAGES_SENT, SystemCounterDescriptor.NAK_MESSAGES_RECEIVED,
            SystemCounterDescriptor.RETRANSMITS_SENT, SystemCounterDescriptor.RETRANSMITTED_BYTES,
            SystemCounterDescriptor.LOSS_GAP_FILLS, SystemCounterDescriptor.STATUS_MESSAGES_SENT,
            SystemCounterDescriptor.STATUS_MESSAGES_RECEIVED, SystemCounterDescriptor.ERRORS};
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args[0])))
        {
            final var reader = aeron.countersReader();
            for (final SystemCounterDescriptor d : shown)
            {
                reader.forEach((id, type, key, label) ->
                {
                    if (type == SystemCounterDescriptor.SYSTEM_COUNTER_TYPE_ID && key.getInt(0) == d.id())
                    {
                        System.out.println(d.name() + "=" + reader.getCounterValue(id));
                    }
                });
            }
        }
    }
}
