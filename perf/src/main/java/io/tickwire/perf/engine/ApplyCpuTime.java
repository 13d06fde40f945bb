package io.tickwire.perf.engine;

import io.tickwire.engine.Engine;
import io.tickwire.engine.journal.JournalWriter;
import io.tickwire.perf.CpuTimePasses;
import io.tickwire.perf.journal.TempJournal;


/**
 * Engine throughput per CPU second, for a shared machine: replays the {@link SimulatedStream} through one
 * engine pass after pass (optionally journaling every batch, as the engine agent does) and reports, per pass,
 * inputs per wall-clock second and inputs per second of this thread's CPU time ({@link CpuTimePasses}).
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
            final long[] engineTime = {0};
            final CpuTimePasses.Result result = CpuTimePasses.run(warmup, passes, stream.count, "inputs", () ->
            {
                long check = 0;
                long time = engineTime[0];
                for (int i = 0; i < stream.count; i++)
                {
                    final int offset = stream.offsets[i];
                    final int length = engine.apply(stream.buffer, offset, stream.offsets[i + 1] - offset, ++time);
                    check += writer != null ? writer.append(length) : length;
                }
                engineTime[0] = time;
                return check;
            });
            System.out.printf("journal=%s inputs/pass=%d passes=%d: wall median %.3f best %.3f; per CPU second median " +
                "%.3f best %.3f (M inputs/s)%n", journalDir, stream.count, passes, result.wallMedian(), result.wallBest(),
                result.cpuMedian(), result.cpuBest());
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
