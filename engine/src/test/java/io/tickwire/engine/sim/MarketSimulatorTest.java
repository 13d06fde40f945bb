package io.tickwire.engine.sim;

import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.DecodedInput;
import io.tickwire.engine.DecodedInput.CancelOrder;
import io.tickwire.engine.DecodedInput.NewOrder;
import io.tickwire.engine.DecodedInput.ReplaceOrder;
import io.tickwire.engine.sim.MarketSimulator.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarketSimulatorTest
{
    private static final long SEED = Long.getLong("tickwire.test.seed", 0x7C1C_3A11_2026_1125L);
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final int MESSAGES = 100_000;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MarketSimulator.MAX_MESSAGE_LENGTH + 16]);

    @BeforeAll
    static void printSeed()
    {
        System.out.println("MarketSimulatorTest seed=" + SEED + " (override with -Dtickwire.test.seed=...)");
    }

    @Test
    @Timeout(60)
    void sameSeedGivesByteIdenticalStreamAndAnotherSeedDiffers()
    {
        final MarketSimulator a = new MarketSimulator(new SimulatorConfig().seed(SEED));
        final MarketSimulator b = new MarketSimulator(new SimulatorConfig().seed(SEED));
        final MarketSimulator c = new MarketSimulator(new SimulatorConfig().seed(SEED + 1));
        final UnsafeBuffer bufferB = new UnsafeBuffer(new byte[MarketSimulator.MAX_MESSAGE_LENGTH]);
        final UnsafeBuffer bufferC = new UnsafeBuffer(new byte[MarketSimulator.MAX_MESSAGE_LENGTH]);

        int firstDifferenceFromC = -1;
        for (int i = 0; i < MESSAGES; i++)
        {
            final long now = T0 + i * 1_000L;
            final int lengthA = a.next(now, buffer, 0);
            final int lengthB = b.next(now, bufferB, 0);
            final int lengthC = c.next(now, bufferC, 0);
            assertThat(lengthB).as("seed %d message %d length", SEED, i).isEqualTo(lengthA);
            assertThat(sameBytes(bufferB, buffer, lengthA)).as("seed %d message %d bytes", SEED, i).isTrue();
            if (firstDifferenceFromC < 0 && (lengthA != lengthC || !sameBytes(bufferC, buffer, lengthA)))
            {
                firstDifferenceFromC = i;
            }
        }
        assertThat(firstDifferenceFromC).as("seed %d vs %d", SEED, SEED + 1).isBetween(0, 10);
    }

    @Test
    @Timeout(60)
    void interArrivalGapsAreExponentialAndDoNotChangeTheMessageStream()
    {
        final MarketSimulator drawsGaps = new MarketSimulator(new SimulatorConfig().seed(SEED));
        final MarketSimulator plain = new MarketSimulator(new SimulatorConfig().seed(SEED));
        final UnsafeBuffer other = new UnsafeBuffer(new byte[MarketSimulator.MAX_MESSAGE_LENGTH]);
        final double rate = 50_000;
        final int n = 200_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            final long gap = drawsGaps.nextInterArrivalNanos(rate);
            assertThat(gap).isNotNegative();
            sum += gap;
            sumSquares += (double)gap * gap;
            if (i < MESSAGES / 10)
            {
                final int length = drawsGaps.next(i, buffer, 0);
                assertThat(plain.next(i, other, 0)).isEqualTo(length);
                assertThat(sameBytes(other, buffer, length)).as("seed %d message %d", SEED, i).isTrue();
            }
        }
        final double mean = sum / n;
        final double sd = Math.sqrt(sumSquares / n - mean * mean);
        // Exponential: sd equals the mean (20 us at 50k/s).
        assertThat(mean).as("seed %d mean gap", SEED).isBetween(19_700.0, 20_300.0);
        assertThat(sd / mean).as("seed %d coefficient of variation", SEED).isBetween(0.97, 1.03);

        final MarketSimulator again = new MarketSimulator(new SimulatorConfig().seed(SEED));
        final MarketSimulator reference = new MarketSimulator(new SimulatorConfig().seed(SEED));
        for (int i = 0; i < 1000; i++)
        {
            assertThat(again.nextInterArrivalNanos(rate)).isEqualTo(reference.nextInterArrivalNanos(rate));
        }
        assertThatThrownBy(() -> again.nextInterArrivalNanos(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> again.nextInterArrivalNanos(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(60)
    void everyMessageDecodesAndIsValidAgainstAModelOfTheLiveOrders()
    {
        final SimulatorConfig config = new SimulatorConfig().seed(SEED).instruments(InstrumentSpec.defaults(12));
        final MarketSimulator simulator = new MarketSimulator(config);
        final Map<Integer, InstrumentSpec> specs = new HashMap<>();
        config.instruments().forEach((spec) -> specs.put(spec.instrumentId(), spec));
        final Map<Long, NewOrder> live = new HashMap<>();
        final Map<Integer, Long> lastClientOrderId = new HashMap<>();

        for (int i = 0; i < MESSAGES; i++)
        {
            final long now = T0 + i * 997L;
            final int length = simulator.next(now, buffer, 0);
            final DecodedInput message = DecodedInput.decode(buffer, 0, length);
            final Action action = simulator.lastAction();
            final String where = "seed " + SEED + " message " + i + " " + action + " " + message;
            if (message instanceof NewOrder)
            {
                final NewOrder order = (NewOrder)message;
                final InstrumentSpec spec = specs.get(order.instrumentId());
                assertThat(spec).as(where).isNotNull();
                assertThat(order.intendedTime()).as(where).isEqualTo(now);
                assertThat(order.participantId()).as(where).isBetween(1, 4);
                assertThat(order.clientOrderId()).as(where)
                    .isGreaterThan(lastClientOrderId.getOrDefault(order.participantId(), 0L));
                lastClientOrderId.put(order.participantId(), order.clientOrderId());
                assertValidQuantity(spec, order.quantity(), where);
                if (order.orderType() == OrderType.MARKET)
                {
                    assertThat(order.price()).as(where).isEqualTo(NewOrderDecoder.priceNullValue());
                }
                else
                {
                    assertValidPrice(spec, order.price(), where);
                }
                final long mid = simulator.midPrice(spec.instrumentId() - 1);
                final long through = order.side() == Side.BUY ? order.price() - mid : mid - order.price();
                switch (action)
                {
                    case NEW_PASSIVE:
                        assertThat(order.orderType()).as(where).isEqualTo(OrderType.LIMIT);
                        assertThat(through).as(where).isLessThan(0);
                        live.put(key(order.participantId(), order.clientOrderId()), order);
                        break;
                    case MARKETABLE:
                        assertThat(order.orderType()).as(where).isIn(OrderType.IOC, OrderType.MARKET);
                        assertThat(order.quantity()).as(where).isBetween(spec.lotSize(), 10 * spec.lotSize());
                        if (order.orderType() == OrderType.IOC)
                        {
                            assertThat(through).as(where).isBetween(spec.tickSize(), 3 * spec.tickSize());
                        }
                        break;
                    case SWEEP:
                        assertThat(order.orderType()).as(where).isIn(OrderType.IOC, OrderType.MARKET);
                        assertThat(order.quantity()).as(where).isBetween(500 * spec.lotSize(), 1500 * spec.lotSize());
                        if (order.orderType() == OrderType.IOC)
                        {
                            assertThat(through).as(where).isBetween(10 * spec.tickSize(), 30 * spec.tickSize());
                        }
                        break;
                    default:
                        throw new AssertionError("new order from " + where);
                }
            }
            else if (message instanceof CancelOrder)
            {
                final CancelOrder cancel = (CancelOrder)message;
                assertThat(action).as(where).isIn(Action.CANCEL, Action.EVICT_OLDEST);
                assertThat(cancel.intendedTime()).as(where).isEqualTo(now);
                final NewOrder cancelled = live.remove(key(cancel.participantId(), cancel.clientOrderId()));
                assertThat(cancelled).as(where + ": cancels a live order").isNotNull();
                assertThat(cancel.instrumentId()).as(where).isEqualTo(cancelled.instrumentId());
            }
            else
            {
                final ReplaceOrder replace = (ReplaceOrder)message;
                assertThat(replace.intendedTime()).as(where).isEqualTo(now);
                final long key = key(replace.participantId(), replace.clientOrderId());
                final NewOrder before = live.get(key);
                assertThat(before).as(where + ": replaces a live order").isNotNull();
                assertThat(replace.instrumentId()).as(where).isEqualTo(before.instrumentId());
                final InstrumentSpec spec = specs.get(replace.instrumentId());
                assertValidPrice(spec, replace.price(), where);
                assertValidQuantity(spec, replace.quantity(), where);
                if (action == Action.REPLACE_QTY_DOWN)
                {
                    assertThat(replace.price()).as(where).isEqualTo(before.price());
                    assertThat(replace.quantity()).as(where).isLessThan(before.quantity());
                }
                else
                {
                    assertThat(action).as(where).isEqualTo(Action.REPLACE_PRICE);
                    assertThat(replace.price()).as(where).isNotEqualTo(before.price());
                    assertThat(replace.quantity()).as(where).isEqualTo(before.quantity());
                }
                live.put(key, new NewOrder(before.intendedTime(), before.participantId(), before.clientOrderId(),
                    before.instrumentId(), before.side(), before.orderType(), replace.price(), replace.quantity()));
            }
        }

        for (int index = 0; index < config.instruments().size(); index++)
        {
            final int instrumentId = config.instruments().get(index).instrumentId();
            final long modelLive = live.values().stream().filter((o) -> o.instrumentId() == instrumentId).count();
            assertThat(simulator.liveOrderCount(index)).as("seed %d instrument %d", SEED, instrumentId)
                .isEqualTo((int)modelLive);
        }
        assertThat(simulator.messageCount()).isEqualTo(MESSAGES);
    }

    @Test
    @Timeout(60)
    void mixOfInputsIsWithinTheStatedRanges()
    {
        final MarketSimulator simulator = new MarketSimulator(new SimulatorConfig().seed(SEED));
        final Map<Action, Integer> byAction = new EnumMap<>(Action.class);
        int newLimit = 0;
        int cancels = 0;
        int replaces = 0;
        int marketableOrSweep = 0;
        for (int i = 0; i < MESSAGES; i++)
        {
            final DecodedInput message = DecodedInput.decode(buffer, 0, simulator.next(i, buffer, 0));
            byAction.merge(simulator.lastAction(), 1, Integer::sum);
            if (message instanceof NewOrder)
            {
                if (((NewOrder)message).orderType() == OrderType.LIMIT)
                {
                    newLimit++;
                }
                else
                {
                    marketableOrSweep++;
                }
            }
            else if (message instanceof CancelOrder)
            {
                cancels++;
            }
            else
            {
                replaces++;
            }
        }
        final String mix = "seed " + SEED + " mix " + byAction;
        System.out.println(mix);

        final double pairs = (newLimit + cancels) / (double)MESSAGES;
        assertThat(pairs).as(mix).isBetween(0.85, 0.90);
        assertThat(replaces / (double)MESSAGES).as(mix).isBetween(0.07, 0.09);
        assertThat(byAction.get(Action.MARKETABLE) / (double)MESSAGES).as(mix).isBetween(0.035, 0.045);
        assertThat(byAction.get(Action.SWEEP) / (double)MESSAGES).as(mix).isBetween(0.004, 0.006);
        assertThat(byAction.get(Action.MARKETABLE) + byAction.get(Action.SWEEP)).as(mix).isEqualTo(marketableOrSweep);
        assertThat(byAction.get(Action.REPLACE_QTY_DOWN) + byAction.get(Action.REPLACE_PRICE)).as(mix).isEqualTo(replaces);
        assertThat(byAction.get(Action.REPLACE_QTY_DOWN)).as(mix).isGreaterThan(replaces / 4);
        assertThat(byAction.get(Action.REPLACE_PRICE)).as(mix).isGreaterThan(replaces / 4);

        // Every passive order is either still live or was cancelled: new - cancels = live now.
        int live = 0;
        for (int index = 0; index < simulator.instruments().size(); index++)
        {
            live += simulator.liveOrderCount(index);
            assertThat(simulator.liveOrderCount(index)).as(mix).isBetween(64, 256);
        }
        assertThat(newLimit - cancels).as(mix).isEqualTo(live);
        assertThat(byAction.getOrDefault(Action.EVICT_OLDEST, 0)).as(mix + ": default capacity is never reached").isZero();
        for (final Action action : Action.values())
        {
            assertThat(simulator.actionCount(action)).as(mix).isEqualTo((long)byAction.getOrDefault(action, 0));
        }
    }

    @Test
    @Timeout(60)
    void fullLiveSetCancelsTheOldestFirstAndNeverExceedsTheCapacity()
    {
        final int capacity = 8;
        final SimulatorConfig config = new SimulatorConfig()
            .seed(SEED).instruments(InstrumentSpec.defaults(2)).liveOrderCapacity(capacity).targetLiveOrders(capacity);
        final MarketSimulator simulator = new MarketSimulator(config);
        final Map<Integer, ArrayDeque<Long>> liveInOrder = new HashMap<>();
        for (int i = 0; i < 20_000; i++)
        {
            final DecodedInput message = DecodedInput.decode(buffer, 0, simulator.next(i, buffer, 0));
            final String where = "seed " + SEED + " message " + i + " " + simulator.lastAction() + " " + message;
            if (simulator.lastAction() == Action.NEW_PASSIVE)
            {
                final NewOrder order = (NewOrder)message;
                final ArrayDeque<Long> queue = liveInOrder.computeIfAbsent(order.instrumentId(), (id) -> new ArrayDeque<>());
                queue.addLast(key(order.participantId(), order.clientOrderId()));
                assertThat(queue.size()).as(where).isLessThanOrEqualTo(capacity);
            }
            else if (message instanceof CancelOrder)
            {
                final CancelOrder cancel = (CancelOrder)message;
                final ArrayDeque<Long> queue = liveInOrder.get(cancel.instrumentId());
                final long key = key(cancel.participantId(), cancel.clientOrderId());
                if (simulator.lastAction() == Action.EVICT_OLDEST)
                {
                    assertThat(queue.size()).as(where + ": evicts only when full").isEqualTo(capacity);
                    assertThat(queue.peekFirst()).as(where + ": evicts the oldest").isEqualTo(key);
                }
                assertThat(queue.remove(key)).as(where).isTrue();
            }
        }
        assertThat(simulator.actionCount(Action.EVICT_OLDEST)).as("seed %d", SEED).isGreaterThan(100);
    }

    @Test
    @Timeout(60)
    void midRevertsToItsInitialValueOverALongRun()
    {
        final double sigma = 0.5;
        final double theta = 0.0005;
        final InstrumentSpec spec = InstrumentSpec.defaults(1).get(0);
        final MarketSimulator simulator = new MarketSimulator(new SimulatorConfig()
            .seed(SEED).instruments(List.of(spec)).midVolatilityTicks(sigma).meanReversion(theta));
        final double stationarySd = sigma / Math.sqrt(1 - (1 - theta) * (1 - theta));
        final int steps = 2_000_000;
        final long initialTicks = spec.initialMid() / spec.tickSize();
        long maxDeviation = 0;
        double sumSquares = 0;
        long offTick = 0;
        for (int i = 0; i < steps; i++)
        {
            simulator.next(i, buffer, 0);
            final long deviation = simulator.midPrice(0) / spec.tickSize() - initialTicks;
            offTick += simulator.midPrice(0) % spec.tickSize() != 0 ? 1 : 0;
            maxDeviation = Math.max(maxDeviation, Math.abs(deviation));
            sumSquares += (double)deviation * deviation;
        }
        final double sd = Math.sqrt(sumSquares / steps);
        final String summary = String.format("seed %d: sd %.1f ticks (theory %.1f), max |deviation| %d ticks",
            SEED, sd, stationarySd, maxDeviation);
        System.out.println(summary);
        assertThat(offTick).as(summary + ": mids off the tick grid").isZero();
        // A random walk with the same steps would wander about sigma * sqrt(steps) = 707 ticks.
        assertThat(maxDeviation).as(summary).isLessThan(Math.round(7 * stationarySd));
        assertThat(sd).as(summary).isBetween(0.6 * stationarySd, 1.4 * stationarySd);
    }

    @Test
    @Timeout(120)
    void steadyStateAllocatesNothingPerMessage()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final MarketSimulator simulator = new MarketSimulator(new SimulatorConfig().seed(SEED));
        final long threadId = Thread.currentThread().getId();
        long checksum = 0;
        for (int i = 0; i < 300_000; i++)
        {
            checksum += simulator.next(i, buffer, 0) + simulator.nextInterArrivalNanos(100_000);
        }
        threads.getThreadAllocatedBytes(threadId);

        final long probe = threads.getThreadAllocatedBytes(threadId);
        final long probeCost = threads.getThreadAllocatedBytes(threadId) - probe;

        final int messages = 1_000_000;
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < messages; i++)
        {
            checksum += simulator.next(i, buffer, 0) + simulator.nextInterArrivalNanos(100_000);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before - probeCost;
        System.out.println("seed " + SEED + ": " + allocated + " bytes allocated (probe " + probeCost + ") for " + messages +
            " messages (checksum " + checksum + ")");
        // One allocation per message would be >= 16 MB here; allow a few KB of one-off JVM noise (lazy
        // initialisation of the probe, deoptimisation), which does not grow with the message count.
        assertThat(allocated).as("bytes allocated by %d messages, seed %d", messages, SEED).isLessThan(16_384);
    }

    @Test
    @Timeout(10)
    void rejectsInvalidConfig()
    {
        assertThatThrownBy(() -> new MarketSimulator(new SimulatorConfig().instruments(List.of())))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MarketSimulator(new SimulatorConfig().liveOrderCapacity(4).targetLiveOrders(5)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MarketSimulator(new SimulatorConfig().replaceProbability(0.5).marketableProbability(0.5)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MarketSimulator(new SimulatorConfig().meanReversion(0)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MarketSimulator(new SimulatorConfig().firstParticipantId(MarketSimulator.MAX_PARTICIPANT_ID)))
            .isInstanceOf(IllegalArgumentException.class);
        final InstrumentSpec spec = InstrumentSpec.defaults(1).get(0);
        assertThatThrownBy(() -> new MarketSimulator(new SimulatorConfig().instruments(List.of(spec, spec))))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(10)
    void simRandomIsReproducibleAndRoughlyStandardNormal()
    {
        final SimRandom a = new SimRandom(SEED);
        final SimRandom b = new SimRandom(SEED);
        final List<Long> first = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            final long value = a.nextLong();
            first.add(value);
            assertThat(b.nextLong()).isEqualTo(value);
        }
        assertThat(first).doesNotHaveDuplicates();

        final int n = 200_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            final double g = a.nextGaussian();
            sum += g;
            sumSquares += g * g;
            assertThat(a.nextInt(7)).isBetween(0, 6);
            assertThat(a.nextDouble()).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
        }
        assertThat(sum / n).as("seed %d", SEED).isBetween(-0.01, 0.01);
        assertThat(sumSquares / n).as("seed %d", SEED).isBetween(0.98, 1.02);
    }

    private static boolean sameBytes(final UnsafeBuffer a, final UnsafeBuffer b, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (a.getByte(i) != b.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    private static long key(final int participantId, final long clientOrderId)
    {
        return ((long)participantId << 40) | clientOrderId;
    }

    private static void assertValidPrice(final InstrumentSpec spec, final long price, final String where)
    {
        assertThat(price).as(where + ": price positive").isPositive();
        assertThat(price % spec.tickSize()).as(where + ": price a multiple of the tick").isZero();
    }

    private static void assertValidQuantity(final InstrumentSpec spec, final long quantity, final String where)
    {
        assertThat(quantity).as(where + ": quantity positive").isPositive();
        assertThat(quantity % spec.lotSize()).as(where + ": quantity a multiple of the lot").isZero();
    }
}
