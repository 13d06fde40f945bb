package io.tickwire.client;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.ResumeResult;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.tickwire.client.ClientCounters.increment;

/**
 * The client's state machine: connection, streams, requests, books. Every method runs in the client's
 * {@link SerialLane} (one writer); the only entry points from other threads are {@link #onText},
 * {@link #onBinary} and {@link #onEnded} (the transport's threads), which enter the lane themselves.
 * <p>
 * Per stream (channel, symbol) it keeps three positions:
 * <ul>
 *     <li>{@code chain}: the {@code prev} the next message of the current subscription must carry (the reply's
 *     {@code seq}, or {@code from} on a served resume, then each message's {@code seq});</li>
 *     <li>{@code delivered}: the newest {@code seq} the application has (a trade's seq; a ticker's seq; for a
 *     book, the seq of the view): a message at or below it is a duplicate after a resume or failover and is
 *     dropped, so the application never sees a seq twice or going backwards;</li>
 *     <li>the epoch (journal identity) the gateway gave, sent back when resuming.</li>
 * </ul>
 * On a new connection every stream is subscribed again with {@code from} = the smallest {@code delivered} of the
 * streams of one subscription (one request per subscription, not per stream: the gateway allows 50 requests a
 * second). A served resume continues each stream's chain from there, duplicates dropped; one that is not
 * served restarts the streams (a book snapshot replaces the view) and the trades in between are reported as a
 * {@link Gap}.
 */
final class ClientConductor implements WireHandler, Transport.Receiver
{
    private enum Kind
    {
        INSTRUMENTS("instruments"), SUBSCRIBE("subscribe"), UNSUBSCRIBE("unsubscribe"), RESYNC("resync"),
        PING("ping");

        final String op;

        Kind(final String op)
        {
            this.op = op;
        }
    }

    /** One {@link TickwireClient#subscribe} call: the options of its streams and the caller's future. */
    private static final class Group
    {
        final Subscription subscription;
        final CompletableFuture<Subscribed> future;
        final long deadlineNanos;

