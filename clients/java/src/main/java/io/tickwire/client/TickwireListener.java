package io.tickwire.client;

/**
 * Receives everything a {@link TickwireClient} delivers. Every method has an empty default: implement the ones
 * you need.
 * <h2>Threading</h2>
 * Callbacks are never concurrent and arrive in order: each happens-after the previous one (the client runs all
 * its work, callbacks included, in one serial lane). They run on the thread that delivered the WebSocket message
 * (a thread of the JDK's {@code HttpClient}) or on the client's own thread {@code tickwire-client-N} (timers,
 * reconnects, and messages that arrived while the lane was busy); never on the thread calling a
 * {@link TickwireClient} method. So:
 * <ul>
 *     <li>do not block in a callback: it holds back this client's messages (and other WebSocket connections
 *     of the same {@code HttpClient});</li>
 *     <li>never wait on a client future inside a callback ({@code join()}, {@code get()}): the reply is
 *     delivered by the same lane, so it deadlocks; use {@code thenAccept} and friends;</li>
 *     <li>the {@link Trade}, {@link Ticker} and {@link BookUpdate} passed are flyweights reused for the next
 *     message, and the {@link OrderBook} belongs to the client: copy what you keep beyond the callback.</li>
 * </ul>
 * A callback that throws is reported to {@link #onError} ({@link ClientError#LISTENER_FAILED}) and the client
 * carries on.
 * <h2>What the application sees</h2>
 * On each stream, {@code seq} never goes backwards and no message is delivered twice, across reconnects and
 * gateway failovers: trades are delivered exactly once, or reported missing by {@link #onGap}. Books are
 * delivered only when their checksum verified.
 */
public interface TickwireListener
{
    /**
     * A trade, exactly once per trade ({@code seq}), in seq order per stream.
     */
    default void onTrade(final Trade trade)
    {
    }

    /**
     * A book message was applied to the client's view and its checksum verified.
     *
     * @param book   the client's view after the message.
     * @param update the message itself (the changed levels, or the snapshot).
     */
    default void onBook(final OrderBook book, final BookUpdate update)
    {
    }

    /**
     * The ticker of an instrument (the whole state).
     */
    default void onTicker(final Ticker ticker)
    {
    }

    /**
     * The connection changed.
     */
    default void onStatus(final StatusEvent status)
    {
    }

    /**
     * Events of a stream were lost and will not be delivered (see {@link Gap}).
     */
    default void onGap(final Gap gap)
    {
    }

    /**
     * Something went wrong that the client handles by itself (a checksum mismatch leads to a resync, a lost
     * connection to a reconnect), or a server error with no request behind it. For information.
     */
    default void onError(final ClientError error)
    {
    }
}
