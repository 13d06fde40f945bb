package io.tickwire.engine;

import io.tickwire.codecs.sbe.AddInstrumentEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes engine inputs that are built outside the hot path (start-up, tools, tests).
 */
public final class Inputs
{
    private Inputs()
    {
    }

    /**
     * @return an {@code AddInstrument} message (header included) for a matching-mode instrument, sized exactly.
     */
    public static UnsafeBuffer addInstrument(final InstrumentSpec spec)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + AddInstrumentEncoder.BLOCK_LENGTH]);
        new AddInstrumentEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .intendedTime(0)
            .instrumentId(spec.instrumentId())
            .symbol(spec.symbol())
            .priceScale((byte)spec.priceScale())
            .qtyScale((byte)spec.qtyScale())
            .tickSize(spec.tickSize())
            .lotSize(spec.lotSize())
            .mode(InstrumentMode.MATCHING);
        return buffer;
    }
}