        Group(final Subscription subscription, final CompletableFuture<Subscribed> future, final long deadlineNanos)
        {
            this.subscription = subscription;
            this.future = future;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private static final class Stream
    {
        final Channel channel;
        final String symbol;
        Group group;
        boolean live;
        long chain = -1;
        long delivered = -1;
        String epoch;
        OrderBook book;
        boolean resyncing;
        long resyncDeadlineNanos;

        Stream(final Channel channel, final String symbol)
        {
            this.channel = channel;
            this.symbol = symbol;
        }

        /**
         * @return the seq to resume this stream from, -1 if it has nothing to resume (never confirmed, or a book
         * whose view is not verified: it needs a fresh snapshot anyway).
         */
        long resumePosition()
        {
            if (channel == Channel.BOOK)
            {
                return book != null && book.isValid() ? book.seq() : -1;
            }
            return delivered;
        }
    }

    private static final class Request
    {
        final long id;
        final Kind kind;
        final WireFrame frame;
        final CompletableFuture<Object> future;
        final Group group;
        final List<String> symbols;
        final long from;
        final boolean onConnect;
        long deadlineNanos = Long.MAX_VALUE;

        Request(final long id, final Kind kind, final WireFrame frame, final CompletableFuture<Object> future,
            final Group group, final List<String> symbols, final long from, final boolean onConnect)
        {
            this.id = id;
            this.kind = kind;
            this.frame = frame;
            this.future = future;
            this.group = group;
            this.symbols = symbols;
            this.from = from;
            this.onConnect = onConnect;
        }
    }

    private final List<URI> urls;
    private final ClientConfig config;
    private final TickwireListener listener;
    private final WireCodec codec;
    private final Transport transport;
    private final Backoff backoff;
    private final SerialLane lane;
    private final ClientCounters counters;
    private final BookChecksum checksum = new BookChecksum();
    private final long requestTimeoutNanos;
    private final long heartbeatTimeoutNanos;
    private final long pingIntervalNanos;
    private final long probeAfterNanos;

    private final Map<String, Instrument> instruments = new HashMap<>();
    private final Int2ObjectHashMap<Instrument> instrumentsById = new Int2ObjectHashMap<>();
    private final EnumMap<Channel, LinkedHashMap<String, Stream>> streams = new EnumMap<>(Channel.class);
    private final List<Group> awaitingGroups = new ArrayList<>();
    private final List<Stream> resyncing = new ArrayList<>();
    private final Long2ObjectHashMap<Request> pending = new Long2ObjectHashMap<>();
    private final ArrayDeque<Request> outbound = new ArrayDeque<>();
    private long nextId = 1;

    private Transport.Connection connection;
    private URI url;
    private int urlIndex;
    private int attempt;
    private boolean open;
    private boolean ready;
    private boolean everReady;
    private boolean closed;
    private int resubscribesPending;
    private long reconnectAtNanos;
    private long lastReceiveNanos;
    private long lastSendNanos;
    private boolean sendInFlight;
    private long windowStartNanos;
    private int windowCount;

    ClientConductor(final ClientConfig config, final TickwireListener listener, final Transport transport,
        final SerialLane lane, final ClientCounters counters)
    {
        if (config.urls().isEmpty())
        {
            throw new IllegalArgumentException("no gateway URL");
        }
        this.urls = config.urls();
        this.config = config;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.codec = config.protocol().newCodec();
        this.transport = transport;
        this.lane = lane;
        this.counters = counters;
        this.backoff = new Backoff(config.initialBackoff().toNanos(), config.maxBackoff().toNanos(), config.seed());
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.heartbeatTimeoutNanos = config.heartbeatTimeout().toNanos();
        this.pingIntervalNanos = config.pingInterval().toNanos();
        this.probeAfterNanos = heartbeatTimeoutNanos / 3;
        for (final Channel channel : Channel.values())
        {
            streams.put(channel, new LinkedHashMap<>()); // in subscription order: requests are deterministic
        }
    }

    private long now()
    {
        return config.clock().nanoTime();
    }

    // ---------------------------------------------------------------- application calls (in the lane)

    void start()
    {
        connect();
    }

    void subscribe(final Subscription subscription, final CompletableFuture<Subscribed> future)
    {
        if (closed)
        {
            future.completeExceptionally(new RequestException(RequestException.CLOSED, "client closed"));
            return;
        }
        final Group group = new Group(subscription, future, now() + requestTimeoutNanos);
        awaitingGroups.add(group);
        final LinkedHashMap<String, Stream> channelStreams = streams.get(subscription.channel());
        boolean unknown = false;
        for (final String symbol : subscription.symbols())
        {
            final Stream stream = channelStreams.computeIfAbsent(symbol, s -> new Stream(subscription.channel(), s));
            stream.group = group; // a stream subscribed again takes the new options (the gateway replaces it)
            unknown |= !instruments.containsKey(symbol);
        }
        if (ready)
        {
            if (unknown)
            {
                enqueue(Kind.INSTRUMENTS, codec.instruments(nextId), null, null, null, -1, false);
            }
            enqueue(Kind.SUBSCRIBE, codec.subscribe(nextId, subscription, subscription.symbols(), -1, null), null,
                group, subscription.symbols(), -1, false);
        }
    }

    void unsubscribe(final Channel channel, final List<String> symbols, final CompletableFuture<Object> future)
    {
        final LinkedHashMap<String, Stream> channelStreams = streams.get(channel);
        for (final String symbol : symbols)
        {
            final Stream stream = channelStreams.remove(symbol);
            if (stream != null)
            {
                resyncing.remove(stream);
            }
        }
        if (ready)
        {
            enqueue(Kind.UNSUBSCRIBE, codec.unsubscribe(nextId, channel, symbols), future, null, symbols, -1, false);
        }
        else
        {
            future.complete(null); // no connection holds the streams any more
        }
    }

    void resync(final Channel channel, final List<String> symbols)
    {
        for (final String symbol : symbols)
        {
            final Stream stream = streams.get(channel).get(symbol);
            if (stream != null && stream.live)
            {
                requestResync(stream);
            }
        }
    }

    void ping(final CompletableFuture<Object> future)
    {
        enqueue(Kind.PING, codec.ping(nextId), future, null, null, -1, false);
    }

    void instruments(final CompletableFuture<Object> future)
    {
        enqueue(Kind.INSTRUMENTS, codec.instruments(nextId), future, null, null, -1, false);
    }

    OrderBook book(final String symbol)
    {
        final Stream stream = streams.get(Channel.BOOK).get(symbol);
        return stream == null ? null : stream.book;
    }

    void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (connection != null)
        {
            connection.close();
            connection = null;
        }
        final RequestException ex = new RequestException(RequestException.CLOSED, "client closed");
        for (final Request request : pending.values())
        {
            fail(request, ex);
        }
        pending.clear();
        for (final Request request : outbound)
        {
            fail(request, ex);
        }
        outbound.clear();
        for (final Group group : awaitingGroups)
        {
            group.future.completeExceptionally(ex);
        }
        awaitingGroups.clear();
        status(ConnectionState.CLOSED, -1, "closed by the application", 0);
    }

