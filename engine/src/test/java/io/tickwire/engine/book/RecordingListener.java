package io.tickwire.engine.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;

import java.util.ArrayList;
import java.util.List;

/**
 * Records every callback as a {@link BookEvent}, in order.
 */
final class RecordingListener implements OrderBookListener
{
    private final List<BookEvent> events = new ArrayList<>();

    List<BookEvent> events()
    {
        return events;
    }

    /**
     * @return the events recorded so far, and forgets them.
     */
    List<BookEvent> drain()
    {
        final List<BookEvent> copy = List.copyOf(events);
        events.clear();
        return copy;
    }

    public void onAccepted(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
    {
        events.add(new BookEvent.Accepted(orderKey, side, type, price, quantity));
    }

    public void onRejected(final long orderKey, final RejectReason reason)
    {
        events.add(new BookEvent.Rejected(orderKey, reason));
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
        events.add(new BookEvent.Traded(takerKey, makerKey, aggressorSide, price, quantity, takerLeaves, makerLeaves));
    }

    public void onCancelled(final long orderKey, final long cancelledQuantity, final CancelReason reason)
    {
        events.add(new BookEvent.Cancelled(orderKey, cancelledQuantity, reason));
    }

    public void onReplaced(final long orderKey, final long price, final long leavesQuantity, final boolean keptPriority)
    {
        events.add(new BookEvent.Replaced(orderKey, price, leavesQuantity, keptPriority));
    }

    public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
    {
        events.add(new BookEvent.LevelChanged(side, price, quantity, orderCount));
    }
}
