package io.tickwire.engine.sim;

import io.tickwire.codecs.sbe.CancelOrderEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.NewOrderEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.ReplaceOrderEncoder;
import io.tickwire.codecs.sbe.Side;
import org.agrona.MutableDirectBuffer;

import java.util.List;

/**
 * Generates a realistic, reproducible order flow for the matching engine: one SBE input message
 * ({@code NewOrder}, {@code CancelOrder} or {@code ReplaceOrder}) per {@link #next} call.
 *
 * <h2>Model</h2>
 * Each call picks an instrument uniformly, moves its mid one step, then picks an action:
 * <ul>
 *   <li>a <b>sweep</b> ({@link SimulatorConfig#sweepProbability()}): a large order (500..1500 lots), half
 *   MARKET, half IOC limited 10..30 ticks through the mid, that trades through several levels;</li>
 *   <li>a <b>marketable</b> order ({@link SimulatorConfig#marketableProbability()}): 1..10 lots, 30% MARKET,
 *   70% IOC 1..3 ticks through the mid;</li>
 *   <li>a <b>replace</b> of a random live order ({@link SimulatorConfig#replaceProbability()}): half the time
 *   (when it has two lots or more) a lower quantity at the same price, which keeps time priority, otherwise
 *   a re-quote at a fresh distance from the current mid on the same side;</li>
 *   <li>otherwise a <b>new passive</b> LIMIT order or a <b>cancel</b>. The new/cancel choice steers the
 *   instrument's live orders towards {@link SimulatorConfig#targetLiveOrders()}: the probability of a new
 *   order is {@code 0.5 + 0.5 * (target - live) / target}, clamped to [0.1, 0.9]. A cancel draws two live
 *   orders and cancels the one farther from the current mid (stale quotes are pulled first).</li>
 * </ul>
 * A passive order rests {@code d} ticks behind the mid (buy at {@code mid - d}, sell at {@code mid + d}):
 * 85% of them near the top, with {@code P(d = k) = 2^-k} (k = 1..20), 15% deeper, {@code d} uniform in
 * 5..50. Sizes are 1..10 lots (75%) or 10..50 lots. Every price is a positive multiple of the tick size
 * (clamped at one tick), every quantity a positive multiple of the lot size.
 * <p>
 * The mid of each instrument is a discretised Ornstein-Uhlenbeck process in ticks around its initial
 * value: {@code x' = (1 - theta) x + sigma N(0,1)} per input on the instrument, so it wanders but stays
 * within a few {@code sigma / sqrt(2 theta)} of where it started.
 *
 * <h2>Live orders</h2>
 * The simulator does not see fills: it tracks the passive LIMIT orders it sent and has not cancelled, per
 * instrument, in preallocated primitive arrays of {@link SimulatorConfig#liveOrderCapacity()} slots. A
 * cancel or replace of an order the engine has already filled is expected and gets an engine reject.
 * <b>Capacity policy:</b> when an instrument's slots are all in use and a new passive order is due, the
 * simulator sends a cancel of that instrument's oldest live order (the one sent first) instead, so the live
 * set never exceeds the capacity. Marketable and sweep orders are never tracked (they cannot rest).
 * Each participant's client order ids increase from 1 (wrapping to 1 after 2^40-1).
 *
 * <h2>Determinism and cost</h2>
 * The stream depends only on the seed and the sequence of intended times passed to {@link #next}: two
 * simulators with the same config produce byte-identical messages. {@link #nextInterArrivalNanos} draws
 * from a separate generator derived from the seed, so scheduling does not change the message stream.
 * Single threaded; no allocation per message after construction.
 */
public final class MarketSimulator
{
    /** Largest participant id the engine accepts (2^23-1). */
    public static final int MAX_PARTICIPANT_ID = (1 << 23) - 1;
    /** Largest client order id the engine accepts (2^40-1). */
    public static final long MAX_CLIENT_ORDER_ID = (1L << 40) - 1;
    /** The longest message {@link #next} writes, header included. */
    public static final int MAX_MESSAGE_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH +
        Math.max(NewOrderEncoder.BLOCK_LENGTH,
        Math.max(CancelOrderEncoder.BLOCK_LENGTH, ReplaceOrderEncoder.BLOCK_LENGTH));

