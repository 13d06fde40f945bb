package io.tickwire.engine.feed;

import java.nio.file.Path;

/**
 * A line of a feed file that cannot be turned into an engine input. The message names the file and the
 * line: {@code "ticks.csv:7: unknown symbol 'FOO-USD'"}.
 */
public final class FeedFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * What is wrong with the line.
     */
    public enum Kind
    {
        /** Not a well-formed record: bad JSON or CSV syntax, a missing field, an unknown type, a bad header. */
        MALFORMED,
        /** The line is longer than {@link FeedFileReader#MAX_LINE_LENGTH} bytes. */
        LINE_TOO_LONG,
        /** A trade or book line names a symbol no earlier instrument line defined. */
        UNKNOWN_SYMBOL,
        /**
         * A number that is not a plain decimal or integer, has more decimal places than the instrument's
         * scale, overflows, is not positive where it must be, or is not a multiple of the tick or lot size.
         */
        BAD_NUMBER,
        /** A side that is not {@code buy}/{@code sell} (trades) or {@code bid}/{@code ask} (book levels). */
        BAD_SIDE,
        /** An instrument line with an invalid symbol, a scale outside 0..9, or a symbol already defined. */
        BAD_INSTRUMENT
    }

    private final transient Path file;
    private final long lineNumber;
    private final Kind kind;
    private final String reason;

    /**
     * @param file       the feed file.
     * @param lineNumber 1-based physical line number.
     * @param kind       what is wrong.
     * @param reason     the explanation, without the file and line.
     */
    public FeedFormatException(final Path file, final long lineNumber, final Kind kind, final String reason)
    {
        super(file + ":" + lineNumber + ": " + reason);
        this.file = file;
        this.lineNumber = lineNumber;
        this.kind = kind;
        this.reason = reason;
    }

    public Path file()
    {
        return file;
    }

    public long lineNumber()
    {
        return lineNumber;
    }

    public Kind kind()
    {
        return kind;
    }

    public String reason()
    {
        return reason;
    }
}
