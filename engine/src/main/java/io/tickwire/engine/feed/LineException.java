package io.tickwire.engine.feed;

/**
 * Why the current line cannot be used, raised by the line parsers and interpreters; the reader adds the file
 * and line number and turns it into a {@link FeedFormatException}. No stack trace: it is a data error.
 */
final class LineException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final FeedFormatException.Kind kind;

    LineException(final FeedFormatException.Kind kind, final String reason)
    {
        super(reason, null, false, false);
        this.kind = kind;
    }

    FeedFormatException.Kind kind()
    {
        return kind;
    }
}
