package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;

/**
 * One {@link OrderBookListener} callback as a value, so tests can compare whole event lists.
 */
sealed interface BookEvent
{
    record Accepted(long orderKey, Side side, OrderType type, long price, long quantity) implements BookEvent
    {
    }

    record Rejected(long orderKey, RejectReason reason) implements BookEvent
    {
    }

    record Traded(
        long takerKey, long makerKey, Side aggressorSide, long price, long quantity, long takerLeaves, long makerLeaves)
        implements BookEvent
    {
    }

    record Cancelled(long orderKey, long cancelledQuantity, CancelReason reason) implements BookEvent
    {
    }

    record Replaced(long orderKey, long price, long leavesQuantity, boolean keptPriority) implements BookEvent
    {
    }

    record LevelChanged(Side side, long price, long quantity, int orderCount) implements BookEvent
    {
    }
}
