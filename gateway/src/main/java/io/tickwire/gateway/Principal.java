package io.tickwire.gateway;

/**
 * Who a connection is, as established at the WebSocket upgrade: the verified token's subject and what it
 * may do. Immutable; created on a Jetty thread and handed to the gateway agent with the session's Open
 * command.
 *
 * @param user         the token's {@code sub}, or null for an anonymous connection.
 * @param symbols      the symbols the connection may subscribe to (the token's {@code sym} claim).
 * @param trade        the token's {@code trade} claim (order entry, when a gateway offers it).
 * @param expiresAt    the token's {@code exp}, epoch seconds; {@link Long#MAX_VALUE} when anonymous.
 */
public record Principal(String user, SymbolEntitlements symbols, boolean trade, long expiresAt)
{
    /** A connection without a token on a gateway that does not require one: all market data, no trading. */
    public static final Principal ANONYMOUS = new Principal(null, SymbolEntitlements.ALL, false, Long.MAX_VALUE);

    public Principal
    {
        if (symbols == null)
        {
            throw new IllegalArgumentException("symbols must not be null");
        }
    }

    public boolean anonymous()
    {
        return user == null;
    }
}
