package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test client on the JDK's {@code java.net.http.WebSocket}: collects every message as a parsed JSON tree.
 * Reading can be paused (no demand: TCP back pressure reaches the gateway) and resumed. With the subprotocol
 * {@code tickwire.sbe.v1} it decodes binary messages with {@link SbeTestDecoder} into the JSON protocol's form
 * (so the same checks apply) and counts which arrived as text and which as binary.
 */
public final class JdkClient implements WebSocket.Listener, TestSocket
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    public final AtomicReference<String> closeReason = new AtomicReference<>();
    public volatile int closeCode = -1;
    private final StringBuilder partial = new StringBuilder();
    private final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
    private final SbeTestDecoder decoder = new SbeTestDecoder();
    /** Binary messages received. */
    public final java.util.concurrent.atomic.AtomicLong binaryMessages = new java.util.concurrent.atomic.AtomicLong();
    /** Text messages received, by type. */
    public final Map<String, java.util.concurrent.atomic.AtomicLong> textTypes =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean owed;
    private final WebSocket socket;

    public JdkClient(final URI uri) throws Exception
    {
        this(HttpClient.newHttpClient(), uri, Map.of());
    }

    /**
     * @param headers extra upgrade request headers (Authorization, Origin, ...).
     */
    public JdkClient(final HttpClient http, final URI uri, final Map<String, String> headers) throws Exception
    {
        this(http, uri, headers, new String[0]);
    }

    /**
     * @param subprotocols offered in this order of preference (none: no header).
     */
    public JdkClient(final HttpClient http, final URI uri, final Map<String, String> headers,
        final String... subprotocols) throws Exception
    {
        final WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        if (subprotocols.length > 0)
        {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        socket = builder.buildAsync(uri, this).get(10, TimeUnit.SECONDS);
    }

    /**
     * @return the subprotocol the server accepted ("" for none).
     */
    public String subprotocol()
    {
        return socket.getSubprotocol();
    }

    /**
     * Attempts an upgrade and closes the connection if it succeeds.
     *
     * @return 101 if the upgrade succeeded, else the HTTP status of the refusal.
     */
    public static int upgradeStatus(final HttpClient http, final URI uri, final Map<String, String> headers)
        throws Exception
    {
        try
        {
            new JdkClient(http, uri, headers).close();
            return 101;
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof WebSocketHandshakeException handshake)
            {
                return handshake.getResponse().statusCode();
            }
            throw ex;
        }
    }

    @Override
    public void send(final String json)
    {
        socket.sendText(json, true).join();
    }

    @Override
    public void sendParts(final String... parts)
    {
        for (int i = 0; i < parts.length; i++)
        {
            socket.sendText(parts[i], i == parts.length - 1).join();
        }
    }

    @Override
    public void sendBinary(final byte[] bytes)
    {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    @Override
    public BlockingQueue<JsonNode> messages()
    {
        return messages;
    }

    @Override
    public int closeCode()
    {
        return closeCode;
    }

    @Override
    public int awaitClose(final Duration timeout) throws InterruptedException
    {
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("connection still open after " + timeout);
        }
        return closeCode;
    }

    public void pause()
    {
        paused.set(true);
    }

    public void resume()
    {
        paused.set(false);
        if (owed)
        {
            owed = false;
            socket.request(1);
        }
    }

    /**
     * @return the next message, or fail after {@code timeout}.
     */
    public JsonNode next(final Duration timeout) throws InterruptedException
    {
        final JsonNode node = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (node == null)
        {
            throw new AssertionError("no message within " + timeout + (closeCode >= 0 ? " (closed " + closeCode + ")" : ""));
        }
        return node;
    }

    /**
     * @return the next message of {@code type}, skipping others (heartbeats etc.).
     */
    public JsonNode nextOfType(final String type, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final JsonNode node = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (type.equals(node.path("type").asText()))
            {
                return node;
            }
        }
    }

    @Override
    public void onOpen(final WebSocket webSocket)
    {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        partial.append(data);
        if (last)
        {
            final JsonNode node;
            try
            {
                node = MAPPER.readTree(partial.toString());
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("not JSON: " + partial, ex);
            }
            textTypes.computeIfAbsent(node.path("type").asText(), t -> new java.util.concurrent.atomic.AtomicLong())
                .incrementAndGet();
            decoder.onText(node);
            messages.add(node);
            partial.setLength(0);
        }
        return demandNext(webSocket);
    }

    @Override
    public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
    {
        final byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partialBinary.writeBytes(bytes);
        if (last)
        {
            binaryMessages.incrementAndGet();
            messages.add(decoder.decode(partialBinary.toByteArray()));
            partialBinary.reset();
        }
        return demandNext(webSocket);
    }

    private CompletionStage<?> demandNext(final WebSocket webSocket)
    {
        if (paused.get())
        {
            owed = true;
        }
        else
        {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closeReason.set(reason);
        closeCode = statusCode;
        ended.countDown();
        return null;
    }

    @Override
    public void onError(final WebSocket webSocket, final Throwable error)
    {
        ended.countDown();
    }

    @Override
    public void close()
    {
        socket.abort();
    }
}
