package io.tickwire.gateway;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.replay.JournalReplaySource;
import io.tickwire.replay.ReplayClient;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import java.time.Duration;

/**
 * A gateway: Jetty 12 (core API, no servlets) serving {@code /stream} (WebSocket, JSON protocol),
 * {@code /metrics}, {@code /health} and static files at {@code /}, fed by the Aeron market-data bus.
 */
public final class GatewayServer implements AutoCloseable
{
    private final GatewayConfig config;
    private final GatewayCounters counters = new GatewayCounters();
    private final Aeron aeron;
    private final Journal journal;
    private final GatewayAgent agent;
    private final AgentRunner runner;
    private final ReplayAgent replayer;
    /** The engine's replay service, for a gateway without a journal (config.replayChannel), or null. */
    private final ReplayClient replayService;
    /** The replay agent's runner (resumes), or null without a journal. */
    private final AgentRunner replayRunner;
    private final Server server;
    private final ServerConnector connector;
    private final ConnectionLimiter limiter;

    private GatewayServer(final GatewayConfig config)
    {
        this.config = config;
        final TokenVerifier verifier = tokenVerifier(config);
        limiter = new ConnectionLimiter(config.maxSessions, config.maxSessionsPerIp);
        Aeron client = null;
        Journal opened = null;
        ReplayClient remote = null;
        try
        {
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(config.aeronDirectory));
            opened = config.journalDirectory != null ?
                Journal.open(JournalConfig.of(config.journalDirectory).asReadOnly()) : null;
            final Subscription bus = client.addSubscription(config.busChannel, config.busStreamId);
            final ExclusivePublication ingress = config.ingressChannel != null ?
                client.addExclusivePublication(config.ingressChannel, config.ingressStreamId) : null;
            ReplayAgent replayer = null;
            if (opened != null)
            {
                final Journal journal = opened;
                replayer = new ReplayAgent(() -> new JournalReplaySource(journal), 2 * config.maxReplays);
                replayRunner = new AgentRunner(AeronSupport.idleStrategy(config.idle), Throwable::printStackTrace, null,
                    replayer);
            }
            else
            {
                replayRunner = null;
            }
            this.replayer = replayer;
            if (opened == null && config.replayChannel != null)
            {
                remote = new ReplayClient(client, config.replayChannel, config.replayStreamId,
                    config.replayResponseChannel, config.replayResponseStreamId);
            }
            final Aeron aeronClient = client;
            agent = new GatewayAgent(config, counters, bus, ingress, opened, new SystemNanoClock(), replayer, remote,
                aeronClient::nextCorrelationId);
            runner = new AgentRunner(AeronSupport.idleStrategy(config.idle), Throwable::printStackTrace, null, agent);

            final QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("tickwire-jetty");
            server = new Server(threads);
            connector = new ServerConnector(server, 1, 1);
            connector.setPort(config.port);
            connector.setHost(config.host);
            server.addConnector(connector);

            final WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
            ws.addMapping("/stream", new Negotiator(agent, config, counters, verifier, limiter));
            final Handler.Sequence handlers = new Handler.Sequence();
            handlers.addHandler(new MetricsHandler(counters, agent::caughtUp, limiter::open));
            final ResourceHandler files = new ResourceHandler();
            final ResourceFactory resources = ResourceFactory.of(server);
            files.setBaseResource(config.staticDirectory != null ?
                resources.newResource(config.staticDirectory) :
                resources.newClassLoaderResource("io/tickwire/gateway/web/", false));
            files.setWelcomeFiles("index.html");
            files.setDirAllowed(false);
            handlers.addHandler(files);
            ws.setHandler(handlers);
            final ContextHandler context = new ContextHandler(ws, "/");
            server.setHandler(context);
            ws.getConfiguration().setMaxTextMessageSize(config.maxInboundMessageBytes);
            ws.getConfiguration().setMaxFrameSize(config.maxInboundMessageBytes);
            ws.getConfiguration().setIdleTimeout(Duration.ofSeconds(0));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(remote, opened, client);
            throw ex;
        }
        replayService = remote;
        aeron = client;
        journal = opened;
    }

    private static TokenVerifier tokenVerifier(final GatewayConfig config)
    {
        if (config.jwtSecret == null)
        {
            if (config.requireToken)
            {
                throw new IllegalArgumentException("requireToken needs a jwtSecret");
            }
            return null;
        }
        if (config.jwtLeeway.isNegative())
        {
            throw new IllegalArgumentException("jwtLeeway must not be negative");
        }
        return new TokenVerifier(
            config.jwtSecret, () -> System.currentTimeMillis() / 1000, config.jwtLeeway.toSeconds());
    }

    /**
     * Starts the gateway; returns once it is listening and has caught up with the journal (if any).
     */
    public static GatewayServer launch(final GatewayConfig config) throws Exception
    {
        final GatewayServer gateway = new GatewayServer(config);
        AgentRunner.startOnThread(gateway.runner);
        if (gateway.replayRunner != null)
        {
            AgentRunner.startOnThread(gateway.replayRunner);
        }
        final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!gateway.agent.caughtUp() || (gateway.replayer != null && !gateway.replayer.ready()))
        {
            if (System.nanoTime() > deadline)
            {
                gateway.close();
                throw new IllegalStateException("gateway did not catch up with the journal within 5 minutes");
            }
            Thread.sleep(1);
        }
        gateway.server.start();
        return gateway;
    }

    /**
     * @return the port the gateway listens on (useful with port 0).
     */
    public int port()
    {
        return connector.getLocalPort();
    }

    public GatewayCounters counters()
    {
        return counters;
    }

    public GatewayConfig config()
    {
        return config;
    }

    /**
     * @return WebSocket connections admitted at upgrade and not yet closed.
     */
    public int openConnections()
    {
        return limiter.open();
    }

    /**
     * @return WebSocket connections from {@code ip} admitted and not yet closed.
     */
    public int openConnectionsFrom(final String ip)
    {
        return limiter.openFrom(ip);
    }

    @Override
    public void close()
    {
        agent.requestShutdown();
        final long deadline = System.nanoTime() + 2_000_000_000L;
        while (!agent.shutdownDone() && !runner.isClosed() && System.nanoTime() < deadline)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        try
        {
            server.stop();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("stopping Jetty", ex);
        }
        finally
        {
            CloseHelper.closeAll(runner, replayRunner, replayService, aeron, journal);
        }
    }
}
