package io.tickwire.engine;

/**
 * Capacity bounds of the engine. Every structure the engine owns is bounded by one of these; what happens
 * at each bound is stated here and in docs/operations.md.
 *
 * @param maxInstruments          instruments the engine accepts; beyond it AddInstrument is rejected with
 *                                {@code BAD_INSTRUMENT}.
 * @param maxOrdersPerInstrument  live orders per matching book (preallocated when the instrument is added);
 *                                beyond it new orders are rejected with {@code BOOK_FULL}.
 * @param maxFillsPerOrder        fills one input may cause; the rest of the aggressor is cancelled with
 *                                {@code SWEEP_LIMIT}. Bounds the size of one batch.
 * @param maxLevelsPerSide        price levels per side of a feed-mode book; a new level beyond it is
 *                                dropped and counted ({@code feedLevelsDropped}).
 */
public record EngineLimits(int maxInstruments, int maxOrdersPerInstrument, int maxFillsPerOrder, int maxLevelsPerSide)
{
    /** Largest instrument id accepted. */
    public static final int MAX_INSTRUMENT_ID = 1 << 20;

    public EngineLimits
    {
        if (maxInstruments < 1 || maxOrdersPerInstrument < 1 || maxFillsPerOrder < 1 || maxLevelsPerSide < 1)
        {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static EngineLimits defaults()
    {
        return new EngineLimits(1024, 65_536, 256, 4096);
    }

    /**
     * @return the largest batch the engine can produce, in bytes: the buffer size it needs.
     */
    public int maxBatchLength()
    {
        // Per fill: Trade, BookLevel and two OrderFilled (under 64 bytes each with header). Plus the header,
        // the input, the accept/cancel/replace reports, the resting level(s) and the ticker.
        return 4096 + maxFillsPerOrder * 256;
    }
}
