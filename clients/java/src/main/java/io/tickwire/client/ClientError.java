package io.tickwire.client;

import io.tickwire.codecs.json.Channel;

/**
 * A problem reported to {@link TickwireListener#onError}. {@code code} is a server error code
 * (docs/protocol.md "Error codes", for an error with no request of this client behind it, or a failed
 * re-subscribe) or one of the client's own codes below.
 *
 * @param code    UPPER_SNAKE code; programs branch on it.
 * @param message for people.
 * @param channel the stream's channel, or null.
 * @param symbol  the stream's symbol, or null.
 * @param cause   the exception behind it, or null.
 */
public record ClientError(String code, String message, Channel channel, String symbol, Throwable cause)
{
    /** A book's checksum did not match the client's view: the client resyncs that book by itself. */
    public static final String CHECKSUM_MISMATCH = "CHECKSUM_MISMATCH";
    /** A message from the gateway could not be decoded; it was dropped. */
    public static final String MALFORMED_MESSAGE = "MALFORMED_MESSAGE";
    /**
     * The gateway sent what the negotiated protocol cannot contain (a binary message of another SBE schema): the
     * connection was dropped and the next one goes to the next URL.
     */
    public static final String PROTOCOL_VIOLATION = "PROTOCOL_VIOLATION";
    /** A connection attempt failed (the next one follows after a backoff). */
    public static final String CONNECT_FAILED = "CONNECT_FAILED";
    /** Nothing arrived for the heartbeat timeout: the connection was dropped and is being replaced. */
    public static final String HEARTBEAT_TIMEOUT = "HEARTBEAT_TIMEOUT";
    /** A listener callback threw; the client carries on. */
    public static final String LISTENER_FAILED = "LISTENER_FAILED";
    /** A stream the client had to subscribe again on a new connection was refused; it is dropped. */
    public static final String RESUBSCRIBE_FAILED = "RESUBSCRIBE_FAILED";
}
