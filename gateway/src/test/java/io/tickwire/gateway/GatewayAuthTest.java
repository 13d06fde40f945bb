package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token authentication, entitlements and the Origin allowlist against a real engine and gateway, with real
 * clients (raw socket for the exact HTTP refusal, JDK and Jetty WebSocket clients).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class GatewayAuthTest
{
    static final byte[] SECRET = Tokens.secret("auth-test-secret-0123456789abcdef0123456789");
    static final String APP = "https://app.example.com";

    private TickwireFixture fixture;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocketClient jetty = new WebSocketClient();

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception
    {
        fixture = new TickwireFixture(dir, 6, 500, 7, c ->
        {
            c.jwtSecret = SECRET;
            c.requireToken = true;
            c.allowedOrigins = List.of(APP, "http://localhost:3000/");
        });
        jetty.start();
    }

    @AfterAll
    void stop() throws Exception
    {
        jetty.stop();
        if (fixture != null)
        {
            fixture.close();
        }
    }

    private int port()
    {
        return fixture.gateway.port();
    }

    private static long now()
    {
        return System.currentTimeMillis() / 1000;
    }

    private record Refusal(int status, String body, String challenge)
    {
    }

    private Refusal raw(final String pathAndQuery, final Map<String, String> headers) throws Exception
    {
        try (RawWsClient client = RawWsClient.connect(port(), null, pathAndQuery, headers))
        {
            return new Refusal(client.status, client.body, client.headers.get("www-authenticate"));
        }
    }

    private static Map<String, String> bearer(final String token)
    {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Test
    void refusesMissingExpiredForgedAndMalformedTokensWith401AndAReason() throws Exception
    {
        final long refusedBefore = fixture.gateway.counters().upgradesRefusedToken.get();
        final String expired = Tokens.sign(SECRET, "{\"sub\":\"bob\",\"exp\":" + (now() - 5) + "}");
        final String early = Tokens.sign(SECRET, "{\"sub\":\"bob\",\"exp\":" + (now() + 600) + ",\"nbf\":" + (now() + 300) + "}");
        final String forged = Tokens.valid(Tokens.secret("some-other-secret-0123456789abcdef0123456789"), "bob", null);
        final String[] valid = Tokens.valid(SECRET, "bob", "[\"BTC-*\"]").split("\\.");
        final String widened = valid[0] + "." + Tokens.b64("{\"sub\":\"bob\",\"exp\":" + (now() + 600) + "}") + "." + valid[2];
        final String none = Tokens.b64("{\"alg\":\"none\"}") + "." + valid[1] + ".";
        final String challenge = "Bearer realm=\"tickwire\", error=\"invalid_token\"";

        final List<Refusal> refusals = List.of(
            raw("/stream", Map.of()),
            raw("/stream", bearer(expired)),
            raw("/stream?token=" + expired, Map.of()),
            raw("/stream", bearer(early)),
            raw("/stream", bearer(forged)),
            raw("/stream", bearer(widened)),
            raw("/stream", bearer(none)),
            raw("/stream", bearer("not-a-token")),
            raw("/stream", Map.of("Authorization", "Basic Ym9iOnNlY3JldA==")),
            raw("/stream?token=", Map.of()),
            raw("/stream?token=a&token=b", Map.of()));
        assertThat(refusals).containsExactly(
            new Refusal(401, "401 missing token\n", "Bearer realm=\"tickwire\""),
            new Refusal(401, "401 token expired\n", challenge),
            new Refusal(401, "401 token expired\n", challenge),
            new Refusal(401, "401 token not yet valid (nbf)\n", challenge),
            new Refusal(401, "401 bad signature\n", challenge),
            new Refusal(401, "401 bad signature\n", challenge),
            new Refusal(401, "401 malformed token: expected three base64url segments\n", challenge),
            new Refusal(401, "401 malformed token: expected three base64url segments\n", challenge),
            new Refusal(401, "401 Authorization must be 'Bearer <token>'\n", challenge),
            new Refusal(401, "401 missing token\n", "Bearer realm=\"tickwire\""),
            new Refusal(401, "401 more than one token parameter\n", challenge));

        // Real clients see the same status.
        final URI uri = fixture.streamUri();
        assertThat(List.of(
            JdkClient.upgradeStatus(http, uri, Map.of()),
            JdkClient.upgradeStatus(http, uri, bearer(expired)),
            JdkClient.upgradeStatus(http, uri, bearer(forged)),
            JettyClient.upgradeStatus(jetty, uri, Map.of()),
            JettyClient.upgradeStatus(jetty, uri, bearer(expired)),
            JettyClient.upgradeStatus(jetty, URI.create(uri + "?token=" + forged), Map.of())))
            .containsExactly(401, 401, 401, 401, 401, 401);
        assertThat(fixture.gateway.counters().upgradesRefusedToken.get() - refusedBefore).isEqualTo(17);
        assertThat(fixture.gateway.openConnections()).isZero();
    }

    @Test
    void acceptsATokenInTheHeaderOrTheQuery() throws Exception
    {
        final String token = Tokens.valid(SECRET, "carol", null);
        try (JdkClient header = new JdkClient(http, fixture.streamUri(), bearer(token));
            JettyClient query = new JettyClient(jetty, URI.create(fixture.streamUri() + "?token=" + token), Map.of()))
        {
            for (final TestSocket client : List.<TestSocket>of(header, query))
            {
                client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[\"LTC-USD\"]}");
                assertThat(nextReply(client).path("type").asText()).isEqualTo("subscribed");
            }
        }
        // the header wins over the query parameter
        try (JdkClient both = new JdkClient(http, URI.create(fixture.streamUri() + "?token=junk"), bearer(token)))
        {
            both.send("{\"op\":\"ping\",\"id\":2}");
            assertThat(nextReply(both).path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void aSymbolNotEntitledRefusesTheWholeRequest() throws Exception
    {
        final String token = Tokens.valid(SECRET, "dave", "[\"BTC-*\",\"ETH-USD\"]");
        try (JdkClient client = new JdkClient(http, fixture.streamUri(), bearer(token)))
        {
            client.send("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\",\"SOL-USD\",\"LTC-USD\"]}");
            client.send("{\"op\":\"subscribe\",\"id\":2,\"channel\":\"book\",\"symbols\":[\"NOPE-1\"]}");
            client.send("{\"op\":\"subscribe\",\"id\":3,\"channel\":\"book\",\"symbols\":[\"BTC-NOPE\"]}");
            client.send("{\"op\":\"resync\",\"id\":4,\"channel\":\"book\",\"symbols\":[\"SOL-USD\"]}");
            client.send("{\"op\":\"resync\",\"id\":5,\"channel\":\"book\",\"symbols\":[\"ETH-USD\"]}");
            client.send("{\"op\":\"ping\",\"id\":6}");
            // Everything up to the pong: replies only, no market data (nothing was subscribed).
            final List<String> seen = new ArrayList<>();
            while (true)
            {
                final JsonNode m = client.next(Duration.ofSeconds(10));
                final String type = m.path("type").asText();
                if ("heartbeat".equals(type))
                {
                    continue;
                }
                seen.add(type + " " + m.path("id").asText() + " " + m.path("code").asText() + " " + m.path("message").asText());
                if ("pong".equals(type))
                {
                    break;
                }
            }
            assertThat(seen).containsExactly(
                "error 1 NOT_ENTITLED not entitled to symbol 'SOL-USD'",
                "error 2 NOT_ENTITLED not entitled to symbol 'NOPE-1'",
                "error 3 UNKNOWN_SYMBOL unknown symbol 'BTC-NOPE'",
                "error 4 NOT_ENTITLED not entitled to symbol 'SOL-USD'",
                "error 5 NOT_SUBSCRIBED not subscribed to book ETH-USD",
                "pong 6  ");

            client.send("{\"op\":\"subscribe\",\"id\":7,\"channel\":\"book\",\"symbols\":[\"ETH-USD\",\"BTC-USD\"]}");
            final JsonNode subscribed = nextReply(client);
            assertThat(subscribed.path("type").asText()).isEqualTo("subscribed");
            assertThat(subscribed.path("id").asInt()).isEqualTo(7);
        }
    }

    @Test
    void refusesForeignOriginsWith403AndAllowsListedOrNone() throws Exception
    {
        final Map<String, String> token = bearer(Tokens.valid(SECRET, "erin", null));
        final List<Refusal> refusals = List.of(
            raw("/stream", withOrigin(token, "https://evil.example.com")),
            raw("/stream", Map.of("Origin", "https://evil.example.com")), // Origin is checked before the token
            raw("/stream", withOrigin(token, "null")),
            raw("/stream", withOrigin(token, "https://app.example.com.evil.com")));
        assertThat(refusals).containsExactly(
            new Refusal(403, "403 origin not allowed\n", null),
            new Refusal(403, "403 origin not allowed\n", null),
            new Refusal(403, "403 origin not allowed\n", null),
            new Refusal(403, "403 origin not allowed\n", null));
        final URI uri = fixture.streamUri();
        assertThat(List.of(
            JettyClient.upgradeStatus(jetty, uri, withOrigin(token, "https://evil.example.com")),
            JdkClient.upgradeStatus(http, uri, withOrigin(token, "https://evil.example.com")),
            JdkClient.upgradeStatus(http, uri, withOrigin(token, APP)),
            JdkClient.upgradeStatus(http, uri, withOrigin(token, "HTTPS://APP.example.com")),
            JettyClient.upgradeStatus(jetty, uri, withOrigin(token, "http://localhost:3000")),
            JdkClient.upgradeStatus(http, uri, token)))
            .containsExactly(403, 403, 101, 101, 101, 101);
    }

    private static Map<String, String> withOrigin(final Map<String, String> headers, final String origin)
    {
        final Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Origin", origin);
        return all;
    }

    static JsonNode nextReply(final TestSocket client) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true)
        {
            final JsonNode m = client.messages().poll(Math.max(1, deadline - System.nanoTime()) / 1_000_000,
                java.util.concurrent.TimeUnit.MILLISECONDS);
            if (m == null)
            {
                throw new AssertionError("no reply within 10 s (close " + client.closeCode() + ")");
            }
            switch (m.path("type").asText())
            {
                case "heartbeat", "trade", "book", "ticker" ->
                {
                }
                default ->
                {
                    return m;
                }
            }
        }
    }
}
