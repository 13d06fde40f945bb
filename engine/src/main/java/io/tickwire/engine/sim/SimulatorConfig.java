package io.tickwire.engine.sim;

import java.util.List;

/**
 * Settings of a {@link MarketSimulator}, in the style of an Aeron context: fluent setters, defaults that make
 * a realistic flow, checked once by {@link #validate()} when the simulator is built. Not thread safe; the
 * simulator copies what it needs, so a config may be reused.
 * <p>
 * Defaults: seed 1, {@link InstrumentSpec#defaults(int) 4 default instruments}, 4 participants with ids
 * 1..4, per instrument a live-order capacity of 512 and a target of 128 live orders, 8% replaces,
 * 4% marketable orders, 0.5% sweeps (so about 87.5% of inputs are new passive orders and their cancels),
 * and a mid with a per-step volatility of 0.5 ticks and a mean reversion of 0.0005 per step (stationary
 * standard deviation about 16 ticks).
 */
public final class SimulatorConfig
{
    private long seed = 1;
    private List<InstrumentSpec> instruments = InstrumentSpec.defaults(4);
    private int participantCount = 4;
    private int firstParticipantId = 1;
    private int liveOrderCapacity = 512;
    private int targetLiveOrders = 128;
    private double replaceProbability = 0.08;
    private double marketableProbability = 0.04;
    private double sweepProbability = 0.005;
    private double midVolatilityTicks = 0.5;
    private double meanReversion = 0.0005;

    public long seed()
    {
        return seed;
    }

    /**
     * @param seed the seed of all the simulator's randomness: equal seeds give byte-identical streams.
     * @return this.
     */
    public SimulatorConfig seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    public List<InstrumentSpec> instruments()
    {
        return instruments;
    }

    /**
     * @param instruments the instruments to trade (distinct ids and symbols, at least one); copied.
     * @return this.
     */
    public SimulatorConfig instruments(final List<InstrumentSpec> instruments)
    {
        this.instruments = List.copyOf(instruments);
        return this;
    }

    public int participantCount()
    {
        return participantCount;
    }

    /**
     * @param participantCount number of simulated participants, 1..1024; each new order picks one at random.
     * @return this.
     */
    public SimulatorConfig participantCount(final int participantCount)
    {
        this.participantCount = participantCount;
        return this;
    }

    public int firstParticipantId()
    {
        return firstParticipantId;
    }

    /**
     * @param firstParticipantId the participants' ids are {@code firstParticipantId ..
     *                           firstParticipantId + participantCount - 1}, all within 0 .. 2^23-1.
     * @return this.
     */
    public SimulatorConfig firstParticipantId(final int firstParticipantId)
    {
        this.firstParticipantId = firstParticipantId;
        return this;
    }

    public int liveOrderCapacity()
    {
        return liveOrderCapacity;
    }

    /**
     * @param liveOrderCapacity the most live orders the simulator tracks per instrument, 1 .. 65536. When an
     *                          instrument is full and a new order is due, the simulator cancels the oldest
     *                          live order of that instrument instead.
     * @return this.
     */
    public SimulatorConfig liveOrderCapacity(final int liveOrderCapacity)
    {
        this.liveOrderCapacity = liveOrderCapacity;
        return this;
    }

    public int targetLiveOrders()
    {
        return targetLiveOrders;
    }

    /**
     * @param targetLiveOrders the number of live orders per instrument the new/cancel balance steers towards,
     *                         1 .. {@link #liveOrderCapacity()}.
     * @return this.
     */
    public SimulatorConfig targetLiveOrders(final int targetLiveOrders)
    {
        this.targetLiveOrders = targetLiveOrders;
        return this;
    }

    public double replaceProbability()
    {
        return replaceProbability;
    }

    /**
     * @param replaceProbability share of inputs that replace a live order (when there is one).
     * @return this.
     */
    public SimulatorConfig replaceProbability(final double replaceProbability)
    {
        this.replaceProbability = replaceProbability;
        return this;
    }