    // ---------------------------------------------------------------- connection lifecycle

    private void connect()
    {
        url = urls.get(urlIndex);
        reconnectAtNanos = Long.MAX_VALUE;
        status(ConnectionState.CONNECTING, -1, "", 0);
        final Transport.Connection c = transport.connect(url, List.of(codec.subprotocol()), config.headers(),
            config.connectTimeout(), this);
        connection = c;
        c.opened().whenComplete((ok, error) -> lane.execute(() -> opened(c, error)));
    }

    private void opened(final Transport.Connection c, final Throwable error)
    {
        if (c != connection)
        {
            return; // aborted meanwhile
        }
        if (error != null)
        {
            c.abort();
            lost(-1, "connect failed: " + rootMessage(error));
            return;
        }
        increment(counters.connects);
        open = true;
        lastReceiveNanos = now();
        lastSendNanos = lastReceiveNanos;
        // First learn the instruments (their scales), then subscribe everything again; replies come in order.
        enqueue(Kind.INSTRUMENTS, codec.instruments(nextId), null, null, null, -1, true);
    }

    private void lost(final int code, final String reason)
    {
        increment(counters.disconnects);
        connection = null;
        open = false;
        ready = false;
        sendInFlight = false;
        resubscribesPending = 0;
        for (final LinkedHashMap<String, Stream> channelStreams : streams.values())
        {
            for (final Stream stream : channelStreams.values())
            {
                stream.live = false;
                stream.resyncing = false;
            }
        }
        resyncing.clear();
        final RequestException ex = new RequestException(RequestException.CONNECTION_LOST, reason);
        for (final Request request : pending.values())
        {
            dropOnLoss(request, ex);
        }
        pending.clear();
        // Requests of the application not sent yet wait for the next connection; the client's own are redone there.
        outbound.removeIf(request -> request.onConnect || request.future == null || request.kind == Kind.UNSUBSCRIBE);
        if (closed)
        {
            return;
        }
        attempt++;
        urlIndex = (urlIndex + 1) % urls.size();
        final long delay = backoff.delayNanos(attempt);
        reconnectAtNanos = now() + delay;
        status(ConnectionState.RECONNECTING, code, reason, TimeUnit.NANOSECONDS.toMillis(delay));
    }

    private static void dropOnLoss(final Request request, final RequestException ex)
    {
        switch (request.kind)
        {
            // subscribe: the streams stay wanted and are subscribed again on the next connection, where the
            // group's future completes; unsubscribe: the streams are gone locally and a new connection never has them
            case SUBSCRIBE, RESYNC -> { }
            case UNSUBSCRIBE -> request.future.complete(null);
            default -> fail(request, ex);
        }
    }

    private static void fail(final Request request, final Throwable ex)
    {
        if (request.future != null)
        {
            request.future.completeExceptionally(ex);
        }
    }

