package io.tickwire.perf.book;

import io.tickwire.engine.book.OrderBook;
import io.tickwire.perf.CpuTimePasses;


/**
 * The order book alone per CPU second, for a shared machine (as {@code io.tickwire.perf.engine.ApplyCpuTime} is for
 * the engine): replays the {@link MixedStreamBenchmark} stream (seed 7, 200,000 commands around 1,000 live orders)
 * through one {@link OrderBook}, {@code R} times per pass (2,020,090 commands with the default 10), pass after pass,
 * and reports, per pass, commands per wall-clock second and per second of this thread's CPU time.
 * <pre>
 * BookCpuTime [--passes P] [--warmup W] [--replays R]
 * </pre>
 */
public final class BookCpuTime
{
    private BookCpuTime()
    {
    }

    public static void main(final String[] args)
    {
        int passes = 10;
        int warmup = 3;
        int replays = 10;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--replays" -> replays = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        final int maxOrders = 1 << 16;
        final MixedStream stream = MixedStream.generate(
            7, 200_000, 1_000, OrderBookBenchmark.TICK, OrderBookBenchmark.LOT, maxOrders);
        final CountingListener listener = new CountingListener();
        final OrderBook book =
            new OrderBook(1, OrderBookBenchmark.TICK, OrderBookBenchmark.LOT, maxOrders, 64, listener);
        final int r = replays;
        final CpuTimePasses.Result result = CpuTimePasses.run(warmup, passes, (long)stream.length * replays,
            "commands", () ->
            {
                for (int n = 0; n < r; n++)
                {
                    replay(stream, book);
                }
                if (book.orderCount() != 0)
                {
                    throw new IllegalStateException("stream did not end on an empty book: " + book.orderCount());
                }
                return listener.events;
            });
        System.out.printf("commands/pass=%d passes=%d events=%d: wall median %.3f best %.3f; per CPU second median " +
            "%.3f best %.3f (M commands/s)%n", (long)stream.length * replays, passes, listener.events,
            result.wallMedian(), result.wallBest(), result.cpuMedian(), result.cpuBest());
    }

    private static void replay(final MixedStream stream, final OrderBook book)
    {
        for (int i = 0; i < stream.length; i++)
        {
            switch (stream.kinds[i])
            {
                case MixedStream.NEW -> book.newOrder(
                    stream.keys[i], stream.sides[i], stream.types[i], stream.prices[i], stream.quantities[i]);
                case MixedStream.CANCEL -> book.cancel(stream.keys[i]);
                default -> book.replace(stream.keys[i], stream.prices[i], stream.quantities[i]);
            }
        }
    }
}
