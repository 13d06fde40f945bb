package io.tickwire.codecs.json;

/**
 * The outcome of a resume ({@code subscribe} with {@code from}), written as {@code "recovered"} in the
 * {@code subscribed} reply.
 */
public enum ResumeResult
{
    /** No resume was asked for: {@code "recovered"} is omitted. */
    NONE,
    /** Every event after {@code from} follows, then live: {@code "recovered":true}. */
    RECOVERED,
    /** The resume could not be served; the streams restart with a snapshot: {@code "recovered":false}. */
    NOT_RECOVERED
}
