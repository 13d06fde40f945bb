package io.tickwire.gateway;

import io.tickwire.codecs.sbe.InstrumentMode;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The conflation merge of a lagging book subscription: the catch-up message from the view the client has to the
 * current view ({@link DepthView#delta}, levels merged last-write-wins: changed and new levels with their totals,
 * levels gone from the view with 0), with the checksum of the current view, encoded in one format
 * ({@code "conflated":true}). Depth 10; the two views differ by a price shift of {@code shift} (one level by
 * default: 9 levels per side with a new quantity, one leaving, one entering) and changed quantities,
 * alternating between two current views so the work is never the same twice in a row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class ConflationBenchmark
{
    private static final int DEPTH = 10;

    /** {@code json} or {@code sbe}. */
    @Param({ "json", "sbe" })
    public String format;

    /** How far the current views moved from the client's, in price units (levels are 10 apart: 10 is one level). */
    @Param({ "10" })
    public int shift;

    private final GwInstrument instrument =
        new GwInstrument(1, "BTC-USD", 2, 4, 1, 1, InstrumentMode.MATCHING, 1024);
    private final DepthView.Levels client = new DepthView.Levels(DEPTH);
    private final DepthView.Levels[] current = {new DepthView.Levels(DEPTH), new DepthView.Levels(DEPTH)};
    private FrameEncoder encoder;
    private int step;

    @Setup(Level.Trial)
    public void setUp()
    {
        encoder = "sbe".equals(format) ? new SbeFrames() : new JsonFrames();
        fill(client, 0, 100);
        fill(current[0], shift, 137);
        fill(current[1], -shift, 71);
    }

    private static void fill(final DepthView.Levels levels, final int shift, final long qtyBase)
    {
        for (int i = 0; i < DEPTH; i++)
        {
            levels.bidPx[i] = 1_000_000 - 10L * i + shift;
            levels.bidQty[i] = qtyBase + 13L * i;
            levels.askPx[i] = 1_000_010 + 10L * i + shift;
            levels.askQty[i] = qtyBase + 7L * i;
        }
        levels.bids = DEPTH;
        levels.asks = DEPTH;
    }

    /**
     * One conflated catch-up message: merge (delta) and encode.
     */
    @Benchmark
    public ByteBuffer catchUp()
    {
        final DepthView.Levels to = current[step++ & 1];
        return encoder.book(instrument, client, to, 5_000 + step, 4_000, false, true);
    }
}
