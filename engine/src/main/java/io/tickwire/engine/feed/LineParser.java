package io.tickwire.engine.feed;

/**
 * Turns one non-blank line of a feed file into the raw text of its {@link FeedFields}.
 */
interface LineParser
{
    /**
     * @param line   the line's bytes (without terminator).
     * @param length how many bytes of {@code line} to use.
     * @param fields filled with the text of each field, null when absent; views may be reused by the next call.
     * @return true if the line is a record, false if it was consumed otherwise (a CSV header).
     * @throws LineException if the line is malformed.
     */
    boolean parse(byte[] line, int length, CharSequence[] fields);
}
