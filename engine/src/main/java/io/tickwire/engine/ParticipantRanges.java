package io.tickwire.engine;

/**
 * How the engine's participant ids (0 .. 2^23-1, see docs/architecture.md "Order identity") are shared out
 * between the sources of orders, so that no two sources ever send orders under the same participant id.
 * <p>
 * The id space is cut into {@link #RANGES} ranges of {@link #RANGE_SIZE} ids. Range 0 belongs to the
 * engine's own sources (the market simulator); range {@code k} (1..7) belongs to the gateway with gateway id
 * {@code k}, which gives each of its trading sessions one id of the range. Every gateway attached to one
 * engine needs its own gateway id.
 */
public final class ParticipantRanges
{
    /** Bits of a participant id within its range. */
    public static final int RANGE_BITS = 20;
    /** Participant ids per range: 1,048,576. */
    public static final int RANGE_SIZE = 1 << RANGE_BITS;
    /** Number of ranges: 8 (the engine's participant ids have 23 bits). */
    public static final int RANGES = 8;
    /** The range of the engine's market simulator. */
    public static final int SIMULATOR_RANGE = 0;
    /** The largest gateway id. */
    public static final int MAX_GATEWAY_ID = RANGES - 1;

    private ParticipantRanges()
    {
    }

    /**
     * @return the first participant id of range {@code range}.
     */
    public static int first(final int range)
    {
        if (range < 0 || range >= RANGES)
        {
            throw new IllegalArgumentException("participant range must be 0.." + (RANGES - 1) + ": " + range);
        }
        return range << RANGE_BITS;
    }

    /**
     * @return the range {@code participantId} belongs to.
     */
    public static int rangeOf(final int participantId)
    {
        return participantId >>> RANGE_BITS;
    }
}
