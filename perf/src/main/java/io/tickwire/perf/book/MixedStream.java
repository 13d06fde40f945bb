package io.tickwire.perf.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.book.OrderBook;
import io.tickwire.engine.book.OrderBookListener;

import java.util.SplittableRandom;

/**
 * A precomputed, replayable stream of order book commands shaped like a busy instrument: a standing book
 * around a random-walking mid, then a mix of 42% passive and aggressive LIMIT orders, 35% cancels of live
 * orders, 15% replaces (mostly quantity-down), 4% IOC, 2% MARKET and 2% cancels of unknown keys
 * (rejects), then a tail that cancels every order still live. The stream therefore starts and ends on an
 * empty book and can be replayed in a loop with the same state at every pass.
 * <p>
 * Built by running the commands through a scratch {@link OrderBook} to know which orders are live;
 * generation allocates, replay does not.
 */
final class MixedStream
{
    static final byte NEW = 0;
    static final byte CANCEL = 1;
    static final byte REPLACE = 2;

    final byte[] kinds;
    final long[] keys;
    final Side[] sides;
    final OrderType[] types;
    final long[] prices;
    final long[] quantities;
    int length;

    private final SplittableRandom random;
    private final long tick;
    private final long lot;
    private final OrderBook scratch;
    private final long[] liveKeys;
    private final long[] livePrices;
    private int liveCount;
    private long nextKey = 1;
    private long midTicks = 20_000;

    private MixedStream(final long seed, final int capacity, final long tick, final long lot, final int maxOrders)
    {
        random = new SplittableRandom(seed);
        this.tick = tick;
        this.lot = lot;
        kinds = new byte[capacity];
        keys = new long[capacity];
        sides = new Side[capacity];
        types = new OrderType[capacity];
        prices = new long[capacity];
        quantities = new long[capacity];
        liveKeys = new long[maxOrders];
        livePrices = new long[maxOrders];
        scratch = new OrderBook(0, tick, lot, maxOrders, 64, new Tracker());
    }

    /**
     * @param steadyCommands commands in the mixed part (the prefill and the final cancels come on top).
     * @param targetLive     the number of live orders the mix hovers around.
     */
    static MixedStream generate(
        final long seed, final int steadyCommands, final int targetLive, final long tick, final long lot, final int maxOrders)
    {
        final MixedStream stream = new MixedStream(seed, 2 * targetLive + steadyCommands + maxOrders, tick, lot, maxOrders);
        for (int i = 0; i < targetLive; i++)
        {
            stream.passive(stream.random.nextBoolean() ? Side.BUY : Side.SELL);
        }
        for (int i = 0; i < steadyCommands; i++)
        {
            stream.mixed(targetLive);
        }
        while (stream.liveCount > 0)
        {
            final int before = stream.liveCount;
            stream.cancel(stream.liveKeys[before - 1]);
            if (stream.liveCount != before - 1)
            {
                throw new IllegalStateException("live list out of step with the book");
            }
        }
        if (stream.scratch.orderCount() != 0)
        {
            throw new IllegalStateException("stream does not end empty");
        }
        return stream;
    }

    private void mixed(final int targetLive)
    {
        if (random.nextInt(16) == 0)
        {
            midTicks += random.nextInt(3) - 1 + (midTicks > 20_020 ? -1 : midTicks < 19_980 ? 1 : 0);
        }
        final int roll = random.nextInt(100);
        final boolean wantMore = liveCount < targetLive;
        final Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
        if (roll < 42 || liveCount == 0)
        {
            if (random.nextInt(10) == 0)
            {
                aggressive(side, OrderType.LIMIT);
            }
            else
            {
                passive(side);
            }
        }
        else if (roll < 44)
        {
            add(side, OrderType.MARKET, 0, lot * (1 + random.nextInt(5)));
        }
        else if (roll < 48)
        {
            aggressive(side, OrderType.IOC);
        }
        else if (roll < 83)
        {
            if (wantMore && random.nextBoolean())
            {
                passive(side);
            }
            else
            {
                cancel(liveKeys[random.nextInt(liveCount)]);
            }
        }
        else if (roll < 98)
        {
            replace(random.nextInt(liveCount));
        }
        else
        {
            cancel(-nextKey);
        }
    }

