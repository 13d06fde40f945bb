package io.tickwire.gateway;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.replay.AeronReplaySource;
import io.tickwire.replay.JournalReplaySource;
import io.tickwire.replay.ReplayClient;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
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
 * <p>
 * Media driver loss (docs/reliability.md): a watch thread sees the Aeron client close (no driver heartbeat for
 * {@link GatewayConfig#driverTimeout}, or a client error that closed it). The gateway then reports {@code DOWN}
 * with the reason on {@code /health}, the agent closes every session with 1013, upgrades are refused with 503,
 * and the thread reconnects to a driver at the same directory, hands the agent a new subscription (and ingress),
 * and reports {@code UP} once the bus has an image again. The agent keeps its view, so the first batch on the new
 * bus makes a gap that the journal (if the gateway has one) fills. The client's conductor runs on the agent's thread
 * (no conductor thread), so a client is only closed, and its log buffers unmapped, between the agent's polls.
 */
public final class GatewayServer implements AutoCloseable
{
    private final GatewayConfig config;
    private final GatewayCounters counters = new GatewayCounters();
    private volatile Aeron aeron;
    /** Null while up; why the gateway is down otherwise (health, upgrades). */
    private volatile String downReason;
    private volatile boolean closing;
    private final Thread driverWatch;
    private final HandshakeGuard guard;
    private final Journal journal;
    private final GatewayAgent agent;
    private final AgentRunner runner;
    private final ReplayAgent replayer;
    /**
     * The agent's client of the engine's replay service (gap fills), for a gateway without a journal
     * (config.replayChannel), or null; made again on each new Aeron client after a driver loss.
     */
    private volatile ReplayClient replayService;
    /** The replay agent's runner (resumes), or null without a journal or replay service. */
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
            client = Aeron.connect(aeronContext(config));
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
            else if (config.replayChannel != null && config.replayResumeStreams > 0)
            {
                // Resumes through the engine's replay service, on the replay agent's thread with its own Aeron client
                // (its conductor run by that thread, like the gateway agent's).
                final AeronReplaySource.Config remoteConfig = new AeronReplaySource.Config(config.replayChannel,
                    config.replayStreamId, config.replayResponseChannel, config.replayResponseStreamId + 1,
                    config.replayResumeStreams, config.gapFillTimeout.toNanos(), config.replayProbeInterval.toNanos());
                replayer = new ReplayAgent(() -> new AeronReplaySource(remoteConfig,
                    () -> Aeron.connect(aeronContext(config)), new SystemNanoClock(), resumeSourceListener()),
                    2 * config.maxReplays);
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
                remote = gapFillClient(client, config);
            }
            final Aeron aeronClient = client;
            agent = new GatewayAgent(config, counters, bus, ingress, opened, new SystemNanoClock(), replayer, remote,
                aeronClient::nextCorrelationId, aeronClient);
            runner = new AgentRunner(AeronSupport.idleStrategy(config.idle), Throwable::printStackTrace, null, agent);

            final QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("tickwire-jetty");
            server = new Server(threads);
            final HttpConfiguration http = new HttpConfiguration();
            http.setRequestHeaderSize(config.maxRequestHeaderBytes);
            http.setSendServerVersion(false);
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            guard = new HandshakeGuard(server.getScheduler(), config, counters);
            connector.addBean(guard);
            connector.setPort(config.port);
            connector.setHost(config.host);
            server.addConnector(connector);

            final WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
            ws.addMapping("/stream", new Negotiator(agent, config, counters, verifier, limiter, () -> downReason));
            final Handler.Sequence handlers = new Handler.Sequence();
            final ReplayAgent resumes = replayer;
            handlers.addHandler(new MetricsHandler(counters, agent::caughtUp, limiter::open, () -> downReason,
                () -> resumes != null && resumes.available()));
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
            server.setHandler(guard.new Marker(context));
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
        driverWatch = new Thread(this::watchDriver, "tickwire-driver-watch");
        driverWatch.setDaemon(true);
    }

    /**
     * The agent's client of the replay service (start-up state and bus gap fills), made on {@code client}.
     */
    private static ReplayClient gapFillClient(final Aeron client, final GatewayConfig config)
    {
        return new ReplayClient(client, config.replayChannel, config.replayStreamId, config.replayResponseChannel,
            config.replayResponseStreamId);
    }

    /**
     * Counts (and reports in one line when it works again) the resume source's reconnects to a media driver.
     */
    private AeronReplaySource.ConnectionListener resumeSourceListener()
    {
        return new AeronReplaySource.ConnectionListener()
        {
            @Override
            public void onConnected()
            {
                counters.resumeSourceReconnects.incrementAndGet();
                System.err.println("tickwire gateway: the resume source's replay service client reconnected to the " +
                    "media driver");
            }

            @Override
            public void onConnectFailed(final RuntimeException cause)
            {
                counters.resumeSourceReconnectFailures.incrementAndGet();
            }
        };
    }

    private Aeron.Context aeronContext(final GatewayConfig config)
    {
        // No conductor thread: the gateway agent runs the conductor between its polls (GatewayAgent.serviceAeron), so
        // a driver timeout closes the client (and unmaps the bus images' log buffers) on the agent's own thread, never
        // while it reads them. With a conductor thread the client unmapped them ~16 ms after a timeout regardless.
        // A lost driver ends the client with a DriverTimeoutException: the watch thread reports it (one line, DOWN).
        return new Aeron.Context()
            .useConductorAgentInvoker(true)
            .aeronDirectoryName(config.aeronDirectory)
            .driverTimeoutMs(config.driverTimeout.toMillis())
            .errorHandler(AeronSupport.clientErrorHandler("tickwire gateway", counters.aeronClientErrors));
    }

    /**
     * The driver watch thread: waits for the Aeron client to close (driver lost), then reconnects.
     */
    private void watchDriver()
    {
        while (!closing)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
            if (!aeron.isClosed() || closing)
            {
                continue;
            }
            counters.driverLosses.incrementAndGet();
            downReason = "media driver lost (no heartbeat for " + config.driverTimeout.toMillis() + " ms)";
            System.err.println("tickwire gateway: DOWN: " + downReason + "; closing sessions with 1013, reconnecting");
            agent.enqueueBusLost("market data bus lost; reconnect");
            reconnect();
        }
    }

    private void reconnect()
    {
        while (!closing)
        {
            Aeron client = null;
            try
            {
                client = Aeron.connect(aeronContext(config)); // waits up to driverTimeout for a driver
                final Subscription bus = client.addSubscription(config.busChannel, config.busStreamId);
                final ExclusivePublication ingress = config.ingressChannel != null ?
                    client.addExclusivePublication(config.ingressChannel, config.ingressStreamId) : null;
                // A gateway without a journal fills bus gaps from the replay service: the client of the old Aeron
                // client was closed with it, so the agent gets one made on the new client.
                final ReplayClient gapFill = journal == null && config.replayChannel != null ?
                    gapFillClient(client, config) : null;
                // The old client was closed by the agent (its conductor timed out on the agent's thread); the agent
                // switches to the new one and would close the old one itself. This thread never closes a client
                // the agent may be reading: before this hand-over only this thread knows the new one.
                aeron = client;
                if (gapFill != null)
                {
                    replayService = gapFill;
                }
                agent.enqueueBusRestored(client, bus, ingress, gapFill);
                counters.driverReconnects.incrementAndGet();
                downReason = "reconnected to the media driver; waiting for the bus";
                while (!closing && !bus.isConnected() && !client.isClosed())
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
                if (!client.isClosed() && !closing)
                {
                    downReason = null;
                    System.err.println("tickwire gateway: UP: reconnected to the media driver, bus connected");
                }
                return;
            }
            catch (final RuntimeException ex)
            {
                if (client != null && client != aeron)
                {
                    CloseHelper.quietClose(client);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000); // no driver yet: try again
            }
        }
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
        gateway.driverWatch.start();
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

    /**
     * @return null while the gateway is up, else why it is down (as {@code /health} reports it).
     */
    public String downReason()
    {
        return downReason;
    }

    /**
     * @return TCP connections open to the gateway's port (HTTP and WebSocket), as the handshake guard counts them.
     */
    public int openTcpConnections()
    {
        return guard.openConnections();
    }

    @Override
    public void close()
    {
        closing = true;
        driverWatch.interrupt();
        try
        {
            driverWatch.join(config.driverTimeout.toMillis() + 2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
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
