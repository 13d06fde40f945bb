package io.tickwire.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Transport} on the JDK's {@code java.net.http.WebSocket} (no dependency). The JDK calls a listener's
 * methods one at a time per WebSocket and delivers as many messages as were requested: this transport requests
 * one at the start and one more on each {@link Connection#demand()}, so at most one message is ever handed over
 * and not yet processed. A message the JDK delivers in parts is accumulated until its last part.
 */
final class JdkWebSocketTransport implements Transport
{
    private final HttpClient http;

    JdkWebSocketTransport(final HttpClient http)
    {
        this.http = http;
    }

    @Override
    public Connection connect(final URI uri, final List<String> subprotocols, final Map<String, String> headers,
        final Duration timeout, final Receiver receiver)
    {
        final JdkConnection connection = new JdkConnection(receiver);
        final WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty())
        {
            builder.subprotocols(subprotocols.get(0),
                subprotocols.subList(1, subprotocols.size()).toArray(new String[0]));
        }
        builder.buildAsync(uri, connection).whenComplete((socket, error) ->
        {
            if (error != null)
            {
                connection.opened.completeExceptionally(error);
            }
            else
            {
                connection.socket = socket;
                connection.opened.complete(connection);
            }
        });
        return connection;
    }

    private static final class JdkConnection implements Connection, WebSocket.Listener
    {
        private final CompletableFuture<Connection> opened = new CompletableFuture<>();
        private final Receiver receiver;
        private final AtomicBoolean ended = new AtomicBoolean();
        /** Messages, parts, pings and pongs asked of the JDK, and those it delivered (diagnostics: equal = idle). */
        private final AtomicLong requested = new AtomicLong();
        private final AtomicLong delivered = new AtomicLong();
        private final StringBuilder textParts = new StringBuilder();
        private ByteBuffer binaryParts = ByteBuffer.allocate(0);
        private boolean accumulating;
        private volatile WebSocket socket;

        JdkConnection(final Receiver receiver)
        {
            this.receiver = receiver;
        }

        @Override
        public CompletableFuture<Connection> opened()
        {
            return opened;
        }

        @Override
        public String subprotocol()
        {
            final WebSocket s = socket;
            return s == null ? "" : s.getSubprotocol();
        }

        @Override
        public CompletableFuture<?> send(final WireFrame frame)
        {
            final WebSocket s = socket;
            if (s == null)
            {
                return CompletableFuture.failedFuture(new IllegalStateException("not open"));
            }
            return frame.text() != null ? s.sendText(frame.text(), true) : s.sendBinary(frame.binary(), true);
        }

        @Override
        public void demand()
        {
            final WebSocket s = socket;
            if (s != null && !ended.get())
            {
                request(s);
            }
        }

        @Override
        public void close()
        {
            final WebSocket s = socket;
            if (s != null)
            {
                s.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((r, e) -> s.abort());
            }
        }

        @Override
        public void abort()
        {
            ended.set(true);
            final WebSocket s = socket;
            if (s != null)
            {
                s.abort();
            }
            else
            {
                opened.thenAccept(c -> ((JdkConnection)c).socket.abort());
            }
        }

        @Override
        public String describe()
        {
            return "requested " + requested.get() + ", delivered " + delivered.get() + ", ended " + ended.get();
        }

        private void request(final WebSocket webSocket)
        {
            requested.incrementAndGet();
            webSocket.request(1);
        }

        @Override
        public void onOpen(final WebSocket webSocket)
        {
            socket = webSocket;
            request(webSocket);
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            delivered.incrementAndGet();
            if (!last)
            {
                textParts.append(data);
                request(webSocket); // a part is not a message: ask for the rest
                return null;
            }
            if (textParts.length() == 0)
            {
                receiver.onText(this, data);
            }
            else
            {
                textParts.append(data);
                final String whole = textParts.toString();
                textParts.setLength(0);
                receiver.onText(this, whole);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
        {
            delivered.incrementAndGet();
            if (last && !accumulating)
            {
                receiver.onBinary(this, data); // the usual case: a whole message, handed over as it is
                return null;
            }
            // A message in parts: gathered in a buffer kept for the connection's life (it grows, never shrinks).
            if (binaryParts.remaining() < data.remaining())
            {
                final int need = binaryParts.position() + data.remaining();
                binaryParts = ByteBuffer.allocate(Math.max(need, 2 * binaryParts.capacity())).put(binaryParts.flip());
            }
            binaryParts.put(data);
            accumulating = !last;
            if (!last)
            {
                request(webSocket); // a part is not a message: ask for the rest
                return null;
            }
            receiver.onBinary(this, binaryParts.flip());
            binaryParts.clear();
            return null;
        }

        @Override
        public CompletionStage<?> onPing(final WebSocket webSocket, final ByteBuffer message)
        {
            delivered.incrementAndGet();
            request(webSocket); // the JDK answers with a pong by itself
            return null;
        }

        @Override
        public CompletionStage<?> onPong(final WebSocket webSocket, final ByteBuffer message)
        {
            delivered.incrementAndGet();
            request(webSocket);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            if (ended.compareAndSet(false, true))
            {
                receiver.onEnded(this, statusCode, reason, null);
            }
            webSocket.abort();
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            if (ended.compareAndSet(false, true))
            {
                receiver.onEnded(this, -1, String.valueOf(error.getMessage()), error);
            }
        }
    }
}
