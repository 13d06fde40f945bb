package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.book.BookEvent.LevelChanged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.tickwire.codecs.sbe.Side.BUY;
import static io.tickwire.codecs.sbe.Side.SELL;
import static io.tickwire.engine.book.OrderBook.NULL_PRICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LevelBookTest
{
    private final RecordingListener listener = new RecordingListener();
    private final LevelBook book = new LevelBook(3, 3, listener);

    private List<long[]> levels(final Side side)
    {
        final List<long[]> levels = new ArrayList<>();
        book.forEachLevel(side, (price, qty, count) -> levels.add(new long[]{ price, qty, count }));
        return levels;
    }

    @Test
    void emptyBook()
    {
        assertThat(book.bestBidPrice()).isEqualTo(NULL_PRICE);
        assertThat(book.bestAskPrice()).isEqualTo(NULL_PRICE);
        assertThat(book.bestBidQty()).isZero();
        assertThat(book.bestAskQty()).isZero();
        assertThat(book.stateHash()).isEqualTo(StateHash.INITIAL);
        assertThatThrownBy(() -> new LevelBook(1, 0, listener)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setLevelReportsOnlyChanges()
    {
        assertThat(book.setLevel(BUY, 100, 5)).isTrue();
        assertThat(book.setLevel(BUY, 100, 5)).isTrue();
        assertThat(book.setLevel(BUY, 100, 7)).isTrue();
        assertThat(book.setLevel(BUY, 99, 0)).isTrue();
        assertThat(book.setLevel(BUY, 100, 0)).isTrue();
        assertThat(book.setLevel(BUY, 100, 0)).isTrue();
        assertThat(listener.drain()).containsExactly(
            new LevelChanged(BUY, 100, 5, 0), new LevelChanged(BUY, 100, 7, 0), new LevelChanged(BUY, 100, 0, 0));
        assertThat(book.levelCount(BUY)).isZero();
    }

    @Test
    void levelsAreKeptBestFirstPerSide()
    {
        book.setLevel(BUY, 100, 1);
        book.setLevel(BUY, 102, 2);
        book.setLevel(BUY, 101, 3);
        book.setLevel(SELL, 105, 4);
        book.setLevel(SELL, 103, 5);
        assertThat(levels(BUY)).containsExactly(new long[]{ 102, 2, 0 }, new long[]{ 101, 3, 0 }, new long[]{ 100, 1, 0 });
        assertThat(levels(SELL)).containsExactly(new long[]{ 103, 5, 0 }, new long[]{ 105, 4, 0 });
        assertThat(book.bestBidPrice()).isEqualTo(102);
        assertThat(book.bestBidQty()).isEqualTo(2);
        assertThat(book.bestAskPrice()).isEqualTo(103);
        assertThat(book.bestAskQty()).isEqualTo(5);
        assertThat(book.forEachLevel(BUY, 1, (p, q, c) -> { })).isEqualTo(1);

        long expected = StateHash.INITIAL;
        expected = StateHash.level(expected, BUY, 102, 2);
        expected = StateHash.level(expected, BUY, 101, 3);
        expected = StateHash.level(expected, BUY, 100, 1);
        expected = StateHash.level(expected, SELL, 103, 5);
        expected = StateHash.level(expected, SELL, 105, 4);
        assertThat(book.stateHash()).isEqualTo(expected);
    }

    @Test
    void aNewLevelBeyondTheBoundIsRefused()
    {
        book.setLevel(SELL, 101, 1);
        book.setLevel(SELL, 102, 1);
        book.setLevel(SELL, 103, 1);
        listener.drain();
        final long hash = book.stateHash();
        assertThat(book.setLevel(SELL, 104, 1)).isFalse();
        assertThat(book.setLevel(SELL, 100, 1)).isFalse();
        assertThat(listener.drain()).isEmpty();
        assertThat(book.stateHash()).isEqualTo(hash);
        assertThat(book.setLevel(SELL, 102, 9)).as("existing levels still update").isTrue();
        assertThat(book.setLevel(SELL, 104, 0)).as("removing an absent level is fine").isTrue();
        assertThat(book.setLevel(BUY, 99, 1)).as("the other side has its own bound").isTrue();
        assertThat(book.setLevel(SELL, 103, 0)).isTrue();
        assertThat(book.setLevel(SELL, 100, 1)).isTrue();
        assertThat(levels(SELL)).containsExactly(new long[]{ 100, 1, 0 }, new long[]{ 101, 1, 0 }, new long[]{ 102, 9, 0 });
    }

    @Test
    void invalidInputIsRefused()
    {
        assertThat(book.setLevel(null, 100, 1)).isFalse();
        assertThat(book.setLevel(Side.NULL_VAL, 100, 1)).isFalse();
        assertThat(book.setLevel(BUY, 0, 1)).isFalse();
        assertThat(book.setLevel(BUY, -1, 1)).isFalse();
        assertThat(book.setLevel(BUY, 100, -1)).isFalse();
        assertThat(listener.drain()).isEmpty();
        assertThatThrownBy(() -> book.levelCount(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clearReportsEveryRemovalBidsThenAsksBestFirst()
    {
        book.setLevel(BUY, 100, 1);
        book.setLevel(BUY, 101, 1);
        book.setLevel(SELL, 103, 1);
        book.setLevel(SELL, 102, 1);
        listener.drain();
        book.clear();
        assertThat(listener.drain()).containsExactly(
            new LevelChanged(BUY, 101, 0, 0), new LevelChanged(BUY, 100, 0, 0),
            new LevelChanged(SELL, 102, 0, 0), new LevelChanged(SELL, 103, 0, 0));
        assertThat(book.stateHash()).isEqualTo(StateHash.INITIAL);
        book.clear();
        assertThat(listener.drain()).isEmpty();
    }

    @Test
    void randomUpdatesMatchATreeMapModel()
    {
        final long seed = Long.getLong("tickwire.book.seed", 0x1E7E1L);
        System.out.println("LevelBookTest seed=" + seed + " (rerun: -Dtickwire.book.seed=" + seed + ")");
        final int bound = 40;
        final LevelBook levels = new LevelBook(1, bound, listener);
        final Map<Side, TreeMap<Long, Long>> model = Map.of(
            BUY, new TreeMap<>(Comparator.reverseOrder()), SELL, new TreeMap<>());
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++)
        {
            final Side side = random.nextBoolean() ? BUY : SELL;
            final long price = 1 + random.nextInt(80);
            final long quantity = random.nextInt(3) == 0 ? 0 : random.nextInt(5);
            final TreeMap<Long, Long> sideModel = model.get(side);
            final Long previous = sideModel.get(price);
            final boolean expectAccepted = quantity == 0 || previous != null || sideModel.size() < bound;
            final List<BookEvent> expected = new ArrayList<>();
            if (expectAccepted)
            {
                if (quantity == 0)
                {
                    if (sideModel.remove(price) != null)
                    {
                        expected.add(new LevelChanged(side, price, 0, 0));
                    }
                }
                else if (previous == null || previous != quantity)
                {
                    sideModel.put(price, quantity);
                    expected.add(new LevelChanged(side, price, quantity, 0));
                }
            }
            final boolean accepted = levels.setLevel(side, price, quantity);
            if (accepted != expectAccepted || !listener.drain().equals(expected))
            {
                fail("seed=" + seed + " update #" + i + " " + side + " " + price + " " + quantity);
            }
            long hash = StateHash.INITIAL;
            for (final Side s : new Side[]{ BUY, SELL })
            {
                for (final Map.Entry<Long, Long> level : model.get(s).entrySet())
                {
                    hash = StateHash.level(hash, s, level.getKey(), level.getValue());
                }
            }
            if (hash != levels.stateHash())
            {
                fail("seed=" + seed + " update #" + i + ": state hash differs");
            }
        }
    }
}
