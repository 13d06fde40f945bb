package io.tickwire.perf.journal;

import io.tickwire.engine.Engine;
import io.tickwire.engine.journal.JournalPretoucher;
import io.tickwire.engine.journal.JournalWriter;
import io.tickwire.perf.engine.SimulatedStream;
import org.agrona.concurrent.AgentRunner;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The journal on a real Chronicle queue (default {@code JournalConfig}: FAST_HOURLY, no sync) in a temporary
 * directory, a new queue per iteration (deleted after it, so disk use stays bounded):
 * <ul>
 * <li>{@code append}: {@link JournalWriter#append} of one real batch of the median length of the simulated
 * stream (a resting NewOrder: header, input, OrderAccepted, BookLevel, Ticker);</li>
 * <li>{@code applyAndAppend}: the engine's whole per-input work, {@link Engine#apply} of the next input of
 * the {@link SimulatedStream} then the append of its batch.</li>
 * </ul>
 * Each queue gets one append in set-up, so the first cycle file exists before measuring (file growth is
 * measured, file creation is not). Parameter {@code dir} picks the file system ({@code tmpdir}, or e.g.
 * {@code /dev/shm} to take the disk out). Parameter {@code pretouch}: bytes ahead of the writer that a
 * {@link JournalPretoucher} keeps touched, on its own thread as in the engine ({@code 0}: none, the default);
 * set-up waits until it has touched that far. Throughput in ops per microsecond; SampleTime in microseconds per op.
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Xms1g", "-Xmx1g" })
public class JournalAppendBenchmark
{
    /**
     * A journal and one typical batch to append.
     */
    @State(Scope.Thread)
    public static class AppendState
    {
        /** Parent of the queue directories: {@code tmpdir} (java.io.tmpdir) or a path such as /dev/shm. */
        @Param("tmpdir")
        public String dir;

        /** Bytes ahead of the writer kept touched by a pretoucher thread; 0 for none. */
        @Param("0")
        public long pretouch;

        ByteBuffer batch;
        int batchLength;
        TempJournal journal;
        JournalWriter writer;
        Pretouch pretoucher;

        @Setup(Level.Trial)
        public void makeBatch()
        {
            batch = SimulatedStream.generate(1, 4, 100_000).medianBatch();
            batchLength = batch.capacity();
            System.out.println("batch length " + batchLength + " bytes");
        }

        @Setup(Level.Iteration)
        public void open()
        {
            journal = TempJournal.create(dir, "tickwire-jmh-append");
            writer = journal.journal().createWriter();
            writer.source(batch);
            writer.append(batchLength);
            pretoucher = Pretouch.start(journal, pretouch);
        }

        @TearDown(Level.Iteration)
        public void close()
        {
            Pretouch.stop(pretoucher);
            writer.close();
            journal.close();
        }
    }

    /**
     * An engine fed the simulated stream in a loop, journaling every batch.
     */
    @State(Scope.Thread)
    public static class EngineState
    {
        @Param("1000000")
        public int inputs;

        /** Parent of the queue directories: {@code tmpdir} (java.io.tmpdir) or a path such as /dev/shm. */
        @Param("tmpdir")
        public String dir;

        /** Bytes ahead of the writer kept touched by a pretoucher thread; 0 for none. */
        @Param("0")
        public long pretouch;

        SimulatedStream stream;
        Engine engine;
        TempJournal journal;
        JournalWriter writer;
        Pretouch pretoucher;
        int index;
        long engineTime;

        @Setup(Level.Trial)
        public void makeStream()
        {
            stream = SimulatedStream.generate(1, 4, inputs);
            stream.checkSteadyState();
            engine = stream.newEngine();
        }

        @Setup(Level.Iteration)
        public void open()
        {
            journal = TempJournal.create(dir, "tickwire-jmh-engine");
            writer = journal.journal().createWriter();
            writer.source(engine.batchByteBuffer());
            // First excerpt of the queue outside the measurement (a JournalStart in real life).
            writer.append(64);
            pretoucher = Pretouch.start(journal, pretouch);
        }

        @TearDown(Level.Iteration)
        public void close()
        {
            Pretouch.stop(pretoucher);
            writer.close();
            journal.close();
        }
    }

    /**
     * A {@link JournalPretoucher} on a thread of its own, with its engine idle strategy.
     */
    static final class Pretouch
    {
        final JournalPretoucher agent;
        final AgentRunner runner;

        private Pretouch(final JournalPretoucher agent)
        {
            this.agent = agent;
            this.runner = new AgentRunner(JournalPretoucher.idleStrategy(), Throwable::printStackTrace, null, agent);
        }

        /**
         * Starts one when {@code aheadBytes > 0}; returns once it has touched that far (or after 10 s).
         */
        static Pretouch start(final TempJournal journal, final long aheadBytes)
        {
            if (aheadBytes <= 0)
            {
                return null;
            }
            final Pretouch pretouch = new Pretouch(journal.journal().createPretoucher(aheadBytes));
            AgentRunner.startOnThread(pretouch.runner);
            final long pages = aheadBytes / 4096 - 1;
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (pretouch.agent.pagesTouched() < pages && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
            return pretouch;
        }

        static void stop(final Pretouch pretouch)
        {
            if (pretouch != null)
            {
                pretouch.runner.close();
                System.out.println("pretoucher: " + pretouch.agent.pagesTouched() + " pages touched, " +
                    pretouch.agent.pagesLate() + " reached by the writer first");
            }
        }
    }

    @Benchmark
    public long append(final AppendState state)
    {
        return state.writer.append(state.batchLength);
    }

    @Benchmark
    public long applyAndAppend(final EngineState state)
    {
        final SimulatedStream s = state.stream;
        final int i = state.index;
        final int offset = s.offsets[i];
        final int length = state.engine.apply(s.buffer, offset, s.offsets[i + 1] - offset, ++state.engineTime);
        state.index = i + 1 == s.count ? 0 : i + 1;
        return length > 0 ? state.writer.append(length) : 0;
    }
}
