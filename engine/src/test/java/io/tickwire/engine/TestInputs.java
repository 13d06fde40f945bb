package io.tickwire.engine;

import io.tickwire.codecs.sbe.AddInstrumentEncoder;
import io.tickwire.codecs.sbe.CancelOrderEncoder;
import io.tickwire.codecs.sbe.FeedBookLevelEncoder;
import io.tickwire.codecs.sbe.FeedTradeEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.NewOrderEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.ReplaceOrderEncoder;
import io.tickwire.codecs.sbe.Side;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds engine input messages for tests (each in its own exactly-sized buffer).
 */
public final class TestInputs
{
    private static final MessageHeaderEncoder HEADER = new MessageHeaderEncoder();

    private TestInputs()
    {
    }

    private static UnsafeBuffer buffer(final int blockLength)
    {
        return new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + blockLength]);
    }

    public static UnsafeBuffer addInstrument(
        final int id, final String symbol, final int priceScale, final int qtyScale, final long tick, final long lot,
        final InstrumentMode mode)
    {
        final UnsafeBuffer b = buffer(AddInstrumentEncoder.BLOCK_LENGTH);
        new AddInstrumentEncoder().wrapAndApplyHeader(b, 0, HEADER)
            .intendedTime(0).instrumentId(id).symbol(symbol).priceScale((byte)priceScale).qtyScale((byte)qtyScale)
            .tickSize(tick).lotSize(lot).mode(mode);
        return b;
    }

    public static UnsafeBuffer newOrder(
        final int participant, final long clientOrderId, final int instrument, final Side side, final OrderType type,
        final long price, final long qty)
    {
        final UnsafeBuffer b = buffer(NewOrderEncoder.BLOCK_LENGTH);
        new NewOrderEncoder().wrapAndApplyHeader(b, 0, HEADER)
            .intendedTime(0).participantId(participant).clientOrderId(clientOrderId).instrumentId(instrument)
            .side(side).orderType(type).price(price).quantity(qty);
        return b;
    }

    public static UnsafeBuffer cancel(final int participant, final long clientOrderId, final int instrument)
    {
        final UnsafeBuffer b = buffer(CancelOrderEncoder.BLOCK_LENGTH);
        new CancelOrderEncoder().wrapAndApplyHeader(b, 0, HEADER)
            .intendedTime(0).participantId(participant).clientOrderId(clientOrderId).instrumentId(instrument);
        return b;
    }

    public static UnsafeBuffer replace(
        final int participant, final long clientOrderId, final int instrument, final long price, final long qty)
    {
        final UnsafeBuffer b = buffer(ReplaceOrderEncoder.BLOCK_LENGTH);
        new ReplaceOrderEncoder().wrapAndApplyHeader(b, 0, HEADER)
            .intendedTime(0).participantId(participant).clientOrderId(clientOrderId).instrumentId(instrument)
            .price(price).quantity(qty);
        return b;
    }

    public static UnsafeBuffer feedTrade(final int instrument, final long price, final long qty, final Side side)
    {
        final UnsafeBuffer b = buffer(FeedTradeEncoder.BLOCK_LENGTH);
        new FeedTradeEncoder().wrapAndApplyHeader(b, 0, HEADER)
            .intendedTime(0).instrumentId(instrument).price(price).quantity(qty).aggressorSide(side).sourceTime(0);
        return b;
    }

    public static UnsafeBuffer feedLevel(final int instrument, final Side side, final long price, final long qty)
    {
        final UnsafeBuffer b = buffer(FeedBookLevelEncoder.BLOCK_LENGTH);
        new FeedBookLevelEncoder().wrapAndApplyHeader(b, 0, HEADER)
            .intendedTime(0).instrumentId(instrument).side(side).price(price).quantity(qty).sourceTime(0);
        return b;
    }
}
