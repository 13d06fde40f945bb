package io.tickwire.gateway;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Mints compact HS256 JSON Web Tokens for tests, from literal header and claims JSON (so tests can sign
 * anything, including malformed claims).
 */
public final class Tokens
{
    public static final String HS256_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private Tokens()
    {
    }

    public static String b64(final String text)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sign(final byte[] secret, final String headerJson, final String claimsJson)
    {
        final String signingInput = b64(headerJson) + "." + b64(claimsJson);
        return signingInput + "." + signature(secret, signingInput);
    }

    public static String sign(final byte[] secret, final String claimsJson)
    {
        return sign(secret, HS256_HEADER, claimsJson);
    }

    /**
     * A token for {@code user}, valid for an hour, with {@code sym} as given (a JSON array text, or null for
     * no claim).
     */
    public static String valid(final byte[] secret, final String user, final String symJson)
    {
        final long exp = System.currentTimeMillis() / 1000 + 3600;
        return sign(secret, "{\"sub\":\"" + user + "\",\"exp\":" + exp + (symJson != null ? ",\"sym\":" + symJson : "") + "}");
    }

    public static String signature(final byte[] secret, final String signingInput)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    public static byte[] secret(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
