package io.tickwire.perf.engine;

import io.tickwire.engine.Engine;
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
 * {@link Engine#apply} over a realistic {@link SimulatedStream} (simulator order flow on 4 instruments, 1M
 * inputs per pass plus the drain cancels), replayed in a loop through one engine: matching plus sequencing
 * plus batch encoding, everything the engine does per input except journaling. One op is one input; the
 * stream is a steady cycle (checked at set-up), so every pass sees the same book states. The engine time
 * is a counter (the agent reads a clock there; that is not measured here).
 * <p>
 * Throughput in ops per microsecond (= million inputs per second); SampleTime in microseconds per input.
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class EngineApplyBenchmark
{
    /** Simulator inputs per pass. */
    @Param("1000000")
    public int inputs;

    /** Instruments traded (the simulator's default is 4). */
    @Param("4")
    public int instruments;

    @Param("1")
    public long seed;

    private SimulatedStream stream;
    private Engine engine;
    private int index;
    private long engineTime;

    @Setup(Level.Trial)
    public void setUp()
    {
        stream = SimulatedStream.generate(seed, instruments, inputs);
        stream.checkSteadyState();
        engine = stream.newEngine();
    }

    @Benchmark
    public int apply()
    {
        final SimulatedStream s = stream;
        final int i = index;
        final int offset = s.offsets[i];
        final int length = engine.apply(s.buffer, offset, s.offsets[i + 1] - offset, ++engineTime);
        index = i + 1 == s.count ? 0 : i + 1;
        return length;
    }
}