    private void dropConnection(final int code, final String reason)
    {
        final Transport.Connection c = connection;
        if (c != null)
        {
            c.abort();
        }
        lost(code, reason);
    }

    /** Periodic duty: reconnects, the heartbeat watchdog, keep-alive pings, timeouts, send pacing. */
    void tick()
    {
        if (closed)
        {
            return;
        }
        final long now = now();
        if (connection == null && now - reconnectAtNanos >= 0)
        {
            connect();
            return;
        }
        if (open && now - lastReceiveNanos > heartbeatTimeoutNanos)
        {
            final String reason = "nothing received for " +
                TimeUnit.NANOSECONDS.toMillis(now - lastReceiveNanos) + " ms";
            error(ClientError.HEARTBEAT_TIMEOUT, reason, null, null, null);
            dropConnection(-1, reason);
            return;
        }
        if (ready && outbound.isEmpty() && (now - lastSendNanos > pingIntervalNanos ||
            now - lastReceiveNanos > probeAfterNanos && now - lastSendNanos > probeAfterNanos))
        {
            // Keep-alive, or a probe of a silent connection: a live gateway answers at once, and writing is what
            // reveals a connection whose end the transport did not report (see JdkWebSocketTransport).
            enqueue(Kind.PING, codec.ping(nextId), null, null, null, -1, false);
        }
        if (!pending.isEmpty())
        {
            expireRequests(pending.values().iterator(), now);
        }
        if (!outbound.isEmpty())
        {
            expireRequests(outbound.iterator(), now);
        }
        if (!awaitingGroups.isEmpty())
        {
            final Iterator<Group> groups = awaitingGroups.iterator();
            while (groups.hasNext())
            {
                final Group group = groups.next();
                if (group.future.isDone())
                {
                    groups.remove();
                }
                else if (now - group.deadlineNanos > 0)
                {
                    groups.remove();
                    group.future.completeExceptionally(new TimeoutException("no subscribed reply within " +
                        config.requestTimeout().toMillis() + " ms; the streams stay wanted and are retried"));
                }
            }
        }
        for (int i = 0; i < resyncing.size(); i++)
        {
            final Stream stream = resyncing.get(i);
            if (now - stream.resyncDeadlineNanos > 0)
            {
                sendResync(stream); // no snapshot came: ask again
            }
        }
        pump();
    }

    private void expireRequests(final Iterator<Request> requests, final long now)
    {
        while (requests.hasNext())
        {
            final Request request = requests.next();
            if (now - request.deadlineNanos > 0)
            {
                requests.remove();
                if (request.future != null)
                {
                    request.future.completeExceptionally(new TimeoutException("no reply to " + request.kind.op +
                        " id " + request.id + " within " + config.requestTimeout().toMillis() + " ms"));
                }
            }
        }
    }

    // ---------------------------------------------------------------- sending

    private void enqueue(final Kind kind, final WireFrame frame, final CompletableFuture<Object> future,
        final Group group, final List<String> symbols, final long from, final boolean onConnect)
    {
        final long id = nextId++;
        if (outbound.size() >= config.maxQueuedRequests())
        {
            final RequestException ex = new RequestException(RequestException.QUEUE_FULL,
                outbound.size() + " requests are waiting to be sent");
            if (future != null)
            {
                future.completeExceptionally(ex);
            }
            if (group != null)
            {
                group.future.completeExceptionally(ex);
            }
            return;
        }
        final Request request = new Request(id, kind, frame, future, group, symbols, from, onConnect);
        // A request with a reply of its own times out from now (connected or not); subscribe and unsubscribe end
        // with their reply or the connection (a subscription's own deadline is its group's).
        request.deadlineNanos = kind == Kind.SUBSCRIBE || kind == Kind.UNSUBSCRIBE ? Long.MAX_VALUE :
            now() + requestTimeoutNanos;
        outbound.add(request);
        pump();
    }

