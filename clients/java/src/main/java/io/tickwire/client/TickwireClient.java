package io.tickwire.client;

import io.tickwire.codecs.json.Channel;

import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A client of Tickwire gateways: subscribes to trades, books and tickers and keeps them whole across
 * disconnects and gateway failovers.
 * <pre>{@code
 * TickwireClient client = TickwireClient.connect(
 *     new ClientConfig().urls("ws://gw1:8080/stream", "ws://gw2:8080/stream"),
 *     new TickwireListener()
 *     {
 *         public void onTrade(Trade trade) { ... }
 *         public void onBook(OrderBook book, BookUpdate update) { ... }
 *     });
 * client.subscribe(Subscription.trades("BTC-USD"));
 * client.subscribe(Subscription.book("BTC-USD").depth(10)).get(5, TimeUnit.SECONDS);
 * ...
 * client.close();
 * }</pre>
 * What it does for you:
 * <ul>
 *     <li><b>Reconnect</b> with exponential backoff and jitter, moving round robin through the gateway URLs
 *     (failover), on a close, a failed connect, or when nothing (not even a heartbeat) arrived for the
 *     heartbeat timeout.</li>
 *     <li><b>Resume</b>: on each new connection every stream is subscribed again with {@code from} (its last seq)
 *     and the journal epoch. A served resume ({@code "recovered":true}) continues each stream with no gap and
 *     no duplicate; one that is not served restarts the stream and the trades that cannot come are reported
 *     by {@link TickwireListener#onGap}. Messages the application already had are dropped.</li>
 *     <li><b>Books</b>: a local view per book stream from snapshot plus deltas, its checksum verified after
 *     every message; on a mismatch (or a broken {@code prev} chain) that one book is resynced by itself.</li>
 *     <li><b>Requests</b> with futures and timeouts, paced under the gateway's rate limit.</li>
 * </ul>
 * Methods are thread safe and never block (except {@link #close()}, briefly). See {@link TickwireListener} for
 * the threading of callbacks.
 */
public final class TickwireClient implements AutoCloseable
{
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ScheduledExecutorService thread;
    /** True when {@link #thread} is this client's own (created here, shut down by {@link #close()}). */
    private final boolean ownThread;
    private final SerialLane lane;
    private final ClientConductor conductor;
    private final ClientCounters counters = new ClientCounters();
    private final ScheduledFuture<?> ticks;

    private TickwireClient(final ClientConfig config, final TickwireListener listener,
        final UnaryOperator<Transport> transportWrapper)
    {
        ownThread = config.scheduler() == null;
        if (ownThread)
        {
            final String name = "tickwire-client-" + INSTANCES.incrementAndGet();
            final ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r ->
            {
                final Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            own.setRemoveOnCancelPolicy(true);
            thread = own;
        }
        else
        {
            thread = config.scheduler();
        }
        final ClientConductor[] holder = new ClientConductor[1];
        lane = new SerialLane(thread, ex -> holder[0].taskFailed(ex));
        final HttpClient http = config.httpClient() != null ? config.httpClient() :
            HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
        conductor = new ClientConductor(config, listener, transportWrapper.apply(new JdkWebSocketTransport(http)), lane,
            counters);
        holder[0] = conductor;
        final Runnable tick = conductor::tick;
        final long period = config.tickInterval().toNanos();
        ticks = thread.scheduleAtFixedRate(() -> lane.execute(tick), period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Creates a client and starts connecting to the first URL; returns at once. {@link TickwireListener#onStatus}
     * tells when it is connected; requests made before are sent once it is.
     */
    public static TickwireClient connect(final ClientConfig config, final TickwireListener listener)
    {
        return connect(config, listener, UnaryOperator.identity());
    }

    /**
     * {@link #connect(ClientConfig, TickwireListener)} over a transport the caller wraps: tests inject transport
     * faults with it.
     */
    static TickwireClient connect(final ClientConfig config, final TickwireListener listener,
        final UnaryOperator<Transport> transportWrapper)
    {
        final TickwireClient client = new TickwireClient(config, listener, transportWrapper);
        client.lane.execute(client.conductor::start);
        return client;
    }

    /**
     * Subscribes to streams (or replaces the options of streams already subscribed). The streams are wanted from
     * now on, on this connection and every later one, until {@link #unsubscribe}.
     *
     * @return the gateway's first {@code subscribed} reply for them; fails with {@link RequestException} if the
     * gateway refused (nothing was subscribed, the streams are dropped), or with a {@code TimeoutException}
     * after the request timeout (the streams stay wanted and are retried).
     */
    public CompletableFuture<Subscribed> subscribe(final Subscription subscription)
    {
        final CompletableFuture<Subscribed> future = new CompletableFuture<>();
        lane.execute(() -> conductor.subscribe(subscription, future));
        return future;
    }

    /**
     * Stops streams. Nothing more of them is delivered after this call's effect reaches the lane.
     *
     * @return completes with the gateway's {@code unsubscribed} reply (at once when not connected).
     */
    public CompletableFuture<Void> unsubscribe(final Channel channel, final String... symbols)
    {
        final CompletableFuture<Object> future = new CompletableFuture<>();
        final List<String> list = List.of(symbols);
        lane.execute(() -> conductor.unsubscribe(channel, list, future));
        return future.thenApply(v -> null);
    }

    /**
     * Asks for a fresh snapshot of book streams (the client does this by itself on a checksum mismatch).
     */
    public void resync(final String... symbols)
    {
        final List<String> list = List.of(symbols);
        lane.execute(() -> conductor.resync(Channel.BOOK, list));
    }

    /**
     * @return the gateway's last applied seq, from its {@code pong}.
     */
    public CompletableFuture<Long> ping()
    {
        final CompletableFuture<Object> future = new CompletableFuture<>();
        lane.execute(() -> conductor.ping(future));
        return future.thenApply(Long.class::cast);
    }

    /**
     * @return every instrument the gateway knows.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<List<Instrument>> instruments()
    {
        final CompletableFuture<Object> future = new CompletableFuture<>();
        lane.execute(() -> conductor.instruments(future));
        return future.thenApply(list -> (List<Instrument>)list);
    }

    /**
     * @return the client's book of {@code symbol}, or null. Read it only inside a listener callback.
     */
    public OrderBook book(final String symbol)
    {
        if (!lane.inLane())
        {
            throw new IllegalStateException("read books inside a listener callback (they belong to the client)");
        }
        return conductor.book(symbol);
    }

    public ClientCounters counters()
    {
        return counters;
    }

    /**
     * @return the connection's state in one line (a racy snapshot when read outside a callback), for diagnostics.
     */
    String describe()
    {
        return conductor.describe() + "; lane " + lane.describe();
    }

    /**
     * Closes the connection and stops the client; pending futures fail with {@link RequestException#CLOSED}.
     * Waits up to 5 s for that to be done, unless called from a listener callback.
     */
    @Override
    public void close()
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        lane.execute(() ->
        {
            conductor.close();
            ticks.cancel(false);
            if (ownThread)
            {
                thread.shutdown();
            }
            done.complete(null);
        });
        if (lane.inLane())
        {
            return;
        }
        try
        {
            done.get(5, TimeUnit.SECONDS);
            if (ownThread)
            {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            if (ownThread)
            {
                thread.shutdownNow();
            }
        }
    }
}
