package io.tickwire.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.tickwire.gateway.Tokens.b64;
import static io.tickwire.gateway.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class TokenVerifierTest
{
    private static final long NOW = 1_700_000_000L;
    private static final byte[] SECRET = Tokens.secret("0123456789abcdef0123456789abcdef-test-secret");
    private static final byte[] OTHER = Tokens.secret("0123456789abcdef0123456789abcdef-other-secret");

    private final TokenVerifier verifier = new TokenVerifier(SECRET, () -> NOW, 0);

    private static String claims(final String extra)
    {
        return "{\"sub\":\"alice\",\"exp\":" + (NOW + 60) + extra + "}";
    }

    private void refused(final String token, final String reason)
    {
        assertThatThrownBy(() -> verifier.verify(token))
            .isInstanceOf(TokenVerifier.InvalidTokenException.class)
            .hasMessage(reason);
    }

    @Test
    void acceptsAValidTokenWithItsClaims() throws Exception
    {
        final Principal p = verifier.verify(sign(SECRET, claims(",\"sym\":[\"BTC-*\",\"ETH-USD\"],\"trade\":true,\"iat\":1,\"nbf\":" + NOW)));
        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.symbols().patterns()).containsExactly("BTC-*", "ETH-USD");
        assertThat(p.trade()).isTrue();
        assertThat(p.expiresAt()).isEqualTo(NOW + 60);
        assertThat(p.anonymous()).isFalse();
    }

    @Test
    void noSymClaimMeansEverySymbolAndNoTrading() throws Exception
    {
        final Principal p = verifier.verify(sign(SECRET, claims("")));
        assertThat(p.symbols().allowsAll()).isTrue();
        assertThat(p.trade()).isFalse();
    }

    @Test
    void ignoresUnknownClaimsAndHeadersEvenNested() throws Exception
    {
        final String token = sign(SECRET, "{\"kid\":\"k1\",\"alg\":\"HS256\",\"x\":{\"y\":[1]}}",
            claims(",\"realm_access\":{\"roles\":[\"a\",{\"b\":[]}]},\"aud\":\"x\",\"exp2\":null"));
        assertThat(verifier.verify(token).user()).isEqualTo("alice");
    }

    @Test
    void rfc7515AppendixA1SignatureVerifies()
    {
        // RFC 7515 A.1: an HS256 JWS from the RFC. Its signature is accepted (independent of Tokens), and then the
        // token is refused only because it has no 'sub' claim.
        final byte[] key = Base64.getUrlDecoder().decode(
            "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
        final String token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
            ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
            ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        final TokenVerifier rfc = new TokenVerifier(key, () -> 1_300_819_000L, 0);
        assertThatThrownBy(() -> rfc.verify(token)).hasMessage("missing claim 'sub'");
        assertThatThrownBy(() -> rfc.verify(token.substring(0, token.length() - 1) + "Y")).hasMessage("bad signature");
    }

    @Test
    void theExampleInDocsSecurityMdVerifies() throws Exception
    {
        final TokenVerifier docs = new TokenVerifier(Tokens.secret("tickwire-example-secret-0123456789abcdef"),
            () -> 1_800_000_000L, 0);
        final Principal p = docs.verify("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTg5MzQ1NjAwMCwic3ltIjpbIkJUQy0qIiwiRVRILVVTRCJdLCJ0cmFkZSI6ZmFsc2V9.GZ3WDsAgDoYTDGydRq3BZYtmFV1LxLm71I-hQy5Plnk");
        assertThat(List.of(p.user(), p.symbols().patterns(), p.trade(), p.expiresAt()))
            .containsExactly("alice", List.of("BTC-*", "ETH-USD"), false, 1_893_456_000L);
    }

    @Test
    void expiryAndNotBeforeAreExactAtTheBoundary() throws Exception
    {
        refused(sign(SECRET, "{\"sub\":\"a\",\"exp\":" + NOW + "}"), "token expired");
        assertThat(verifier.verify(sign(SECRET, "{\"sub\":\"a\",\"exp\":" + (NOW + 1) + "}")).expiresAt()).isEqualTo(NOW + 1);
        refused(sign(SECRET, claims(",\"nbf\":" + (NOW + 1))), "token not yet valid (nbf)");
        assertThat(verifier.verify(sign(SECRET, claims(",\"nbf\":" + NOW))).user()).isEqualTo("alice");
        // a fractional NumericDate is floored: conservative with a whole-second clock
        assertThat(verifier.verify(sign(SECRET, "{\"sub\":\"a\",\"exp\":" + (NOW + 1) + ".5}")).expiresAt())
            .isEqualTo(NOW + 1);
        refused(sign(SECRET, "{\"sub\":\"a\",\"exp\":" + NOW + ".5}"), "token expired");

        final TokenVerifier lenient = new TokenVerifier(SECRET, () -> NOW, 30);
        assertThat(lenient.verify(sign(SECRET, "{\"sub\":\"a\",\"exp\":" + (NOW - 29) + "}")).user()).isEqualTo("a");
        assertThatThrownBy(() -> lenient.verify(sign(SECRET, "{\"sub\":\"a\",\"exp\":" + (NOW - 30) + "}")))
            .hasMessage("token expired");
        assertThat(lenient.verify(sign(SECRET, claims(",\"nbf\":" + (NOW + 30)))).user()).isEqualTo("alice");
        assertThatThrownBy(() -> lenient.verify(sign(SECRET, claims(",\"nbf\":" + (NOW + 31)))))
            .hasMessage("token not yet valid (nbf)");
    }

    @Test
    void forgedTokensAreRefused()
    {
        final String good = sign(SECRET, claims(",\"sym\":[\"BTC-USD\"]"));
        refused(sign(OTHER, claims("")), "bad signature");
        final String[] parts = good.split("\\.");
        // widen the entitlements, keep the signature
        refused(parts[0] + "." + b64(claims("")) + "." + parts[2], "bad signature");
        refused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 40), "bad signature");
        refused(parts[0] + "." + parts[1] + "." + parts[2] + "AAAA", "bad signature");
        // 'none' and other algorithms, even with a valid HS256 signature over them
        refused(b64("{\"alg\":\"none\"}") + "." + parts[1] + ".", "malformed token: expected three base64url segments");
        refused(sign(SECRET, "{\"alg\":\"none\"}", claims("")), "unsupported alg (only HS256)");
        refused(sign(SECRET, "{\"alg\":\"HS512\"}", claims("")), "unsupported alg (only HS256)");
        refused(sign(SECRET, "{\"alg\":\"hs256\"}", claims("")), "unsupported alg (only HS256)");
        refused(sign(SECRET, "{\"typ\":\"JWT\"}", claims("")), "unsupported alg (only HS256)");
        refused(sign(SECRET, "{\"alg\":256}", claims("")), "header 'alg' must be a string");
        refused(sign(SECRET, "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", claims("")),
            "critical header parameters are not supported");
        refused(sign(SECRET, "{\"alg\":\"HS256\",\"alg\":\"HS256\"}", claims("")), "malformed token header JSON");
        refused(sign(SECRET, "[\"HS256\"]", claims("")), "token header must be a JSON object");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abc",
        "a.b",
        "a.b.c.d",
        ".b.c",
        "a..c",
        "a.b.",
        "eyJh.eyJh.c=",
        "eyJh.ey Jh.cc",
        "eyJh.eyJh.c+/c",
        "eyJhb.eyJh.cccc",
    })
    void malformedTokensAreRefused(final String token)
    {
        refused(token, "malformed token: expected three base64url segments");
    }

    @Test
    void emptyAndOverlongTokensAreRefused()
    {
        refused("", "missing token");
        refused("a".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1), "token longer than 4096 characters");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"exp\":1800000000}|missing claim 'sub'",
        "{\"sub\":\"a\"}|missing claim 'exp'",
        "{\"sub\":\"\",\"exp\":1800000000}|claim 'sub' must be a string of 1 to 256 characters",
        "{\"sub\":7,\"exp\":1800000000}|claim 'sub' must be a string of 1 to 256 characters",
        "{\"sub\":null,\"exp\":1800000000}|claim 'sub' must be a string of 1 to 256 characters",
        "{\"sub\":\"a\",\"exp\":\"1800000000\"}|claim 'exp' must be a number of seconds since the epoch",
        "{\"sub\":\"a\",\"exp\":null}|claim 'exp' must be a number of seconds since the epoch",
        "{\"sub\":\"a\",\"exp\":99999999999999999999999}|claim 'exp' must be a number of seconds since the epoch",
        "{\"sub\":\"a\",\"exp\":1e300}|claim 'exp' must be a number of seconds since the epoch",
        "{\"sub\":\"a\",\"exp\":1800000000,\"nbf\":true}|claim 'nbf' must be a number of seconds since the epoch",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":\"BTC-USD\"}|claim 'sym' must be an array of symbol patterns",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[1]}|claim 'sym' must be an array of strings",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[[\"x\"]]}|claim 'sym' must be an array of strings",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[\"BTC USD\"]}|claim 'sym': invalid symbol pattern 'BTC USD'",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[\"BTC*X\"]}|claim 'sym': invalid symbol pattern 'BTC*X'",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[\"**\"]}|claim 'sym': invalid symbol pattern '**'",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[\"\"]}|claim 'sym': invalid symbol pattern ''",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[\"ABCDEFGHIJKLMNOPQ\"]}|claim 'sym': invalid symbol pattern 'ABCDEFGHIJKLMNOPQ'",
        "{\"sub\":\"a\",\"exp\":1800000000,\"sym\":[\"ABCDEFGHIJKLMNOP*\"]}|claim 'sym': invalid symbol pattern 'ABCDEFGHIJKLMNOP*'",
        "{\"sub\":\"a\",\"exp\":1800000000,\"trade\":\"yes\"}|claim 'trade' must be a boolean",
        "{\"sub\":\"a\",\"sub\":\"b\",\"exp\":1800000000}|malformed token claims JSON",
        "{\"sub\":\"a\",\"exp\":1800000000}x|malformed token claims JSON",
        "{\"sub\":\"a\",\"exp\":1800000000|malformed token claims JSON",
        "[]|token claims must be a JSON object",
        "`\"sub\"`|token claims must be a JSON object",
        "{\"sub\":\"a\",\"exp\":1800000000,\"x\":[[[[[[[[[1]]]]]]]]]}|malformed token claims JSON",
    })
    void invalidClaimsAreRefused(final String claims, final String reason)
    {
        refused(sign(SECRET, claims), reason);
    }

    @Test
    void tooManyPatternsAreRefused() throws Exception
    {
        final List<String> patterns = new ArrayList<>();
        for (int i = 0; i < SymbolEntitlements.MAX_PATTERNS; i++)
        {
            patterns.add("\"S" + i + "\"");
        }
        final String sym = "[" + String.join(",", patterns) + "]";
        assertThat(verifier.verify(sign(SECRET, claims(",\"sym\":" + sym))).symbols().patterns())
            .hasSize(SymbolEntitlements.MAX_PATTERNS);
        refused(sign(SECRET, claims(",\"sym\":[\"X\"," + sym.substring(1))), "claim 'sym' has more than 256 patterns");
    }

    @Test
    void refusesShortSecrets()
    {
        assertThatThrownBy(() -> new TokenVerifier(new byte[31], () -> NOW, 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the HS256 secret must be at least 32 bytes");
    }

    @Test
    void isSafeToShareAcrossThreads() throws Exception
    {
        final String token = sign(SECRET, claims(""));
        final Thread[] threads = new Thread[4];
        final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads.length; t++)
        {
            threads[t] = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < 2_000; i++)
                    {
                        assertThat(verifier.verify(token).user()).isEqualTo("alice");
                        assertThatThrownBy(() -> verifier.verify(sign(OTHER, claims("")))).hasMessage("bad signature");
                    }
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            });
            threads[t].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
