package io.tickwire.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Gateway metrics. Written by the gateway agent (and Jetty callbacks for connection counts), read by the
 * /metrics handler. Exposed in Prometheus text format by {@link MetricsHandler}.
 */
public final class GatewayCounters
{
    public final AtomicLong sessionsOpened = new AtomicLong();
    public final AtomicLong sessionsClosed = new AtomicLong();
    public final AtomicLong sessionsRefused = new AtomicLong();
    public final AtomicLong messagesSent = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
    public final AtomicLong conflatedMessages = new AtomicLong();
    public final AtomicLong slowConsumerCloses = new AtomicLong();
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong requestErrors = new AtomicLong();
    public final AtomicLong batchesApplied = new AtomicLong();
    public final AtomicLong busGaps = new AtomicLong();
    public final AtomicLong levelsDropped = new AtomicLong();
    /** Events filled after a bus gap (or at start) from the local journal or the replay service. */
    public final AtomicLong gapEventsFilledFromJournal = new AtomicLong();
    /** Fills from the replay service that failed (no answer in time, refused): streams were reset instead. */
    public final AtomicLong gapFillsFailed = new AtomicLong();
    public final AtomicLong lastSeq = new AtomicLong();
    /**
     * The seq of the engine snapshot this gateway's view started from (a warm start on a trimmed journal), or 0
     * if it started from seq 1 (or from the replay service).
     */
    public final AtomicLong warmStartSeq = new AtomicLong();
    /**
     * Live market-data messages (trade, book delta, ticker) encoded once per format and shared by every in-step
     * subscriber of that format, by {@link WireFormat} ordinal.
     */
    public final AtomicLong[] encodingsShared = {new AtomicLong(), new AtomicLong()};
    /**
     * Live market-data messages encoded for one subscription whose {@code prev} differs from the shared message's
     * (its first live message after a subscribe or resync), by format; the same bytes serve every subscription of
     * that format with the same {@code prev} in the same fan-out.
     */
    public final AtomicLong[] encodingsRebased = {new AtomicLong(), new AtomicLong()};
    /** Snapshots (subscribe, resync) and conflated catch-ups: one per subscription by nature, by format. */
    public final AtomicLong[] encodingsPerSubscription = {new AtomicLong(), new AtomicLong()};
    public final AtomicLong maxSessionBytesInFlight = new AtomicLong();
    /** Frame send latency: the agent queueing a frame to Jetty completing its write. */
    public final SendLatencyHistogram sendLatency = new SendLatencyHistogram();
    /** Per-session lag, refreshed by the agent about every millisecond: the most bytes in flight on one session now. */
    public final AtomicLong sessionBytesInFlightMax = new AtomicLong();
    /** The most frames in flight on one session now. */
    public final AtomicLong sessionFramesInFlightMax = new AtomicLong();
    /** Sessions lagging now: over conflateAboveBytes in flight, or with conflated streams waiting to be sent. */
    public final AtomicLong sessionsLagging = new AtomicLong();

    public final AtomicLong activeSessions = new AtomicLong();
    /** Orders sent to the engine's ingress. */
    public final AtomicLong ordersSent = new AtomicLong();
    /** Cancels sent to the engine's ingress on a client's request. */
    public final AtomicLong cancelsSent = new AtomicLong();
    /** Cancels sent by the gateway for orders of ended sessions (cancel-on-disconnect). */
    public final AtomicLong cancelsOnDisconnect = new AtomicLong();
    /** {@code ack} messages sent (orders and cancels). */
    public final AtomicLong orderAcks = new AtomicLong();
    /** {@code reject} messages sent. */
    public final AtomicLong orderRejects = new AtomicLong();
    /** {@code fill} messages sent. */
    public final AtomicLong fills = new AtomicLong();
    /** Resumes ({@code subscribe} with {@code from}) answered {@code recovered:true}. */
    public final AtomicLong resumesRecovered = new AtomicLong();
    /** Resumes answered {@code recovered:false}. */
    public final AtomicLong resumesNotRecovered = new AtomicLong();
    /** Trade replays that reached the live stream and cut over. */
    public final AtomicLong resumesCutOver = new AtomicLong();
    /** Served resumes that failed during the replay (closed with 1011). */
    public final AtomicLong resumesFailed = new AtomicLong();
    /** Resumes answered {@code recovered:false} because the replay service did not answer (no journal here). */
    public final AtomicLong resumesUnavailable = new AtomicLong();
    /** Trade replays in progress (resumed subscriptions not yet live). */
    public final AtomicLong activeReplays = new AtomicLong();
    /** Trade messages sent from replays. */
    public final AtomicLong replayedTrades = new AtomicLong();
    /** Upgrades refused (Jetty threads): Origin not allowed (403). */
    public final AtomicLong upgradesRefusedOrigin = new AtomicLong();
    /** Upgrades refused: token missing where required, or invalid (401). */
    public final AtomicLong upgradesRefusedToken = new AtomicLong();
    /** Upgrades refused: malformed upgrade request or unsupported subprotocol (400). */
    public final AtomicLong upgradesRefusedBadRequest = new AtomicLong();
    /** Upgrades refused: maxSessions reached (503). */
    public final AtomicLong upgradesRefusedGatewayFull = new AtomicLong();
    /** Upgrades refused: maxSessionsPerIp reached (429). */
    public final AtomicLong upgradesRefusedIpLimit = new AtomicLong();
    /** TCP connections closed at accept: maxConnectionsPerIp reached (HandshakeGuard). */
    public final AtomicLong connectionsRefusedIpLimit = new AtomicLong();
    /** TCP connections closed because their first request was not read whole within handshakeTimeout. */
    public final AtomicLong handshakeTimeouts = new AtomicLong();
    /** Times the gateway lost its media driver (its Aeron client timed out or closed); see GatewayServer. */
    public final AtomicLong driverLosses = new AtomicLong();
    /**
     * Errors reported by the gateway's Aeron clients (bus and, without a journal, the resume source's), each also
     * printed on stderr except a lost driver's (counted here too, and in {@link #driverLosses}).
     */
    public final AtomicLong aeronClientErrors = new AtomicLong();
    /** Times the gateway reconnected to a media driver after losing one. */
    public final AtomicLong driverReconnects = new AtomicLong();
    /**
     * Times the gateway agent's replay service client (bus gap fills of a gateway without a journal) was replaced by
     * one made on a new Aeron client after a media driver reconnect.
     */
    public final AtomicLong gapFillClientReconnects = new AtomicLong();
    /**
     * Times the resume source's own Aeron client ({@code AeronReplaySource}, a gateway without a journal) was made
     * again after its media driver was lost.
     */
    public final AtomicLong resumeSourceReconnects = new AtomicLong();
    /** Times a reconnect of the resume source's Aeron client failed (no media driver yet): retried a probe later. */
    public final AtomicLong resumeSourceReconnectFailures = new AtomicLong();
}
