package io.tickwire.gateway;

import io.tickwire.engine.EngineConfig;
import io.tickwire.replay.ReplayServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Gateway configuration. Every bound has a stated policy at the bound: docs/security.md lists them all (see also
 * docs/protocol.md and docs/operations.md).
 */
public final class GatewayConfig
{
    /** HTTP/WebSocket port; 0 picks a free one. */
    public int port = 8080;
    /** Host to bind; null for all interfaces. */
    public String host;
    /** Aeron directory of the media driver carrying the bus. */
    public String aeronDirectory;
    /** Market-data bus channel and stream. */
    public String busChannel = "aeron:ipc";
    public int busStreamId = EngineConfig.DEFAULT_MARKET_DATA_STREAM;
    /**
     * The journal, when this gateway runs where it is: used to start from the full state and to fill any gap
     * seen on the bus. Null: use the replay service ({@link #replayChannel}) if set; otherwise start empty and
     * reset streams with snapshots on a bus gap.
     */
    public Path journalDirectory;
    /**
     * Request channel of the engine's Aeron replay service ({@code io.tickwire.replay.ReplayServer}; the
     * engine's {@code --replay-channel}), used only without {@link #journalDirectory}: the gateway then starts
     * from the journal's state replayed by the service and fills bus gaps from it. Null (default): not used.
     */
    public String replayChannel;
    /** Request stream id of the replay service. */
    public int replayStreamId = ReplayServer.DEFAULT_REQUEST_STREAM;
    /**
     * Where the replay service answers: {@code aeron:ipc} on the engine's host, a UDP endpoint of this host
     * otherwise (e.g. {@code aeron:udp?endpoint=gw-host:40461}). Gateways may share a response stream.
     */
    public String replayResponseChannel = "aeron:ipc";
    public int replayResponseStreamId = ReplayServer.DEFAULT_REQUEST_STREAM + 1;
    /**
     * A fill from the replay service (start-up, bus gap) fails when the service sends nothing for this long:
     * the gateway then resets book and ticker streams as without a replay service, and counts it
     * ({@code tickwire_gateway_gap_fills_failed_total}). Delivery to clients pauses while a fill runs.
     */
    public Duration gapFillTimeout = Duration.ofSeconds(2);
    /**
     * Response streams for resumes served through the replay service (a gateway without a journal and with
     * {@link #replayChannel}): {@code replayResponseStreamId + 1} carries status probes, the next
     * {@code replayResumeStreams} one trade replay each, so at most this many replays stream at once (others wait
     * for one). When the service sends nothing (probe answers, replays) for {@link #gapFillTimeout}, resumes answer
     * {@code recovered:false} until a probe is answered again. 0: resumes are not served through the service.
     */
    public int replayResumeStreams = 8;
    /** Time between two status probes of the replay service (journal identity, first kept seq, reachability). */
    public Duration replayProbeInterval = Duration.ofSeconds(1);
    /**
     * With a journal: when the bus has delivered nothing for this long, the gateway applies what the journal holds
     * beyond its last applied seq, without waiting for a later bus batch to show a gap. This covers batches the
     * engine journaled but never published (killed, or stopped, before its publisher sent them): clients get
     * them about this long after the bus went quiet, and the bus's copies are skipped as already applied.
     */
    public Duration journalCatchUpAfter = Duration.ofMillis(100);
    /** Sessions per gateway; beyond it the upgrade is refused with HTTP 503. */
    public int maxSessions = 10_000;
    /** Sessions per remote IP address; beyond it the upgrade is refused with HTTP 429. */
    public int maxSessionsPerIp = 1_000;
    /**
     * TCP connections (HTTP and WebSocket) open from one remote address; the one over it is closed at accept with
     * no response. Keep it above {@link #maxSessionsPerIp} (sessions are connections too).
     */
    public int maxConnectionsPerIp = 1_100;
    /**
     * A connection whose first request (the upgrade) is not read whole this long after accept is closed with no
     * response (slow-loris handshakes, connections that send nothing). No session slot is held meanwhile.
     */
    public Duration handshakeTimeout = Duration.ofSeconds(10);
    /** Largest request line plus headers of an HTTP request (the upgrade); larger is answered with HTTP 431. */
    public int maxRequestHeaderBytes = 8 * 1024;
    /**
     * How long the gateway's Aeron client waits without a heartbeat from its media driver before it counts the
     * driver as lost (Aeron's driverTimeout): the gateway then reports DOWN, closes every session with 1013 and
     * reconnects to a driver at the same directory (docs/reliability.md). Keep it well above the driver's timer
     * interval ({@code aeron.timer.interval}, 1 s by default), the period at which the driver writes that heartbeat.
     */
    public Duration driverTimeout = Duration.ofSeconds(10);
    /**
     * Secret of the HS256 bearer tokens (docs/security.md), at least 32 bytes; null turns token authentication
     * off (every connection is anonymous: all symbols). With a secret, a token that is presented must be
     * valid, or the upgrade is refused with HTTP 401.
     */
    public byte[] jwtSecret;
    /**
     * The symbols a connection without a token may subscribe to (others get NOT_ENTITLED); every symbol by
     * default. {@code tickwire replay --symbols} sets it to restrict a replay endpoint.
     */
    public SymbolEntitlements anonymousSymbols = SymbolEntitlements.ALL;
    /** Refuse upgrades that carry no token (HTTP 401). Needs {@link #jwtSecret}. */
    public boolean requireToken;
    /** Clock skew tolerated when checking a token's {@code exp} and {@code nbf}. */
    public Duration jwtLeeway = Duration.ZERO;
    /**
     * Origins (scheme://host[:port], compared ignoring case) allowed to open a WebSocket; an upgrade with any
     * other {@code Origin} header is refused with HTTP 403. An upgrade without {@code Origin} (not a
     * browser) is allowed. Empty: every origin is allowed.
     */
    public List<String> allowedOrigins = List.of();
    /** Stream subscriptions per session; beyond it subscribe answers TOO_MANY_SUBSCRIPTIONS. */
    public int maxSubscriptionsPerSession = 1_000;
    /** Largest inbound text message; larger closes with 1009. */
    public int maxInboundMessageBytes = 16 * 1024;
    /** Inbound messages per second per session; beyond it requests get RATE_LIMITED, and at 4x the session is closed (4029). */
    public int maxInboundPerSecond = 50;
    /**
     * Price levels per side the gateway's book of one instrument holds (preallocated: 16 bytes per level per
     * side, so 2 MiB per instrument at the default). Must be at least what the engine can produce: its
     * maxOrdersPerInstrument for matching instruments, its maxLevelsPerSide for feed instruments. A level
     * beyond it is dropped and counted ({@code tickwire_gateway_levels_dropped_total}).
     */
    public int maxLevelsPerSide = 65_536;
    /** Default and maximum book depth. */
    public int defaultDepth = 10;
    public int maxDepth = 100;
    /** Heartbeat after this long without traffic to a session. */
    public Duration heartbeatInterval = Duration.ofSeconds(1);
    /**
     * A session that sends nothing for this long is closed (1001); 0 (default) for never: listen-only clients
     * are normal. Dead connections are caught by {@link #stuckTimeout}.
     */
    public Duration idleTimeout = Duration.ZERO;
    /** A session with frames in flight and no write progress for this long is closed (4008). */
    public Duration stuckTimeout = Duration.ofSeconds(60);
    /** Bytes in flight to a session above which book and ticker updates conflate. */
    public int conflateAboveBytes = 64 * 1024;
    /** Bytes in flight to a session above which a non-conflatable message (trade) closes it (4008). */
    public int closeAboveBytes = 1024 * 1024;
    /** Frames in flight to a session: a second bound with the same policy as closeAboveBytes. */
    public int maxFramesInFlight = 1024;
    /** Inbound commands queued from Jetty threads to the gateway agent; when full, new sessions get 1013. */
    public int commandQueueCapacity = 65_536;
    /**
     * Trade replays in progress at once (resumes of trades from before the gateway's last applied seq); beyond
     * it a resume is answered {@code recovered:false} with a restart at the current seq. Each holds at most two
     * chunks of up to about 32 KiB.
     */
    public int maxReplays = 1_024;
    /** Idle strategy of the gateway agent (and of its replay agent). */
    public EngineConfig.Idle idle = EngineConfig.Idle.BACKOFF;
    /**
     * Load rigs only: trade messages carry {@code "intended"}, the intended time of the input that caused them
     * (docs/protocol.md, "Benchmark field"), so a client in another process measures latency from when the
     * event was due. Off by default.
     */
    public boolean benchIntendedTime;
    /** Directory of static files served at /, or null for the built-in page. */
    public Path staticDirectory;
    /**
     * Aeron channel and stream of the engine's inputs, where {@code order} and {@code cancel} go (the engine's
     * {@code ingressChannel}; on another host e.g. {@code aeron:udp?endpoint=engine-host:40123}). Null: no order
     * entry on this gateway ({@code order} and {@code cancel} answer UNKNOWN_OP).
     */
    public String ingressChannel = "aeron:ipc";
    public int ingressStreamId = EngineConfig.DEFAULT_INGRESS_STREAM;
    /**
     * 1..7: picks this gateway's range of engine participant ids (ParticipantRanges); every gateway that sends
     * orders to one engine needs its own id.
     */
    public int gatewayId = 1;
    /**
     * Whether connections without a token may trade: always the case when token authentication is off
     * ({@link #jwtSecret} null) and this is true; with tokens, anonymous connections (allowed when
     * {@link #requireToken} is false) trade only if this is true. Tokens say so with {@code "trade": true}.
     */
    public boolean anonymousTrading;
    /** Orders and cancels per session sent to the engine and not answered yet; beyond: TOO_MANY_ORDERS_IN_FLIGHT. */
    public int maxOrdersInFlightPerSession = 32;
    /** Live orders per session (resting, plus new orders in flight); beyond: TOO_MANY_OPEN_ORDERS. */
    public int maxOpenOrdersPerSession = 100;
}
