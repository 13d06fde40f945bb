package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Optimised vs naive: a seeded stream of random commands goes through {@link OrderBook} and
 * {@link ReferenceOrderBook}; after every command the whole event lists, the state hashes and the top of
 * book must be equal.
 * <p>
 * Reproduce a run with {@code -Dtickwire.book.seed=N} (replaces the seed of every configuration) and
 * optionally {@code -Dtickwire.book.commands=N}.
 */
class OrderBookReferenceTest
{
    private static final String SEED_PROPERTY = "tickwire.book.seed";
    private static final String COMMANDS_PROPERTY = "tickwire.book.commands";
    private static final int DEFAULT_COMMANDS = 100_000;

    static Stream<Arguments> configurations()
    {
        final String seedOverride = System.getProperty(SEED_PROPERTY);
        final long[][] configurations = {
            // seed, maxOrders, maxFillsPerOrder
            { 0x5EED_0001L, 2_000, 1_000 },
            { 0x5EED_0002L, 1_000, 8 },
            { 0x5EED_0003L, 300, 4 },
            { 0x5EED_0004L, 64, 2 },
            { 0x5EED_0005L, 4_000, 16 },
        };
        return Stream.of(configurations).map(c -> Arguments.of(
            seedOverride == null ? c[0] : Long.decode(seedOverride), (int)c[1], (int)c[2]));
    }

    @ParameterizedTest(name = "seed={0} maxOrders={1} maxFills={2}")
    @MethodSource("configurations")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sameEventsAndStateAsTheReferenceAfterEveryCommand(final long seed, final int maxOrders, final int maxFills)
    {
        final int commands = Integer.getInteger(COMMANDS_PROPERTY, DEFAULT_COMMANDS);
        System.out.println("OrderBookReferenceTest seed=" + seed + " (rerun: -D" + SEED_PROPERTY + "=" + seed +
            ") maxOrders=" + maxOrders + " maxFills=" + maxFills + " commands=" + commands);

        final RecordingListener actualEvents = new RecordingListener();
        final RecordingListener expectedEvents = new RecordingListener();
        final OrderBook book = new OrderBook(7, RandomCommands.TICK, RandomCommands.LOT, maxOrders, maxFills, actualEvents);
        final ReferenceOrderBook reference = new ReferenceOrderBook(
            RandomCommands.TICK, RandomCommands.LOT, maxOrders, maxFills, expectedEvents);
        final RandomCommands generator = new RandomCommands(seed, reference::contains);
        final Stats stats = new Stats();

        for (int i = 0; i < commands; i++)
        {
            final BookCommand command = generator.next();
            command.applyTo(reference);
            command.applyTo(book);
            final List<BookEvent> expected = expectedEvents.drain();
            final List<BookEvent> actual = actualEvents.drain();
            if (!expected.equals(actual))
            {
                fail(where(seed, i, command) + "\nexpected events: " + expected + "\nactual events:   " + actual);
            }
            if (book.stateHash() != reference.stateHash())
            {
                fail(where(seed, i, command) + ": state hash differs");
            }
            if (book.orderCount() != reference.orderCount() ||
                book.levelCount(Side.BUY) != reference.levelCount(Side.BUY) ||
                book.levelCount(Side.SELL) != reference.levelCount(Side.SELL) ||
                book.bestBidPrice() != reference.bestBidPrice() ||
                book.bestAskPrice() != reference.bestAskPrice() ||
                book.bestBidQty() != reference.bestBidQty() ||
                book.bestAskQty() != reference.bestAskQty())
            {
                fail(where(seed, i, command) + ": counts or top of book differ");
            }
            if (book.bestBidPrice() != OrderBook.NULL_PRICE && book.bestAskPrice() != OrderBook.NULL_PRICE &&
                book.bestBidPrice() >= book.bestAskPrice())
            {
                fail(where(seed, i, command) + ": book crossed");
            }
            stats.count(command, actual);
        }

        System.out.println("OrderBookReferenceTest seed=" + seed + " " + stats);
        stats.assertCoverage(maxOrders, maxFills);
    }

