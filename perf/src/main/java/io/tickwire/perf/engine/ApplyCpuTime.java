package io.tickwire.perf.engine;

import io.tickwire.engine.Engine;
import io.tickwire.engine.journal.JournalWriter;
import io.tickwire.perf.journal.TempJournal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Engine throughput per CPU second, for a shared machine: replays the {@link SimulatedStream} through one
 * engine pass after pass (optionally journaling every batch, as the engine agent does) and reports, per pass,
 * inputs per wall-clock second and inputs per second of this thread's CPU time (user + system). When other
 * processes take the core, wall-clock throughput drops but CPU-time throughput does not (much: caches are
 * still shared), so it estimates what one dedicated core would do.
 * <pre>
 * ApplyCpuTime [--inputs N] [--passes P] [--warmup W] [--journal none|tmpdir|DIR]
 * </pre>
 */
public final class ApplyCpuTime
{
    private ApplyCpuTime()
    {
    }

    public static void main(final String[] args)
    {
        int inputs = 1_000_000;
        int passes = 10;
        int warmup = 3;
        String journalDir = "none";
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--inputs" -> inputs = Integer.parseInt(args[++i]);
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--journal" -> journalDir = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final SimulatedStream stream = SimulatedStream.generate(1, 4, inputs);
        stream.checkSteadyState();
        final Engine engine = stream.newEngine();
        final TempJournal journal = "none".equals(journalDir) ? null : TempJournal.create(journalDir, "tickwire-cpu");
        final JournalWriter writer = journal == null ? null : journal.journal().createWriter();
        if (writer != null)
        {
            writer.source(engine.batchByteBuffer());
        }
        try
        {
            final double[] wallRates = new double[passes];
            final double[] cpuRates = new double[passes];
            long engineTime = 0;
            for (int pass = -warmup; pass < passes; pass++)
            {
                final long cpu0 = threads.getCurrentThreadCpuTime();
                final long wall0 = System.nanoTime();
                long check = 0;
                for (int i = 0; i < stream.count; i++)
                {
                    final int offset = stream.offsets[i];
                    final int length = engine.apply(stream.buffer, offset, stream.offsets[i + 1] - offset, ++engineTime);
                    if (writer != null)
                    {
                        check += writer.append(length);
                    }
                    else
                    {
                        check += length;
                    }
                }
                final long wall = System.nanoTime() - wall0;
                final long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                final double wallRate = stream.count / (wall / 1e9) / 1e6;
                final double cpuRate = stream.count / (cpu / 1e9) / 1e6;
                System.out.printf("%s %2d: %.3f M inputs/s wall, %.3f M inputs/s per CPU second (cpu/wall %.2f) [%d]%n",
                    pass < 0 ? "warmup" : "pass  ", pass < 0 ? pass + warmup + 1 : pass + 1, wallRate, cpuRate,
                    (double)cpu / wall, check & 0xF);
                if (pass >= 0)
                {
                    wallRates[pass] = wallRate;
                    cpuRates[pass] = cpuRate;
                }
            }
            Arrays.sort(wallRates);
            Arrays.sort(cpuRates);
            System.out.printf("journal=%s inputs/pass=%d passes=%d: wall median %.3f best %.3f; per CPU second median %.3f " +
                "best %.3f (M inputs/s)%n", journalDir, stream.count, passes, wallRates[passes / 2], wallRates[passes - 1],
                cpuRates[passes / 2], cpuRates[passes - 1]);
        }
        finally
        {
            if (writer != null)
            {
                writer.close();
            }
            if (journal != null)
            {
                journal.close();
            }
        }
    }
}
