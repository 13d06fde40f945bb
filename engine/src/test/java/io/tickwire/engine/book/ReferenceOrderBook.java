package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The naive model of {@link OrderBook}: same API, same rules, same events, written for obviousness with
 * JDK collections (a TreeMap of FIFO queues per side, best first, and a HashMap of live orders). Level
 * aggregates are recomputed from the queue every time they are reported.
 */
final class ReferenceOrderBook
{
    private static final class Order
    {
        final long key;
        final Side side;
        long price;
        long quantity;

        Order(final long key, final Side side, final long price, final long quantity)
        {
            this.key = key;
            this.side = side;
            this.price = price;
            this.quantity = quantity;
        }
    }

    private final long tickSize;
    private final long lotSize;
    private final int maxOrders;
    private final int maxFillsPerOrder;
    private final OrderBookListener listener;
    private final TreeMap<Long, ArrayDeque<Order>> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<Long, ArrayDeque<Order>> asks = new TreeMap<>();
    private final Map<Long, Order> live = new HashMap<>();

    ReferenceOrderBook(
        final long tickSize,
        final long lotSize,
        final int maxOrders,
        final int maxFillsPerOrder,
        final OrderBookListener listener)
    {
        this.tickSize = tickSize;
        this.lotSize = lotSize;
        this.maxOrders = maxOrders;
        this.maxFillsPerOrder = maxFillsPerOrder;
        this.listener = listener;
    }

    void newOrder(final long key, final Side side, final OrderType type, final long price, final long quantity)
    {
        if (side == null || type == null || side == Side.NULL_VAL || type == OrderType.NULL_VAL)
        {
            listener.onRejected(key, RejectReason.BAD_SIDE);
            return;
        }
        if (type != OrderType.MARKET && price <= 0)
        {
            listener.onRejected(key, RejectReason.BAD_PRICE);
            return;
        }
        if (type != OrderType.MARKET && price % tickSize != 0)
        {
            listener.onRejected(key, RejectReason.BAD_TICK_SIZE);
            return;
        }
        if (quantity <= 0 || quantity % lotSize != 0)
        {
            listener.onRejected(key, RejectReason.BAD_QUANTITY);
            return;
        }
        if (live.containsKey(key))
        {
            listener.onRejected(key, RejectReason.DUPLICATE_ORDER_ID);
            return;
        }
        if (type == OrderType.LIMIT && live.size() == maxOrders)
        {
            listener.onRejected(key, RejectReason.BOOK_FULL);
            return;
        }
        listener.onAccepted(key, side, type, type == OrderType.MARKET ? OrderBook.NULL_PRICE : price, quantity);
        final Order order = new Order(key, side, price, quantity);
        final boolean hitLimit = trade(order, type == OrderType.MARKET);
        if (order.quantity == 0)
        {
            return;
        }
        if (hitLimit)
        {
            listener.onCancelled(key, order.quantity, CancelReason.SWEEP_LIMIT);
        }
        else if (type == OrderType.LIMIT)
        {
            rest(order);
        }
        else
        {
            listener.onCancelled(key, order.quantity, CancelReason.UNFILLED_REMAINDER);
        }
    }

    void cancel(final long key)
    {
        final Order order = live.remove(key);
        if (order == null)
        {
            listener.onRejected(key, RejectReason.UNKNOWN_ORDER);
            return;
        }
        queue(order).remove(order);
        listener.onCancelled(key, order.quantity, CancelReason.REQUESTED);
        reportLevel(order.side, order.price);
    }

    void replace(final long key, final long price, final long quantity)
    {
        if (price <= 0)
        {
            listener.onRejected(key, RejectReason.BAD_PRICE);
            return;
        }
        if (price % tickSize != 0)
        {
            listener.onRejected(key, RejectReason.BAD_TICK_SIZE);
            return;
        }
        if (quantity <= 0 || quantity % lotSize != 0)
        {
            listener.onRejected(key, RejectReason.BAD_QUANTITY);
            return;
        }
        final Order order = live.get(key);
        if (order == null)
        {
            listener.onRejected(key, RejectReason.UNKNOWN_ORDER);
            return;
        }
        if (price == order.price && quantity <= order.quantity)
        {
            final boolean changed = quantity != order.quantity;
            order.quantity = quantity;
            listener.onReplaced(key, price, quantity, true);
            if (changed)
            {
                reportLevel(order.side, price);
            }
            return;
        }
        if (price == order.price)
        {
            final ArrayDeque<Order> queue = queue(order);
            queue.remove(order);
            order.quantity = quantity;
            queue.addLast(order);
            listener.onReplaced(key, price, quantity, false);
            reportLevel(order.side, price);
            return;
        }
        final long oldPrice = order.price;
        queue(order).remove(order);
        listener.onReplaced(key, price, quantity, false);
        reportLevel(order.side, oldPrice);
        order.price = price;
        order.quantity = quantity;
        live.remove(key);
        final boolean hitLimit = trade(order, false);
        if (order.quantity == 0)
        {
            return;
        }
        if (hitLimit)
        {
            listener.onCancelled(key, order.quantity, CancelReason.SWEEP_LIMIT);
        }
        else
        {
            rest(order);
        }
    }

