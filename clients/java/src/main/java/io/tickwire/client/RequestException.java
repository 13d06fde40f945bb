package io.tickwire.client;

/**
 * A request failed: the gateway answered with an {@code error} reply ({@link #code()} is its code), or the
 * client could not send it ({@link #CONNECTION_LOST}, {@link #QUEUE_FULL}, {@link #CLOSED}).
 */
public final class RequestException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The connection was lost before the reply came. */
    public static final String CONNECTION_LOST = "CONNECTION_LOST";
    /** More requests were waiting to be sent than {@link ClientConfig#maxQueuedRequests}. */
    public static final String QUEUE_FULL = "QUEUE_FULL";
    /** The client is closed. */
    public static final String CLOSED = "CLOSED";

    private final String code;

    public RequestException(final String code, final String message)
    {
        super(code + ": " + message);
        this.code = code;
    }

    /**
     * @return the server's error code (docs/protocol.md "Error codes") or one of this class's constants.
     */
    public String code()
    {
        return code;
    }
}
