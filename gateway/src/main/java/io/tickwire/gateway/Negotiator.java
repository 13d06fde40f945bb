package io.tickwire.gateway;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Accepts or refuses a WebSocket upgrade on {@code /stream}. Runs on Jetty threads and touches no gateway
 * state: the checks read only the request, the immutable configuration, the thread-safe
 * {@link TokenVerifier} and the thread-safe {@link ConnectionLimiter}. In order (docs/security.md):
 * <ol>
 *     <li>{@code Origin} not in {@code allowedOrigins}: HTTP 403.</li>
 *     <li>token (header {@code Authorization: Bearer}, else query {@code ?token=}) missing where required,
 *     malformed, forged, expired or not yet valid: HTTP 401 with a {@code WWW-Authenticate} challenge.</li>
 *     <li>subprotocols offered but neither {@code json} nor {@code tickwire.sbe.v1}: HTTP 400.</li>
 *     <li>{@code maxSessions} reached: HTTP 503; {@code maxSessionsPerIp} reached: HTTP 429.</li>
 *     <li>the gateway is down (its media driver was lost, docs/reliability.md): HTTP 503.</li>
 * </ol>
 * A refusal carries a one-line {@code text/plain} body saying why. An accepted upgrade creates the
 * endpoint with the connection's {@link Principal} and its {@link ConnectionLimiter.Admission}.
 */
final class Negotiator implements WebSocketNegotiator
{
    private static final String BEARER = "bearer ";

    private final GatewayAgent agent;
    private final GatewayConfig config;
    private final GatewayCounters counters;
    private final TokenVerifier verifier;
    private final ConnectionLimiter limiter;
    private final Set<String> allowedOrigins;
    private final Supplier<String> downReason;

    Negotiator(
        final GatewayAgent agent,
        final GatewayConfig config,
        final GatewayCounters counters,
        final TokenVerifier verifier,
        final ConnectionLimiter limiter,
        final Supplier<String> downReason)
    {
        this.downReason = downReason;
        this.agent = agent;
        this.config = config;
        this.counters = counters;
        this.verifier = verifier;
        this.limiter = limiter;
        this.allowedOrigins = config.allowedOrigins.stream()
            .map(Negotiator::normaliseOrigin)
            .collect(Collectors.toUnmodifiableSet());
    }

    static String normaliseOrigin(final String origin)
    {
        final String trimmed = origin.trim();
        return (trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed).toLowerCase(Locale.ROOT);
    }

    @Override
    public FrameHandler negotiate(
        final ServerUpgradeRequest request, final ServerUpgradeResponse response, final Callback callback)
    {
        final String originRefusal = checkOrigin(request);
        if (originRefusal != null)
        {
            return refuse(response, callback, 403, originRefusal, counters.upgradesRefusedOrigin);
        }

        final Principal principal;
        try
        {
            principal = authenticate(request);
        }
        catch (final TokenVerifier.InvalidTokenException ex)
        {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "missing token".equals(ex.getMessage()) ?
                "Bearer realm=\"tickwire\"" : "Bearer realm=\"tickwire\", error=\"invalid_token\"");
            return refuse(response, callback, 401, ex.getMessage(), counters.upgradesRefusedToken);
        }
        catch (final BadUpgrade ex)
        {
            return refuse(response, callback, 400, ex.getMessage(), counters.upgradesRefusedBadRequest);
        }

        final List<String> offered = request.getSubProtocols();
        WireFormat format = WireFormat.JSON;
        if (offered != null && !offered.isEmpty())
        {
            format = WireFormat.choose(offered);
            if (format == null)
            {
                return refuse(response, callback, 400,
                    "unsupported subprotocol (this gateway speaks json and tickwire.sbe.v1)",
                    counters.upgradesRefusedBadRequest);
            }
            response.setAcceptedSubProtocol(format.subprotocol);
        }