    boolean contains(final long key)
    {
        return live.containsKey(key);
    }

    int orderCount()
    {
        return live.size();
    }

    int levelCount(final Side side)
    {
        return book(side).size();
    }

    long bestBidPrice()
    {
        return bids.isEmpty() ? OrderBook.NULL_PRICE : bids.firstKey();
    }

    long bestAskPrice()
    {
        return asks.isEmpty() ? OrderBook.NULL_PRICE : asks.firstKey();
    }

    long bestBidQty()
    {
        return bids.isEmpty() ? 0 : total(bids.firstEntry().getValue());
    }

    long bestAskQty()
    {
        return asks.isEmpty() ? 0 : total(asks.firstEntry().getValue());
    }

    long stateHash()
    {
        long hash = StateHash.INITIAL;
        for (final Side side : new Side[]{ Side.BUY, Side.SELL })
        {
            for (final Map.Entry<Long, ArrayDeque<Order>> level : book(side).entrySet())
            {
                for (final Order order : level.getValue())
                {
                    hash = StateHash.mix(hash, side.value());
                    hash = StateHash.mix(hash, level.getKey());
                    hash = StateHash.mix(hash, order.key);
                    hash = StateHash.mix(hash, order.quantity);
                }
            }
        }
        return hash;
    }

    /**
     * Trades the aggressor against the other side, lowering its quantity.
     *
     * @return true if it stopped on the fill limit while it could still trade.
     */
    private boolean trade(final Order taker, final boolean market)
    {
        final Side makerSide = taker.side == Side.BUY ? Side.SELL : Side.BUY;
        final TreeMap<Long, ArrayDeque<Order>> other = book(makerSide);
        int fills = 0;
        while (taker.quantity > 0 && !other.isEmpty())
        {
            final long price = other.firstKey();
            final boolean crosses = market || (taker.side == Side.BUY ? price <= taker.price : price >= taker.price);
            if (!crosses)
            {
                return false;
            }
            if (fills == maxFillsPerOrder)
            {
                return true;
            }
            final ArrayDeque<Order> queue = other.get(price);
            final Order maker = queue.peekFirst();
            final long quantity = Math.min(taker.quantity, maker.quantity);
            taker.quantity -= quantity;
            maker.quantity -= quantity;
            fills++;
            if (maker.quantity == 0)
            {
                queue.removeFirst();
                live.remove(maker.key);
            }
            listener.onTrade(taker.key, maker.key, taker.side, price, quantity, taker.quantity, maker.quantity);
            reportLevel(makerSide, price);
        }
        return false;
    }

    private void rest(final Order order)
    {
        live.put(order.key, order);
        book(order.side).computeIfAbsent(order.price, p -> new ArrayDeque<>()).addLast(order);
        reportLevel(order.side, order.price);
    }

    private void reportLevel(final Side side, final long price)
    {
        final TreeMap<Long, ArrayDeque<Order>> book = book(side);
        final ArrayDeque<Order> queue = book.get(price);
        if (queue == null || queue.isEmpty())
        {
            book.remove(price);
            listener.onLevelChanged(side, price, 0, 0);
        }
        else
        {
            listener.onLevelChanged(side, price, total(queue), queue.size());
        }
    }

    private ArrayDeque<Order> queue(final Order order)
    {
        return book(order.side).get(order.price);
    }

    private TreeMap<Long, ArrayDeque<Order>> book(final Side side)
    {
        return side == Side.BUY ? bids : asks;
    }

    private static long total(final ArrayDeque<Order> queue)
    {
        long total = 0;
        for (final Order order : queue)
        {
            total += order.quantity;
        }
        return total;
    }
}