    private void pump()
    {
        while (open && !sendInFlight && !outbound.isEmpty())
        {
            final long now = now();
            if (now - windowStartNanos >= 1_000_000_000L)
            {
                windowStartNanos = now;
                windowCount = 0;
            }
            if (windowCount >= config.maxRequestsPerSecond())
            {
                return; // the tick sends it once the window has passed
            }
            final Request request = outbound.poll();
            // Every request waits for its reply; resync has none, but an error about it would carry its id.
            pending.put(request.id, request);
            windowCount++;
            lastSendNanos = now;
            sendInFlight = true;
            final Transport.Connection c = connection;
            c.send(request.frame).whenComplete((result, error) -> lane.execute(() -> sent(c, error)));
        }
    }

    private void sent(final Transport.Connection c, final Throwable error)
    {
        if (c != connection)
        {
            return;
        }
        sendInFlight = false;
        if (error != null)
        {
            dropConnection(-1, "send failed: " + rootMessage(error));
            return;
        }
        pump();
    }

    // ---------------------------------------------------------------- receiving (transport threads)

    @Override
    public void onText(final Transport.Connection c, final CharSequence text)
    {
        if (lane.tryEnter())
        {
            try
            {
                received(c, text, null);
            }
            finally
            {
                lane.exit();
            }
        }
        else
        {
            final String copy = text.toString(); // the JDK's buffer is not ours after this call returns
            lane.execute(() -> received(c, copy, null));
        }
    }

    @Override
    public void onBinary(final Transport.Connection c, final ByteBuffer data)
    {
        if (lane.tryEnter())
        {
            try
            {
                received(c, null, data);
            }
            finally
            {
                lane.exit();
            }
        }
        else
        {
            final ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip(); // not ours after return
            lane.execute(() -> received(c, null, copy));
        }
    }

    @Override
    public void onEnded(final Transport.Connection c, final int code, final String reason, final Throwable error)
    {
        lane.execute(() ->
        {
            if (c == connection)
            {
                c.abort();
                lost(code, error != null ? "connection failed: " + rootMessage(error) : reason);
            }
        });
    }

    /**
     * One inbound message: {@code text}, or else {@code binary}.
     */
    private void received(final Transport.Connection c, final CharSequence text, final ByteBuffer binary)
    {
        if (c != connection)
        {
            return; // a connection the client has left
        }
        lastReceiveNanos = now();
        increment(counters.messages);
        if (text != null)
        {
            codec.decode(text, this);
        }
        else
        {
            codec.decode(binary, this);
        }
        if (c == connection)
        {
            c.demand();
        }
    }

    // ---------------------------------------------------------------- decoded messages

    @Override
    public Instrument instrument(final CharSequence symbol)
    {
        return instruments.get(symbol); // CharView hashes and compares as a String
    }

    @Override
    public Instrument instrument(final int instrumentId)
    {
        return instrumentsById.get(instrumentId);
    }

    @Override
    public void onTrade(final Trade trade)
    {
        final Stream stream = liveStream(Channel.TRADES, trade.symbol());
        if (stream == null)
        {
            return;
        }
        if (trade.prev() != stream.chain)
        {
            gap(stream, trade.seq() - 1, Gap.Reason.PREV_MISMATCH);
        }
        stream.chain = trade.seq();
        if (trade.seq() <= stream.delivered)
        {
            increment(counters.duplicatesDropped);
            return;
        }
        stream.delivered = trade.seq();
        increment(counters.trades);
        try
        {
            listener.onTrade(trade);
        }
        catch (final RuntimeException ex)
        {
            listenerFailed("onTrade", ex);
        }
    }

    @Override
    public void onTicker(final Ticker ticker)
    {
        final Stream stream = liveStream(Channel.TICKER, ticker.symbol());
        if (stream == null)
        {
            return;
        }
        // A ticker is a whole state: a broken chain only means intermediate states were missed, and this
        // message is right as it is, so nothing needs repairing.
        stream.chain = ticker.seq();
        if (ticker.seq() <= stream.delivered)
        {
            increment(counters.duplicatesDropped);
            return;
        }
        stream.delivered = ticker.seq();
        increment(counters.tickers);
        try
        {
            listener.onTicker(ticker);
        }
        catch (final RuntimeException ex)
        {
            listenerFailed("onTicker", ex);
        }
    }