    /**
     * What a {@link #next} call did.
     */
    public enum Action
    {
        /** A LIMIT order placed behind the mid, now tracked as live. */
        NEW_PASSIVE,
        /** A cancel of a live order chosen by the flow. */
        CANCEL,
        /** A cancel of the oldest live order because the instrument's live set was full. */
        EVICT_OLDEST,
        /** A replace to a lower quantity at the same price (keeps priority). */
        REPLACE_QTY_DOWN,
        /** A replace to a new price (loses priority). */
        REPLACE_PRICE,
        /** A small marketable IOC or MARKET order. */
        MARKETABLE,
        /** A large IOC or MARKET order that trades through several levels. */
        SWEEP
    }

    private static final Action[] ACTIONS = Action.values();
    private static final long ARRIVAL_SEED_SALT = 0x5DEECE66DL;
    private static final int NEAR_PERCENT = 85;
    private static final int MAX_NEAR_TICKS = 20;
    private static final int DEEP_MIN_TICKS = 5;
    private static final int DEEP_MAX_TICKS = 50;

    private final long seed;
    private final SimRandom random;
    private final SimRandom arrivals;
    private final List<InstrumentSpec> instruments;
    private final int instrumentCount;
    private final int capacity;
    private final int targetLive;
    private final double sweepCut;
    private final double marketableCut;
    private final double replaceCut;
    private final double sigma;
    private final double decay;

    private final int[] instrumentIds;
    private final long[] tickSize;
    private final long[] lotSize;
    private final long[] initialMidTicks;
    private final double[] midOffsetTicks;
    private final long[] midTicks;

    private final int[] participantIds;
    private final long[] nextClientOrderId;

    private final int[] liveCount;
    private final int[] liveParticipant;
    private final long[] liveClientOrderId;
    private final boolean[] liveSell;
    private final long[] livePrice;
    private final long[] liveQty;
    private final long[] liveBorn;
    private long bornCounter;

    private final long[] actionCounts = new long[ACTIONS.length];
    private Action lastAction;
    private long messageCount;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final NewOrderEncoder newOrderEncoder = new NewOrderEncoder();
    private final CancelOrderEncoder cancelOrderEncoder = new CancelOrderEncoder();
    private final ReplaceOrderEncoder replaceOrderEncoder = new ReplaceOrderEncoder();

    /**
     * @param config the settings; validated here and copied.
     * @throws IllegalArgumentException if a setting is out of range.
     */
    public MarketSimulator(final SimulatorConfig config)
    {
        config.validate();
        seed = config.seed();
        random = new SimRandom(seed);
        arrivals = new SimRandom(SimRandom.mix64(seed ^ ARRIVAL_SEED_SALT));
        instruments = config.instruments();
        instrumentCount = instruments.size();
        capacity = config.liveOrderCapacity();
        targetLive = config.targetLiveOrders();
        sweepCut = config.sweepProbability();
        marketableCut = sweepCut + config.marketableProbability();
        replaceCut = marketableCut + config.replaceProbability();
        sigma = config.midVolatilityTicks();
        decay = 1.0 - config.meanReversion();

        instrumentIds = new int[instrumentCount];
        tickSize = new long[instrumentCount];
        lotSize = new long[instrumentCount];
        initialMidTicks = new long[instrumentCount];
        midOffsetTicks = new double[instrumentCount];
        midTicks = new long[instrumentCount];
        for (int i = 0; i < instrumentCount; i++)
        {
            final InstrumentSpec spec = instruments.get(i);
            instrumentIds[i] = spec.instrumentId();
            tickSize[i] = spec.tickSize();
            lotSize[i] = spec.lotSize();
            initialMidTicks[i] = spec.initialMid() / spec.tickSize();
            midTicks[i] = initialMidTicks[i];
        }

        final int participants = config.participantCount();
        participantIds = new int[participants];
        nextClientOrderId = new long[participants];
        for (int p = 0; p < participants; p++)
        {
            participantIds[p] = config.firstParticipantId() + p;
            nextClientOrderId[p] = 1;
        }

        final int slots = instrumentCount * capacity;
        liveCount = new int[instrumentCount];
        liveParticipant = new int[slots];
        liveClientOrderId = new long[slots];
        liveSell = new boolean[slots];
        livePrice = new long[slots];
        liveQty = new long[slots];
        liveBorn = new long[slots];
    }

