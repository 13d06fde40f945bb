package io.tickwire.app;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.DriverLossGuard;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.gateway.GatewayConfig;
import io.tickwire.gateway.GatewayServer;
import io.tickwire.gateway.SymbolEntitlements;
import io.tickwire.replay.JournalIndex;
import io.tickwire.replay.ReplayBounds;
import io.tickwire.replay.ReplayPublisher;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code tickwire replay} runs, in one JVM: an embedded media driver, a {@link ReplayPublisher} reading the
 * journal, and (unless off) an unchanged {@link GatewayServer} with no journal whose bus is the replay's IPC
 * stream {@link #GATEWAY_STREAM}, serving {@code /stream} to WebSocket clients exactly like live. Optionally
 * the replay also goes to an Aeron channel of the user's.
 * <p>
 * Its Aeron client reports errors like the engine's and the gateway's ({@link AeronSupport#clientErrorHandler}:
 * counted, one line each). If it loses its media driver (no heartbeat for the driver timeout, e.g. a JVM stalled
 * that long), the publisher's thread stops before the client unmaps anything ({@link DriverLossGuard}), the node
 * reports it in one line and {@link #failure()} says why (the command then exits with status 1).
 */
final class ReplayNode implements AutoCloseable
{
    /** Stream id of the replay bus between the publisher and the replay gateway (IPC, inside the process). */
    static final int GATEWAY_STREAM = 21;
    /** The Aeron client's driver timeout by default (Aeron's own default). */
    static final Duration DEFAULT_DRIVER_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What to replay and where.
     *
     * @param journal   the journal directory.
     * @param bounds    the range (its batches are paced; the batches before it go first at full speed).
     * @param speed     recorded time per wall time; 0 for as fast as possible.
     * @param symbols   restricts the replay (see docs/operations.md); empty for all.
     * @param port      WebSocket port (0: any free port); negative for no WebSocket endpoint.
     * @param host      address to bind, null for all.
     * @param channel   an Aeron channel to publish on as well, or null.
     * @param streamId  its stream id.
     * @param waitForClient with the WebSocket endpoint: start the range only once a client sent a request.
     */
    record Settings(Path journal, ReplayBounds bounds, double speed, Set<String> symbols, int port, String host,
        String channel, int streamId, boolean waitForClient)
    {
    }

    private final Settings settings;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Journal journal;
    private final GatewayServer gateway;
    private final ReplayPublisher publisher;
    private final AgentRunner runner;
    private final String aeronDirectory;
    /** Errors the node's Aeron client reported. */
    private final AtomicLong aeronClientErrors = new AtomicLong();
    private volatile String failure;

    private ReplayNode(final Settings settings, final Duration driverTimeout) throws Exception
    {
        this.settings = settings;
        aeronDirectory = AeronSupport.uniqueAeronDirectory();
        MediaDriver launched = null;
        Aeron client = null;
        Journal opened = null;
        GatewayServer server = null;
        try
        {
            launched = AeronSupport.launchEmbeddedDriver(aeronDirectory, EngineConfig.Idle.BACKOFF);
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory)
                .driverTimeoutMs(driverTimeout.toMillis())
                .closeLingerDurationNs(DriverLossGuard.CLOSE_LINGER_NS)
                .errorHandler(AeronSupport.clientErrorHandler("tickwire replay", aeronClientErrors)));
            opened = Journal.open(JournalConfig.of(settings.journal()).asReadOnly());
            final List<ReplayPublisher.Output> outputs = new ArrayList<>();
            if (settings.port() >= 0)
            {
                final Publication bus = client.addPublication("aeron:ipc", GATEWAY_STREAM);
                outputs.add(new ReplayPublisher.Output(bus, false));
                final GatewayConfig config = new GatewayConfig();
                config.aeronDirectory = aeronDirectory;
                config.busChannel = "aeron:ipc";
                config.busStreamId = GATEWAY_STREAM;
                config.journalDirectory = null;
                config.port = settings.port();
                config.host = settings.host();
                if (!settings.symbols().isEmpty())
                {
                    config.anonymousSymbols = SymbolEntitlements.of(List.copyOf(settings.symbols()));
                }
                server = GatewayServer.launch(config);
            }
            if (settings.channel() != null)
            {
                outputs.add(new ReplayPublisher.Output(client.addPublication(settings.channel(), settings.streamId()),
                    !settings.symbols().isEmpty()));
            }
            final GatewayServer g = server;
            final long prefixLastSeq = settings.bounds().fromSeq() - 1;
            publisher = new ReplayPublisher(opened, settings.bounds().startIndex(), settings.bounds().toSeq(),
                settings.speed(), outputs, g != null ? Set.of() : settings.symbols(),
                () -> g == null || g.counters().lastSeq.get() >= prefixLastSeq &&
                    (!settings.waitForClient() || g.counters().requests.get() > 0),
                new SystemNanoClock(), EngineLimits.defaults().maxBatchLength());
            final Aeron guarded = client;
            runner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF), ex ->
            {
                if (!(ex instanceof AgentTerminationException))
                {
                    ex.printStackTrace(); // a driver loss is reported by driverLost
                }
            }, null, new CompositeAgent(new DriverLossGuard(guarded, this::driverLost), publisher));
        }
        catch (final Exception | Error ex)
        {
            CloseHelper.quietCloseAll(server, client, opened, launched);
            throw ex;
        }
        driver = launched;
        aeron = client;
        journal = opened;
        gateway = server;
    }

    /**
     * Starts everything; the replay begins once its outputs have subscribers (and the start gate opens).
     */
    static ReplayNode launch(final Settings settings) throws Exception
    {
        return launch(settings, DEFAULT_DRIVER_TIMEOUT);
    }

    /**
     * @param driverTimeout the node's Aeron client loses its driver after no heartbeat for this long.
     */
    static ReplayNode launch(final Settings settings, final Duration driverTimeout) throws Exception
    {
        final ReplayNode node = new ReplayNode(settings, driverTimeout);
        AgentRunner.startOnThread(node.runner);
        return node;
    }

    /** On the publisher's thread, once: its Aeron client lost the media driver. */
    private void driverLost()
    {
        failure = "media driver lost (the Aeron client closed)";
        System.err.println("tickwire replay: STOPPED: " + failure + "; run the replay again");
    }

    /**
     * @return why the replay stopped before its end (its media driver lost), or null.
     */
    String failure()
    {
        return failure;
    }

    /**
     * @return errors the node's Aeron client reported (a lost driver's timeout included).
     */
    long aeronClientErrors()
    {
        return aeronClientErrors.get();
    }

    /**
     * @return the embedded media driver (tests).
     */
    MediaDriver driver()
    {
        return driver;
    }

    /**
     * Finds the range's bounds in the journal (index lookups).
     */
    static ReplayBounds bounds(final Path journalDirectory, final long fromSeq, final long fromTime, final long toSeq,
        final long toTime)
    {
        try (Journal j = Journal.open(JournalConfig.of(journalDirectory).asReadOnly());
            JournalIndex index = new JournalIndex(j))
        {
            return ReplayBounds.resolve(index, fromSeq, fromTime, toSeq, toTime);
        }
    }

    ReplayPublisher publisher()
    {
        return publisher;
    }

    /**
     * @return the replay gateway, or null without the WebSocket endpoint.
     */
    GatewayServer gateway()
    {
        return gateway;
    }

    Settings settings()
    {
        return settings;
    }

    String aeronDirectory()
    {
        return aeronDirectory;
    }

    /**
     * Waits until the gateway applied the range's last batch (so clients were sent everything), up to
     * {@code timeoutNanos}.
     */
    boolean awaitGatewayApplied(final long timeoutNanos)
    {
        final ReplayPublisher.Summary summary = publisher.summary();
        if (gateway == null || summary == null)
        {
            return summary != null;
        }
        final long deadline = System.nanoTime() + timeoutNanos;
        while (gateway.counters().lastSeq.get() < summary.lastSeq())
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(runner, gateway, aeron, journal, driver);
    }
}