    public double marketableProbability()
    {
        return marketableProbability;
    }

    /**
     * @param marketableProbability share of inputs that are small marketable orders (IOC near the touch, or
     *                              MARKET).
     * @return this.
     */
    public SimulatorConfig marketableProbability(final double marketableProbability)
    {
        this.marketableProbability = marketableProbability;
        return this;
    }

    public double sweepProbability()
    {
        return sweepProbability;
    }

    /**
     * @param sweepProbability share of inputs that are sweeps: large IOC or MARKET orders that trade through
     *                         several levels.
     * @return this.
     */
    public SimulatorConfig sweepProbability(final double sweepProbability)
    {
        this.sweepProbability = sweepProbability;
        return this;
    }

    public double midVolatilityTicks()
    {
        return midVolatilityTicks;
    }

    /**
     * @param midVolatilityTicks standard deviation of the mid's random step, in ticks, per input on the
     *                           instrument; 0 .. 1000.
     * @return this.
     */
    public SimulatorConfig midVolatilityTicks(final double midVolatilityTicks)
    {
        this.midVolatilityTicks = midVolatilityTicks;
        return this;
    }

    public double meanReversion()
    {
        return meanReversion;
    }

    /**
     * @param meanReversion the share of the mid's distance from its initial value that decays per input on
     *                      the instrument, in (0, 1]: the Ornstein-Uhlenbeck theta of one step.
     * @return this.
     */
    public SimulatorConfig meanReversion(final double meanReversion)
    {
        this.meanReversion = meanReversion;
        return this;
    }

    /**
     * Checks every setting.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first setting out of range.
     */
    public SimulatorConfig validate()
    {
        if (instruments == null || instruments.isEmpty())
        {
            throw new IllegalArgumentException("at least one instrument is needed");
        }
        for (int i = 0; i < instruments.size(); i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (instruments.get(i).instrumentId() == instruments.get(j).instrumentId() ||
                    instruments.get(i).symbol().equals(instruments.get(j).symbol()))
                {
                    throw new IllegalArgumentException("duplicate instrument: " + instruments.get(i));
                }
            }
        }
        if (participantCount < 1 || participantCount > 1024)
        {
            throw new IllegalArgumentException("participantCount must be 1..1024: " + participantCount);
        }
        final long lastParticipantId = (long)firstParticipantId + participantCount - 1;
        if (firstParticipantId < 0 || lastParticipantId > MarketSimulator.MAX_PARTICIPANT_ID)
        {
            throw new IllegalArgumentException("participant ids out of range from " + firstParticipantId);
        }
        if (liveOrderCapacity < 1 || liveOrderCapacity > 65_536)
        {
            throw new IllegalArgumentException("liveOrderCapacity must be 1..65536: " + liveOrderCapacity);
        }
        if (targetLiveOrders < 1 || targetLiveOrders > liveOrderCapacity)
        {
            throw new IllegalArgumentException("targetLiveOrders must be 1..liveOrderCapacity: " + targetLiveOrders);
        }
        checkProbability("replaceProbability", replaceProbability);
        checkProbability("marketableProbability", marketableProbability);
        checkProbability("sweepProbability", sweepProbability);
        if (replaceProbability + marketableProbability + sweepProbability > 0.9)
        {
            throw new IllegalArgumentException("replace + marketable + sweep probabilities must leave at least 0.1");
        }
        if (!(midVolatilityTicks >= 0 && midVolatilityTicks <= 1000))
        {
            throw new IllegalArgumentException("midVolatilityTicks must be 0..1000: " + midVolatilityTicks);
        }
        if (!(meanReversion > 0 && meanReversion <= 1))
        {
            throw new IllegalArgumentException("meanReversion must be in (0, 1]: " + meanReversion);
        }
        return this;
    }

    private static void checkProbability(final String name, final double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new IllegalArgumentException(name + " must be 0..1: " + value);
        }
    }
}
