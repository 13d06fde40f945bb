package io.tickwire.gateway;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts WebSocket connections, per gateway and per remote IP, so that an upgrade over a limit is refused
 * with an HTTP status before any WebSocket exists. Thread safe: Jetty threads admit at upgrade and release
 * when the connection ends; it is its own state, apart from the gateway agent's sessions.
 * <p>
 * A connection is counted from its admission (upgrade) until its {@link Admission#release()}, which is
 * idempotent: the endpoint releases when Jetty reports it closed, and the negotiator releases if the upgrade
 * fails after admission (so no count can leak).
 * <p>
 * Per-IP counts live in a {@code ConcurrentHashMap<String, AtomicInteger>} updated only inside
 * {@code compute} / {@code computeIfPresent}, which are atomic per key: the check against the limit and the
 * increment are one step, and an entry is removed exactly when its count returns to zero (so the map holds
 * only IPs with open connections). The {@code AtomicInteger} lets readers ({@link #openFrom}) see a current
 * value without taking the bin lock.
 */
final class ConnectionLimiter
{
    /** The result of {@link #admit}. */
    enum Verdict
    {
        ADMITTED,
        /** Over {@code maxSessions}: HTTP 503. */
        GATEWAY_FULL,
        /** Over {@code maxSessionsPerIp}: HTTP 429. */
        IP_FULL
    }

    /** The result of {@link #admit}: when admitted, the connection's hold on the counts. */
    final class Admission
    {
        private final String ip;
        private final Verdict verdict;
        private final AtomicBoolean released = new AtomicBoolean();

        private Admission(final String ip, final Verdict verdict)
        {
            this.ip = ip;
            this.verdict = verdict;
        }

        Verdict verdict()
        {
            return verdict;
        }

        String ip()
        {
            return ip;
        }

        /**
         * Gives an admitted connection's place back; only the first call counts, and a refusal holds nothing.
         */
        void release()
        {
            if (verdict == Verdict.ADMITTED && released.compareAndSet(false, true))
            {
                perIp.computeIfPresent(ip, (key, count) -> count.decrementAndGet() == 0 ? null : count);
                open.decrementAndGet();
            }
        }
    }

    private final int maxSessions;
    private final int maxPerIp;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final Admission gatewayFull = new Admission(null, Verdict.GATEWAY_FULL);
    private final Admission ipFull = new Admission(null, Verdict.IP_FULL);

    ConnectionLimiter(final int maxSessions, final int maxPerIp)
    {
        if (maxSessions < 1 || maxPerIp < 1)
        {
            throw new IllegalArgumentException("maxSessions " + maxSessions + " and maxSessionsPerIp " + maxPerIp +
                " must be at least 1");
        }
        this.maxSessions = maxSessions;
        this.maxPerIp = maxPerIp;
    }

    /**
     * Takes a place for a connection from {@code ip}, if both limits allow (the gateway's first).
     *
     * @return an admission to release when the connection ends, or a refusal saying which limit.
     */
    Admission admit(final String ip)
    {
        int current;
        do
        {
            current = open.get();
            if (current >= maxSessions)
            {
                return gatewayFull;
            }
        }
        while (!open.compareAndSet(current, current + 1));

        final boolean[] admitted = new boolean[1];
        perIp.compute(ip, (key, count) ->
        {
            final AtomicInteger c = count != null ? count : new AtomicInteger();
            if (c.get() < maxPerIp)
            {
                c.incrementAndGet();
                admitted[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        if (!admitted[0])
        {
            open.decrementAndGet();
            return ipFull;
        }
        return new Admission(ip, Verdict.ADMITTED);
    }

    /**
     * @return connections admitted and not yet released.
     */
    int open()
    {
        return open.get();
    }

    /**
     * @return connections from {@code ip} admitted and not yet released.
     */
    int openFrom(final String ip)
    {
        final AtomicInteger count = perIp.get(ip);
        return count == null ? 0 : count.get();
    }

    /**
     * @return how many remote IPs have open connections.
     */
    int ips()
    {
        return perIp.size();
    }
}
