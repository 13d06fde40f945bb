package io.tickwire.gateway;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what a TCP connection can hold before it is a WebSocket session (docs/security.md, docs/reliability.md).
 * Runs on Jetty threads and touches no gateway state:
 * <ul>
 *     <li>{@code maxConnectionsPerIp}: TCP connections open from one address (HTTP and WebSocket together); the
 *     one over the bound is closed at once, with no response.</li>
 *     <li>{@code handshakeTimeout}: a connection whose first request (the upgrade) has not been read whole that
 *     long after accept (a slow-loris dribbling its headers, or a connection that sends nothing) is closed, with no
 *     response. A session slot ({@link ConnectionLimiter}) is taken only at the upgrade, so such a connection never
 *     holds one.</li>
 * </ul>
 * A connection is tracked by its {@link EndPoint} (which an upgrade keeps) from accept until it is closed.
 */
final class HandshakeGuard implements Connection.Listener
{
    private final Scheduler scheduler;
    private final long handshakeTimeoutNanos;
    private final int maxConnectionsPerIp;
    private final GatewayCounters counters;
    private final Map<EndPoint, Tracked> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perIp = new ConcurrentHashMap<>();

    private static final class Tracked
    {
        final String ip;
        volatile boolean requested;

        Tracked(final String ip)
        {
            this.ip = ip;
        }
    }

    HandshakeGuard(final Scheduler scheduler, final GatewayConfig config, final GatewayCounters counters)
    {
        if (config.handshakeTimeout.isNegative() || config.handshakeTimeout.isZero())
        {
            throw new IllegalArgumentException("handshakeTimeout must be positive");
        }
        if (config.maxConnectionsPerIp < 1)
        {
            throw new IllegalArgumentException("maxConnectionsPerIp must be at least 1");
        }
        this.scheduler = scheduler;
        this.handshakeTimeoutNanos = config.handshakeTimeout.toNanos();
        this.maxConnectionsPerIp = config.maxConnectionsPerIp;
        this.counters = counters;
    }

    @Override
    public void onOpened(final Connection connection)
    {
        final EndPoint endPoint = connection.getEndPoint();
        if (open.containsKey(endPoint))
        {
            return; // the same TCP connection after an upgrade
        }
        final Tracked tracked = new Tracked(ip(endPoint.getRemoteSocketAddress()));
        if (open.putIfAbsent(endPoint, tracked) != null)
        {
            return;
        }
        final int count = perIp.computeIfAbsent(tracked.ip, k -> new AtomicInteger()).incrementAndGet();
        if (count > maxConnectionsPerIp)
        {
            counters.connectionsRefusedIpLimit.incrementAndGet();
            endPoint.close();
            return;
        }
        scheduler.schedule(() -> checkHandshake(endPoint, tracked), handshakeTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onClosed(final Connection connection)
    {
        final EndPoint endPoint = connection.getEndPoint();
        if (!endPoint.isOpen())
        {
            release(endPoint);
        }
    }

    private void checkHandshake(final EndPoint endPoint, final Tracked tracked)
    {
        if (!endPoint.isOpen())
        {
            release(endPoint);
            return;
        }
        if (!tracked.requested)
        {
            counters.handshakeTimeouts.incrementAndGet();
            endPoint.close();
            release(endPoint);
        }
    }

    private void release(final EndPoint endPoint)
    {
        final Tracked tracked = open.remove(endPoint);
        if (tracked != null)
        {
            final AtomicInteger count = perIp.get(tracked.ip);
            if (count != null && count.decrementAndGet() <= 0)
            {
                perIp.computeIfPresent(tracked.ip, (k, v) -> v.get() <= 0 ? null : v);
            }
        }
    }

    /**
     * Marks a connection's first request as read whole (any thread).
     */
    void requested(final EndPoint endPoint)
    {
        final Tracked tracked = open.get(endPoint);
        if (tracked != null)
        {
            tracked.requested = true;
        }
    }

    /**
     * @return TCP connections tracked (accepted and not yet seen closed).
     */
    int openConnections()
    {
        return open.size();
    }

    private static String ip(final SocketAddress address)
    {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null ?
            inet.getAddress().getHostAddress() : String.valueOf(address);
    }

    /**
     * The outermost handler: marks the connection's request as arrived, then passes it on.
     */
    final class Marker extends Handler.Wrapper
    {
        Marker(final Handler handler)
        {
            super(handler);
        }

        @Override
        public boolean handle(final Request request, final Response response, final Callback callback) throws Exception
        {
            requested(request.getConnectionMetaData().getConnection().getEndPoint());
            return super.handle(request, response, callback);
        }
    }

}
