package io.tickwire.client;

import io.tickwire.codecs.json.Channel;

/**
 * Events of a stream that the application did not receive and will not receive: seqs {@code fromSeq} to
 * {@code toSeq} (inclusive) may have held events of the stream. Reported for {@code trades} streams (events);
 * a {@code book} or {@code ticker} stream is a state, which the client repairs itself with a snapshot.
 *
 * @param channel the stream's channel.
 * @param symbol  the stream's symbol.
 * @param fromSeq first seq that may be missing (the last seq delivered on the stream plus one).
 * @param toSeq   last seq that may be missing.
 * @param reason  why.
 */
public record Gap(Channel channel, String symbol, long fromSeq, long toSeq, Reason reason)
{
    /** Why a gap happened. */
    public enum Reason
    {
        /**
         * A resume ({@code subscribe} with {@code from}) was answered {@code "recovered":false}: the stream
         * restarted at the reply's {@code seq}.
         */
        NOT_RECOVERED,
        /**
         * A message's {@code prev} was not the last {@code seq} of the subscription (the gateway lost events,
         * docs/protocol.md "Gaps on the gateway's side").
         */
        PREV_MISMATCH
    }
}
