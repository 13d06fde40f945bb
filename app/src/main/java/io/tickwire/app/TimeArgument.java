package io.tickwire.app;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses the times the CLI accepts: an ISO-8601 instant ({@code 2024-05-01T12:00:00Z},
 * {@code 2024-05-01T12:00:00.250+02:00}) or a number of nanoseconds since the Unix epoch (the journal's
 * engine time).
 */
final class TimeArgument
{
    private TimeArgument()
    {
    }

    /**
     * @param option the option's name, for the error message.
     * @return epoch nanoseconds.
     * @throws IllegalArgumentException naming the option and the accepted forms.
     */
    static long parse(final String option, final String value)
    {
        final String text = value.trim();
        if (text.matches("-?\\d+"))
        {
            try
            {
                return Long.parseLong(text);
            }
            catch (final NumberFormatException ex)
            {
                throw invalid(option, value, ex);
            }
        }
        try
        {
            return nanos(Instant.parse(text));
        }
        catch (final DateTimeParseException ex)
        {
            try
            {
                return nanos(OffsetDateTime.parse(text).toInstant());
            }
            catch (final DateTimeParseException ex2)
            {
                throw invalid(option, value, ex2);
            }
        }
    }

    /**
     * @return the ISO-8601 form of {@code epochNanos}.
     */
    static String format(final long epochNanos)
    {
        final long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        return Instant.ofEpochSecond(seconds, Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }

    private static long nanos(final Instant instant)
    {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private static IllegalArgumentException invalid(final String option, final String value, final Exception cause)
    {
        return new IllegalArgumentException(option + ": '" + value + "' is not a time; use an ISO-8601 instant " +
            "(2024-05-01T12:00:00Z, 2024-05-01T14:00:00.5+02:00) or epoch nanoseconds", cause);
    }
}
