package io.tickwire.engine;

import io.tickwire.codecs.sbe.AddInstrumentDecoder;
import io.tickwire.codecs.sbe.CancelOrderDecoder;
import io.tickwire.codecs.sbe.FeedBookLevelDecoder;
import io.tickwire.codecs.sbe.FeedTradeDecoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.ReplaceOrderDecoder;
import io.tickwire.codecs.sbe.Side;
import org.agrona.DirectBuffer;

/**
 * Engine inputs decoded into value objects, so tests can assert whole message lists with {@code equals}.
 */
public sealed interface DecodedInput
{
    record NewOrder(
        long intendedTime, int participantId, long clientOrderId, int instrumentId, Side side, OrderType orderType,
        long price, long quantity) implements DecodedInput
    {
    }

    record CancelOrder(long intendedTime, int participantId, long clientOrderId, int instrumentId) implements DecodedInput
    {
    }

    record ReplaceOrder(
        long intendedTime, int participantId, long clientOrderId, int instrumentId, long price, long quantity)
        implements DecodedInput
    {
    }

    record AddInstrument(
        long intendedTime, int instrumentId, String symbol, int priceScale, int qtyScale, long tickSize, long lotSize,
        InstrumentMode mode) implements DecodedInput
    {
    }

    record FeedTrade(long intendedTime, int instrumentId, long price, long quantity, Side aggressorSide, long sourceTime)
        implements DecodedInput
    {
    }

    record FeedBookLevel(long intendedTime, int instrumentId, Side side, long price, long quantity, long sourceTime)
        implements DecodedInput
    {
    }

    /**
     * Decodes one input message (header and body) that must fill exactly {@code length} bytes.
     *
     * @throws IllegalStateException if the schema, template or length is wrong.
     */
    static DecodedInput decode(final DirectBuffer buffer, final int offset, final int length)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            throw new IllegalStateException("schema " + header.schemaId());
        }
        if (MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() != length)
        {
            throw new IllegalStateException("length " + length + " for block " + header.blockLength());
        }
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int block = header.blockLength();
        final int version = header.version();
        switch (header.templateId())
        {
            case NewOrderDecoder.TEMPLATE_ID:
            {
                final NewOrderDecoder d = new NewOrderDecoder().wrap(buffer, body, block, version);
                return new NewOrder(d.intendedTime(), d.participantId(), d.clientOrderId(), d.instrumentId(), d.side(),
                    d.orderType(), d.price(), d.quantity());
            }
            case CancelOrderDecoder.TEMPLATE_ID:
            {
                final CancelOrderDecoder d = new CancelOrderDecoder().wrap(buffer, body, block, version);
                return new CancelOrder(d.intendedTime(), d.participantId(), d.clientOrderId(), d.instrumentId());
            }
            case ReplaceOrderDecoder.TEMPLATE_ID:
            {
                final ReplaceOrderDecoder d = new ReplaceOrderDecoder().wrap(buffer, body, block, version);
                return new ReplaceOrder(
                    d.intendedTime(), d.participantId(), d.clientOrderId(), d.instrumentId(), d.price(), d.quantity());
            }
            case AddInstrumentDecoder.TEMPLATE_ID:
            {
                final AddInstrumentDecoder d = new AddInstrumentDecoder().wrap(buffer, body, block, version);
                return new AddInstrument(d.intendedTime(), d.instrumentId(), d.symbol(), d.priceScale(), d.qtyScale(),
                    d.tickSize(), d.lotSize(), d.mode());
            }
            case FeedTradeDecoder.TEMPLATE_ID:
            {
                final FeedTradeDecoder d = new FeedTradeDecoder().wrap(buffer, body, block, version);
                return new FeedTrade(
                    d.intendedTime(), d.instrumentId(), d.price(), d.quantity(), d.aggressorSide(), d.sourceTime());
            }
            case FeedBookLevelDecoder.TEMPLATE_ID:
            {
                final FeedBookLevelDecoder d = new FeedBookLevelDecoder().wrap(buffer, body, block, version);
                return new FeedBookLevel(
                    d.intendedTime(), d.instrumentId(), d.side(), d.price(), d.quantity(), d.sourceTime());
            }
            default:
                throw new IllegalStateException("not an input template: " + header.templateId());
        }
    }
}
