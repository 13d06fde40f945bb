package io.tickwire.gateway;

/**
 * WebSocket close codes the gateway uses (docs/protocol.md lists them with what a client should do).
 */
public final class CloseCodes
{
    /** 1001: the gateway is shutting down, or the session was idle too long. Reconnect (elsewhere) and resume. */
    public static final int GOING_AWAY = 1001;
    /** 1003: a binary message from the client (requests are JSON text on both subprotocols). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1007: a text message that is not valid UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1009: a message over the inbound size limit. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /**
     * 1011: a resume answered {@code recovered:true} could not be completed (the journal was trimmed under it, or
     * a read failed). Reconnect and subscribe again with the same {@code from}: the answer will be
     * {@code recovered:false} with a snapshot, or a served resume.
     */
    public static final int RESUME_FAILED = 1011;
    /**
     * 1013: the gateway is at its session or queue capacity. Retry later, ideally on another gateway. The session
     * limit itself is refused at the upgrade with HTTP 503; this close is the agent's backstop.
     */
    public static final int TRY_AGAIN_LATER = 1013;
    /** 4008: slow consumer: a trade could not be queued within the session's outbound bound. Resume with from. */
    public static final int SLOW_CONSUMER = 4008;
    /** 4029: inbound flood: more than four times the inbound rate limit in one second. */
    public static final int INBOUND_FLOOD = 4029;

    private CloseCodes()
    {
    }
}
