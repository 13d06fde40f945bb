package io.tickwire.perf.book;

import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.book.OrderBookListener;

/**
 * A listener that does the least a real one must: it reads every argument into a checksum, so the JIT
 * cannot drop the work that produced the events, and allocates nothing.
 */
final class CountingListener implements OrderBookListener
{
    long events;
    long trades;
    long rejects;
    long checksum;

    public void onAccepted(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
    {
        events++;
        checksum += orderKey ^ side.ordinal() ^ type.ordinal() ^ price ^ quantity;
    }

    public void onRejected(final long orderKey, final RejectReason reason)
    {
        events++;
        rejects++;
        checksum += orderKey ^ reason.ordinal();
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
        events++;
        trades++;
        checksum += takerKey ^ makerKey ^ aggressorSide.ordinal() ^ price ^ quantity ^ takerLeaves ^ makerLeaves;
    }

    public void onCancelled(final long orderKey, final long cancelledQuantity, final CancelReason reason)
    {
        events++;
        checksum += orderKey ^ cancelledQuantity ^ reason.ordinal();
    }

    public void onReplaced(final long orderKey, final long price, final long leavesQuantity, final boolean keptPriority)
    {
        events++;
        checksum += orderKey ^ price ^ leavesQuantity ^ (keptPriority ? 1 : 0);
    }

    public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
    {
        events++;
        checksum += side.ordinal() ^ price ^ quantity ^ orderCount;
    }
}
