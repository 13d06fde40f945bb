package io.tickwire.perf.book;

import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.book.OrderBook;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link OrderBook} operations on a book with a standing depth (20 levels a side, 4 orders a level), each
 * benchmark leaving the book as it found it so the state is steady. One benchmark op is:
 * <ul>
 * <li>{@code addCancel}: one LIMIT order entered near the top (a new best level or 1-3 ticks behind it)
 * and then cancelled: two commands;</li>
 * <li>{@code matchOneLevel}: an aggressive IOC that fills a one-order best level completely, plus the
 * LIMIT order that re-creates that level first: two commands, one trade;</li>
 * <li>{@code sweepFiveLevels}: five LIMIT orders making five new best levels, then one IOC sweeping all
 * five: six commands, five trades.</li>
 * </ul>
 * Throughput is in ops per microsecond (= million ops per second); SampleTime in microseconds per op.
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class OrderBookBenchmark
{
    static final long TICK = 5;
    static final long LOT = 100;
    private static final long MID = 100_000;
    private static final int DEPTH = 20;
    private static final int ORDERS_PER_LEVEL = 4;
    private static final int MASK = 1023;

    private final CountingListener listener = new CountingListener();
    private final long[] addPrices = new long[MASK + 1];
    private final Side[] addSides = new Side[MASK + 1];
    private OrderBook book;
    private long nextKey;
    private int index;

    @Setup(Level.Trial)
    public void setUp()
    {
        book = new OrderBook(1, TICK, LOT, 1 << 16, 64, listener);
        for (int level = 0; level < DEPTH; level++)
        {
            for (int i = 0; i < ORDERS_PER_LEVEL; i++)
            {
                // Best bid MID-4 ticks, best ask MID+4 ticks: seven free prices between for new levels.
                book.newOrder(nextKey++, Side.BUY, OrderType.LIMIT, MID - (level + 4) * TICK, LOT * (1 + i));
                book.newOrder(nextKey++, Side.SELL, OrderType.LIMIT, MID + (level + 4) * TICK, LOT * (1 + i));
            }
        }
        final java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i <= MASK; i++)
        {
            final Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
            final int behind = random.nextInt(5) - 1; // -1: a new best level, 0..3: at or behind the best
            addSides[i] = side;
            addPrices[i] = side == Side.BUY ? MID - (behind + 4) * TICK : MID + (behind + 4) * TICK;
        }
    }

    @TearDown(Level.Trial)
    public void checkSteadyState()
    {
        if (book.orderCount() != 2 * DEPTH * ORDERS_PER_LEVEL || listener.rejects != 0)
        {
            throw new IllegalStateException("book drifted: orders=" + book.orderCount() + " rejects=" + listener.rejects);
        }
    }

    @Benchmark
    public void addCancel()
    {
        final int i = index++ & MASK;
        final long key = nextKey++;
        book.newOrder(key, addSides[i], OrderType.LIMIT, addPrices[i], LOT);
        book.cancel(key);
    }

    @Benchmark
    public void matchOneLevel()
    {
        final int i = index++ & MASK;
        final Side makerSide = addSides[i];
        final long price = makerSide == Side.BUY ? MID - TICK : MID + TICK;
        book.newOrder(nextKey++, makerSide, OrderType.LIMIT, price, 3 * LOT);
        book.newOrder(nextKey++, makerSide == Side.BUY ? Side.SELL : Side.BUY, OrderType.IOC, price, 3 * LOT);
    }

    @Benchmark
    public void sweepFiveLevels()
    {
        final int i = index++ & MASK;
        final Side makerSide = addSides[i];
        final boolean buy = makerSide == Side.BUY;
        // Five new best levels inside the spread: bids MID-3 .. MID+1 ticks, or asks MID+3 .. MID-1 ticks.
        for (int level = 0; level < 5; level++)
        {
            final long price = buy ? MID - (3 - level) * TICK : MID + (3 - level) * TICK;
            book.newOrder(nextKey++, makerSide, OrderType.LIMIT, price, LOT);
        }
        final long worst = buy ? MID - 3 * TICK : MID + 3 * TICK;
        book.newOrder(nextKey++, buy ? Side.SELL : Side.BUY, OrderType.IOC, worst, 5 * LOT);
    }
}
