package io.tickwire.engine;

import io.tickwire.codecs.BatchReader;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.OrderAcceptedDecoder;
import io.tickwire.codecs.sbe.OrderCancelledDecoder;
import io.tickwire.codecs.sbe.OrderFilledDecoder;
import io.tickwire.codecs.sbe.OrderRejectedDecoder;
import io.tickwire.codecs.sbe.OrderReplacedDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a batch into value objects so tests can assert the whole list. The input message is skipped.
 */
public final class BatchEvents
{
    /** A decoded batch message. */
    public sealed interface Event permits Header, Definition, Trade, Level, Ticker, Accepted, Rejected, Filled,
        Cancelled, Replaced
    {
    }

    public record Header(long firstSeq, int eventCount) implements Event
    {
    }

    public record Definition(long seq, long prev, int instrumentId, String symbol) implements Event
    {
    }

    public record Trade(long seq, long prev, int instrumentId, long price, long qty, Side aggressor) implements Event
    {
    }

    public record Level(long seq, long prev, int instrumentId, Side side, long price, long qty, int orders) implements Event
    {
    }

    public record Ticker(long seq, long prev, int instrumentId, long bid, long bidQty, long ask, long askQty, long last,
        long lastQty, long volume) implements Event
    {
    }

    public record Accepted(int participant, long clientOrderId, int instrumentId, Side side, OrderType type, long price,
        long qty) implements Event
    {
    }

    public record Rejected(int participant, long clientOrderId, int instrumentId, RejectReason reason, int inputTemplate)
        implements Event
    {
    }

    public record Filled(int participant, long clientOrderId, long tradeSeq, long price, long qty, long leaves,
        boolean maker) implements Event
    {
    }

    public record Cancelled(int participant, long clientOrderId, long qty, CancelReason reason) implements Event
    {
    }

    public record Replaced(int participant, long clientOrderId, long price, long leaves, boolean keptPriority)
        implements Event
    {
    }

    private BatchEvents()
    {
    }

    public static List<Event> decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final List<Event> events = new ArrayList<>();
        new BatchReader().read(buffer, offset, length, (templateId, b, o, blockLength, version) ->
        {
            switch (templateId)
            {
                case BatchHeaderDecoder.TEMPLATE_ID ->
                {
                    final BatchHeaderDecoder d = new BatchHeaderDecoder().wrap(b, o, blockLength, version);
                    events.add(new Header(d.firstSeq(), d.eventCount()));
                }
                case InstrumentDefinitionDecoder.TEMPLATE_ID ->
                {
                    final InstrumentDefinitionDecoder d = new InstrumentDefinitionDecoder().wrap(b, o, blockLength, version);
                    events.add(new Definition(d.seq(), d.prev(), d.instrumentId(), d.symbol().trim()));
                }
                case TradeDecoder.TEMPLATE_ID ->
                {
                    final TradeDecoder d = new TradeDecoder().wrap(b, o, blockLength, version);
                    events.add(new Trade(d.seq(), d.prev(), d.instrumentId(), d.price(), d.quantity(), d.aggressorSide()));
                }
                case BookLevelDecoder.TEMPLATE_ID ->
                {
                    final BookLevelDecoder d = new BookLevelDecoder().wrap(b, o, blockLength, version);
                    events.add(new Level(d.seq(), d.prev(), d.instrumentId(), d.side(), d.price(), d.quantity(), d.orderCount()));
                }
                case TickerDecoder.TEMPLATE_ID ->
                {
                    final TickerDecoder d = new TickerDecoder().wrap(b, o, blockLength, version);
                    events.add(new Ticker(d.seq(), d.prev(), d.instrumentId(), d.bidPrice(), d.bidQty(), d.askPrice(),
                        d.askQty(), d.lastPrice(), d.lastQty(), d.volume()));
                }
                case OrderAcceptedDecoder.TEMPLATE_ID ->
                {
                    final OrderAcceptedDecoder d = new OrderAcceptedDecoder().wrap(b, o, blockLength, version);
                    events.add(new Accepted(d.participantId(), d.clientOrderId(), d.instrumentId(), d.side(), d.orderType(),
                        d.price(), d.quantity()));
                }
                case OrderRejectedDecoder.TEMPLATE_ID ->
                {
                    final OrderRejectedDecoder d = new OrderRejectedDecoder().wrap(b, o, blockLength, version);
                    events.add(new Rejected(d.participantId(), d.clientOrderId(), d.instrumentId(), d.reason(),
                        d.inputTemplateId()));
                }
                case OrderFilledDecoder.TEMPLATE_ID ->
                {
                    final OrderFilledDecoder d = new OrderFilledDecoder().wrap(b, o, blockLength, version);
                    events.add(new Filled(d.participantId(), d.clientOrderId(), d.tradeSeq(), d.price(), d.quantity(),
                        d.leavesQty(), d.maker() == 1));
                }
                case OrderCancelledDecoder.TEMPLATE_ID ->
                {
                    final OrderCancelledDecoder d = new OrderCancelledDecoder().wrap(b, o, blockLength, version);
                    events.add(new Cancelled(d.participantId(), d.clientOrderId(), d.cancelledQty(), d.reason()));
                }
                case OrderReplacedDecoder.TEMPLATE_ID ->
                {
                    final OrderReplacedDecoder d = new OrderReplacedDecoder().wrap(b, o, blockLength, version);
                    events.add(new Replaced(d.participantId(), d.clientOrderId(), d.price(), d.leavesQty(),
                        d.keptPriority() == 1));
                }
                default ->
                {
                    if (templateId < 100 || templateId > 199)
                    {
                        throw new AssertionError("unexpected template " + templateId);
                    }
                }
            }
        });
        return events;
    }
}
