package io.tickwire.engine;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.JournalStartDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.feed.FeedAgent;
import io.tickwire.engine.feed.FeedFileReader;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorAgent;
import io.tickwire.engine.sim.SimulatorConfig;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * An engine process: optional embedded media driver, the journal (recovered on start), the engine and bus
 * publisher agents on one thread, and the optional simulator. {@link #launch} returns once the engine is
 * recovered and running.
 */
public final class EngineNode implements AutoCloseable
{
    /** Aeron counter type ids of the engine (shown by AeronStat). */
    public static final int COUNTER_BATCHES_JOURNALED = 7701_01;
    public static final int COUNTER_MALFORMED_INPUTS = 7701_02;
    public static final int COUNTER_BATCHES_PUBLISHED = 7701_03;
    public static final int COUNTER_BUS_BACK_PRESSURE = 7701_04;
    public static final int COUNTER_BUS_NOT_CONNECTED = 7701_05;

    private final EngineConfig config;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Journal journal;
    private final Engine engine;
    private final RecoveryResult recovery;
    private final AgentRunner engineRunner;
    private final EngineAgent engineAgent;
    private final AgentRunner simulatorRunner;
    private final SimulatorAgent simulatorAgent;
    private final AgentRunner feedRunner;
    private final FeedAgent feedAgent;
    private final String aeronDirectory;
    private final long journalId;
    private final List<AgentRunner> serviceRunners = new ArrayList<>();

    /**
     * What start-up found in the journal.
     *
     * @param journalId   the journal's identity (new or recovered).
     * @param batches     batches replayed.
     * @param nextSeq     the seq the engine continues from.
     * @param nanos       how long recovery took.
     */
    public record RecoveryResult(long journalId, long batches, long nextSeq, long nanos)
    {
    }

    private EngineNode(final EngineConfig config)
    {
        this.config = config;
        final EpochNanoClock clock = new SystemEpochNanoClock();
        aeronDirectory = config.aeronDirectory() != null ? config.aeronDirectory() : AeronSupport.uniqueAeronDirectory();
        MediaDriver launchedDriver = null;
        Aeron client = null;
        Journal openedJournal = null;
        try
        {
            launchedDriver = config.embeddedMediaDriver() ?
                AeronSupport.launchEmbeddedDriver(aeronDirectory, config.idle()) : null;
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
            openedJournal = Journal.open(config.journal());
            engine = new Engine(config.limits());
            recovery = recover(openedJournal, engine);

            final List<UnsafeBuffer> startupInputs = new ArrayList<>();
            for (final InstrumentSpec spec : config.instruments())
            {
                if (!engine.hasInstrument(spec.instrumentId()))
                {
                    startupInputs.add(Inputs.addInstrument(spec));
                }
            }

            final Subscription ingress = client.addSubscription(config.ingressChannel(), config.ingressStreamId());
            final Publication marketData = client.addPublication(config.marketDataChannel(), config.marketDataStreamId());
            final AtomicCounter journaled = client.addCounter(COUNTER_BATCHES_JOURNALED, "tickwire batches journaled");
            final AtomicCounter malformed = client.addCounter(COUNTER_MALFORMED_INPUTS, "tickwire malformed inputs");
            final AtomicCounter published = client.addCounter(COUNTER_BATCHES_PUBLISHED, "tickwire batches published");
            final AtomicCounter backPressure = client.addCounter(COUNTER_BUS_BACK_PRESSURE, "tickwire bus back pressure");
            final AtomicCounter notConnected = client.addCounter(COUNTER_BUS_NOT_CONNECTED, "tickwire bus not connected");

            final Journal j = openedJournal;
            final long publishAfter = j.lastIndex();
            final BusPublisherAgent publisher = new BusPublisherAgent(
                () -> JournalReader.after(j, publishAfter), marketData, config.limits().maxBatchLength(),
                published, backPressure, notConnected);
            final boolean newJournal = recovery.journalId() == 0;
            if (newJournal && recovery.batches() > 0)
            {
                throw new IllegalStateException("journal at " + config.journal().directory() +
                    " has batches but no JournalStart: not a Tickwire journal");
            }
            journalId = newJournal ? newJournalId() : recovery.journalId();
            engineAgent = new EngineAgent(
                engine, j, newJournal ? journalId : 0, startupInputs, ingress, clock, journaled, malformed);
            engineRunner = new AgentRunner(AeronSupport.idleStrategy(config.idle()), Throwable::printStackTrace, null,
                new CompositeAgent(engineAgent, publisher));

            if (config.simulatorRate() > 0)
            {
                final Publication simIngress = client.addPublication(config.ingressChannel(), config.ingressStreamId());
                // A restarted simulator must not reuse the ids of orders it left live before the restart:
                // its participants are offset by the recovered sequence (orphaned orders stay in the book).
                final int participantBase = 1 + (int)((recovery.nextSeq() * 16) % ((1 << 23) - 64));
                simulatorAgent = new SimulatorAgent(
                    new MarketSimulator(new SimulatorConfig()
                        .seed(config.simulatorSeed())
                        .instruments(config.instruments())
                        .firstParticipantId(participantBase)),
                    simIngress, clock, config.simulatorRate());
                simulatorRunner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF),
                    Throwable::printStackTrace, null, simulatorAgent);
            }
            else
            {
                simulatorAgent = null;
                simulatorRunner = null;
            }
            if (config.feedFile() != null)
            {
                if (recovery.batches() > 0)
                {
                    throw new IllegalArgumentException("--feed needs a new journal: " + config.journal().directory() +
                        " already holds " + recovery.batches() + " batches and the file would be sequenced twice");
                }
                feedAgent = new FeedAgent(new FeedFileReader(config.feedFile()),
                    client.addPublication(config.ingressChannel(), config.ingressStreamId()));
                feedRunner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF),
                    Throwable::printStackTrace, null, feedAgent);
            }
            else
            {
                feedAgent = null;
                feedRunner = null;
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(client, openedJournal, launchedDriver);
            throw ex;
        }
        driver = launchedDriver;
        aeron = client;
        journal = openedJournal;
    }

    /**
     * Recovers the engine from the journal and starts its agents; returns once the start-up inputs
     * (instrument definitions) are journaled.
     *
     * @throws IllegalStateException if the journal diverges from this engine's logic.
     */
    public static EngineNode launch(final EngineConfig config)
    {
        final EngineNode node = new EngineNode(config);
        AgentRunner.startOnThread(node.engineRunner);
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (!node.engineAgent.ready())
        {
            if (node.engineRunner.isClosed() || System.nanoTime() > deadline)
            {
                node.close();
                throw new IllegalStateException("engine did not start (see the error above)");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        if (node.simulatorRunner != null)
        {
            AgentRunner.startOnThread(node.simulatorRunner);
        }
        if (node.feedRunner != null)
        {
            AgentRunner.startOnThread(node.feedRunner);
        }
        try
        {
            for (final java.util.function.Function<EngineNode, org.agrona.concurrent.Agent> service : config.services())
            {
                final AgentRunner runner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF),
                    Throwable::printStackTrace, null, service.apply(node));
                node.serviceRunners.add(runner);
                AgentRunner.startOnThread(runner);
            }
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
        return node;
    }

    /**
     * Replays every journaled batch into {@code engine}, checking each against re-execution.
     */
    public static RecoveryResult recover(final Journal journal, final Engine engine)
    {
        final long start = System.nanoTime();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final JournalStartDecoder startDecoder = new JournalStartDecoder();
        final long[] journalId = {0};
        final long[] batches = {0};
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) ->
            {
                if (length < MessageHeaderDecoder.ENCODED_LENGTH)
                {
                    throw new IllegalStateException("empty excerpt at index " + Long.toHexString(index));
                }
                header.wrap(buffer, 0);
                if (header.templateId() == JournalStartDecoder.TEMPLATE_ID)
                {
                    startDecoder.wrapAndApplyHeader(buffer, 0, header);
                    journalId[0] = startDecoder.journalId();
                }
                else if (header.templateId() == BatchHeaderDecoder.TEMPLATE_ID)
                {
                    engine.recover(buffer, 0, length);
                    batches[0]++;
                }
                else
                {
                    throw new IllegalStateException("unexpected template " + header.templateId() + " at index " +
                        Long.toHexString(index));
                }
            }))
            {
                // replaying
            }
        }
        return new RecoveryResult(journalId[0], batches[0], engine.nextSeq(), System.nanoTime() - start);
    }

    private static long newJournalId()
    {
        final java.security.SecureRandom random = new java.security.SecureRandom();
        long id = 0;
        while (id <= 0)
        {
            id = random.nextLong();
        }
        return id;
    }

    /**
     * @return the journal's identity (the resume epoch).
     */
    public long journalId()
    {
        return journalId;
    }

    /**
     * @return the feed agent when sequencing a feed file, else null (its {@code done()} tells when the file
     * was sent).
     */
    public FeedAgent feed()
    {
        return feedAgent;
    }

    public RecoveryResult recovery()
    {
        return recovery;
    }

    public String aeronDirectory()
    {
        return aeronDirectory;
    }

    public Aeron aeron()
    {
        return aeron;
    }

    public Journal journal()
    {
        return journal;
    }

    public EngineConfig config()
    {
        return config;
    }

    /**
     * @return the engine; read its state only after {@link #close()} (the engine thread owns it until then).
     */
    public Engine engine()
    {
        return engine;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(serviceRunners);
        CloseHelper.closeAll(feedRunner, simulatorRunner, engineRunner, aeron, journal, driver);
    }
}
