package io.tickwire.gateway;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * {@code GET /metrics} (Prometheus text format 0.0.4) and {@code GET /health} (JSON).
 */
final class MetricsHandler extends Handler.Abstract.NonBlocking
{
    private final GatewayCounters c;
    private final BooleanSupplier caughtUp;
    private final IntSupplier connections;
    private final java.util.function.Supplier<String> downReason;
    private final BooleanSupplier resumeSourceAvailable;

    /**
     * @param resumeSourceAvailable whether resumes can be served now (the journal, or a replay service that answers).
     */
    MetricsHandler(
        final GatewayCounters counters,
        final BooleanSupplier caughtUp,
        final IntSupplier connections,
        final java.util.function.Supplier<String> downReason,
        final BooleanSupplier resumeSourceAvailable)
    {
        this.downReason = downReason;
        this.resumeSourceAvailable = resumeSourceAvailable;
        this.c = counters;
        this.caughtUp = caughtUp;
        this.connections = connections;
    }

    @Override
    public boolean handle(final Request request, final Response response, final Callback callback)
    {
        final String path = Request.getPathInContext(request);
        if ("/metrics".equals(path))
        {
            final StringBuilder b = new StringBuilder(2048);
            counter(b, "tickwire_gateway_sessions_opened_total", "Sessions opened", c.sessionsOpened.get());
            counter(b, "tickwire_gateway_sessions_closed_total", "Sessions closed", c.sessionsClosed.get());
            counter(b, "tickwire_gateway_sessions_refused_total",
                "Sessions closed 1013 by the agent at its session limit", c.sessionsRefused.get());
            b.append("# HELP tickwire_gateway_upgrades_refused_total WebSocket upgrades refused, by reason\n")
                .append("# TYPE tickwire_gateway_upgrades_refused_total counter\n");
            refused(b, "origin", c.upgradesRefusedOrigin.get());
            refused(b, "token", c.upgradesRefusedToken.get());
            refused(b, "bad_request", c.upgradesRefusedBadRequest.get());
            refused(b, "gateway_full", c.upgradesRefusedGatewayFull.get());
            refused(b, "ip_limit", c.upgradesRefusedIpLimit.get());
            counter(b, "tickwire_gateway_connections_refused_ip_limit_total",
                "TCP connections closed at accept over maxConnectionsPerIp", c.connectionsRefusedIpLimit.get());
            counter(b, "tickwire_gateway_handshake_timeouts_total",
                "TCP connections closed with no whole request within handshakeTimeout", c.handshakeTimeouts.get());
            counter(b, "tickwire_gateway_driver_losses_total", "Media driver lost (Aeron client closed)",
                c.driverLosses.get());
            counter(b, "tickwire_gateway_driver_reconnects_total", "Reconnected to a media driver",
                c.driverReconnects.get());
            counter(b, "tickwire_gateway_aeron_client_errors_total",
                "Errors reported by the gateway's Aeron clients (driver timeouts included)", c.aeronClientErrors.get());
            gauge(b, "tickwire_gateway_up", "1 when up, 0 while starting or down", health() == null ? 1 : 0);
            gauge(b, "tickwire_gateway_connections", "WebSocket connections admitted and not yet closed",
                connections.getAsInt());
            gauge(b, "tickwire_gateway_sessions", "Open sessions", c.activeSessions.get());
            counter(b, "tickwire_gateway_messages_sent_total", "Messages queued to sessions", c.messagesSent.get());
            counter(b, "tickwire_gateway_bytes_sent_total", "Bytes queued to sessions", c.bytesSent.get());
            counter(b, "tickwire_gateway_conflated_messages_total", "Conflated catch-up messages", c.conflatedMessages.get());
            counter(b, "tickwire_gateway_slow_consumer_closes_total", "Sessions closed as slow consumers (4008)", c.slowConsumerCloses.get());
            counter(b, "tickwire_gateway_requests_total", "Client requests", c.requests.get());
            counter(b, "tickwire_gateway_request_errors_total", "Client requests answered with an error", c.requestErrors.get());
            counter(b, "tickwire_gateway_batches_applied_total", "Engine batches applied", c.batchesApplied.get());
            counter(b, "tickwire_gateway_bus_gaps_total", "Seq jumps seen on the bus", c.busGaps.get());
            counter(b, "tickwire_gateway_levels_dropped_total", "Book levels beyond maxLevelsPerSide (a misconfiguration)", c.levelsDropped.get());
            counter(b, "tickwire_gateway_gap_events_filled_total",
                "Events filled from the journal or the replay service after a bus gap or at start",
                c.gapEventsFilledFromJournal.get());
            counter(b, "tickwire_gateway_gap_fills_failed_total",
                "Fills from the replay service that failed (streams reset instead)", c.gapFillsFailed.get());
            b.append("# HELP tickwire_gateway_resumes_total Resumes (subscribe with from), by answer\n")
                .append("# TYPE tickwire_gateway_resumes_total counter\n")
                .append("tickwire_gateway_resumes_total{recovered=\"true\"} ").append(c.resumesRecovered.get())
                .append('\n')
                .append("tickwire_gateway_resumes_total{recovered=\"false\"} ").append(c.resumesNotRecovered.get())
                .append('\n');
            counter(b, "tickwire_gateway_resume_cutovers_total", "Trade replays that caught up and went live",
                c.resumesCutOver.get());
            counter(b, "tickwire_gateway_resume_failures_total", "Served resumes that failed mid-replay (closed 1011)",
                c.resumesFailed.get());
            counter(b, "tickwire_gateway_resumes_unavailable_total",
                "Resumes answered recovered:false because the replay service did not answer",
                c.resumesUnavailable.get());
            gauge(b, "tickwire_gateway_resume_source_available",
                "1 when resumes can be served now (the journal, or a replay service that answers)",
                resumeSourceAvailable.getAsBoolean() ? 1 : 0);
            b.append("# HELP tickwire_gateway_replay_service_reconnects_total Replay service clients made again on a ")
                .append("new Aeron client after a media driver loss, by use\n")
                .append("# TYPE tickwire_gateway_replay_service_reconnects_total counter\n")
                .append("tickwire_gateway_replay_service_reconnects_total{use=\"gap_fill\"} ")
                .append(c.gapFillClientReconnects.get()).append('\n')
                .append("tickwire_gateway_replay_service_reconnects_total{use=\"resume\"} ")
                .append(c.resumeSourceReconnects.get()).append('\n');
            counter(b, "tickwire_gateway_resume_source_reconnect_failures_total",
                "Attempts to make the resume source's Aeron client again that found no media driver (one a probe)",
                c.resumeSourceReconnectFailures.get());
            gauge(b, "tickwire_gateway_active_replays", "Trade replays in progress", c.activeReplays.get());
            counter(b, "tickwire_gateway_replayed_trades_total", "Trade messages sent from replays",
                c.replayedTrades.get());
            gauge(b, "tickwire_gateway_last_seq", "Last seq applied", c.lastSeq.get());
            gauge(b, "tickwire_gateway_warm_start_seq",
                "Seq of the engine snapshot the view started from on a trimmed journal (0: from seq 1)",
                c.warmStartSeq.get());
            encodings(b);
            counter(b, "tickwire_gateway_orders_sent_total", "Orders sent to the engine", c.ordersSent.get());
            counter(b, "tickwire_gateway_cancels_sent_total", "Cancels sent to the engine on request", c.cancelsSent.get());
            counter(b, "tickwire_gateway_cancels_on_disconnect_total",
                "Cancels sent for orders of ended sessions", c.cancelsOnDisconnect.get());
            counter(b, "tickwire_gateway_order_acks_total", "ack messages sent", c.orderAcks.get());
            counter(b, "tickwire_gateway_order_rejects_total", "reject messages sent", c.orderRejects.get());
            counter(b, "tickwire_gateway_fills_total", "fill messages sent", c.fills.get());
            gauge(b, "tickwire_gateway_session_bytes_in_flight_max",
                "Per-session lag: the most outbound bytes in flight on one session now", c.sessionBytesInFlightMax.get());
            gauge(b, "tickwire_gateway_session_frames_in_flight_max",
                "Per-session lag: the most frames in flight on one session now", c.sessionFramesInFlightMax.get());
            gauge(b, "tickwire_gateway_sessions_lagging",
                "Sessions over conflateAboveBytes in flight or with conflated updates waiting", c.sessionsLagging.get());
            sendLatency(b, c.sendLatency);
            gauge(b, "tickwire_gateway_max_session_bytes_in_flight", "Largest outbound bytes in flight seen on one session", c.maxSessionBytesInFlight.get());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            response.write(true, StandardCharsets.UTF_8.encode(b.toString()), callback);
            return true;
        }
        if ("/health".equals(path))
        {
            final String status = health();
            final String down = downReason.get();
            response.setStatus(status == null ? 200 : 503);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, StandardCharsets.UTF_8.encode(
                "{\"status\":\"" + (status == null ? "UP" : status) + "\",\"seq\":" + c.lastSeq.get() +
                ",\"sessions\":" + c.activeSessions.get() +
                (down != null ? ",\"reason\":\"" + down.replace("\"", "'") + "\"" : "") + "}"), callback);
            return true;
        }
        return false;
    }

    /**
     * @return null when up, else {@code STARTING} or {@code DOWN}.
     */
    private String health()
    {
        if (!caughtUp.getAsBoolean())
        {
            return "STARTING";
        }
        return downReason.get() != null ? "DOWN" : null;
    }

    /**
     * {@code tickwire_gateway_encodings_total{format,kind}}: market-data encodings, shared (one per live message and
     * format), rebased (one per distinct {@code prev} of a live message) and per_subscription (snapshots, catch-ups).
     */
    private void encodings(final StringBuilder b)
    {
        final String name = "tickwire_gateway_encodings_total";
        b.append("# HELP ").append(name).append(" Market-data messages encoded, by format and kind\n")
            .append("# TYPE ").append(name).append(" counter\n");
        for (final WireFormat format : WireFormat.VALUES)
        {
            final int f = format.ordinal();
            final String label = format.name().toLowerCase(java.util.Locale.ROOT);
            encoding(b, name, label, "shared", c.encodingsShared[f].get());
            encoding(b, name, label, "rebased", c.encodingsRebased[f].get());
            encoding(b, name, label, "per_subscription", c.encodingsPerSubscription[f].get());
        }
    }

    private static void encoding(
        final StringBuilder b, final String name, final String format, final String kind, final long value)
    {
        b.append(name).append("{format=\"").append(format).append("\",kind=\"").append(kind).append("\"} ")
            .append(value).append('\n');
    }

    private static void counter(final StringBuilder b, final String name, final String help, final long value)
    {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(" counter\n")
            .append(name).append(' ').append(value).append('\n');
    }

    private static void refused(final StringBuilder b, final String reason, final long value)
    {
        b.append("tickwire_gateway_upgrades_refused_total{reason=\"").append(reason).append("\"} ")
            .append(value).append('\n');
    }

    private static void gauge(final StringBuilder b, final String name, final String help, final long value)
    {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
            .append("# TYPE ").append(name).append(" gauge\n")
            .append(name).append(' ').append(value).append('\n');
    }

    /**
     * Writes the send latency as a Prometheus histogram (cumulative buckets, seconds).
     */
    private static void sendLatency(final StringBuilder b, final SendLatencyHistogram h)
    {
        final String name = "tickwire_gateway_send_latency_seconds";
        b.append("# HELP ").append(name)
            .append(" Frame send latency: the gateway agent queueing a frame to Jetty completing its write\n")
            .append("# TYPE ").append(name).append(" histogram\n");
        long cumulative = 0;
        for (int i = 0; i < SendLatencyHistogram.BUCKETS; i++)
        {
            cumulative += h.bucketCount(i);
            final double le = SendLatencyHistogram.upperBoundSeconds(i);
            b.append(name).append("_bucket{le=\"").append(Double.isInfinite(le) ? "+Inf" : Double.toString(le))
                .append("\"} ").append(cumulative).append('\n');
        }
        b.append(name).append("_sum ").append(h.sumNanos() / 1e9).append('\n');
        b.append(name).append("_count ").append(cumulative).append('\n');
    }
}