    @Override
    public void onBook(final BookUpdate update)
    {
        final Stream stream = liveStream(Channel.BOOK, update.symbol());
        if (stream == null)
        {
            return;
        }
        final boolean chained = update.prev() == stream.chain;
        stream.chain = update.seq();
        OrderBook book = stream.book;
        if (book == null)
        {
            book = new OrderBook(update.symbol(), update.priceScale(), update.qtyScale());
            stream.book = book;
        }
        if (!update.snapshot())
        {
            if (!chained)
            {
                book.valid(false);
                requestResync(stream);
                return;
            }
            if (!book.isValid())
            {
                return; // waiting for the snapshot of a resync or of the subscription
            }
            if (update.seq() <= book.seq())
            {
                increment(counters.duplicatesDropped); // already in the view (a resume from an older position)
                return;
            }
        }
        else if (book.isValid() && update.seq() < book.seq())
        {
            // A gateway behind the one before (failover): its snapshot is older than the view the application
            // has. Keep the newer view; the gateway's next delta applies to it (its deltas up to the view's seq
            // are dropped above), and the checksum of that delta proves it.
            increment(counters.duplicatesDropped);
            return;
        }
        book.apply(update);
        final long computed = book.checksum(checksum);
        if (computed != update.checksum())
        {
            increment(counters.checksumMismatches);
            book.valid(false);
            error(ClientError.CHECKSUM_MISMATCH, "book " + update.symbol() + " at seq " + update.seq() + ": checksum " +
                update.checksum() + " sent, " + computed + " computed; resyncing", Channel.BOOK, update.symbol(), null);
            requestResync(stream);
            return;
        }
        book.valid(true);
        if (update.snapshot() && stream.resyncing)
        {
            stream.resyncing = false;
            resyncing.remove(stream);
        }
        stream.delivered = update.seq();
        increment(counters.books);
        try
        {
            listener.onBook(book, update);
        }
        catch (final RuntimeException ex)
        {
            listenerFailed("onBook", ex);
        }
    }

    private Stream liveStream(final Channel channel, final String symbol)
    {
        final Stream stream = streams.get(channel).get(symbol);
        return stream != null && stream.live ? stream : null;
    }

    private void gap(final Stream stream, final long toSeq, final Gap.Reason reason)
    {
        final long fromSeq = Math.max(stream.delivered, stream.chain) + 1;
        if (stream.channel == Channel.TRADES && fromSeq <= toSeq)
        {
            increment(counters.gaps);
            try
            {
                listener.onGap(new Gap(stream.channel, stream.symbol, fromSeq, toSeq, reason));
            }
            catch (final RuntimeException ex)
            {
                listenerFailed("onGap", ex);
            }
        }
    }

    private void requestResync(final Stream stream)
    {
        if (!stream.resyncing)
        {
            stream.resyncing = true;
            resyncing.add(stream);
            sendResync(stream);
        }
    }

    private void sendResync(final Stream stream)
    {
        stream.resyncDeadlineNanos = now() + requestTimeoutNanos;
        increment(counters.resyncs);
        final List<String> symbols = List.of(stream.symbol);
        enqueue(Kind.RESYNC, codec.resync(nextId, stream.channel, symbols), null, null, symbols, -1, false);
    }

    @Override
    public void onHeartbeat(final long seq)
    {
        // Its arrival is what counts (the watchdog); the seq is not a stream position.
    }

