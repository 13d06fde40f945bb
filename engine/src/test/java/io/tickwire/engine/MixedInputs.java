package io.tickwire.engine;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorConfig;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded stream of engine inputs for snapshot and recovery tests: orders of the market simulator on four
 * matching instruments and/or random levels (some removals) and trades on two feed instruments. Equal seeds give
 * equal streams. Each input is a fresh buffer.
 */
public final class MixedInputs
{
    /** Ids of the feed instruments. */
    public static final int FEED_A = 50;
    public static final int FEED_B = 51;

    private final boolean matching;
    private final boolean feed;
    private final SplittableRandom random;
    private final MarketSimulator simulator;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MarketSimulator.MAX_MESSAGE_LENGTH]);
    private long time;

    public MixedInputs(final long seed, final boolean matching, final boolean feed)
    {
        this.matching = matching;
        this.feed = feed;
        random = new SplittableRandom(seed);
        simulator = new MarketSimulator(new SimulatorConfig().seed(seed).instruments(InstrumentSpec.defaults(4)));
    }

    /**
     * @return the AddInstrument inputs of the stream's instruments, to apply first.
     */
    public List<UnsafeBuffer> definitions()
    {
        final List<UnsafeBuffer> inputs = new ArrayList<>();
        if (matching)
        {
            for (final InstrumentSpec spec : InstrumentSpec.defaults(4))
            {
                inputs.add(Inputs.addInstrument(spec));
            }
        }
        if (feed)
        {
            inputs.add(TestInputs.addInstrument(FEED_A, "FEED.A", 2, 0, 1, 1, InstrumentMode.FEED));
            inputs.add(TestInputs.addInstrument(FEED_B, "FEED.B", 2, 0, 5, 1, InstrumentMode.FEED));
        }
        return inputs;
    }

    public UnsafeBuffer next()
    {
        time += 1_000;
        if (matching && (!feed || random.nextInt(3) != 0))
        {
            final int length = simulator.next(time, scratch, 0);
            final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
            copy.putBytes(0, scratch, 0, length);
            return copy;
        }
        final int instrument = random.nextBoolean() ? FEED_A : FEED_B;
        final long tick = instrument == FEED_A ? 1 : 5;
        final Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
        final long price = tick * ((side == Side.BUY ? 900 : 1_001) + random.nextInt(100));
        if (random.nextInt(10) == 0)
        {
            return TestInputs.feedTrade(instrument, price, 1 + random.nextInt(20), side);
        }
        return TestInputs.feedLevel(instrument, side, price, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(50));
    }
}
