package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.book.BookEvent.Accepted;
import io.tickwire.engine.book.BookEvent.Cancelled;
import io.tickwire.engine.book.BookEvent.LevelChanged;
import io.tickwire.engine.book.BookEvent.Rejected;
import io.tickwire.engine.book.BookEvent.Replaced;
import io.tickwire.engine.book.BookEvent.Traded;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tickwire.codecs.sbe.OrderType.IOC;
import static io.tickwire.codecs.sbe.OrderType.LIMIT;
import static io.tickwire.codecs.sbe.OrderType.MARKET;
import static io.tickwire.codecs.sbe.Side.BUY;
import static io.tickwire.codecs.sbe.Side.SELL;
import static io.tickwire.engine.book.OrderBook.NULL_PRICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One rule at a time, asserting the whole event list of each call. Tick 5, lot 10.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrderBookTest
{
    private static final long TICK = 5;
    private static final long LOT = 10;

    private final RecordingListener listener = new RecordingListener();
    private OrderBook book = new OrderBook(1, TICK, LOT, 100, 50, listener);

    private List<BookEvent> newOrder(final long key, final Side side, final OrderType type, final long price, final long qty)
    {
        book.newOrder(key, side, type, price, qty);
        return listener.drain();
    }

    private List<BookEvent> cancel(final long key)
    {
        book.cancel(key);
        return listener.drain();
    }

    private List<BookEvent> replace(final long key, final long price, final long qty)
    {
        book.replace(key, price, qty);
        return listener.drain();
    }

    private List<long[]> levels(final Side side)
    {
        final List<long[]> levels = new ArrayList<>();
        book.forEachLevel(side, (price, qty, count) -> levels.add(new long[]{ price, qty, count }));
        return levels;
    }

    @Test
    void emptyBookQueries()
    {
        assertThat(book.bestBidPrice()).isEqualTo(NULL_PRICE).isEqualTo(Long.MIN_VALUE);
        assertThat(book.bestAskPrice()).isEqualTo(NULL_PRICE);
        assertThat(book.bestBidQty()).isZero();
        assertThat(book.bestAskQty()).isZero();
        assertThat(book.orderCount()).isZero();
        assertThat(book.levelCount(BUY)).isZero();
        assertThat(book.levelCount(SELL)).isZero();
        assertThat(book.stateHash()).isEqualTo(StateHash.INITIAL);
        assertThat(book.contains(1)).isFalse();
    }

    @Test
    void constructorRefusesNonsense()
    {
        assertThatThrownBy(() -> new OrderBook(1, 0, 1, 1, 1, listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderBook(1, 1, 0, 1, 1, listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderBook(1, 1, 1, 0, 1, listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderBook(1, 1, 1, 1, 0, listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderBook(1, 1, 1, 1, 1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restingLimitOrdersBuildLevelsBestFirst()
    {
        assertThat(newOrder(1, BUY, LIMIT, 100, 10)).containsExactly(
            new Accepted(1, BUY, LIMIT, 100, 10), new LevelChanged(BUY, 100, 10, 1));
        assertThat(newOrder(2, BUY, LIMIT, 105, 20)).containsExactly(
            new Accepted(2, BUY, LIMIT, 105, 20), new LevelChanged(BUY, 105, 20, 1));
        assertThat(newOrder(3, BUY, LIMIT, 100, 30)).containsExactly(
            new Accepted(3, BUY, LIMIT, 100, 30), new LevelChanged(BUY, 100, 40, 2));
        newOrder(4, SELL, LIMIT, 115, 10);
        newOrder(5, SELL, LIMIT, 110, 10);
        newOrder(6, SELL, LIMIT, 125, 10);

        assertThat(book.bestBidPrice()).isEqualTo(105);
        assertThat(book.bestBidQty()).isEqualTo(20);
        assertThat(book.bestAskPrice()).isEqualTo(110);
        assertThat(book.bestAskQty()).isEqualTo(10);
        assertThat(book.orderCount()).isEqualTo(6);
        assertThat(levels(BUY)).containsExactly(new long[]{ 105, 20, 1 }, new long[]{ 100, 40, 2 });
        assertThat(levels(SELL)).containsExactly(new long[]{ 110, 10, 1 }, new long[]{ 115, 10, 1 }, new long[]{ 125, 10, 1 });

        final List<Long> top = new ArrayList<>();
        assertThat(book.forEachLevel(SELL, 2, (price, qty, count) -> top.add(price))).isEqualTo(2);
        assertThat(top).containsExactly(110L, 115L);
    }

    @Test
    void bestPriceTradesFirstThenOldestOrderAtThatPrice()
    {
        newOrder(1, SELL, LIMIT, 105, 10);
        newOrder(2, SELL, LIMIT, 100, 10);
        newOrder(3, SELL, LIMIT, 100, 10);

        assertThat(newOrder(9, BUY, LIMIT, 105, 10)).containsExactly(
            new Accepted(9, BUY, LIMIT, 105, 10),
            new Traded(9, 2, BUY, 100, 10, 0, 0),
            new LevelChanged(SELL, 100, 10, 1));
        assertThat(newOrder(10, BUY, LIMIT, 105, 10)).containsExactly(
            new Accepted(10, BUY, LIMIT, 105, 10),
            new Traded(10, 3, BUY, 100, 10, 0, 0),
            new LevelChanged(SELL, 100, 0, 0));
        assertThat(book.bestAskPrice()).isEqualTo(105);
        assertThat(book.contains(2)).isFalse();
        assertThat(book.contains(3)).isFalse();
        assertThat(book.contains(9)).isFalse();
    }

    @Test
    void partialFillOfTheMakerKeepsItFirstInLine()
    {
        newOrder(1, BUY, LIMIT, 100, 50);
        newOrder(2, BUY, LIMIT, 100, 10);

        assertThat(newOrder(3, SELL, IOC, 100, 20)).containsExactly(
            new Accepted(3, SELL, IOC, 100, 20),
            new Traded(3, 1, SELL, 100, 20, 0, 30),
            new LevelChanged(BUY, 100, 40, 2));
        assertThat(newOrder(4, SELL, IOC, 100, 30)).containsExactly(
            new Accepted(4, SELL, IOC, 100, 30),
            new Traded(4, 1, SELL, 100, 30, 0, 0),
            new LevelChanged(BUY, 100, 10, 1));
        assertThat(book.contains(1)).isFalse();
        assertThat(book.contains(2)).isTrue();
    }

    @Test
    void partialFillOfTheTakerRestsTheRemainderAtItsLimit()
    {
        newOrder(1, SELL, LIMIT, 100, 10);

        assertThat(newOrder(2, BUY, LIMIT, 105, 30)).containsExactly(
            new Accepted(2, BUY, LIMIT, 105, 30),
            new Traded(2, 1, BUY, 100, 10, 20, 0),
            new LevelChanged(SELL, 100, 0, 0),
            new LevelChanged(BUY, 105, 20, 1));
        assertThat(book.bestBidPrice()).isEqualTo(105);
        assertThat(book.bestAskPrice()).isEqualTo(NULL_PRICE);
    }

    @Test
    void limitOrderSweepsSeveralLevelsAtTheMakersPrices()
    {
        newOrder(1, SELL, LIMIT, 100, 10);
        newOrder(2, SELL, LIMIT, 100, 20);
        newOrder(3, SELL, LIMIT, 105, 10);
        newOrder(4, SELL, LIMIT, 110, 10);
        newOrder(5, SELL, LIMIT, 115, 10);

        assertThat(newOrder(9, BUY, LIMIT, 110, 60)).containsExactly(
            new Accepted(9, BUY, LIMIT, 110, 60),
            new Traded(9, 1, BUY, 100, 10, 50, 0),
            new LevelChanged(SELL, 100, 20, 1),
            new Traded(9, 2, BUY, 100, 20, 30, 0),
            new LevelChanged(SELL, 100, 0, 0),
            new Traded(9, 3, BUY, 105, 10, 20, 0),
            new LevelChanged(SELL, 105, 0, 0),
            new Traded(9, 4, BUY, 110, 10, 10, 0),
            new LevelChanged(SELL, 110, 0, 0),
            new LevelChanged(BUY, 110, 10, 1));
        assertThat(book.bestAskPrice()).isEqualTo(115);
        assertThat(book.bestBidPrice()).isEqualTo(110);
        assertThat(book.levelCount(SELL)).isEqualTo(1);
    }

    @Test
    void marketOrderTradesAtAnyPriceAndCancelsTheRest()
    {
        newOrder(1, BUY, LIMIT, 100, 10);
        newOrder(2, BUY, LIMIT, 5, 10);

        assertThat(newOrder(3, SELL, MARKET, -123, 50)).containsExactly(
            new Accepted(3, SELL, MARKET, NULL_PRICE, 50),
            new Traded(3, 1, SELL, 100, 10, 40, 0),
            new LevelChanged(BUY, 100, 0, 0),
            new Traded(3, 2, SELL, 5, 10, 30, 0),
            new LevelChanged(BUY, 5, 0, 0),
            new Cancelled(3, 30, CancelReason.UNFILLED_REMAINDER));
        assertThat(book.orderCount()).isZero();
        assertThat(book.contains(3)).isFalse();
    }

    @Test
    void marketOrderOnAnEmptySideIsCancelledWhole()
    {
        assertThat(newOrder(1, BUY, MARKET, 0, 20)).containsExactly(
            new Accepted(1, BUY, MARKET, NULL_PRICE, 20),
            new Cancelled(1, 20, CancelReason.UNFILLED_REMAINDER));
    }

    @Test
    void iocTradesUpToItsPriceAndCancelsTheRest()
    {
        newOrder(1, SELL, LIMIT, 100, 10);
        newOrder(2, SELL, LIMIT, 105, 10);
        newOrder(3, SELL, LIMIT, 110, 10);

        assertThat(newOrder(4, BUY, IOC, 105, 40)).containsExactly(
            new Accepted(4, BUY, IOC, 105, 40),
            new Traded(4, 1, BUY, 100, 10, 30, 0),
            new LevelChanged(SELL, 100, 0, 0),
            new Traded(4, 2, BUY, 105, 10, 20, 0),
            new LevelChanged(SELL, 105, 0, 0),
            new Cancelled(4, 20, CancelReason.UNFILLED_REMAINDER));
        assertThat(book.bestBidPrice()).isEqualTo(NULL_PRICE);
        assertThat(book.bestAskPrice()).isEqualTo(110);
    }

    @Test
    void iocThatCannotTradeIsCancelledWhole()
    {
        newOrder(1, SELL, LIMIT, 110, 10);
        assertThat(newOrder(2, BUY, IOC, 105, 10)).containsExactly(
            new Accepted(2, BUY, IOC, 105, 10), new Cancelled(2, 10, CancelReason.UNFILLED_REMAINDER));
    }

    @Test
    void cancelRemovesTheOrderAndReportsItsLevel()
    {
        newOrder(1, BUY, LIMIT, 100, 10);
        newOrder(2, BUY, LIMIT, 100, 20);

        assertThat(cancel(1)).containsExactly(
            new Cancelled(1, 10, CancelReason.REQUESTED), new LevelChanged(BUY, 100, 20, 1));
        assertThat(cancel(2)).containsExactly(
            new Cancelled(2, 20, CancelReason.REQUESTED), new LevelChanged(BUY, 100, 0, 0));
        assertThat(cancel(2)).containsExactly(new Rejected(2, RejectReason.UNKNOWN_ORDER));
        assertThat(book.stateHash()).isEqualTo(StateHash.INITIAL);
    }

    @Test
    void cancelInTheMiddleOfALevelKeepsTheOthersInOrder()
    {
        newOrder(1, SELL, LIMIT, 100, 10);
        newOrder(2, SELL, LIMIT, 100, 10);
        newOrder(3, SELL, LIMIT, 100, 10);
        newOrder(4, SELL, LIMIT, 105, 10);
        newOrder(5, SELL, LIMIT, 110, 10);
        cancel(2);
        cancel(4);

        assertThat(levels(SELL)).containsExactly(new long[]{ 100, 20, 2 }, new long[]{ 110, 10, 1 });
        assertThat(newOrder(9, BUY, MARKET, 0, 30)).containsExactly(
            new Accepted(9, BUY, MARKET, NULL_PRICE, 30),
            new Traded(9, 1, BUY, 100, 10, 20, 0),
            new LevelChanged(SELL, 100, 10, 1),
            new Traded(9, 3, BUY, 100, 10, 10, 0),
            new LevelChanged(SELL, 100, 0, 0),
            new Traded(9, 5, BUY, 110, 10, 0, 0),
            new LevelChanged(SELL, 110, 0, 0));
    }

    @Nested
    class Rejects
    {
        @BeforeEach
        void someOrders()
        {
            newOrder(1, BUY, LIMIT, 100, 10);
            newOrder(2, SELL, LIMIT, 110, 10);
        }

        private void assertRejectedNewOrder(
            final Side side, final OrderType type, final long price, final long qty, final RejectReason reason)
        {
            final long hash = book.stateHash();
            assertThat(newOrder(77, side, type, price, qty)).containsExactly(new Rejected(77, reason));
            assertThat(book.stateHash()).isEqualTo(hash);
            assertThat(book.contains(77)).isFalse();
        }

        @Test
        void badSide()
        {
            assertRejectedNewOrder(null, LIMIT, 100, 10, RejectReason.BAD_SIDE);
            assertRejectedNewOrder(Side.NULL_VAL, LIMIT, 100, 10, RejectReason.BAD_SIDE);
            assertRejectedNewOrder(BUY, null, 100, 10, RejectReason.BAD_SIDE);
            assertRejectedNewOrder(BUY, OrderType.NULL_VAL, 100, 10, RejectReason.BAD_SIDE);
            assertRejectedNewOrder(null, null, -1, -1, RejectReason.BAD_SIDE);
        }

        @Test
        void badPrice()
        {
            assertRejectedNewOrder(BUY, LIMIT, 0, 10, RejectReason.BAD_PRICE);
            assertRejectedNewOrder(BUY, LIMIT, -5, 10, RejectReason.BAD_PRICE);
            assertRejectedNewOrder(SELL, IOC, 0, 10, RejectReason.BAD_PRICE);
            assertRejectedNewOrder(SELL, IOC, NULL_PRICE, 10, RejectReason.BAD_PRICE);
            assertRejectedNewOrder(BUY, LIMIT, -3, 0, RejectReason.BAD_PRICE);
        }

        @Test
        void badTickSize()
        {
            assertRejectedNewOrder(BUY, LIMIT, 101, 10, RejectReason.BAD_TICK_SIZE);
            assertRejectedNewOrder(SELL, IOC, 104, 10, RejectReason.BAD_TICK_SIZE);
            assertRejectedNewOrder(BUY, LIMIT, 3, 0, RejectReason.BAD_TICK_SIZE);
        }

        @Test
        void badQuantity()
        {
            assertRejectedNewOrder(BUY, LIMIT, 100, 0, RejectReason.BAD_QUANTITY);
            assertRejectedNewOrder(BUY, LIMIT, 100, -10, RejectReason.BAD_QUANTITY);
            assertRejectedNewOrder(BUY, LIMIT, 100, 15, RejectReason.BAD_QUANTITY);
            assertRejectedNewOrder(BUY, MARKET, 101, 15, RejectReason.BAD_QUANTITY);
        }

        @Test
        void duplicateOrderIdOfALiveOrder()
        {
            assertThat(newOrder(1, SELL, LIMIT, 120, 10)).containsExactly(new Rejected(1, RejectReason.DUPLICATE_ORDER_ID));
            assertThat(newOrder(2, SELL, MARKET, 0, 10)).containsExactly(new Rejected(2, RejectReason.DUPLICATE_ORDER_ID));
            cancel(1);
            assertThat(newOrder(1, SELL, LIMIT, 120, 10)).containsExactly(
                new Accepted(1, SELL, LIMIT, 120, 10), new LevelChanged(SELL, 120, 10, 1));
        }

        @Test
        void keyOfAFilledOrderIsFreeAgain()
        {
            newOrder(3, BUY, IOC, 110, 10);
            assertThat(book.contains(2)).isFalse();
            assertThat(newOrder(2, BUY, LIMIT, 100, 10)).startsWith(new Accepted(2, BUY, LIMIT, 100, 10));
            assertThat(newOrder(3, BUY, LIMIT, 100, 10)).startsWith(new Accepted(3, BUY, LIMIT, 100, 10));
        }

        @Test
        void unknownOrder()
        {
            assertThat(cancel(99)).containsExactly(new Rejected(99, RejectReason.UNKNOWN_ORDER));
            assertThat(replace(99, 100, 10)).containsExactly(new Rejected(99, RejectReason.UNKNOWN_ORDER));
        }

        @Test
        void replaceValidatesPriceThenQuantityThenKey()
        {
            final long hash = book.stateHash();
            assertThat(replace(1, 0, 10)).containsExactly(new Rejected(1, RejectReason.BAD_PRICE));
            assertThat(replace(1, 102, 10)).containsExactly(new Rejected(1, RejectReason.BAD_TICK_SIZE));
            assertThat(replace(1, 100, 0)).containsExactly(new Rejected(1, RejectReason.BAD_QUANTITY));
            assertThat(replace(1, 100, 11)).containsExactly(new Rejected(1, RejectReason.BAD_QUANTITY));
            assertThat(replace(99, -5, 0)).containsExactly(new Rejected(99, RejectReason.BAD_PRICE));
            assertThat(replace(99, 100, 0)).containsExactly(new Rejected(99, RejectReason.BAD_QUANTITY));
            assertThat(book.stateHash()).isEqualTo(hash);
        }
    }

    @Nested
    class Replace
    {
        @BeforeEach
        void level()
        {
            newOrder(1, BUY, LIMIT, 100, 30);
            newOrder(2, BUY, LIMIT, 100, 30);
            newOrder(3, SELL, LIMIT, 110, 10);
            newOrder(4, SELL, LIMIT, 115, 10);
        }

        @Test
        void samePriceLowerQuantityKeepsPriority()
        {
            assertThat(replace(1, 100, 10)).containsExactly(
                new Replaced(1, 100, 10, true), new LevelChanged(BUY, 100, 40, 2));
            assertThat(newOrder(9, SELL, IOC, 100, 10)).contains(new Traded(9, 1, SELL, 100, 10, 0, 0));
        }

        @Test
        void samePriceSameQuantityChangesNothing()
        {
            final long hash = book.stateHash();
            assertThat(replace(1, 100, 30)).containsExactly(new Replaced(1, 100, 30, true));
            assertThat(book.stateHash()).isEqualTo(hash);
        }

        @Test
        void samePriceHigherQuantityGoesToTheBackOfTheLevel()
        {
            assertThat(replace(1, 100, 40)).containsExactly(
                new Replaced(1, 100, 40, false), new LevelChanged(BUY, 100, 70, 2));
            assertThat(newOrder(9, SELL, IOC, 100, 40)).containsExactly(
                new Accepted(9, SELL, IOC, 100, 40),
                new Traded(9, 2, SELL, 100, 30, 10, 0),
                new LevelChanged(BUY, 100, 40, 1),
                new Traded(9, 1, SELL, 100, 10, 0, 30),
                new LevelChanged(BUY, 100, 30, 1));
        }

        @Test
        void newPriceLosesPriorityAndMovesLevels()
        {
            newOrder(5, BUY, LIMIT, 95, 10);
            assertThat(replace(1, 95, 20)).containsExactly(
                new Replaced(1, 95, 20, false),
                new LevelChanged(BUY, 100, 30, 1),
                new LevelChanged(BUY, 95, 30, 2));
            assertThat(replace(2, 105, 30)).containsExactly(
                new Replaced(2, 105, 30, false),
                new LevelChanged(BUY, 100, 0, 0),
                new LevelChanged(BUY, 105, 30, 1));
            assertThat(levels(BUY)).containsExactly(new long[]{ 105, 30, 1 }, new long[]{ 95, 30, 2 });
            // 5 entered first at 95: it is ahead of the replaced 1
            assertThat(newOrder(9, SELL, IOC, 95, 40)).containsExactly(
                new Accepted(9, SELL, IOC, 95, 40),
                new Traded(9, 2, SELL, 105, 30, 10, 0),
                new LevelChanged(BUY, 105, 0, 0),
                new Traded(9, 5, SELL, 95, 10, 0, 0),
                new LevelChanged(BUY, 95, 20, 1));
        }

        @Test
        void replaceThatCrossesTradesFirstThenRests()
        {
            assertThat(replace(1, 115, 30)).containsExactly(
                new Replaced(1, 115, 30, false),
                new LevelChanged(BUY, 100, 30, 1),
                new Traded(1, 3, BUY, 110, 10, 20, 0),
                new LevelChanged(SELL, 110, 0, 0),
                new Traded(1, 4, BUY, 115, 10, 10, 0),
                new LevelChanged(SELL, 115, 0, 0),
                new LevelChanged(BUY, 115, 10, 1));
            assertThat(book.contains(1)).isTrue();
            assertThat(book.bestBidPrice()).isEqualTo(115);
            assertThat(book.bestBidQty()).isEqualTo(10);
        }

        @Test
        void replaceThatCrossesAndFillsCompletelyLeavesTheBook()
        {
            assertThat(replace(2, 110, 10)).containsExactly(
                new Replaced(2, 110, 10, false),
                new LevelChanged(BUY, 100, 30, 1),
                new Traded(2, 3, BUY, 110, 10, 0, 0),
                new LevelChanged(SELL, 110, 0, 0));
            assertThat(book.contains(2)).isFalse();
            assertThat(book.orderCount()).isEqualTo(2);
        }

        @Test
        void replaceThatCrossesStopsAtTheSweepLimit()
        {
            book = new OrderBook(1, TICK, LOT, 100, 1, listener);
            newOrder(1, BUY, LIMIT, 100, 30);
            newOrder(3, SELL, LIMIT, 110, 10);
            newOrder(4, SELL, LIMIT, 115, 10);
            listener.drain();
            assertThat(replace(1, 115, 30)).containsExactly(
                new Replaced(1, 115, 30, false),
                new LevelChanged(BUY, 100, 0, 0),
                new Traded(1, 3, BUY, 110, 10, 20, 0),
                new LevelChanged(SELL, 110, 0, 0),
                new Cancelled(1, 20, CancelReason.SWEEP_LIMIT));
            assertThat(book.contains(1)).isFalse();
            assertThat(book.orderCount()).isEqualTo(1);
        }
    }

    @Nested
    class SweepLimit
    {
        @BeforeEach
        void limitedBook()
        {
            book = new OrderBook(1, TICK, LOT, 100, 3, listener);
            for (int i = 1; i <= 5; i++)
            {
                newOrder(i, SELL, LIMIT, 100 + 5 * i, 10);
            }
        }

        @Test
        void remainderIsCancelledAfterMaxFillsEvenForALimitOrder()
        {
            assertThat(newOrder(9, BUY, LIMIT, 200, 50)).containsExactly(
                new Accepted(9, BUY, LIMIT, 200, 50),
                new Traded(9, 1, BUY, 105, 10, 40, 0),
                new LevelChanged(SELL, 105, 0, 0),
                new Traded(9, 2, BUY, 110, 10, 30, 0),
                new LevelChanged(SELL, 110, 0, 0),
                new Traded(9, 3, BUY, 115, 10, 20, 0),
                new LevelChanged(SELL, 115, 0, 0),
                new Cancelled(9, 20, CancelReason.SWEEP_LIMIT));
            assertThat(book.contains(9)).isFalse();
            assertThat(book.bestBidPrice()).isEqualTo(NULL_PRICE);
        }

        @Test
        void marketOrderStopsAtTheLimitToo()
        {
            assertThat(newOrder(9, BUY, MARKET, 0, 100)).endsWith(new Cancelled(9, 70, CancelReason.SWEEP_LIMIT));
        }

        @Test
        void limitReachedWithNothingMoreToTradeIsNotASweepLimit()
        {
            assertThat(newOrder(9, BUY, LIMIT, 115, 50)).endsWith(
                new Traded(9, 3, BUY, 115, 10, 20, 0),
                new LevelChanged(SELL, 115, 0, 0),
                new LevelChanged(BUY, 115, 20, 1));
            assertThat(newOrder(10, BUY, IOC, 120, 50)).endsWith(
                new Traded(10, 4, BUY, 120, 10, 40, 0),
                new LevelChanged(SELL, 120, 0, 0),
                new Cancelled(10, 40, CancelReason.UNFILLED_REMAINDER));
        }

        @Test
        void exactFillAtTheLimitIsComplete()
        {
            assertThat(newOrder(9, BUY, LIMIT, 200, 30)).endsWith(
                new Traded(9, 3, BUY, 115, 10, 0, 0), new LevelChanged(SELL, 115, 0, 0));
            assertThat(book.contains(9)).isFalse();
        }
    }

    @Nested
    class Capacity
    {
        @BeforeEach
        void smallBook()
        {
            book = new OrderBook(1, TICK, LOT, 4, 10, listener);
        }

        @Test
        void limitOrderIsRefusedWhenEverySlotIsLive()
        {
            for (int i = 1; i <= 4; i++)
            {
                newOrder(i, BUY, LIMIT, 100 - 5 * i, 10);
            }
            final long hash = book.stateHash();
            assertThat(newOrder(5, BUY, LIMIT, 50, 10)).containsExactly(new Rejected(5, RejectReason.BOOK_FULL));
            assertThat(newOrder(5, SELL, LIMIT, 95, 10)).containsExactly(new Rejected(5, RejectReason.BOOK_FULL));
            assertThat(book.stateHash()).isEqualTo(hash);

            assertThat(newOrder(6, SELL, IOC, 95, 10)).containsExactly(
                new Accepted(6, SELL, IOC, 95, 10),
                new Traded(6, 1, SELL, 95, 10, 0, 0),
                new LevelChanged(BUY, 95, 0, 0));
            assertThat(newOrder(7, SELL, LIMIT, 200, 10)).containsExactly(
                new Accepted(7, SELL, LIMIT, 200, 10), new LevelChanged(SELL, 200, 10, 1));
            assertThat(newOrder(8, SELL, MARKET, 0, 10)).startsWith(new Accepted(8, SELL, MARKET, NULL_PRICE, 10));
            cancel(7);
            assertThat(newOrder(9, SELL, LIMIT, 200, 10)).startsWith(new Accepted(9, SELL, LIMIT, 200, 10));
        }

        @Test
        void poolsAreReusedOverManyCycles()
        {
            for (int cycle = 0; cycle < 50_000; cycle++)
            {
                final long base = cycle * 10L;
                for (int i = 0; i < 4; i++)
                {
                    book.newOrder(base + i, i % 2 == 0 ? BUY : SELL, LIMIT, i % 2 == 0 ? 100 - 5 * i : 200 + 5 * i, 10);
                }
                assertThat(book.orderCount()).isEqualTo(4);
                if (cycle % 3 == 0)
                {
                    book.newOrder(base + 5, BUY, MARKET, 0, 20);
                    book.newOrder(base + 6, SELL, MARKET, 0, 20);
                }
                else if (cycle % 3 == 1)
                {
                    book.replace(base, 215, 20);
                    book.newOrder(base + 6, SELL, IOC, 5, 10);
                }
                else
                {
                    for (int i = 0; i < 4; i++)
                    {
                        book.cancel(base + i);
                    }
                }
                assertThat(book.orderCount()).as("cycle %d", cycle).isZero();
                listener.events().clear();
            }
            assertThat(book.levelCount(BUY)).isZero();
            assertThat(book.levelCount(SELL)).isZero();
            assertThat(book.stateHash()).isEqualTo(StateHash.INITIAL);
            for (int i = 0; i < 4; i++)
            {
                book.newOrder(1_000_000 + i, BUY, LIMIT, 100 - 5 * i, 10);
            }
            assertThat(listener.drain()).filteredOn(event -> event instanceof Rejected).isEmpty();
            assertThat(book.orderCount()).isEqualTo(4);
            assertThat(book.levelCount(BUY)).isEqualTo(4);
        }
    }

    @Test
    void stateHashFollowsTheDocumentedFold()
    {
        newOrder(1, BUY, LIMIT, 100, 10);
        newOrder(2, BUY, LIMIT, 105, 20);
        newOrder(3, BUY, LIMIT, 100, 30);
        newOrder(4, SELL, LIMIT, 110, 40);

        long expected = StateHash.INITIAL;
        expected = StateHash.order(expected, BUY, 105, 2, 20);
        expected = StateHash.order(expected, BUY, 100, 1, 10);
        expected = StateHash.order(expected, BUY, 100, 3, 30);
        expected = StateHash.order(expected, SELL, 110, 4, 40);
        assertThat(book.stateHash()).isEqualTo(expected);

        final OrderBook otherOrder = new OrderBook(1, TICK, LOT, 100, 50, new RecordingListener());
        otherOrder.newOrder(3, BUY, LIMIT, 100, 30);
        otherOrder.newOrder(2, BUY, LIMIT, 105, 20);
        otherOrder.newOrder(1, BUY, LIMIT, 100, 10);
        otherOrder.newOrder(4, SELL, LIMIT, 110, 40);
        assertThat(otherOrder.stateHash()).as("time priority is part of the state").isNotEqualTo(expected);
    }

    @Test
    void queriesRefuseAnUnknownSide()
    {
        assertThatThrownBy(() -> book.levelCount(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> book.forEachLevel(Side.NULL_VAL, (p, q, c) -> { }))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
