package io.tickwire.client;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Settings of a {@link TickwireClient}, fluent. Only the gateway URLs are required.
 * <pre>{@code
 * ClientConfig config = new ClientConfig()
 *     .urls("ws://gw1:8080/stream", "ws://gw2:8080/stream")  // failover in this order, round robin
 *     .token(jwt)                                             // Authorization: Bearer ..., if required
 *     .heartbeatTimeout(Duration.ofSeconds(5))                // nothing received that long: reconnect
 *     .initialBackoff(Duration.ofMillis(100))                 // first reconnect delay ceiling, doubles per failure
 *     .maxBackoff(Duration.ofSeconds(10));
 * }</pre>
 */
public final class ClientConfig
{
    private final List<URI> urls = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private WireProtocol protocol = WireProtocol.SBE;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration heartbeatTimeout = Duration.ofSeconds(5);
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration tickInterval = Duration.ofMillis(10);
    private int maxRequestsPerSecond = 40;
    private int maxQueuedRequests = 4096;
    private long seed = System.nanoTime();
    private HttpClient httpClient;
    private ScheduledExecutorService scheduler;
    private NanoClock clock = SystemNanoClock.INSTANCE;

    /**
     * @param urls gateway endpoints ({@code ws://host:port/stream}); the client starts with the first and moves
     *             to the next one on every failed or lost connection.
     */
    public ClientConfig urls(final String... urls)
    {
        this.urls.clear();
        for (final String url : urls)
        {
            this.urls.add(URI.create(url));
        }
        return this;
    }

    public ClientConfig urls(final List<URI> urls)
    {
        this.urls.clear();
        this.urls.addAll(urls);
        return this;
    }

    public List<URI> urls()
    {
        return List.copyOf(urls);
    }

    /**
     * @param token a JWT sent as {@code Authorization: Bearer <token>} (docs/security.md).
     */
    public ClientConfig token(final String token)
    {
        return header("Authorization", "Bearer " + token);
    }

    /**
     * An extra header on every upgrade request (an {@code Origin}, ...).
     */
    public ClientConfig header(final String name, final String value)
    {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers()
    {
        return Map.copyOf(headers);
    }

    /**
     * @param protocol the wire format: {@link WireProtocol#SBE} (binary market data, {@code tickwire.sbe.v1}) by
     *                 default, or {@link WireProtocol#JSON}.
     */
    public ClientConfig protocol(final WireProtocol protocol)
    {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        return this;
    }

    public WireProtocol protocol()
    {
        return protocol;
    }

    /**
     * @param timeout the most a WebSocket upgrade may take. Default 5 s.
     */
    public ClientConfig connectTimeout(final Duration timeout)
    {
        this.connectTimeout = positive(timeout);
        return this;
    }

    public Duration connectTimeout()
    {
        return connectTimeout;
    }

    /**
     * @param timeout how long a request's future waits for its reply before failing with a
     *                {@link java.util.concurrent.TimeoutException}. Default 10 s.
     */
    public ClientConfig requestTimeout(final Duration timeout)
    {
        this.requestTimeout = positive(timeout);
        return this;
    }

    public Duration requestTimeout()
    {
        return requestTimeout;
    }

    /**
     * @param timeout with nothing at all received for this long, the connection is taken as dead and replaced.
     *                The gateway sends a heartbeat after 1 s without traffic. After a third of it without anything
     *                received (and nothing sent for as long) the client sends a {@code ping}: a live gateway answers
     *                at once, and a write is what reveals a connection whose end the transport did not report.
     *                Default 5 s.
     */
    public ClientConfig heartbeatTimeout(final Duration timeout)
    {
        this.heartbeatTimeout = positive(timeout);
        return this;
    }

    public Duration heartbeatTimeout()
    {
        return heartbeatTimeout;
    }

    /**
     * @param interval a {@code ping} is sent when the client has sent nothing for this long, so a gateway with
     *                 an idle timeout does not close it. Default 30 s.
     */
    public ClientConfig pingInterval(final Duration interval)
    {
        this.pingInterval = positive(interval);
        return this;
    }

    public Duration pingInterval()
    {
        return pingInterval;
    }

    /**
     * @param backoff ceiling of the first reconnect delay (see {@link #maxBackoff}). Default 100 ms.
     */
    public ClientConfig initialBackoff(final Duration backoff)
    {
        this.initialBackoff = positive(backoff);
        return this;
    }

    public Duration initialBackoff()
    {
        return initialBackoff;
    }

    /**
     * @param backoff the ceiling doubles with every failed attempt up to this; each delay is drawn between half
     *                the ceiling and the ceiling. Reset once a connection has subscribed everything. Default 10 s.
     */
    public ClientConfig maxBackoff(final Duration backoff)
    {
        this.maxBackoff = positive(backoff);
        return this;
    }

    public Duration maxBackoff()
    {
        return maxBackoff;
    }

    /**
     * @param interval how often the client checks timeouts, its heartbeat watchdog, reconnects and its send
     *                 pacing. Default 10 ms.
     */
    public ClientConfig tickInterval(final Duration interval)
    {
        this.tickInterval = positive(interval);
        return this;
    }

    public Duration tickInterval()
    {
        return tickInterval;
    }

    /**
     * @param max requests sent per one-second window at most; more wait in the queue. The gateway refuses
     *            requests over 50 a second and closes the connection over 200. Default 40.
     */
    public ClientConfig maxRequestsPerSecond(final int max)
    {
        if (max < 1)
        {
            throw new IllegalArgumentException("maxRequestsPerSecond must be positive");
        }
        this.maxRequestsPerSecond = max;
        return this;
    }

    public int maxRequestsPerSecond()
    {
        return maxRequestsPerSecond;
    }

    /**
     * @param max requests waiting to be sent at most; one more fails at once with
     *            {@link RequestException#QUEUE_FULL}. Default 4,096.
     */
    public ClientConfig maxQueuedRequests(final int max)
    {
        if (max < 1)
        {
            throw new IllegalArgumentException("maxQueuedRequests must be positive");
        }
        this.maxQueuedRequests = max;
        return this;
    }

    public int maxQueuedRequests()
    {
        return maxQueuedRequests;
    }

    /**
     * @param seed of the reconnect jitter. Default: the clock at construction.
     */
    public ClientConfig seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    public long seed()
    {
        return seed;
    }

    /**
     * @param httpClient the JDK HttpClient to open WebSockets with (shared between clients if you like). Default:
     *                   one per client.
     */
    public ClientConfig httpClient(final HttpClient httpClient)
    {
        this.httpClient = httpClient;
        return this;
    }

    public HttpClient httpClient()
    {
        return httpClient;
    }

    /**
     * @param scheduler the threads that run this client's work (timers, reconnects, requests from application
     *                  threads, and messages that arrive while the client is busy) and its periodic tick. Many
     *                  clients in one process may share one: each still runs one task at a time (its own serial
     *                  lane), and closing a client leaves a shared scheduler running (its owner shuts it down).
     *                  Default: a daemon thread per client, shut down by {@link TickwireClient#close()}.
     */
    public ClientConfig scheduler(final ScheduledExecutorService scheduler)
    {
        this.scheduler = scheduler;
        return this;
    }

    public ScheduledExecutorService scheduler()
    {
        return scheduler;
    }

    /**
     * @param clock the clock of every timeout (tests inject one).
     */
    public ClientConfig clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    public NanoClock clock()
    {
        return clock;
    }

    private static Duration positive(final Duration duration)
    {
        if (duration.isNegative() || duration.isZero())
        {
            throw new IllegalArgumentException("must be positive: " + duration);
        }
        return duration;
    }
}