    private void passive(final Side side)
    {
        final int behind = random.nextInt(100) < 70 ? random.nextInt(5) : random.nextInt(20);
        final long priceTicks = side == Side.BUY ? midTicks - 1 - behind : midTicks + 1 + behind;
        final long best = side == Side.BUY ? scratch.bestAskPrice() : scratch.bestBidPrice();
        long price = priceTicks * tick;
        if (best != OrderBook.NULL_PRICE && (side == Side.BUY ? price >= best : price <= best))
        {
            price = side == Side.BUY ? best - tick : best + tick;
        }
        add(side, OrderType.LIMIT, price, lot * (1 + random.nextInt(10)));
    }

    private void aggressive(final Side side, final OrderType type)
    {
        final long best = side == Side.BUY ? scratch.bestAskPrice() : scratch.bestBidPrice();
        final long through = random.nextInt(3) * tick;
        final long price = best == OrderBook.NULL_PRICE ? midTicks * tick : side == Side.BUY ? best + through : best - through;
        add(side, type, price, lot * (1 + random.nextInt(15)));
    }

    private void add(final Side side, final OrderType type, final long price, final long quantity)
    {
        final int i = length++;
        kinds[i] = NEW;
        keys[i] = nextKey++;
        sides[i] = side;
        types[i] = type;
        prices[i] = price;
        quantities[i] = quantity;
        scratch.newOrder(keys[i], side, type, price, quantity);
        if (scratch.contains(keys[i]))
        {
            livePrices[liveCount] = price;
            liveKeys[liveCount++] = keys[i];
        }
    }

    private void cancel(final long key)
    {
        final int i = length++;
        kinds[i] = CANCEL;
        keys[i] = key;
        scratch.cancel(key);
    }

    private void replace(final int liveIndex)
    {
        final long key = liveKeys[liveIndex];
        final long price = livePrices[liveIndex];
        final int roll = random.nextInt(4);
        final long newPrice = roll < 3 ? price : price + (random.nextInt(7) - 3) * tick;
        final long newQuantity = roll < 2 ? lot : lot * (1 + random.nextInt(10));
        final int i = length++;
        kinds[i] = REPLACE;
        keys[i] = key;
        prices[i] = Math.max(tick, newPrice);
        quantities[i] = newQuantity;
        scratch.replace(key, prices[i], newQuantity);
        if (liveIndex < liveCount && liveKeys[liveIndex] == key)
        {
            livePrices[liveIndex] = prices[i];
        }
    }

    private void forget(final long key)
    {
        for (int i = liveCount - 1; i >= 0; i--)
        {
            if (liveKeys[i] == key)
            {
                liveCount--;
                liveKeys[i] = liveKeys[liveCount];
                livePrices[i] = livePrices[liveCount];
                return;
            }
        }
    }

    /**
     * Keeps the live list in step with the scratch book.
     */
    private final class Tracker implements OrderBookListener
    {
        public void onAccepted(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
        {
        }

        public void onRejected(final long orderKey, final RejectReason reason)
        {
        }

        public void onTrade(
            final long takerKey,
            final long makerKey,
            final Side aggressorSide,
            final long price,
            final long quantity,
            final long takerLeaves,
            final long makerLeaves)
        {
            if (makerLeaves == 0)
            {
                forget(makerKey);
            }
            if (takerLeaves == 0)
            {
                forget(takerKey);
            }
        }

        public void onCancelled(final long orderKey, final long cancelledQuantity, final CancelReason reason)
        {
            forget(orderKey);
        }

        public void onReplaced(final long orderKey, final long price, final long leavesQuantity, final boolean keptPriority)
        {
        }

        public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
        {
        }
    }
}
