package io.tickwire.perf.book;

import io.tickwire.engine.book.OrderBook;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A realistic mixed stream ({@link MixedStream}) replayed in a loop through one {@link OrderBook}; one op
 * is one command. The stream starts and ends on an empty book, so every pass sees the same states (this is
 * checked at each wrap). Throughput is in ops per microsecond (= million commands per second).
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class MixedStreamBenchmark
{
    /** Commands in the mixed part of the stream. */
    @Param("200000")
    public int steadyCommands;

    /** Live orders the stream hovers around. */
    @Param("1000")
    public int liveOrders;

    private final CountingListener listener = new CountingListener();
    private MixedStream stream;
    private OrderBook book;
    private int index;

    @Setup(Level.Trial)
    public void setUp()
    {
        final int maxOrders = 1 << 16;
        stream = MixedStream.generate(7, steadyCommands, liveOrders, OrderBookBenchmark.TICK, OrderBookBenchmark.LOT, maxOrders);
        book = new OrderBook(1, OrderBookBenchmark.TICK, OrderBookBenchmark.LOT, maxOrders, 64, listener);
    }

    @Benchmark
    public void mixed()
    {
        final MixedStream commands = stream;
        int i = index;
        switch (commands.kinds[i])
        {
            case MixedStream.NEW:
                book.newOrder(commands.keys[i], commands.sides[i], commands.types[i], commands.prices[i], commands.quantities[i]);
                break;
            case MixedStream.CANCEL:
                book.cancel(commands.keys[i]);
                break;
            default:
                book.replace(commands.keys[i], commands.prices[i], commands.quantities[i]);
                break;
        }
        if (++i == commands.length)
        {
            i = 0;
            if (book.orderCount() != 0)
            {
                throw new IllegalStateException("stream did not end on an empty book: " + book.orderCount());
            }
        }
        index = i;
    }

    /**
     * Not a benchmark: a quick description of the stream for the report ({@code main}).
     */
    public static void main(final String[] args)
    {
        final CountingListener counts = new CountingListener();
        final MixedStream stream = MixedStream.generate(7, 200_000, 1_000, OrderBookBenchmark.TICK, OrderBookBenchmark.LOT, 1 << 16);
        final OrderBook book = new OrderBook(1, OrderBookBenchmark.TICK, OrderBookBenchmark.LOT, 1 << 16, 64, counts);
        int news = 0;
        int cancels = 0;
        int replaces = 0;
        int maxLive = 0;
        for (int i = 0; i < stream.length; i++)
        {
            switch (stream.kinds[i])
            {
                case MixedStream.NEW:
                    news++;
                    book.newOrder(stream.keys[i], stream.sides[i], stream.types[i], stream.prices[i], stream.quantities[i]);
                    break;
                case MixedStream.CANCEL:
                    cancels++;
                    book.cancel(stream.keys[i]);
                    break;
                default:
                    replaces++;
                    book.replace(stream.keys[i], stream.prices[i], stream.quantities[i]);
                    break;
            }
            maxLive = Math.max(maxLive, book.orderCount());
        }
        System.out.println("commands=" + stream.length + " new=" + news + " cancel=" + cancels + " replace=" + replaces +
            " trades=" + counts.trades + " rejects=" + counts.rejects + " events=" + counts.events +
            " maxLive=" + maxLive + " finalOrders=" + book.orderCount());
    }
}
