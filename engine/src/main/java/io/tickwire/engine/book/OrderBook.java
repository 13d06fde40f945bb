package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerEncoder;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * A price-time priority limit order book for one instrument (matching mode). Single threaded: it belongs
 * to the engine agent. Every outcome, including a refusal, is reported to the {@link OrderBookListener}
 * synchronously and in the order given there; the operations never throw for bad input. A listener must not query
 * the book from a callback: while a LIMIT order matches, its key is already live ({@link #contains},
 * {@link #orderCount}) although it rests only after its fills.
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>Matching: an incoming order trades against the best opposite level first and, within a level, the
 * oldest order first, at the resting (maker's) price. {@code LIMIT} rests what does not match,
 * {@code MARKET} matches at any price, {@code IOC} matches up to its price; both cancel the rest with
 * {@link CancelReason#UNFILLED_REMAINDER}. There is no self-trade prevention.</li>
 * <li>Sweep limit: one call makes at most {@code maxFillsPerOrder} fills (which bounds the size of one
 * batch). If the order could still trade after that many fills, the rest is cancelled with
 * {@link CancelReason#SWEEP_LIMIT} (a limit order does not rest then: it would cross the book).</li>
 * <li>Validation, in this order, each answered by {@code onRejected} and nothing else:
 * side or type null or {@code NULL_VAL}: {@link RejectReason#BAD_SIDE};
 * for LIMIT and IOC (MARKET ignores its price) a price {@code <= 0}: {@link RejectReason#BAD_PRICE}, a price
 * not a multiple of the tick size: {@link RejectReason#BAD_TICK_SIZE};
 * a quantity {@code <= 0} or not a multiple of the lot size: {@link RejectReason#BAD_QUANTITY};
 * a key that is live: {@link RejectReason#DUPLICATE_ORDER_ID};
 * a LIMIT order when all {@code maxOrders} slots are live: {@link RejectReason#BOOK_FULL} (checked on entry,
 * even if the order would have traded in full; MARKET and IOC orders never rest, so they never need a slot).
 * {@code replace} checks price, then quantity, then that the key is live
 * ({@link RejectReason#UNKNOWN_ORDER}).</li>
 * <li>{@code onAccepted} of a MARKET order reports {@link #NULL_PRICE} as its price.</li>
 * <li>Replace: {@code newQuantity} is the new open quantity. Same price and a lower or equal quantity keeps
 * time priority ({@code keptPriority = true}; an equal quantity changes nothing and reports no level).
 * Same price and a higher quantity moves the order to the back of its level (one {@code onLevelChanged}
 * for that level). A new price takes the order out of its old level ({@code onLevelChanged} of the old
 * level), then it enters at the new price like a LIMIT order with the same key: it may trade (also subject
 * to the sweep limit) and rests at the back of the new level.</li>
 * </ul>
 *
 * <h2>Steady state allocates nothing</h2>
 * Orders and levels come from pools allocated up front ({@code maxOrders} of each: a level holds at least one
 * order, so levels can never run out before orders do). Orders are found by key in an Agrona
 * {@link Long2ObjectHashMap} sized for the usual live set, which grows (allocating) only when the live orders reach
 * a new high-water mark; a new LIMIT order is checked for a duplicate key and entered in one probe
 * ({@code putIfAbsent}). Each side is a {@link BookSide}: a sorted array of
 * levels with the best at the end, chosen because activity concentrates at the top of the book (see
 * there). Within a level, orders form an intrusive doubly-linked list, so a cancel is O(1) once the order
 * is found.
 */
public final class OrderBook
{
    /** The null price (the SBE null of an int64 price, {@code Long.MIN_VALUE}): "no price". */
    public static final long NULL_PRICE = TickerEncoder.bidPriceNullValue();

    private final int instrumentId;
    private final long tickSize;
    private final long lotSize;
    private final int maxOrders;
    private final int maxFillsPerOrder;
    private final OrderBookListener listener;
    private final Long2ObjectHashMap<RestingOrder> ordersByKey;
    private final BookSide bids;
    private final BookSide asks;
    private RestingOrder freeOrders;
    private PriceLevel freeLevels;
    private boolean sweepLimited;

    /**
     * @param instrumentId     the instrument this book is for (informational).
     * @param tickSize         prices must be positive multiples of this ({@code > 0}).
     * @param lotSize          quantities must be positive multiples of this ({@code > 0}).
     * @param maxOrders        the most live (resting) orders at once; storage for them is allocated here.
     * @param maxFillsPerOrder the most fills one call may make ({@code > 0}).
     * @param listener         receives every event.
     * @throws IllegalArgumentException for a non-positive size or a null listener.
     */
    public OrderBook(
        final int instrumentId,
        final long tickSize,
        final long lotSize,
        final int maxOrders,
        final int maxFillsPerOrder,
        final OrderBookListener listener)
    {
        if (tickSize <= 0 || lotSize <= 0 || maxOrders <= 0 || maxFillsPerOrder <= 0 || listener == null)
        {
            throw new IllegalArgumentException("tickSize=" + tickSize + " lotSize=" + lotSize +
                " maxOrders=" + maxOrders + " maxFillsPerOrder=" + maxFillsPerOrder + " listener=" + listener);
        }
        this.instrumentId = instrumentId;
        this.tickSize = tickSize;
        this.lotSize = lotSize;
        this.maxOrders = maxOrders;
        this.maxFillsPerOrder = maxFillsPerOrder;
        this.listener = listener;
        // Sized for the usual number of live orders, not the maximum: a table of 2 x maxOrders slots spreads a
        // few hundred live keys over megabytes and every lookup misses the cache. It grows (allocating) only when
        // the live orders reach a new high-water mark, never in a steady state.
        ordersByKey = new Long2ObjectHashMap<>(Math.min(Math.max(8, 2 * maxOrders), 4096), 0.5f, true);
        bids = new BookSide(Side.BUY, maxOrders);
        asks = new BookSide(Side.SELL, maxOrders);
        for (int i = 0; i < maxOrders; i++)
        {
            final RestingOrder order = new RestingOrder();
            order.next = freeOrders;
            freeOrders = order;
            final PriceLevel level = new PriceLevel();
            level.nextFree = freeLevels;
            freeLevels = level;
        }
    }

    /**
     * Enters an order. Events: {@code onRejected} alone, or {@code onAccepted}, then per fill {@code onTrade}
     * and {@code onLevelChanged} of the maker's level, then {@code onLevelChanged} where a LIMIT remainder
     * rests or {@code onCancelled} for a remainder that does not rest.
     *
     * @param price ignored for MARKET.
     */
    public void newOrder(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
    {
        if (side == null || type == null || side == Side.NULL_VAL || type == OrderType.NULL_VAL)
        {
            listener.onRejected(orderKey, RejectReason.BAD_SIDE);
            return;
        }
        final boolean market = type == OrderType.MARKET;
        if (!market)
        {
            final RejectReason priceReject = checkPrice(price);
            if (priceReject != null)
            {
                listener.onRejected(orderKey, priceReject);
                return;
            }
        }
        if (quantity <= 0 || quantity % lotSize != 0)
        {
            listener.onRejected(orderKey, RejectReason.BAD_QUANTITY);
            return;
        }
        // A LIMIT order takes its pooled slot and its place in the map in one probe, which also finds a duplicate,
        // and gives them back if it does not rest. MARKET and IOC orders never rest: they only look the key up.
        final boolean limit = type == OrderType.LIMIT;
        RestingOrder order = null;
        if (limit && freeOrders != null)
        {
            order = freeOrders;
            if (ordersByKey.putIfAbsent(orderKey, order) != null)
            {
                listener.onRejected(orderKey, RejectReason.DUPLICATE_ORDER_ID);
                return;
            }
            freeOrders = order.next;
            order.key = orderKey;
        }
        else if (ordersByKey.containsKey(orderKey))
        {
            listener.onRejected(orderKey, RejectReason.DUPLICATE_ORDER_ID);
            return;
        }
        else if (limit)
        {
            listener.onRejected(orderKey, RejectReason.BOOK_FULL);
            return;
        }

        listener.onAccepted(orderKey, side, type, market ? NULL_PRICE : price, quantity);
        final long remaining = match(orderKey, side, market, price, quantity);
        if (order != null && (remaining == 0 || sweepLimited))
        {
            ordersByKey.remove(orderKey);
            releaseOrder(order);
        }
        if (remaining == 0)
        {
            return;
        }
        if (sweepLimited)
        {
            listener.onCancelled(orderKey, remaining, CancelReason.SWEEP_LIMIT);
        }
        else if (limit)
        {
            order.quantity = remaining;
            rest(order, side, price);
        }
        else
        {
            listener.onCancelled(orderKey, remaining, CancelReason.UNFILLED_REMAINDER);
        }
    }

    /**
     * Cancels a live order. Events: {@code onCancelled} then {@code onLevelChanged} of its level, or
     * {@code onRejected} with {@link RejectReason#UNKNOWN_ORDER}.
     */
    public void cancel(final long orderKey)
    {
        final RestingOrder order = ordersByKey.remove(orderKey);
        if (order == null)
        {
            listener.onRejected(orderKey, RejectReason.UNKNOWN_ORDER);
            return;
        }
        final long quantity = order.quantity;
        final PriceLevel level = order.level;
        level.remove(order);
        releaseOrder(order);
        listener.onCancelled(orderKey, quantity, CancelReason.REQUESTED);
        levelChanged(level);
    }

    /**
     * Changes a live order's price and/or open quantity (see the class rules for priority). Events:
     * {@code onReplaced}, then the old level's change, then (for a new price) fills like a new order and the
     * new level's change or an {@code onCancelled} for the sweep limit; or {@code onRejected}.
     */
    public void replace(final long orderKey, final long newPrice, final long newQuantity)
    {
        final RejectReason priceReject = checkPrice(newPrice);
        if (priceReject != null)
        {
            listener.onRejected(orderKey, priceReject);
            return;
        }
        if (newQuantity <= 0 || newQuantity % lotSize != 0)
        {
            listener.onRejected(orderKey, RejectReason.BAD_QUANTITY);
            return;
        }
        final RestingOrder order = ordersByKey.get(orderKey);
        if (order == null)
        {
            listener.onRejected(orderKey, RejectReason.UNKNOWN_ORDER);
            return;
        }

        final PriceLevel level = order.level;
        final Side side = level.side;
        if (newPrice == level.price)
        {
            final long oldQuantity = order.quantity;
            if (newQuantity <= oldQuantity)
            {
                order.quantity = newQuantity;
                level.quantity -= oldQuantity - newQuantity;
                listener.onReplaced(orderKey, newPrice, newQuantity, true);
                if (newQuantity != oldQuantity)
                {
                    levelChanged(level);
                }
            }
            else
            {
                level.remove(order);
                order.quantity = newQuantity;
                level.append(order);
                listener.onReplaced(orderKey, newPrice, newQuantity, false);
                levelChanged(level);
            }
            return;
        }

        level.remove(order);
        listener.onReplaced(orderKey, newPrice, newQuantity, false);
        levelChanged(level);
        final long remaining = match(orderKey, side, false, newPrice, newQuantity);
        if (remaining == 0)
        {
            ordersByKey.remove(orderKey);
            releaseOrder(order);
        }
        else if (sweepLimited)
        {
            ordersByKey.remove(orderKey);
            releaseOrder(order);
            listener.onCancelled(orderKey, remaining, CancelReason.SWEEP_LIMIT);
        }
        else
        {
            order.quantity = remaining;
            rest(order, side, newPrice);
        }
    }

    /**
     * @return whether an order with this key is live (resting) in the book.
     */
    public boolean contains(final long orderKey)
    {
        return ordersByKey.containsKey(orderKey);
    }

    /**
     * @return the best bid price, or {@link #NULL_PRICE} when there is no bid.
     */
    public long bestBidPrice()
    {
        final PriceLevel best = bids.best();
        return best == null ? NULL_PRICE : best.price;
    }

    /**
     * @return the best ask price, or {@link #NULL_PRICE} when there is no ask.
     */
    public long bestAskPrice()
    {
        final PriceLevel best = asks.best();
        return best == null ? NULL_PRICE : best.price;
    }

    /**
     * @return the open quantity at the best bid, 0 when there is no bid.
     */
    public long bestBidQty()
    {
        final PriceLevel best = bids.best();
        return best == null ? 0 : best.quantity;
    }

    /**
     * @return the open quantity at the best ask, 0 when there is no ask.
     */
    public long bestAskQty()
    {
        final PriceLevel best = asks.best();
        return best == null ? 0 : best.quantity;
    }

    /**
     * @return the number of live orders.
     */
    public int orderCount()
    {
        return ordersByKey.size();
    }

    /**
     * @return the number of price levels on one side.
     * @throws IllegalArgumentException if the side is not BUY or SELL (a programming error).
     */
    public int levelCount(final Side side)
    {
        return queriedSide(side).size();
    }

    /**
     * Visits every level of one side, best first.
     *
     * @return the number of levels visited.
     */
    public int forEachLevel(final Side side, final LevelVisitor visitor)
    {
        return forEachLevel(side, Integer.MAX_VALUE, visitor);
    }

    /**
     * Visits at most {@code maxLevels} levels of one side, best first (a depth-limited snapshot).
     *
     * @return the number of levels visited.
     */
    public int forEachLevel(final Side side, final int maxLevels, final LevelVisitor visitor)
    {
        final BookSide bookSide = queriedSide(side);
        final int count = Math.min(maxLevels, bookSide.size());
        for (int rank = 0; rank < count; rank++)
        {
            final PriceLevel level = bookSide.byRank(rank);
            visitor.onLevel(level.price, level.quantity, level.orderCount);
        }
        return count;
    }

    /**
     * The {@link StateHash} of every live order: bids then asks, each best price first and in time priority
     * within a price, folding {@code side, price, orderKey, openQuantity} per order. O(orders).
     */
    public long stateHash()
    {
        return hashSide(asks, hashSide(bids, StateHash.INITIAL));
    }

    /**
     * Writes every live order for a snapshot: for bids then asks, {@code int levelCount}, then per level from the
     * worst price to the best {@code long price, int orderCount} and per order in time priority
     * {@code long orderKey, long openQuantity}. O(orders); allocates nothing.
     */
    public void writeState(final StateWriter out)
    {
        writeSide(bids, out);
        writeSide(asks, out);
    }

    /**
     * Loads what {@link #writeState} wrote into this empty book, reporting nothing to the listener: afterwards the
     * book behaves exactly as the one that wrote it (same levels, same time priority).
     *
     * @throws IllegalStateException if the book is not empty or the state is malformed (levels out of order, an
     *                               invalid price or quantity, a duplicate key, more orders than {@code maxOrders}).
     */
    public void readState(final StateReader in)
    {
        if (!ordersByKey.isEmpty() || bids.size() != 0 || asks.size() != 0)
        {
            throw new IllegalStateException("book of instrument " + instrumentId + " is not empty");
        }
        readSide(bids, in);
        readSide(asks, in);
    }

    /**
     * Reads what {@link #writeState} wrote as aggregated levels (the sum of each level's open quantities), without
     * a book: for readers that keep a market view only.
     *
     * @throws IllegalStateException if the state is malformed (a count, price or quantity not positive, levels
     *                               not from the worst price to the best).
     */
    public static void visitState(final int instrumentId, final StateReader in, final SideLevelVisitor visitor)
    {
        visitSide(instrumentId, Side.BUY, in, visitor);
        visitSide(instrumentId, Side.SELL, in, visitor);
    }

    private static void visitSide(
        final int instrumentId, final Side side, final StateReader in, final SideLevelVisitor visitor)
    {
        final int levels = in.getInt();
        if (levels < 0)
        {
            throw new IllegalStateException("snapshot of instrument " + instrumentId + ": level count " + levels);
        }
        long previous = 0;
        for (int i = 0; i < levels; i++)
        {
            final long price = in.getLong();
            final int orders = in.getInt();
            if (price <= 0 || orders < 1 || (i > 0 && (side == Side.BUY ? price <= previous : price >= previous)))
            {
                throw new IllegalStateException("snapshot of instrument " + instrumentId + ": level " + price +
                    " with " + orders + " orders (not positive, or not better than the levels before it)");
            }
            long quantity = 0;
            for (int j = 0; j < orders; j++)
            {
                in.getLong(); // order key
                final long open = in.getLong();
                if (open <= 0)
                {
                    throw new IllegalStateException("snapshot of instrument " + instrumentId + ": order of " + open);
                }
                quantity = Math.addExact(quantity, open);
            }
            visitor.onLevel(side, price, quantity);
            previous = price;
        }
    }

    private static void writeSide(final BookSide bookSide, final StateWriter out)
    {
        final int count = bookSide.size();
        out.putInt(count);
        for (int rank = count - 1; rank >= 0; rank--)
        {
            final PriceLevel level = bookSide.byRank(rank);
            out.putLong(level.price);
            out.putInt(level.orderCount);
            for (RestingOrder order = level.head; order != null; order = order.next)
            {
                out.putLong(order.key);
                out.putLong(order.quantity);
            }
        }
    }

    private void readSide(final BookSide bookSide, final StateReader in)
    {
        final int levels = in.getInt();
        if (levels < 0 || levels > maxOrders)
        {
            throw malformed("level count " + levels);
        }
        for (int i = 0; i < levels; i++)
        {
            final long price = in.getLong();
            final int orders = in.getInt();
            if (checkPrice(price) != null || orders < 1)
            {
                throw malformed("level " + price + " with " + orders + " orders");
            }
            final int index = bookSide.search(price);
            if (index != -bookSide.size() - 1)
            {
                throw malformed("level " + price + " is not better than the levels before it");
            }
            final PriceLevel level = freeLevels;
            freeLevels = level.nextFree;
            level.init(bookSide.side, price);
            bookSide.insertAt(bookSide.size(), level);
            for (int j = 0; j < orders; j++)
            {
                final long key = in.getLong();
                final long quantity = in.getLong();
                if (quantity <= 0 || quantity % lotSize != 0 || ordersByKey.containsKey(key) || freeOrders == null)
                {
                    throw malformed("order " + key + " of " + quantity + " (duplicate, bad quantity or over " +
                        maxOrders + " orders)");
                }
                final RestingOrder order = freeOrders;
                freeOrders = order.next;
                order.key = key;
                order.quantity = quantity;
                ordersByKey.put(key, order);
                level.append(order);
            }
        }
    }

    private IllegalStateException malformed(final String what)
    {
        return new IllegalStateException("snapshot of instrument " + instrumentId + ": " + what);
    }

    public int instrumentId()
    {
        return instrumentId;
    }

    public long tickSize()
    {
        return tickSize;
    }

    public long lotSize()
    {
        return lotSize;
    }

    public int maxOrders()
    {
        return maxOrders;
    }

    public int maxFillsPerOrder()
    {
        return maxFillsPerOrder;
    }

    private RejectReason checkPrice(final long price)
    {
        if (price <= 0)
        {
            return RejectReason.BAD_PRICE;
        }
        if (price % tickSize != 0)
        {
            return RejectReason.BAD_TICK_SIZE;
        }
        return null;
    }

    /**
     * Trades an aggressor against the opposite side. Sets {@link #sweepLimited} when it stopped on the fill
     * limit while it could still trade.
     *
     * @return the aggressor's quantity left.
     */
    private long match(
        final long takerKey, final Side side, final boolean market, final long limitPrice, final long quantity)
    {
        final BookSide opposite = side == Side.BUY ? asks : bids;
        final boolean buy = side == Side.BUY;
        final int maxFills = maxFillsPerOrder;
        long remaining = quantity;
        int fills = 0;
        sweepLimited = false;
        while (remaining > 0)
        {
            final PriceLevel level = opposite.best();
            if (level == null)
            {
                break;
            }
            final long levelPrice = level.price;
            if (!market && (buy ? levelPrice > limitPrice : levelPrice < limitPrice))
            {
                break;
            }
            if (fills == maxFills)
            {
                sweepLimited = true;
                break;
            }
            final RestingOrder maker = level.head;
            final long makerKey = maker.key;
            final long makerQuantity = maker.quantity;
            final long fillQuantity = Math.min(remaining, makerQuantity);
            final long makerLeaves = makerQuantity - fillQuantity;
            remaining -= fillQuantity;
            fills++;
            if (makerLeaves == 0)
            {
                level.remove(maker);
                ordersByKey.remove(makerKey);
                releaseOrder(maker);
            }
            else
            {
                maker.quantity = makerLeaves;
                level.quantity -= fillQuantity;
            }
            listener.onTrade(takerKey, makerKey, side, levelPrice, fillQuantity, remaining, makerLeaves);
            listener.onLevelChanged(level.side, levelPrice, level.quantity, level.orderCount);
            if (level.isEmpty())
            {
                opposite.remove(level);
                releaseLevel(level);
            }
        }
        return remaining;
    }

    /**
     * Appends an order (its key and quantity set, already in the map) at the back of its price level.
     */
    private void rest(final RestingOrder order, final Side side, final long price)
    {
        final BookSide bookSide = bookSide(side);
        final int index = bookSide.search(price);
        final PriceLevel level;
        if (index >= 0)
        {
            level = bookSide.levelAt(index);
        }
        else
        {
            level = freeLevels;
            freeLevels = level.nextFree;
            level.init(side, price);
            bookSide.insertAt(-index - 1, level);
        }
        level.append(order);
        listener.onLevelChanged(side, price, level.quantity, level.orderCount);
    }

    /**
     * Reports a level's new aggregate and retires it when it became empty.
     */
    private void levelChanged(final PriceLevel level)
    {
        listener.onLevelChanged(level.side, level.price, level.quantity, level.orderCount);
        if (level.isEmpty())
        {
            bookSide(level.side).remove(level);
            releaseLevel(level);
        }
    }

    private BookSide bookSide(final Side side)
    {
        return side == Side.BUY ? bids : asks;
    }

    private BookSide queriedSide(final Side side)
    {
        if (side != Side.BUY && side != Side.SELL)
        {
            throw new IllegalArgumentException("side " + side);
        }
        return bookSide(side);
    }

    private void releaseOrder(final RestingOrder order)
    {
        order.level = null;
        order.prev = null;
        order.next = freeOrders;
        freeOrders = order;
    }

    private void releaseLevel(final PriceLevel level)
    {
        level.head = null;
        level.tail = null;
        level.nextFree = freeLevels;
        freeLevels = level;
    }

    private static long hashSide(final BookSide bookSide, final long initial)
    {
        long hash = initial;
        final Side side = bookSide.side;
        for (int rank = 0, count = bookSide.size(); rank < count; rank++)
        {
            final PriceLevel level = bookSide.byRank(rank);
            for (RestingOrder order = level.head; order != null; order = order.next)
            {
                hash = StateHash.order(hash, side, level.price, order.key, order.quantity);
            }
        }
        return hash;
    }
}
