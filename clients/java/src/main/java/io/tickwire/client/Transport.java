package io.tickwire.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Opens WebSocket connections for the client. One implementation today, {@link JdkWebSocketTransport} on the
 * JDK's {@code java.net.http.WebSocket}; the seam keeps the client's logic free of any WebSocket library.
 */
interface Transport
{
    /**
     * Starts opening a connection. Returns at once; {@link Connection#opened()} completes when the upgrade
     * succeeded (or fails). Messages and the end of the connection go to {@code receiver}, for one connection
     * never concurrently.
     */
    Connection connect(URI uri, List<String> subprotocols, Map<String, String> headers, Duration timeout,
        Receiver receiver);

    /**
     * One WebSocket connection.
     */
    interface Connection
    {
        CompletableFuture<Connection> opened();

        /**
         * @return the subprotocol the server selected ({@code ""} for none); valid once opened.
         */
        String subprotocol();

        /**
         * Sends one message. At most one send may be outstanding: send the next once this one completed.
         */
        CompletableFuture<?> send(WireFrame frame);

        /**
         * Asks for the next inbound message: the receiver gets one message per call (flow control: a client
         * that does not keep up leaves data in the socket, so TCP pushes back on the gateway).
         */
        void demand();

        /**
         * Closes with a close frame (1000), without waiting.
         */
        void close();

        /**
         * Drops the connection at once; no more callbacks after the ones in progress.
         */
        void abort();

        /**
         * @return the connection's flow-control state in a few words, for diagnostics.
         */
        default String describe()
        {
            return "";
        }
    }

    /**
     * Inbound side of a connection.
     */
    interface Receiver
    {
        /**
         * One complete text message. {@code text} is valid only during the call.
         */
        void onText(Connection connection, CharSequence text);

        /**
         * One complete binary message. {@code data} is valid only during the call.
         */
        void onBinary(Connection connection, ByteBuffer data);

        /**
         * The connection ended: a close frame ({@code code} and {@code reason}), or an error ({@code code} -1,
         * {@code error} set). Called at most once per connection.
         */
        void onEnded(Connection connection, int code, String reason, Throwable error);
    }
}
