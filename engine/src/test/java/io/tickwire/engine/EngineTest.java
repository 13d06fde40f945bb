package io.tickwire.engine;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.engine.BatchEvents.Accepted;
import io.tickwire.engine.BatchEvents.Cancelled;
import io.tickwire.engine.BatchEvents.Definition;
import io.tickwire.engine.BatchEvents.Event;
import io.tickwire.engine.BatchEvents.Filled;
import io.tickwire.engine.BatchEvents.Header;
import io.tickwire.engine.BatchEvents.Level;
import io.tickwire.engine.BatchEvents.Rejected;
import io.tickwire.engine.BatchEvents.Replaced;
import io.tickwire.engine.BatchEvents.Ticker;
import io.tickwire.engine.BatchEvents.Trade;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.tickwire.codecs.sbe.Side.BUY;
import static io.tickwire.codecs.sbe.Side.SELL;
import static io.tickwire.engine.TestInputs.addInstrument;
import static io.tickwire.engine.TestInputs.cancel;
import static io.tickwire.engine.TestInputs.feedLevel;
import static io.tickwire.engine.TestInputs.feedTrade;
import static io.tickwire.engine.TestInputs.newOrder;
import static io.tickwire.engine.TestInputs.replace;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class EngineTest
{
    private static final long NULL = Long.MIN_VALUE;
    private static final int NEW = NewOrderDecoder.TEMPLATE_ID;
    private static final int CANCEL = 101;
    private static final int REPLACE = 102;
    private static final int ADD = 103;
    private static final int FEED_TRADE = 104;
    private static final int FEED_LEVEL = 105;

    private Engine engine;

    @BeforeEach
    void setUp()
    {
        engine = new Engine(new EngineLimits(4, 3, 3, 2));
        assertThat(apply(addInstrument(1, "BTC-USD", 2, 0, 5, 1, InstrumentMode.MATCHING)))
            .containsExactly(new Header(1, 1), new Definition(1, 0, 1, "BTC-USD"));
        assertThat(apply(addInstrument(2, "FEED", 1, 1, 1, 1, InstrumentMode.FEED)))
            .containsExactly(new Header(2, 1), new Definition(2, 0, 2, "FEED"));
    }

    private List<Event> apply(final UnsafeBuffer input)
    {
        final int length = engine.apply(input, 0, input.capacity(), 123);
        assertThat(length).isPositive();
        return BatchEvents.decode(engine.batchBuffer(), 0, length);
    }

    @Test
    void restingOrdersThenACrossingOrderTradeWithSeqAndPrevChains()
    {
        assertThat(apply(newOrder(7, 1, 1, SELL, OrderType.LIMIT, 10_100, 5))).containsExactly(
            new Header(3, 2),
            new Accepted(7, 1, 1, SELL, OrderType.LIMIT, 10_100, 5),
            new Level(3, 0, 1, SELL, 10_100, 5, 1),
            new Ticker(4, 0, 1, NULL, 0, 10_100, 5, NULL, 0, 0));
        assertThat(apply(newOrder(7, 2, 1, SELL, OrderType.LIMIT, 10_105, 5))).containsExactly(
            new Header(5, 1),
            new Accepted(7, 2, 1, SELL, OrderType.LIMIT, 10_105, 5),
            new Level(5, 3, 1, SELL, 10_105, 5, 1));
        assertThat(apply(newOrder(8, 1, 1, BUY, OrderType.LIMIT, 10_105, 7))).containsExactly(
            new Header(6, 5),
            new Accepted(8, 1, 1, BUY, OrderType.LIMIT, 10_105, 7),
            new Trade(6, 0, 1, 10_100, 5, BUY),
            new Filled(8, 1, 6, 10_100, 5, 2, false),
            new Filled(7, 1, 6, 10_100, 5, 0, true),
            new Level(7, 5, 1, SELL, 10_100, 0, 0),
            new Trade(8, 6, 1, 10_105, 2, BUY),
            new Filled(8, 1, 8, 10_105, 2, 0, false),
            new Filled(7, 2, 8, 10_105, 2, 3, true),
            new Level(9, 7, 1, SELL, 10_105, 3, 1),
            new Ticker(10, 4, 1, NULL, 0, 10_105, 3, 10_105, 2, 7));
        assertThat(engine.nextSeq()).isEqualTo(11);
    }

    @Test
    void marketOrderRemainderIsCancelledAndReplaceKeepsOrLosesPriority()
    {
        apply(newOrder(1, 1, 1, BUY, OrderType.LIMIT, 100, 4));
        assertThat(apply(replace(1, 1, 1, 100, 3))).containsExactly(
            new Header(5, 2),
            new Replaced(1, 1, 100, 3, true),
            new Level(5, 3, 1, BUY, 100, 3, 1),
            new Ticker(6, 4, 1, 100, 3, NULL, 0, NULL, 0, 0));
        assertThat(apply(newOrder(2, 9, 1, SELL, OrderType.MARKET, 0, 5))).containsExactly(
            new Header(7, 3),
            new Accepted(2, 9, 1, SELL, OrderType.MARKET, NULL, 5),
            new Trade(7, 0, 1, 100, 3, SELL),
            new Filled(2, 9, 7, 100, 3, 2, false),
            new Filled(1, 1, 7, 100, 3, 0, true),
            new Level(8, 5, 1, BUY, 100, 0, 0),
            new Cancelled(2, 9, 2, CancelReason.UNFILLED_REMAINDER),
            new Ticker(9, 6, 1, NULL, 0, NULL, 0, 100, 3, 3));
    }

    @Test
    void everyInvalidInputKindIsRejectedWithoutEventsOrSeq()
    {
        apply(newOrder(1, 1, 1, BUY, OrderType.LIMIT, 100, 1));
        final long seq = engine.nextSeq();
        final long hash = engine.stateHash();

        assertRejected(newOrder(1, 2, 99, BUY, OrderType.LIMIT, 100, 1), new Rejected(1, 2, 99, RejectReason.UNKNOWN_INSTRUMENT, NEW));
        assertRejected(cancel(1, 2, 99), new Rejected(1, 2, 99, RejectReason.UNKNOWN_INSTRUMENT, CANCEL));
        assertRejected(replace(1, 2, 99, 100, 1), new Rejected(1, 2, 99, RejectReason.UNKNOWN_INSTRUMENT, REPLACE));
        assertRejected(newOrder(1, 2, 1, BUY, OrderType.LIMIT, 101, 1), new Rejected(1, 2, 1, RejectReason.BAD_TICK_SIZE, NEW));
        assertRejected(newOrder(1, 2, 1, BUY, OrderType.LIMIT, 0, 1), new Rejected(1, 2, 1, RejectReason.BAD_PRICE, NEW));
        assertRejected(newOrder(1, 2, 1, BUY, OrderType.LIMIT, -5, 1), new Rejected(1, 2, 1, RejectReason.BAD_PRICE, NEW));
        assertRejected(newOrder(1, 2, 1, BUY, OrderType.LIMIT, 100, 0), new Rejected(1, 2, 1, RejectReason.BAD_QUANTITY, NEW));
        assertRejected(newOrder(1, 2, 1, BUY, OrderType.LIMIT, 100, -1), new Rejected(1, 2, 1, RejectReason.BAD_QUANTITY, NEW));
        assertRejected(newOrder(1, 1, 1, BUY, OrderType.LIMIT, 100, 1), new Rejected(1, 1, 1, RejectReason.DUPLICATE_ORDER_ID, NEW));
        assertRejected(cancel(1, 5, 1), new Rejected(1, 5, 1, RejectReason.UNKNOWN_ORDER, CANCEL));
        assertRejected(replace(1, 5, 1, 100, 1), new Rejected(1, 5, 1, RejectReason.UNKNOWN_ORDER, REPLACE));
        assertRejected(replace(1, 1, 1, 102, 1), new Rejected(1, 1, 1, RejectReason.BAD_TICK_SIZE, REPLACE));
        assertRejected(replace(1, 1, 1, 100, 0), new Rejected(1, 1, 1, RejectReason.BAD_QUANTITY, REPLACE));
        assertRejected(newOrder(1, 0, 1, BUY, OrderType.LIMIT, 100, 1), new Rejected(1, 0, 1, RejectReason.BAD_ORDER_ID, NEW));
        assertRejected(newOrder(1, 1L << 40, 1, BUY, OrderType.LIMIT, 100, 1), new Rejected(1, 1L << 40, 1, RejectReason.BAD_ORDER_ID, NEW));
        assertRejected(newOrder(-1, 3, 1, BUY, OrderType.LIMIT, 100, 1), new Rejected(-1, 3, 1, RejectReason.BAD_ORDER_ID, NEW));
        assertRejected(newOrder(1 << 23, 3, 1, BUY, OrderType.LIMIT, 100, 1), new Rejected(1 << 23, 3, 1, RejectReason.BAD_ORDER_ID, NEW));
        assertRejected(newOrder(1, 3, 2, BUY, OrderType.LIMIT, 100, 1), new Rejected(1, 3, 2, RejectReason.WRONG_MODE, NEW));
        assertRejected(feedTrade(1, 100, 1, BUY), new Rejected(0, 0, 1, RejectReason.WRONG_MODE, FEED_TRADE));
        assertRejected(feedLevel(1, BUY, 100, 1), new Rejected(0, 0, 1, RejectReason.WRONG_MODE, FEED_LEVEL));
        assertRejected(feedTrade(99, 100, 1, BUY), new Rejected(0, 0, 99, RejectReason.UNKNOWN_INSTRUMENT, FEED_TRADE));
        assertRejected(feedTrade(2, 0, 1, BUY), new Rejected(0, 0, 2, RejectReason.BAD_PRICE, FEED_TRADE));
        assertRejected(feedTrade(2, 10, 0, BUY), new Rejected(0, 0, 2, RejectReason.BAD_QUANTITY, FEED_TRADE));
        assertRejected(feedLevel(2, BUY, 10, -1), new Rejected(0, 0, 2, RejectReason.BAD_QUANTITY, FEED_LEVEL));
        assertRejected(feedLevel(2, BUY, -10, 1), new Rejected(0, 0, 2, RejectReason.BAD_PRICE, FEED_LEVEL));
        assertRejected(addInstrument(1, "OTHER", 2, 0, 1, 1, InstrumentMode.MATCHING), new Rejected(0, 0, 1, RejectReason.INSTRUMENT_EXISTS, ADD));
        assertRejected(addInstrument(3, "BTC-USD", 2, 0, 1, 1, InstrumentMode.MATCHING), new Rejected(0, 0, 3, RejectReason.INSTRUMENT_EXISTS, ADD));
        assertRejected(addInstrument(3, "bad symbol", 2, 0, 1, 1, InstrumentMode.MATCHING), new Rejected(0, 0, 3, RejectReason.BAD_INSTRUMENT, ADD));
        assertRejected(addInstrument(3, "OK", 10, 0, 1, 1, InstrumentMode.MATCHING), new Rejected(0, 0, 3, RejectReason.BAD_INSTRUMENT, ADD));
        assertRejected(addInstrument(3, "OK", 2, 0, 0, 1, InstrumentMode.MATCHING), new Rejected(0, 0, 3, RejectReason.BAD_INSTRUMENT, ADD));
        assertRejected(addInstrument(3, "OK", 2, 0, 1, 0, InstrumentMode.MATCHING), new Rejected(0, 0, 3, RejectReason.BAD_INSTRUMENT, ADD));
        assertRejected(addInstrument(0, "OK", 2, 0, 1, 1, InstrumentMode.MATCHING), new Rejected(0, 0, 0, RejectReason.BAD_INSTRUMENT, ADD));

        final UnsafeBuffer badSide = newOrder(1, 4, 1, BUY, OrderType.LIMIT, 100, 1);
        badSide.putByte(8 + NewOrderDecoder.sideEncodingOffset(), (byte)7);
        assertRejected(badSide, new Rejected(1, 4, 1, RejectReason.BAD_SIDE, NEW));

        apply(newOrder(1, 6, 1, BUY, OrderType.LIMIT, 95, 1));
        apply(newOrder(1, 7, 1, BUY, OrderType.LIMIT, 90, 1));
        assertRejected(newOrder(1, 8, 1, BUY, OrderType.LIMIT, 85, 1), new Rejected(1, 8, 1, RejectReason.BOOK_FULL, NEW));
        assertThat(engine.nextSeq()).isEqualTo(seq + 2); // only the orders at 95 and 90 made events (their levels)
        assertThat(engine.stateHash()).isNotEqualTo(hash);
    }

    @Test
    void sweepLimitCancelsTheRestOfTheAggressor()
    {
        final Engine e = new Engine(new EngineLimits(4, 16, 2, 4));
        final UnsafeBuffer add = addInstrument(1, "X", 0, 0, 1, 1, InstrumentMode.MATCHING);
        e.apply(add, 0, add.capacity(), 0);
        engine = e;
        apply(newOrder(1, 1, 1, SELL, OrderType.LIMIT, 10, 1));
        apply(newOrder(1, 2, 1, SELL, OrderType.LIMIT, 11, 1));
        apply(newOrder(1, 3, 1, SELL, OrderType.LIMIT, 12, 1));
        final List<Event> events = apply(newOrder(2, 1, 1, BUY, OrderType.LIMIT, 12, 3));
        assertThat(events).filteredOn(ev -> ev instanceof Trade).hasSize(2);
        assertThat(events).contains(new Cancelled(2, 1, 1, CancelReason.SWEEP_LIMIT));
    }

    @Test
    void feedInstrumentSequencesTicksAndReportsOnlyRealLevelChanges()
    {
        assertThat(apply(feedLevel(2, BUY, 10, 3))).containsExactly(
            new Header(3, 2),
            new Level(3, 0, 2, BUY, 10, 3, 0),
            new Ticker(4, 0, 2, 10, 3, NULL, 0, NULL, 0, 0));
        assertThat(apply(feedLevel(2, BUY, 10, 3))).containsExactly(new Header(5, 0));
        assertThat(apply(feedTrade(2, 11, 2, SELL))).containsExactly(
            new Header(5, 2),
            new Trade(5, 0, 2, 11, 2, SELL),
            new Ticker(6, 4, 2, 10, 3, NULL, 0, 11, 2, 2));
        assertThat(apply(feedLevel(2, BUY, 10, 0))).containsExactly(
            new Header(7, 2),
            new Level(7, 3, 2, BUY, 10, 0, 0),
            new Ticker(8, 6, 2, NULL, 0, NULL, 0, 11, 2, 2));
    }

    @Test
    void malformedInputsMakeNoBatch()
    {
        final UnsafeBuffer foreign = newOrder(1, 1, 1, BUY, OrderType.LIMIT, 100, 1);
        foreign.putShort(4, (short)999); // schema id
        assertThat(engine.apply(foreign, 0, foreign.capacity(), 0)).isZero();
        final UnsafeBuffer truncated = newOrder(1, 1, 1, BUY, OrderType.LIMIT, 100, 1);
        assertThat(engine.apply(truncated, 0, truncated.capacity() - 1, 0)).isZero();
        assertThat(engine.apply(truncated, 0, 4, 0)).isZero();
        final UnsafeBuffer unknownTemplate = newOrder(1, 1, 1, BUY, OrderType.LIMIT, 100, 1);
        unknownTemplate.putShort(2, (short)200);
        assertThat(engine.apply(unknownTemplate, 0, unknownTemplate.capacity(), 0)).isZero();
        assertThat(engine.malformedInputs()).isEqualTo(4);
        assertThat(engine.nextSeq()).isEqualTo(3);
    }

    @Test
    void recoverAcceptsItsOwnBatchesAndRefusesADivergentOne()
    {
        final Engine replica = new Engine(new EngineLimits(4, 2, 3, 2));
        final Engine source = new Engine(new EngineLimits(4, 2, 3, 2));
        for (final UnsafeBuffer input : List.of(
            addInstrument(1, "A", 2, 0, 1, 1, InstrumentMode.MATCHING),
            newOrder(1, 1, 1, BUY, OrderType.LIMIT, 100, 1),
            newOrder(2, 1, 1, SELL, OrderType.LIMIT, 100, 1)))
        {
            final int length = source.apply(input, 0, input.capacity(), System.nanoTime());
            replica.recover(source.batchBuffer(), 0, length);
        }
        assertThat(replica.stateHash()).isEqualTo(source.stateHash());

        final UnsafeBuffer next = newOrder(3, 1, 1, SELL, OrderType.LIMIT, 100, 1);
        final int length = source.apply(next, 0, next.capacity(), 0);
        final UnsafeBuffer tampered = new UnsafeBuffer(new byte[length]);
        tampered.putBytes(0, source.batchBuffer(), 0, length);
        tampered.putLong(8, 999); // firstSeq
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> replica.recover(tampered, 0, length))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("diverges");
    }

    private void assertRejected(final UnsafeBuffer input, final Rejected expected)
    {
        final long seq = engine.nextSeq();
        assertThat(apply(input)).containsExactly(new Header(seq, 0), expected);
        assertThat(engine.nextSeq()).isEqualTo(seq);
    }
}
