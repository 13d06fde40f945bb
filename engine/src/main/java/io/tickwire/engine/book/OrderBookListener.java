package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;

/**
 * What an {@link OrderBook} reports, in the order it happens, synchronously from inside the call that
 * caused it. Implementations must not call back into the book.
 * <p>
 * For one {@code newOrder}: either {@code onRejected} alone, or {@code onAccepted}, then for each fill
 * {@code onTrade} followed by {@code onLevelChanged} of the maker's level, then either
 * {@code onLevelChanged} for the level the remainder rests at (LIMIT) or {@code onCancelled} for the
 * unfilled remainder (MARKET, IOC, or the sweep limit).
 * For {@code cancel}: {@code onCancelled} then {@code onLevelChanged}, or {@code onRejected}.
 * For {@code replace}: {@code onReplaced} then the level changes (old level, then new level), or
 * {@code onRejected}. A replace to a new price that crosses the book trades like a new order would: the
 * replaced order loses priority and may trade ({@code onTrade} ...) before resting.
 * <p>
 * Order keys are opaque longs chosen by the caller (the engine packs participant and client order id).
 */
public interface OrderBookListener
{
    void onAccepted(long orderKey, Side side, OrderType type, long price, long quantity);

    void onRejected(long orderKey, RejectReason reason);

    /**
     * @param takerLeaves open quantity left on the aggressor after this fill.
     * @param makerLeaves open quantity left on the resting order after this fill (0: it left the book).
     */
    void onTrade(
        long takerKey, long makerKey, Side aggressorSide, long price, long quantity, long takerLeaves, long makerLeaves);

    void onCancelled(long orderKey, long cancelledQuantity, CancelReason reason);

    void onReplaced(long orderKey, long price, long leavesQuantity, boolean keptPriority);

    /**
     * A price level's aggregate changed; {@code quantity == 0} (and {@code orderCount == 0}) means it is gone.
     */
    void onLevelChanged(Side side, long price, long quantity, int orderCount);
}
