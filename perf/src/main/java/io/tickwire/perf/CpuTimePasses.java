package io.tickwire.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Throughput per wall-clock second and per second of the running thread's CPU time (user + system), pass after
 * pass, for a shared machine: when other processes take the core, wall-clock throughput drops but CPU-time
 * throughput does not (much: caches are still shared), so it estimates what one dedicated core would do. Used by
 * {@code ApplyCpuTime} (the engine) and {@code BookCpuTime} (the order book alone).
 */
public final class CpuTimePasses
{
    /**
     * One pass of the measured work.
     */
    @FunctionalInterface
    public interface Pass
    {
        /**
         * @return a value derived from the work (printed, so that the JIT cannot drop it).
         */
        long run();
    }

    /**
     * Median and best of the measured passes, in millions of units per second.
     */
    public record Result(double wallMedian, double wallBest, double cpuMedian, double cpuBest)
    {
    }

    private CpuTimePasses()
    {
    }

    /**
     * Runs {@code warmup} passes, then {@code passes} measured ones, printing a line for each.
     *
     * @param units units of work in one pass (inputs, commands).
     * @param unit  their name in the printed lines.
     */
    public static Result run(final int warmup, final int passes, final long units, final String unit, final Pass pass)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[] wallRates = new double[passes];
        final double[] cpuRates = new double[passes];
        for (int p = -warmup; p < passes; p++)
        {
            final long cpu0 = threads.getCurrentThreadCpuTime();
            final long wall0 = System.nanoTime();
            final long check = pass.run();
            final long wall = System.nanoTime() - wall0;
            final long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            final double wallRate = units / (wall / 1e9) / 1e6;
            final double cpuRate = units / (cpu / 1e9) / 1e6;
            System.out.printf("%s %2d: %.3f M %s/s wall, %.3f M %s/s per CPU second (cpu/wall %.2f) [%d]%n",
                p < 0 ? "warmup" : "pass  ", p < 0 ? p + warmup + 1 : p + 1, wallRate, unit, cpuRate, unit,
                (double)cpu / wall, check & 0xF);
            if (p >= 0)
            {
                wallRates[p] = wallRate;
                cpuRates[p] = cpuRate;
            }
        }
        Arrays.sort(wallRates);
        Arrays.sort(cpuRates);
        return new Result(wallRates[passes / 2], wallRates[passes - 1], cpuRates[passes / 2], cpuRates[passes - 1]);
    }
}
