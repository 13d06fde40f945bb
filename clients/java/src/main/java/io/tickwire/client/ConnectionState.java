package io.tickwire.client;

/**
 * The connection state reported by {@link TickwireListener#onStatus}.
 */
public enum ConnectionState
{
    /** A WebSocket connection to a gateway is being opened. */
    CONNECTING,
    /** The first connection is open, and every stream asked for so far is subscribed. */
    CONNECTED,
    /** The connection was lost; the next attempt (maybe on the next gateway) follows after a backoff. */
    RECONNECTING,
    /** A later connection is open and every stream was subscribed again (resumed where the gateway could). */
    RESUMED,
    /** {@link TickwireClient#close()} was called. Final. */
    CLOSED
}