    @Override
    public void onSubscribed(final long id, final Subscribed reply)
    {
        final Request request = pending.remove(id);
        if (request == null || request.kind != Kind.SUBSCRIBE)
        {
            return;
        }
        final boolean resumed = request.from >= 0;
        final boolean recovered = resumed && reply.recovered() == ResumeResult.RECOVERED;
        final LinkedHashMap<String, Stream> channelStreams = streams.get(reply.channel());
        for (final String symbol : request.symbols)
        {
            final Stream stream = channelStreams.get(symbol);
            if (stream == null || stream.group != request.group)
            {
                continue; // unsubscribed or subscribed again with other options meanwhile
            }
            stream.live = true;
            if (reply.epoch() != null)
            {
                stream.epoch = reply.epoch();
            }
            if (recovered)
            {
                increment(counters.resumesRecovered);
                stream.chain = request.from;
                continue;
            }
            if (resumed)
            {
                increment(counters.resumesNotRecovered);
                // Trades of this stream after what the application has, up to S, are not coming.
                gap(stream, reply.seq(), Gap.Reason.NOT_RECOVERED);
            }
            stream.chain = reply.seq();
            if (stream.channel == Channel.TRADES)
            {
                // Every trade up to S was sent before this reply (on this subscription, or an earlier one).
                stream.delivered = Math.max(stream.delivered, reply.seq());
            }
        }
        request.group.future.complete(reply);
        if (request.onConnect)
        {
            resubscribed();
        }
    }

    @Override
    public void onUnsubscribed(final long id)
    {
        final Request request = pending.remove(id);
        if (request != null && request.future != null)
        {
            request.future.complete(null);
        }
    }

    @Override
    public void onPong(final long id, final long seq)
    {
        final Request request = pending.remove(id);
        if (request != null && request.future != null)
        {
            request.future.complete(seq);
        }
    }

    @Override
    public void onInstruments(final long id, final List<Instrument> list)
    {
        for (final Instrument instrument : list)
        {
            instruments.put(instrument.symbol(), instrument);
            if (instrument.instrumentId() >= 0)
            {
                instrumentsById.put(instrument.instrumentId(), instrument);
            }
        }
        final Request request = pending.remove(id);
        if (request == null)
        {
            return;
        }
        if (request.future != null)
        {
            request.future.complete(list);
        }
        if (request.onConnect)
        {
            ready = true;
            subscribeAll();
        }
    }

    /**
     * Subscribes every wanted stream on the new connection: one request per subscription (and per epoch, and
     * per 256 symbols), resuming from the smallest position of its streams when they have one.
     */
    private void subscribeAll()
    {
        final Map<Group, List<Stream>> byGroup = new LinkedHashMap<>();
        for (final LinkedHashMap<String, Stream> channelStreams : streams.values())
        {
            for (final Stream stream : channelStreams.values())
            {
                byGroup.computeIfAbsent(stream.group, g -> new ArrayList<>()).add(stream);
            }
        }
        for (final Map.Entry<Group, List<Stream>> entry : byGroup.entrySet())
        {
            final Map<String, List<Stream>> byResume = new LinkedHashMap<>();
            for (final Stream stream : entry.getValue())
            {
                final long position = stream.resumePosition();
                final String key = position < 0 ? "-" : "+" + (stream.epoch == null ? "" : stream.epoch);
                byResume.computeIfAbsent(key, k -> new ArrayList<>()).add(stream);
            }
            for (final List<Stream> part : byResume.values())
            {
                for (int from = 0; from < part.size(); from += 256)
                {
                    final List<Stream> chunk = part.subList(from, Math.min(part.size(), from + 256));
                    long position = Long.MAX_VALUE;
                    final List<String> symbols = new ArrayList<>(chunk.size());
                    for (final Stream stream : chunk)
                    {
                        position = Math.min(position, stream.resumePosition());
                        symbols.add(stream.symbol);
                    }
                    final String epoch = position < 0 ? null : chunk.get(0).epoch;
                    resubscribesPending++;
                    enqueue(Kind.SUBSCRIBE,
                        codec.subscribe(nextId, entry.getKey().subscription, symbols, position, epoch),
                        null, entry.getKey(), List.copyOf(symbols), position, true);
                }
            }
        }
        if (resubscribesPending == 0)
        {
            resubscribed();
        }
    }

    private void resubscribed()
    {
        if (resubscribesPending > 0)
        {
            resubscribesPending--;
        }
        if (resubscribesPending == 0 && ready)
        {
            attempt = 0;
            status(everReady ? ConnectionState.RESUMED : ConnectionState.CONNECTED, -1, "", 0);
            everReady = true;
        }
    }

