package io.tickwire.app;

import io.tickwire.gateway.GatewayConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Gateway options shared by {@code run} and {@code gateway} (docs/security.md for tokens and limits).
 */
final class GatewayOptions
{
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
        description = "WebSocket/HTTP port of the gateway. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind. Default: all interfaces")
    String host;

    @Option(names = "--jwt-secret-file", paramLabel = "FILE",
        description = "File holding the HS256 secret (at least 32 bytes) that signs client tokens; enables token auth")
    Path jwtSecretFile;

    @Option(names = "--require-token", description = "Refuse connections without a valid token (needs --jwt-secret-file)")
    boolean requireToken;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN",
        description = "An allowed browser Origin, e.g. https://trade.example.com (repeatable). Default: any")
    List<String> allowedOrigins = List.of();

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "10000",
        description = "Sessions per gateway; more get HTTP 503. Default: ${DEFAULT-VALUE}")
    int maxSessions;

    @Option(names = "--max-sessions-per-ip", paramLabel = "N", defaultValue = "1000",
        description = "Sessions per remote address; more get HTTP 429. Default: ${DEFAULT-VALUE}")
    int maxSessionsPerIp;

    @Option(names = "--web", paramLabel = "DIR", description = "Serve static files from DIR at / instead of the built-in page")
    Path web;

    @Option(names = "--allow-trading", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
        description = "Let connections without a token send orders (tokens need \"trade\": true). "
            + "Default: true for run (a simulated market), false for gateway")
    Boolean allowTrading;

    @Option(names = "--gateway-id", paramLabel = "N",
        description = "1..7, this gateway's range of engine participant ids; each gateway of one engine needs its own. "
            + "Default: 1 for run, 2 for gateway")
    Integer gatewayId;

    /**
     * Applies these options to {@code config}.
     *
     * @param defaultTrading   {@code anonymousTrading} when {@code --allow-trading} is not given.
     * @param defaultGatewayId {@code gatewayId} when {@code --gateway-id} is not given.
     *
     * @throws IllegalArgumentException for bad values, naming the option.
     */
    GatewayConfig apply(final GatewayConfig config, final boolean defaultTrading, final int defaultGatewayId)
        throws IOException
    {
        final int id = gatewayId != null ? gatewayId : defaultGatewayId;
        if (id < 1 || id > io.tickwire.engine.ParticipantRanges.MAX_GATEWAY_ID)
        {
            throw new IllegalArgumentException("--gateway-id must be 1.." +
                io.tickwire.engine.ParticipantRanges.MAX_GATEWAY_ID + ", got " + id);
        }
        config.gatewayId = id;
        config.anonymousTrading = allowTrading != null ? allowTrading : defaultTrading;
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (maxSessions < 1 || maxSessionsPerIp < 1)
        {
            throw new IllegalArgumentException("--max-sessions and --max-sessions-per-ip must be positive");
        }
        if (requireToken && jwtSecretFile == null)
        {
            throw new IllegalArgumentException("--require-token needs --jwt-secret-file");
        }
        if (jwtSecretFile != null)
        {
            if (!Files.isReadable(jwtSecretFile))
            {
                throw new IllegalArgumentException("--jwt-secret-file " + jwtSecretFile + " is not a readable file");
            }
            final byte[] secret = Files.readAllBytes(jwtSecretFile);
            int end = secret.length;
            while (end > 0 && (secret[end - 1] == '\n' || secret[end - 1] == '\r'))
            {
                end--; // a trailing newline from an editor is not part of the secret
            }
            if (end < 32)
            {
                throw new IllegalArgumentException("--jwt-secret-file: the secret must be at least 32 bytes, got " + end);
            }
            config.jwtSecret = java.util.Arrays.copyOf(secret, end);
        }
        if (web != null && !Files.isDirectory(web))
        {
            throw new IllegalArgumentException("--web " + web + ": no such directory");
        }
        config.port = port;
        config.host = host;
        config.requireToken = requireToken;
        config.allowedOrigins = List.copyOf(allowedOrigins);
        config.maxSessions = maxSessions;
        config.maxSessionsPerIp = maxSessionsPerIp;
        config.staticDirectory = web;
        return config;
    }
}
