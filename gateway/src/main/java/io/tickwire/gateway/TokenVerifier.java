package io.tickwire.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Verifies the gateway's bearer tokens: compact JWS JSON Web Tokens signed with HMAC-SHA256 ({@code HS256})
 * under a shared secret (docs/security.md). Thread safe: Jetty threads call {@link #verify} concurrently
 * during WebSocket upgrades.
 * <p>
 * The order of checks: the token's shape (three non-empty base64url segments without padding, at most
 * {@link #MAX_TOKEN_LENGTH} characters), then the signature over the first two segments (constant-time
 * comparison) before any JSON is parsed, then the header ({@code alg} must be {@code HS256}; a {@code crit}
 * header is refused), then the claims: {@code sub} (required string), {@code exp} (required NumericDate),
 * {@code nbf} (optional), {@code sym} (optional array of symbol patterns, see {@link SymbolEntitlements}) and
 * {@code trade} (optional boolean). Other claims are ignored; a duplicate claim or a {@code null} for a
 * known claim refuses the token.
 */
public final class TokenVerifier
{
    /** Longest token accepted, in characters. */
    public static final int MAX_TOKEN_LENGTH = 4096;
    /** Shortest secret: RFC 7518 section 3.2 requires a key of at least 256 bits for HS256. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Longest {@code sub}. */
    public static final int MAX_SUBJECT_LENGTH = 256;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int SIGNATURE_BYTES = 32;

    /** Why a token was refused; the message is safe to show the client. */
    public static final class InvalidTokenException extends Exception
    {
        public InvalidTokenException(final String message)
        {
            super(message, null, false, false);
        }
    }

    private final Mac prototype;
    private final LongSupplier epochSeconds;
    private final long leewaySeconds;
    private final JsonFactory json;

    /**
     * @param secret        the HS256 key, at least {@link #MIN_SECRET_BYTES} bytes (copied).
     * @param epochSeconds  the clock {@code exp} and {@code nbf} are compared with.
     * @param leewaySeconds clock skew tolerated on {@code exp} and {@code nbf}, 0 or more.
     */
    public TokenVerifier(final byte[] secret, final LongSupplier epochSeconds, final long leewaySeconds)
    {
        if (secret == null || secret.length < MIN_SECRET_BYTES)
        {
            throw new IllegalArgumentException("the HS256 secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (leewaySeconds < 0)
        {
            throw new IllegalArgumentException("leeway must not be negative: " + leewaySeconds);
        }
        try
        {
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(new SecretKeySpec(secret.clone(), ALGORITHM));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
        this.epochSeconds = epochSeconds;
        this.leewaySeconds = leewaySeconds;
        json = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(MAX_TOKEN_LENGTH)
                .maxNestingDepth(8)
                .maxNumberLength(32)
                .maxNameLength(256)
                .maxStringLength(MAX_TOKEN_LENGTH)
                .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    }

    /**
     * @param token the compact serialisation {@code header.payload.signature}.
     * @return the token's principal.
     * @throws InvalidTokenException with a short reason when the token is malformed, forged, expired, not yet
     *                               valid, or carries invalid claims.
     */
    public Principal verify(final String token) throws InvalidTokenException
    {
        if (token == null || token.isEmpty())
        {
            throw new InvalidTokenException("missing token");
        }
        if (token.length() > MAX_TOKEN_LENGTH)
        {
            throw new InvalidTokenException("token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        final int firstDot = token.indexOf('.');
        final int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot <= firstDot + 1 || secondDot == token.length() - 1 ||
            !isBase64Url(token, firstDot, secondDot))
        {
            throw new InvalidTokenException("malformed token: expected three base64url segments");
        }

        final byte[] signature = decode(token, secondDot + 1, token.length());
        final byte[] expected = mac().doFinal(token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII));
        if (signature.length != SIGNATURE_BYTES || !MessageDigest.isEqual(expected, signature))
        {
            throw new InvalidTokenException("bad signature");
        }

        checkHeader(decode(token, 0, firstDot));
        return claims(decode(token, firstDot + 1, secondDot));
    }

    private static byte[] decode(final String token, final int from, final int to) throws InvalidTokenException
    {
        try
        {
            return Base64.getUrlDecoder().decode(token.substring(from, to));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InvalidTokenException("malformed token: bad base64url");
        }
    }

    private Mac mac()
    {
        try
        {
            return (Mac)prototype.clone();
        }
        catch (final CloneNotSupportedException ex)
        {
            throw new IllegalStateException("HmacSHA256 provider does not support clone()", ex);
        }
    }

    /**
     * @return true if every character except the two dots is in the base64url alphabet (no padding), and no
     * segment has a length that base64 cannot produce (1 mod 4).
     */
    private static boolean isBase64Url(final String token, final int dot1, final int dot2)
    {
        final int length = token.length();
        for (int i = 0; i < length; i++)
        {
            if (i == dot1 || i == dot2)
            {
                continue;
            }
            final char c = token.charAt(i);
            final boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
            if (!ok)
            {
                return false;
            }
        }
        return dot1 % 4 != 1 && (dot2 - dot1 - 1) % 4 != 1 && (length - dot2 - 1) % 4 != 1;
    }

    private void checkHeader(final byte[] header) throws InvalidTokenException
    {
        String alg = null;
        try (JsonParser parser = json.createParser(header))
        {
            expectObject(parser, "header");
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if ("alg".equals(name))
                {
                    if (value != JsonToken.VALUE_STRING)
                    {
                        throw new InvalidTokenException("header 'alg' must be a string");
                    }
                    alg = parser.getText();
                }
                else if ("crit".equals(name))
                {
                    throw new InvalidTokenException("critical header parameters are not supported");
                }
                else
                {
                    parser.skipChildren();
                }
            }
            expectEnd(parser, "header");
        }
        catch (final IOException ex)
        {
            throw new InvalidTokenException("malformed token header JSON");
        }
        if (!"HS256".equals(alg))
        {
            throw new InvalidTokenException("unsupported alg (only HS256)");
        }
    }

    private Principal claims(final byte[] payload) throws InvalidTokenException
    {
        String sub = null;
        long exp = Long.MIN_VALUE;
        long nbf = Long.MIN_VALUE;
        List<String> sym = null;
        boolean trade = false;
        try (JsonParser parser = json.createParser(payload))
        {
            expectObject(parser, "claims");
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                switch (name)
                {
                    case "sub" ->
                    {
                        if (value != JsonToken.VALUE_STRING || parser.getTextLength() == 0 ||
                            parser.getTextLength() > MAX_SUBJECT_LENGTH)
                        {
                            throw new InvalidTokenException("claim 'sub' must be a string of 1 to " +
                                MAX_SUBJECT_LENGTH + " characters");
                        }
                        sub = parser.getText();
                    }
                    case "exp" -> exp = numericDate(parser, value, "exp");
                    case "nbf" -> nbf = numericDate(parser, value, "nbf");
                    case "sym" -> sym = patterns(parser, value);
                    case "trade" ->
                    {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE)
                        {
                            throw new InvalidTokenException("claim 'trade' must be a boolean");
                        }
                        trade = value == JsonToken.VALUE_TRUE;
                    }
                    default -> parser.skipChildren();
                }
            }
            expectEnd(parser, "claims");
        }
        catch (final IOException ex)
        {
            throw new InvalidTokenException("malformed token claims JSON");
        }
        if (sub == null)
        {
            throw new InvalidTokenException("missing claim 'sub'");
        }
        if (exp == Long.MIN_VALUE)
        {
            throw new InvalidTokenException("missing claim 'exp'");
        }
        final long now = epochSeconds.getAsLong();
        if (now >= saturatedAdd(exp, leewaySeconds))
        {
            throw new InvalidTokenException("token expired");
        }
        if (nbf != Long.MIN_VALUE && saturatedAdd(now, leewaySeconds) < nbf)
        {
            throw new InvalidTokenException("token not yet valid (nbf)");
        }
        final SymbolEntitlements symbols;
        try
        {
            symbols = sym == null ? SymbolEntitlements.ALL : SymbolEntitlements.of(sym);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InvalidTokenException("claim 'sym': " + ex.getMessage());
        }
        return new Principal(sub, symbols, trade, exp);
    }

    private static long numericDate(final JsonParser parser, final JsonToken value, final String claim)
        throws IOException, InvalidTokenException
    {
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER)
        {
            return parser.getLongValue();
        }
        if (value == JsonToken.VALUE_NUMBER_FLOAT)
        {
            final double seconds = parser.getDoubleValue();
            if (seconds > -9.0E18 && seconds < 9.0E18)
            {
                return (long)Math.floor(seconds);
            }
        }
        throw new InvalidTokenException("claim '" + claim + "' must be a number of seconds since the epoch");
    }

    private static List<String> patterns(final JsonParser parser, final JsonToken value)
        throws IOException, InvalidTokenException
    {
        if (value != JsonToken.START_ARRAY)
        {
            throw new InvalidTokenException("claim 'sym' must be an array of symbol patterns");
        }
        final List<String> patterns = new ArrayList<>();
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY)
        {
            if (element != JsonToken.VALUE_STRING)
            {
                throw new InvalidTokenException("claim 'sym' must be an array of strings");
            }
            if (patterns.size() == SymbolEntitlements.MAX_PATTERNS)
            {
                throw new InvalidTokenException("claim 'sym' has more than " + SymbolEntitlements.MAX_PATTERNS +
                    " patterns");
            }
            patterns.add(parser.getText());
        }
        return patterns;
    }

    private static void expectObject(final JsonParser parser, final String what)
        throws IOException, InvalidTokenException
    {
        if (parser.nextToken() != JsonToken.START_OBJECT)
        {
            throw new InvalidTokenException("token " + what + " must be a JSON object");
        }
    }

    private static void expectEnd(final JsonParser parser, final String what) throws IOException, InvalidTokenException
    {
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null)
        {
            throw new InvalidTokenException("malformed token " + what + " JSON");
        }
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

}