        final String down = downReason.get();
        if (down != null)
        {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
            return refuse(response, callback, 503, "gateway down: " + down, counters.upgradesRefusedGatewayFull);
        }
        final ConnectionLimiter.Admission admission = limiter.admit(Request.getRemoteAddr(request));
        switch (admission.verdict())
        {
            case GATEWAY_FULL:
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
                return refuse(response, callback, 503, "gateway at its session limit (" + config.maxSessions + ")",
                    counters.upgradesRefusedGatewayFull);
            case IP_FULL:
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
                return refuse(response, callback, 429, "too many sessions from this address (limit " +
                    config.maxSessionsPerIp + ")", counters.upgradesRefusedIpLimit);
            default:
                break;
        }
        // The endpoint releases the admission when Jetty reports the connection closed; an upgrade that fails
        // after this point never opens the endpoint, so the request's failure releases it instead.
        Request.addCompletionListener(request, failure ->
        {
            if (failure != null)
            {
                admission.release();
            }
        });
        return new WsEndpoint(agent, config.maxInboundMessageBytes, principal, admission, format);
    }

    /**
     * @return why the request's Origin is refused, or null.
     */
    private String checkOrigin(final Request request)
    {
        if (allowedOrigins.isEmpty())
        {
            return null;
        }
        final List<HttpField> origins = request.getHeaders().getFields(HttpHeader.ORIGIN);
        if (origins.isEmpty())
        {
            return null;
        }
        if (origins.size() > 1)
        {
            return "more than one Origin header";
        }
        return allowedOrigins.contains(normaliseOrigin(origins.get(0).getValue())) ? null : "origin not allowed";
    }

    private Principal authenticate(final Request request) throws TokenVerifier.InvalidTokenException, BadUpgrade
    {
        if (verifier == null)
        {
            return anonymous();
        }
        final String token = token(request);
        if (token == null)
        {
            if (config.requireToken)
            {
                throw new TokenVerifier.InvalidTokenException("missing token");
            }
            return anonymous();
        }
        return verifier.verify(token);
    }

    private Principal anonymous()
    {
        return config.anonymousSymbols == SymbolEntitlements.ALL ? Principal.ANONYMOUS :
            new Principal(null, config.anonymousSymbols, false, Long.MAX_VALUE);
    }

    /**
     * @return the bearer token of the {@code Authorization} header, else of the {@code token} query parameter,
     * else null.
     */
    private static String token(final Request request) throws TokenVerifier.InvalidTokenException, BadUpgrade
    {
        final List<HttpField> authorization = request.getHeaders().getFields(HttpHeader.AUTHORIZATION);
        if (authorization.size() > 1)
        {
            throw new TokenVerifier.InvalidTokenException("more than one Authorization header");
        }
        if (authorization.size() == 1)
        {
            final String value = authorization.get(0).getValue().trim();
            if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length()))
            {
                throw new TokenVerifier.InvalidTokenException("Authorization must be 'Bearer <token>'");
            }
            return value.substring(BEARER.length()).trim();
        }
        if (request.getHttpURI().getQuery() == null)
        {
            return null;
        }
        final Fields query;
        try
        {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        }
        catch (final RuntimeException ex)
        {
            throw new BadUpgrade("malformed query string");
        }
        final List<String> tokens = query.getValues("token");
        if (tokens == null || tokens.isEmpty())
        {
            return null;
        }
        if (tokens.size() > 1)
        {
            throw new TokenVerifier.InvalidTokenException("more than one token parameter");
        }
        return tokens.get(0).isEmpty() ? null : tokens.get(0);
    }

    private static FrameHandler refuse(
        final Response response,
        final Callback callback,
        final int status,
        final String reason,
        final AtomicLong counter)
    {
        counter.incrementAndGet();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, StandardCharsets.UTF_8.encode(status + " " + reason + "\n"), callback);
        return null;
    }

    /** A request that cannot be understood (HTTP 400). */
    private static final class BadUpgrade extends Exception
    {
        BadUpgrade(final String message)
        {
            super(message, null, false, false);
        }
    }
}
