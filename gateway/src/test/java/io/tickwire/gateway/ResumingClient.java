package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client that keeps its streams across connections as docs/protocol.md tells a client to: it remembers the
 * last {@code seq} of every stream and the journal's {@code epoch}, and after a reconnect subscribes each stream
 * again with {@code "from"} = that seq (one request per stream: each stream has its own last seq). One
 * {@link StreamChecker} sees every message of every connection, so prev chains, checksums and the trades
 * received are checked across the reconnects.
 */
final class ResumingClient
{
    final int number;
    final StreamChecker checker = new StreamChecker();
    /** channel to symbols. */
    final Map<String, List<String>> streams = new LinkedHashMap<>();
    final int depth;
    private final HttpClient http;
    private JdkClient socket;
    private String epoch;
    private int requestId;
    private int awaitedReplies;
    int connections;

    ResumingClient(final int number, final HttpClient http, final int depth)
    {
        this.number = number;
        this.http = http;
        this.depth = depth;
    }

    /**
     * Connects and subscribes every stream: plainly the first time, then each with {@code from} its last seq
     * (and the epoch, when {@code withEpoch}).
     */
    void connect(final URI uri, final boolean withEpoch) throws Exception
    {
        socket = new JdkClient(http, uri, Map.of());
        connections++;
        awaitedReplies = 0;
        for (final Map.Entry<String, List<String>> stream : streams.entrySet())
        {
            final String channel = stream.getKey();
            final String depthField = "book".equals(channel) ? ",\"depth\":" + depth : "";
            if (connections == 1)
            {
                send("{\"op\":\"subscribe\",\"id\":" + (++requestId) + ",\"channel\":\"" + channel + "\",\"symbols\":" +
                    json(stream.getValue()) + depthField + "}");
                continue;
            }
            for (final String symbol : stream.getValue())
            {
                final long from = checker.lastSeq.get(channel + "/" + symbol);
                send("{\"op\":\"subscribe\",\"id\":" + (++requestId) + ",\"channel\":\"" + channel + "\",\"symbols\":[\"" +
                    symbol + "\"]" + depthField + ",\"from\":" + from +
                    (withEpoch && epoch != null ? ",\"epoch\":\"" + epoch + "\"" : "") + "}");
            }
        }
    }

    private void send(final String request)
    {
        try
        {
            socket.send(request);
        }
        catch (final RuntimeException ex)
        {
            throw new AssertionError("client " + number + ": connection " + connections + " closed by the gateway (" +
                socket.closeCode + " " + socket.closeReason.get() + ") while sending " + request, ex);
        }
        awaitedReplies++;
    }

    /**
     * Checks every message received so far.
     *
     * @return the number of messages.
     */
    int drain()
    {
        int n = 0;
        JsonNode m;
        while (socket != null && (m = socket.messages.poll()) != null)
        {
            accept(m);
            n++;
        }
        return n;
    }

    private void accept(final JsonNode m)
    {
        if ("subscribed".equals(m.path("type").asText()))
        {
            awaitedReplies--;
            if (m.has("epoch"))
            {
                if (epoch != null && !epoch.equals(m.path("epoch").asText()))
                {
                    throw new AssertionError("client " + number + ": epoch changed from " + epoch + " to " + m);
                }
                epoch = m.path("epoch").asText();
            }
        }
        checker.accept(m);
    }

    /**
     * @return true once every subscribe of this connection was answered.
     */
    boolean subscribed()
    {
        return awaitedReplies == 0;
    }

    /**
     * Drops the connection without a close handshake (as a lost network does), after checking what had arrived.
     */
    void abort()
    {
        socket.close();
        drain();
        socket = null;
    }

    /**
     * Sends a ping and checks messages up to its pong (the checker records nothing after it).
     */
    void pingAndDrain(final Duration timeout) throws Exception
    {
        socket.send("{\"op\":\"ping\",\"id\":\"end\"}");
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (checker.pongSeq < 0)
        {
            final JsonNode m = socket.messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null)
            {
                throw new AssertionError("client " + number + ": no pong within " + timeout);
            }
            accept(m);
        }
    }

    String epoch()
    {
        return epoch;
    }

    JdkClient socket()
    {
        return socket;
    }

    void close()
    {
        if (socket != null)
        {
            socket.close();
        }
    }

    private static String json(final List<String> symbols)
    {
        final List<String> quoted = new ArrayList<>();
        symbols.forEach(s -> quoted.add("\"" + s + "\""));
        return "[" + String.join(",", quoted) + "]";
    }
}
