package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/**
 * What the gateway tests need from a WebSocket client, whichever implementation (JDK, Jetty) is under it.
 */
public interface TestSocket extends AutoCloseable
{
    /** Sends one whole text message and waits until it is written. */
    void send(String text);

    /** Sends one text message as several frames (fragments), waiting for each. */
    void sendParts(String... parts);

    /** Sends one binary message. */
    void sendBinary(byte[] bytes);

    /** Every message received, parsed, in order. */
    BlockingQueue<JsonNode> messages();

    /** The close code the server sent, or -1 while open (or if the connection ended without a close frame). */
    int closeCode();

    /**
     * Waits for the connection to end.
     *
     * @return the close code received, or -1 if it ended without one; fails after {@code timeout}.
     */
    int awaitClose(Duration timeout) throws InterruptedException;

    /** Drops the connection at once. */
    @Override
    void close();
}
