package io.tickwire.codecs.json;

/**
 * The codes of the protocol's {@code error} reply ({@code {"type":"error","id":..,"code":"..","message":".."}}),
 * written as the constant's name in UPPER_SNAKE case. The code is for programs, the message for people:
 * clients branch on the code only. Codes are never renamed or reused; new ones may be added, so a client
 * treats an unknown code like {@link #INTERNAL}.
 * <p>
 * Unless a code says otherwise the connection stays open and nothing else changed: a refused request has no
 * partial effect.
 */
public enum ErrorCode
{
    /**
     * The request is not valid: not a single JSON object, too large or too deep, a field of the wrong type
     * or out of range, a required field missing, a duplicate field, an unknown {@code channel}, a symbol
     * that is not well formed. The message names the field.
     */
    BAD_REQUEST("The request is malformed: bad JSON, a missing field, a field of the wrong type or out of range"),

    /**
     * {@code op} is a string but not an operation this server knows.
     */
    UNKNOWN_OP("The op is not one this server knows"),

    /**
     * A symbol is well formed but names no instrument.
     */
    UNKNOWN_SYMBOL("A well-formed symbol that names no instrument"),

    /**
     * The connection's token does not allow this operation, channel or symbol.
     */
    NOT_ENTITLED("The connection's token does not allow this operation, channel or symbol"),

    /**
     * The connection sent requests faster than its allowance; this request was dropped unprocessed.
     */
    RATE_LIMITED("Too many requests: this one was dropped unprocessed"),

    /**
     * Serving the request would exceed the connection's limit of subscribed streams; nothing was subscribed.
     */
    TOO_MANY_SUBSCRIPTIONS("The subscription would exceed the connection's limit of streams"),

    /**
     * {@code resync} named a stream this connection is not subscribed to (unsubscribing a stream one does not
     * have is not an error).
     */
    NOT_SUBSCRIBED("The request names a stream this connection is not subscribed to"),

    /**
     * {@code order} or {@code cancel}: the connection already has as many requests waiting for the engine's
     * answer as it may; this one was not sent. Wait for an {@code ack} or {@code reject}, then retry.
     */
    TOO_MANY_ORDERS_IN_FLIGHT("The connection has too many orders and cancels waiting for the engine's answer"),

    /**
     * {@code order}: the connection's open orders (resting in the book, plus new orders in flight) are at its
     * limit; this one was not sent. Cancel some first.
     */
    TOO_MANY_OPEN_ORDERS("The connection has as many open orders as it may"),

    /**
     * {@code order} or {@code cancel}: the gateway could not hand the request to the engine (not connected,
     * or back pressure on the engine's input stream); it was not sent and may be retried.
     */
    ENGINE_UNAVAILABLE("The engine could not take the request now; it was not sent"),

    /**
     * Reserved. A client that falls too far behind is closed with WebSocket close code 4008 and a reason
     * naming the seq to resume from; no error message is sent first (it would queue behind the backlog).
     */
    SLOW_CONSUMER("Reserved: slow consumers are closed with close code 4008, see docs/protocol.md"),

    /**
     * The server failed to serve a valid request. The request may be retried.
     */
    INTERNAL("The server failed to serve the request");

    private final String description;
    private final JsonName json;

    ErrorCode(final String description)
    {
        this.description = description;
        this.json = JsonName.of(name());
    }

    /**
     * @return what the code means, for documentation and logs.
     */
    public String description()
    {
        return description;
    }

    /**
     * @return the code as a pre-encoded JSON string.
     */
    public JsonName json()
    {
        return json;
    }
}