    /**
     * Writes the next input message (header and body) at {@code offset}.
     *
     * @param nowNanos the message's intended send time (epoch nanos), written to its {@code intendedTime}.
     * @param buffer   destination, with at least {@link #MAX_MESSAGE_LENGTH} bytes from {@code offset}.
     * @param offset   where the header starts.
     * @return the encoded length, header included.
     */
    public int next(final long nowNanos, final MutableDirectBuffer buffer, final int offset)
    {
        final int instrument = instrumentCount == 1 ? 0 : random.nextInt(instrumentCount);
        stepMid(instrument);
        messageCount++;

        final double u = random.nextDouble();
        final int live = liveCount[instrument];
        if (u < sweepCut)
        {
            return sweep(instrument, nowNanos, buffer, offset);
        }
        if (u < marketableCut)
        {
            return marketable(instrument, nowNanos, buffer, offset);
        }
        if (u < replaceCut && live > 0)
        {
            return replace(instrument, nowNanos, buffer, offset);
        }
        if (live == 0)
        {
            return newPassive(instrument, nowNanos, buffer, offset);
        }

        final double newProbability = Math.max(0.1, Math.min(0.9, 0.5 + 0.5 * (targetLive - live) / targetLive));
        if (random.nextDouble() < newProbability)
        {
            return live < capacity ?
                newPassive(instrument, nowNanos, buffer, offset) :
                evictOldest(instrument, nowNanos, buffer, offset);
        }
        return cancel(instrument, nowNanos, buffer, offset);
    }

