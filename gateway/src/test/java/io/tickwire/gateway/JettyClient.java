package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client on Jetty's {@link WebSocketClient} (one client, started by the caller, serves many
 * connections): collects every message as a parsed JSON tree.
 */
public final class JettyClient implements Session.Listener.AutoDemanding, TestSocket
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile int closeCode = -1;
    private volatile Throwable error;
    private final Session session;

    public JettyClient(final WebSocketClient client, final URI uri, final Map<String, String> headers) throws Exception
    {
        final ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
        headers.forEach(request::setHeader);
        session = client.connect(this, request).get(10, TimeUnit.SECONDS);
    }

    /**
     * @return 101 if the upgrade succeeded (the connection is then closed), else the HTTP status of the refusal.
     */
    public static int upgradeStatus(final WebSocketClient client, final URI uri, final Map<String, String> headers)
        throws Exception
    {
        try
        {
            new JettyClient(client, uri, headers).close();
            return 101;
        }
        catch (final ExecutionException ex)
        {
            for (Throwable t = ex.getCause(); t != null; t = t.getCause())
            {
                if (t instanceof org.eclipse.jetty.websocket.api.exceptions.UpgradeException upgrade &&
                    upgrade.getResponseStatusCode() > 0)
                {
                    return upgrade.getResponseStatusCode();
                }
                if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException upgrade &&
                    upgrade.getResponseStatusCode() > 0)
                {
                    return upgrade.getResponseStatusCode();
                }
            }
            throw ex;
        }
    }

    @Override
    public void onWebSocketText(final String message)
    {
        try
        {
            messages.add(MAPPER.readTree(message));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("not JSON: " + message, ex);
        }
    }

    @Override
    public void onWebSocketClose(final int statusCode, final String reason, final Callback callback)
    {
        closeCode = statusCode;
        ended.countDown();
        callback.succeed();
    }

    /**
     * Jetty reports the close after an error too, so only the close ends the connection here: an error while
     * sending (the gateway closed first) must not hide the close code that follows.
     */
    @Override
    public void onWebSocketError(final Throwable cause)
    {
        error = cause;
    }

    @Override
    public void send(final String text)
    {
        final Callback.Completable done = new Callback.Completable();
        session.sendText(text, done);
        done.join();
    }

    @Override
    public void sendParts(final String... parts)
    {
        for (int i = 0; i < parts.length; i++)
        {
            final Callback.Completable done = new Callback.Completable();
            session.sendPartialText(parts[i], i == parts.length - 1, done);
            done.join();
        }
    }

    @Override
    public void sendBinary(final byte[] bytes)
    {
        final Callback.Completable done = new Callback.Completable();
        session.sendBinary(ByteBuffer.wrap(bytes), done);
        done.join();
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

    public Throwable error()
    {
        return error;
    }

    @Override
    public void close()
    {
        session.disconnect();
    }
}
