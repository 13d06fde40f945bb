package io.tickwire.engine;

import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Engine inputs that are built outside the hot path (start-up, tools, tests).
 */
public final class Inputs
{
    private Inputs()
    {
    }

    /**
     * @return an {@code AddInstrument} message (header included) for a matching-mode instrument, in a buffer
     * sized exactly.
     */
    public static UnsafeBuffer addInstrument(final InstrumentSpec spec)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[InstrumentSpec.ADD_INSTRUMENT_LENGTH]);
        spec.encodeAddInstrument(0, buffer, 0);
        return buffer;
    }
}
