package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link OrderBook#visitState} and {@link LevelBook#visitState} (through {@link SnapshotLevels}): the state a real
 * book wrote reads back as its aggregated levels, bids then asks, worst price first (checked against the book's own
 * {@code forEachLevel}); malformed states are refused with a message naming what is wrong.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SnapshotLevelsTest
{
    /** A state in memory: every value written, ints and longs alike, read back in order. */
    private static final class State implements StateWriter, StateReader
    {
        final List<Long> values = new ArrayList<>();
        int read;

        @Override
        public void putInt(final int value)
        {
            values.add((long)value);
        }

        @Override
        public void putLong(final long value)
        {
            values.add(value);
        }

        @Override
        public int getInt()
        {
            return (int)(long)values.get(read++);
        }

        @Override
        public long getLong()
        {
            return values.get(read++);
        }

        static State of(final long... values)
        {
            final State state = new State();
            for (final long value : values)
            {
                state.values.add(value);
            }
            return state;
        }
    }

    private static List<String> visited(final boolean orderBook, final StateReader in)
    {
        final List<String> levels = new ArrayList<>();
        final SideLevelVisitor visitor = (side, price, quantity) -> levels.add(side + " " + price + " " + quantity);
        if (orderBook)
        {
            OrderBook.visitState(7, in, visitor);
        }
        else
        {
            LevelBook.visitState(7, in, visitor);
        }
        return levels;
    }

    /** The book's levels as visitState must report them: bids then asks, each worst first. */
    private static List<String> expected(final java.util.function.BiConsumer<Side, LevelVisitor> forEachLevel)
    {
        final List<String> all = new ArrayList<>();
        for (final Side side : new Side[]{Side.BUY, Side.SELL})
        {
            final List<String> bestFirst = new ArrayList<>();
            forEachLevel.accept(side, (price, quantity, count) -> bestFirst.add(side + " " + price + " " + quantity));
            Collections.reverse(bestFirst);
            all.addAll(bestFirst);
        }
        return all;
    }

    /**
     * A book's written state, visited, must give its levels as {@link #expected} says, and be read to its end.
     */
    private static void assertReadsBack(final long seed, final boolean orderBook,
        final java.util.function.Consumer<StateWriter> writeState,
        final java.util.function.BiConsumer<Side, LevelVisitor> forEachLevel)
    {
        final State state = new State();
        writeState.accept(state);
        final List<String> expected = expected(forEachLevel);
        assertThat(expected).as("seed %d: levels on both sides", seed).anyMatch(l -> l.startsWith("BUY"))
            .anyMatch(l -> l.startsWith("SELL"));
        assertThat(visited(orderBook, state)).as("seed %d", seed).isEqualTo(expected);
        assertThat(state.read).as("read to the end").isEqualTo(state.values.size());
    }

    @Test
    void anOrderBooksStateReadsBackAsItsAggregatedLevels()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("SnapshotLevelsTest order book seed=" + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final OrderBook book = new OrderBook(7, 1, 1, 2_000, 2_000, new RecordingListener());
        for (int i = 1; i <= 1_000; i++)
        {
            book.newOrder(i, random.nextBoolean() ? Side.BUY : Side.SELL, OrderType.LIMIT, 90 + random.nextInt(21),
                1 + random.nextInt(9));
        }
        assertReadsBack(seed, true, book::writeState, book::forEachLevel);
    }

    @Test
    void aLevelBooksStateReadsBackAsItsLevels()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("SnapshotLevelsTest level book seed=" + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final LevelBook book = new LevelBook(7, 50, new RecordingListener());
        for (int i = 0; i < 500; i++)
        {
            final boolean buy = random.nextBoolean();
            book.setLevel(buy ? Side.BUY : Side.SELL, buy ? 80 + random.nextInt(20) : 100 + random.nextInt(20),
                random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(50));
        }
        assertReadsBack(seed, false, book::writeState, book::forEachLevel);
    }

    @Test
    void malformedStatesAreRefused()
    {
        // Level books: count, then price and quantity per level.
        assertThatThrownBy(() -> visited(false, State.of(-1)))
            .isInstanceOf(IllegalStateException.class).hasMessage("snapshot of instrument 7: level count -1");
        assertThatThrownBy(() -> visited(false, State.of(2, 101, 5, 100, 5)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("snapshot of instrument 7: level 100 (not positive, or not better than the levels before it)");
        assertThatThrownBy(() -> visited(false, State.of(0, 2, 100, 5, 100, 5)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("snapshot of instrument 7: level 100 (not positive, or not better than the levels before it)");
        assertThatThrownBy(() -> visited(false, State.of(1, 0, 5)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("snapshot of instrument 7: level 0 (not positive, or not better than the levels before it)");
        assertThatThrownBy(() -> visited(false, State.of(1, 100, 0)))
            .isInstanceOf(IllegalStateException.class).hasMessage("snapshot of instrument 7: level 100 of 0");
        // Order books: count, then price, order count and per order key and open quantity per level.
        assertThatThrownBy(() -> visited(true, State.of(2, 100, 1, 1, 5, 99, 1, 2, 5)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("snapshot of instrument 7: level 99 (not positive, or not better than the levels before it)");
        assertThatThrownBy(() -> visited(true, State.of(1, 100, 0)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("snapshot of instrument 7: level 100 with 0 orders");
        assertThatThrownBy(() -> visited(true, State.of(1, 100, 2, 1, 5, 2, -3)))
            .isInstanceOf(IllegalStateException.class).hasMessage("snapshot of instrument 7: order of -3");
        // Well formed: bids 99 (2 orders, 5 + 6) then 100 (4), asks 102 (1) then 101 (7).
        assertThat(visited(true, State.of(2, 99, 2, 1, 5, 2, 6, 100, 1, 3, 4, 2, 102, 1, 4, 1, 101, 1, 5, 7)))
            .isEqualTo(List.of("BUY 99 11", "BUY 100 4", "SELL 102 1", "SELL 101 7"));
    }
}