    @Override
    public void onErrorReply(final long id, final String code, final String message)
    {
        final Request request = id == NO_ID ? null : pending.remove(id);
        if (request == null)
        {
            error(code, message, null, null, null);
            return;
        }
        if ("RATE_LIMITED".equals(code))
        {
            outbound.addFirst(request); // dropped unprocessed by the gateway: send it again once the window allows
            return;
        }
        final RequestException ex = new RequestException(code, message);
        switch (request.kind)
        {
            case SUBSCRIBE ->
            {
                final LinkedHashMap<String, Stream> channelStreams = streams.get(request.group.subscription.channel());
                for (final String symbol : request.symbols)
                {
                    final Stream stream = channelStreams.get(symbol);
                    if (stream != null && stream.group == request.group)
                    {
                        channelStreams.remove(symbol); // nothing was subscribed
                        resyncing.remove(stream);
                    }
                }
                if (request.onConnect)
                {
                    error(ClientError.RESUBSCRIBE_FAILED, code + ": " + message + " " + request.symbols,
                        request.group.subscription.channel(), null, ex);
                    resubscribed();
                }
                request.group.future.completeExceptionally(ex);
            }
            case RESYNC -> error(code, "resync " + request.symbols + ": " + message, null, null, ex);
            default ->
            {
                fail(request, ex);
                if (request.onConnect)
                {
                    ready = true;
                    subscribeAll(); // without fresh instruments: the known ones still serve
                }
            }
        }
    }

    @Override
    public void onMalformed(final String description, final Throwable cause)
    {
        increment(counters.malformed);
        error(ClientError.MALFORMED_MESSAGE, description, null, null, cause);
    }

    @Override
    public void onProtocolViolation(final String description)
    {
        increment(counters.malformed);
        error(ClientError.PROTOCOL_VIOLATION, description, null, null, null);
        dropConnection(-1, "protocol violation: " + description);
    }

    // ---------------------------------------------------------------- listener calls

    private void status(final ConnectionState state, final int code, final String reason, final long delayMillis)
    {
        try
        {
            final boolean up = state == ConnectionState.CONNECTED || state == ConnectionState.RESUMED;
            final String subprotocol = up && connection != null ? connection.subprotocol() : "";
            listener.onStatus(new StatusEvent(state, url, attempt, code, reason == null ? "" : reason, delayMillis,
                subprotocol == null ? "" : subprotocol));
        }
        catch (final RuntimeException ex)
        {
            listenerFailed("onStatus", ex);
        }
    }

    private void error(final String code, final String message, final Channel channel, final String symbol,
        final Throwable cause)
    {
        try
        {
            listener.onError(new ClientError(code, message, channel, symbol, cause));
        }
        catch (final RuntimeException ignore)
        {
            // a failing onError has nowhere left to report to
        }
    }

    private void listenerFailed(final String callback, final RuntimeException ex)
    {
        error(ClientError.LISTENER_FAILED, callback + " threw " + ex, null, null, ex);
    }

    /**
     * @return the connection state in one line, for diagnostics. Read from outside the lane it is a racy snapshot.
     */
    String describe()
    {
        final long now = now();
        return "open=" + open + " ready=" + ready + " sendInFlight=" + sendInFlight + " outbound=" + outbound.size() +
            " pending=" + pending.size() + " resyncing=" + resyncing.size() + " lastReceive=" +
            TimeUnit.NANOSECONDS.toMillis(now - lastReceiveNanos) + " ms ago, lastSend=" +
            TimeUnit.NANOSECONDS.toMillis(now - lastSendNanos) + " ms ago, url=" + url + " attempt=" + attempt +
            ", connection " + (connection == null ? "none" : connection.describe());
    }

    void taskFailed(final Throwable ex)
    {
        error(ClientError.LISTENER_FAILED, "client task failed: " + ex, null, null, ex);
    }

    private static String rootMessage(final Throwable error)
    {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t)
        {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