    private static String where(final long seed, final int index, final BookCommand command)
    {
        return "seed=" + seed + " (-D" + SEED_PROPERTY + "=" + seed + ") command #" + index + " " + command;
    }

    /**
     * What the stream exercised, so that a generator change cannot silently stop testing a rule.
     */
    private static final class Stats
    {
        private final Map<RejectReason, Integer> rejects = new EnumMap<>(RejectReason.class);
        private final Map<CancelReason, Integer> cancels = new EnumMap<>(CancelReason.class);
        private int trades;
        private int multiLevelSweeps;
        private int keptPriority;
        private int lostPriority;
        private int replacesThatTraded;

        void count(final BookCommand command, final List<BookEvent> events)
        {
            long firstTradePrice = OrderBook.NULL_PRICE;
            boolean swept = false;
            boolean replaced = false;
            for (final BookEvent event : events)
            {
                if (event instanceof BookEvent.Rejected rejected)
                {
                    rejects.merge(rejected.reason(), 1, Integer::sum);
                }
                else if (event instanceof BookEvent.Cancelled cancelled)
                {
                    cancels.merge(cancelled.reason(), 1, Integer::sum);
                }
                else if (event instanceof BookEvent.Replaced replace)
                {
                    replaced = true;
                    if (replace.keptPriority())
                    {
                        keptPriority++;
                    }
                    else
                    {
                        lostPriority++;
                    }
                }
                else if (event instanceof BookEvent.Traded trade)
                {
                    trades++;
                    if (firstTradePrice == OrderBook.NULL_PRICE)
                    {
                        firstTradePrice = trade.price();
                    }
                    else if (trade.price() != firstTradePrice)
                    {
                        swept = true;
                    }
                    if (replaced && command instanceof BookCommand.Replace)
                    {
                        replacesThatTraded++;
                        replaced = false;
                    }
                }
            }
            if (swept)
            {
                multiLevelSweeps++;
            }
        }

        void assertCoverage(final int maxOrders, final int maxFills)
        {
            assertThat(trades).as("trades").isGreaterThan(5_000);
            assertThat(multiLevelSweeps).as("multi-level sweeps").isGreaterThan(100);
            assertThat(keptPriority).as("replaces keeping priority").isGreaterThan(100);
            assertThat(lostPriority).as("replaces losing priority").isGreaterThan(100);
            assertThat(replacesThatTraded).as("replaces that crossed and traded").isGreaterThan(10);
            for (final RejectReason reason : new RejectReason[]{
                RejectReason.BAD_SIDE, RejectReason.BAD_PRICE, RejectReason.BAD_TICK_SIZE, RejectReason.BAD_QUANTITY,
                RejectReason.DUPLICATE_ORDER_ID, RejectReason.UNKNOWN_ORDER })
            {
                assertThat(rejects.getOrDefault(reason, 0)).as("rejects " + reason).isGreaterThan(10);
            }
            for (final CancelReason reason : CancelReason.values())
            {
                if (reason != CancelReason.NULL_VAL && (reason != CancelReason.SWEEP_LIMIT || maxFills <= 16))
                {
                    assertThat(cancels.getOrDefault(reason, 0)).as("cancels " + reason).isGreaterThan(10);
                }
            }
            if (maxOrders <= 300)
            {
                assertThat(rejects.getOrDefault(RejectReason.BOOK_FULL, 0)).as("rejects BOOK_FULL").isGreaterThan(10);
            }
        }

        public String toString()
        {
            return "trades=" + trades + " multiLevelSweeps=" + multiLevelSweeps + " keptPriority=" + keptPriority +
                " lostPriority=" + lostPriority + " replacesThatTraded=" + replacesThatTraded +
                " rejects=" + rejects + " cancels=" + cancels;
        }
    }
}