    /**
     * Draws the gap to the next arrival of a Poisson process, from a generator of its own (derived from the
     * seed), so the agent's scheduling does not change the message stream.
     *
     * @param ratePerSecond mean arrivals per second, positive.
     * @return an exponentially distributed gap in nanoseconds with mean {@code 1e9 / ratePerSecond}.
     */
    public long nextInterArrivalNanos(final double ratePerSecond)
    {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond))
        {
            throw new IllegalArgumentException("ratePerSecond must be positive: " + ratePerSecond);
        }
        return Math.round(arrivals.nextExponential() * (1e9 / ratePerSecond));
    }

    /**
     * @return the seed this simulator was built with.
     */
    public long seed()
    {
        return seed;
    }

    /**
     * @return the instruments traded, in the order of the config.
     */
    public List<InstrumentSpec> instruments()
    {
        return instruments;
    }

    /**
     * @param index position in {@link #instruments()}.
     * @return the instrument's current mid price (mantissa).
     */
    public long midPrice(final int index)
    {
        return midTicks[index] * tickSize[index];
    }

    /**
     * @param index position in {@link #instruments()}.
     * @return how many orders of the instrument the simulator believes live.
     */
    public int liveOrderCount(final int index)
    {
        return liveCount[index];
    }

    /**
     * @return the action of the last {@link #next} call, null before the first.
     */
    public Action lastAction()
    {
        return lastAction;
    }

    /**
     * @param action an action.
     * @return how many messages so far were of this action.
     */
    public long actionCount(final Action action)
    {
        return actionCounts[action.ordinal()];
    }

    /**
     * @return how many messages {@link #next} has written.
     */
    public long messageCount()
    {
        return messageCount;
    }

    private void stepMid(final int instrument)
    {
        final double x = decay * midOffsetTicks[instrument] + sigma * random.nextGaussian();
        midOffsetTicks[instrument] = x;
        midTicks[instrument] = Math.max(1, initialMidTicks[instrument] + Math.round(x));
    }

    private int newPassive(final int instrument, final long now, final MutableDirectBuffer buffer, final int offset)
    {
        final boolean sell = random.nextInt(2) == 1;
        final long price = passivePrice(instrument, sell);
        final long quantity = passiveLots() * lotSize[instrument];
        final int participant = random.nextInt(participantIds.length);
        final long clientOrderId = takeClientOrderId(participant);

        final int slot = instrument * capacity + liveCount[instrument]++;
        liveParticipant[slot] = participant;
        liveClientOrderId[slot] = clientOrderId;
        liveSell[slot] = sell;
        livePrice[slot] = price;
        liveQty[slot] = quantity;
        liveBorn[slot] = bornCounter++;

        record(Action.NEW_PASSIVE);
        return encodeNewOrder(
            now, participant, clientOrderId, instrument, sell, OrderType.LIMIT, price, quantity, buffer, offset);
    }

    private int cancel(final int instrument, final long now, final MutableDirectBuffer buffer, final int offset)
    {
        final int base = instrument * capacity;
        final int live = liveCount[instrument];
        final int a = base + random.nextInt(live);
        final int b = base + random.nextInt(live);
        final long mid = midTicks[instrument] * tickSize[instrument];
        final int slot = Math.abs(livePrice[b] - mid) > Math.abs(livePrice[a] - mid) ? b : a;
        record(Action.CANCEL);
        return cancelAndRemove(instrument, slot, now, buffer, offset);
    }

    private int evictOldest(final int instrument, final long now, final MutableDirectBuffer buffer, final int offset)
    {
        final int base = instrument * capacity;
        final int end = base + liveCount[instrument];
        int oldest = base;
        for (int slot = base + 1; slot < end; slot++)
        {
            if (liveBorn[slot] < liveBorn[oldest])
            {
                oldest = slot;
            }
        }
        record(Action.EVICT_OLDEST);
        return cancelAndRemove(instrument, oldest, now, buffer, offset);
    }

    private int cancelAndRemove(
        final int instrument, final int slot, final long now, final MutableDirectBuffer buffer, final int offset)
    {
        cancelOrderEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(now)
            .participantId(participantIds[liveParticipant[slot]])
            .clientOrderId(liveClientOrderId[slot])
            .instrumentId(instrumentIds[instrument]);

        final int last = instrument * capacity + --liveCount[instrument];
        liveParticipant[slot] = liveParticipant[last];
        liveClientOrderId[slot] = liveClientOrderId[last];
        liveSell[slot] = liveSell[last];
        livePrice[slot] = livePrice[last];
        liveQty[slot] = liveQty[last];
        liveBorn[slot] = liveBorn[last];

        return MessageHeaderEncoder.ENCODED_LENGTH + cancelOrderEncoder.encodedLength();
    }

    private int replace(final int instrument, final long now, final MutableDirectBuffer buffer, final int offset)
    {
        final int slot = instrument * capacity + random.nextInt(liveCount[instrument]);
        final long lot = lotSize[instrument];
        final long lots = liveQty[slot] / lot;
        final boolean qtyDown = lots >= 2 && random.nextInt(2) == 0;
        if (qtyDown)
        {
            liveQty[slot] = (1 + random.nextInt((int)Math.min(lots - 1, Integer.MAX_VALUE))) * lot;
            record(Action.REPLACE_QTY_DOWN);
        }
        else
        {
            final long oldPrice = livePrice[slot];
            long price = passivePrice(instrument, liveSell[slot]);
            if (price == oldPrice)
            {
                price += liveSell[slot] ? tickSize[instrument] : -tickSize[instrument];
                price = Math.max(tickSize[instrument], price);
                if (price == oldPrice)
                {
                    price += tickSize[instrument];
                }
            }
            livePrice[slot] = price;
            record(Action.REPLACE_PRICE);
        }

        replaceOrderEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(now)
            .participantId(participantIds[liveParticipant[slot]])
            .clientOrderId(liveClientOrderId[slot])
            .instrumentId(instrumentIds[instrument])
            .price(livePrice[slot])
            .quantity(liveQty[slot]);
        return MessageHeaderEncoder.ENCODED_LENGTH + replaceOrderEncoder.encodedLength();
    }

    private int marketable(final int instrument, final long now, final MutableDirectBuffer buffer, final int offset)
    {
        final boolean sell = random.nextInt(2) == 1;
        final boolean market = random.nextInt(10) < 3;
        final long price = market ?
            NewOrderEncoder.priceNullValue() : aggressivePrice(instrument, sell, 1 + random.nextInt(3));
        final long quantity = (1 + random.nextInt(10)) * lotSize[instrument];
        final int participant = random.nextInt(participantIds.length);
        record(Action.MARKETABLE);
        return encodeNewOrder(
            now, participant, takeClientOrderId(participant), instrument, sell,
            market ? OrderType.MARKET : OrderType.IOC, price, quantity, buffer, offset);
    }

    private int sweep(final int instrument, final long now, final MutableDirectBuffer buffer, final int offset)
    {
        final boolean sell = random.nextInt(2) == 1;
        final boolean market = random.nextInt(2) == 0;
        final long price = market ?
            NewOrderEncoder.priceNullValue() : aggressivePrice(instrument, sell, 10 + random.nextInt(21));
        final long quantity = (500 + random.nextInt(1001)) * lotSize[instrument];
        final int participant = random.nextInt(participantIds.length);
        record(Action.SWEEP);
        return encodeNewOrder(
            now, participant, takeClientOrderId(participant), instrument, sell,
            market ? OrderType.MARKET : OrderType.IOC, price, quantity, buffer, offset);
    }

    private long passivePrice(final int instrument, final boolean sell)
    {
        final int distance;
        if (random.nextInt(100) < NEAR_PERCENT)
        {
            // Geometric: P(d = k) = 2^-k, capped.
            distance = 1 + Long.numberOfTrailingZeros(random.nextLong() | (1L << (MAX_NEAR_TICKS - 1)));
        }
        else
        {
            distance = DEEP_MIN_TICKS + random.nextInt(DEEP_MAX_TICKS - DEEP_MIN_TICKS + 1);
        }
        final long ticks = sell ? midTicks[instrument] + distance : midTicks[instrument] - distance;
        return Math.max(1, ticks) * tickSize[instrument];
    }

    private long aggressivePrice(final int instrument, final boolean sell, final int throughTicks)
    {
        final long ticks = sell ? midTicks[instrument] - throughTicks : midTicks[instrument] + throughTicks;
        return Math.max(1, ticks) * tickSize[instrument];
    }

    private long passiveLots()
    {
        return random.nextInt(4) != 0 ? 1 + random.nextInt(10) : 10 + random.nextInt(41);
    }

    private long takeClientOrderId(final int participant)
    {
        final long id = nextClientOrderId[participant];
        nextClientOrderId[participant] = id == MAX_CLIENT_ORDER_ID ? 1 : id + 1;
        return id;
    }

    private void record(final Action action)
    {
        lastAction = action;
        actionCounts[action.ordinal()]++;
    }

    private int encodeNewOrder(
        final long now,
        final int participant,
        final long clientOrderId,
        final int instrument,
        final boolean sell,
        final OrderType orderType,
        final long price,
        final long quantity,
        final MutableDirectBuffer buffer,
        final int offset)
    {
        newOrderEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(now)
            .participantId(participantIds[participant])
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentIds[instrument])
            .side(sell ? Side.SELL : Side.BUY)
            .orderType(orderType)
            .price(price)
            .quantity(quantity);
        return MessageHeaderEncoder.ENCODED_LENGTH + newOrderEncoder.encodedLength();
    }
}
