package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The books allocate nothing per command once constructed: measured with the JVM's per-thread allocation
 * counter over a random stream (commands generated up front) and a listener that allocates nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AllocationFreeTest
{
    private static final long SEED = 0xA110CL;
    private static final int COMMANDS = 100_000;
    /** Slack for the measurement itself. */
    private static final long TOLERANCE_BYTES = 2_048;

    private static long[] sink;

    private final CountingListener listener = new CountingListener();

    @Test
    void orderBookAllocatesNothingPerCommand()
    {
        final com.sun.management.ThreadMXBean threads = threadBean();
        final RecordingListener ignored = new RecordingListener();
        final ReferenceOrderBook reference = new ReferenceOrderBook(RandomCommands.TICK, RandomCommands.LOT, 2_000, 16, ignored);
        final RandomCommands generator = new RandomCommands(SEED, reference::contains);
        final BookCommand[] warmUp = generate(generator, reference, ignored);
        final BookCommand[] measured = generate(generator, reference, ignored);
        final OrderBook book = new OrderBook(1, RandomCommands.TICK, RandomCommands.LOT, 2_000, 16, listener);
        for (final BookCommand command : warmUp)
        {
            command.applyTo(book);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (final BookCommand command : measured)
        {
            command.applyTo(book);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(book.stateHash()).isEqualTo(reference.stateHash());
        assertThat(listener.events).isGreaterThan(COMMANDS);
        assertThat(allocated).as("bytes allocated by %d commands", COMMANDS).isLessThan(TOLERANCE_BYTES);
    }

    @Test
    void levelBookAllocatesNothingPerUpdate()
    {
        final com.sun.management.ThreadMXBean threads = threadBean();
        final LevelBook book = new LevelBook(1, 64, listener);
        final java.util.SplittableRandom random = new java.util.SplittableRandom(SEED);
        final long[] prices = new long[COMMANDS];
        final long[] quantities = new long[COMMANDS];
        final Side[] sides = new Side[COMMANDS];
        for (int i = 0; i < COMMANDS; i++)
        {
            sides[i] = random.nextBoolean() ? Side.BUY : Side.SELL;
            prices[i] = sides[i] == Side.BUY ? 1_000 - random.nextInt(100) : 1_001 + random.nextInt(100);
            quantities[i] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(1_000);
        }
        for (int pass = 0; pass < 2; pass++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < COMMANDS; i++)
            {
                book.setLevel(sides[i], prices[i], quantities[i]);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (pass == 1)
            {
                assertThat(allocated).as("bytes allocated by %d updates", COMMANDS).isLessThan(TOLERANCE_BYTES);
            }
        }
    }

    private static BookCommand[] generate(
        final RandomCommands generator, final ReferenceOrderBook reference, final RecordingListener events)
    {
        final BookCommand[] commands = new BookCommand[COMMANDS];
        for (int i = 0; i < COMMANDS; i++)
        {
            commands[i] = generator.next();
            commands[i].applyTo(reference);
            events.events().clear();
        }
        return commands;
    }

    private static com.sun.management.ThreadMXBean threadBean()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        final long before = threads.getCurrentThreadAllocatedBytes();
        sink = new long[1_000];
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("the counter works").isGreaterThanOrEqualTo(8_000);
        return threads;
    }

    /**
     * Counts events; allocates nothing.
     */
    private static final class CountingListener implements OrderBookListener
    {
        long events;
        long checksum;

        public void onAccepted(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
        {
            events++;
            checksum += orderKey + quantity;
        }

        public void onRejected(final long orderKey, final RejectReason reason)
        {
            events++;
            checksum += reason.value();
        }

        public void onTrade(
            final long takerKey,
            final long makerKey,
            final Side aggressorSide,
            final long price,
            final long quantity,
            final long takerLeaves,
            final long makerLeaves)
        {
            events++;
            checksum += price * quantity + takerLeaves + makerLeaves;
        }

        public void onCancelled(final long orderKey, final long cancelledQuantity, final CancelReason reason)
        {
            events++;
            checksum += cancelledQuantity;
        }

        public void onReplaced(final long orderKey, final long price, final long leavesQuantity, final boolean keptPriority)
        {
            events++;
            checksum += price + leavesQuantity;
        }

        public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
        {
            events++;
            checksum += price + quantity + orderCount;
        }
    }
}
