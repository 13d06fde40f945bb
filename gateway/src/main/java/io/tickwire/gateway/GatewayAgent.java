package io.tickwire.gateway;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.ClientRequest;
import io.tickwire.codecs.json.ClientRequestParser;
import io.tickwire.codecs.json.ErrorCode;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.json.ResumeResult;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.EngineSnapshots;
import io.tickwire.engine.SnapshotVisitor;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.replay.ReplayClient;
import io.tickwire.replay.RetainedPrefix;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's single writer: applies journaled batches from the bus (or the journal) to its market view,
 * fans each change out to subscribed sessions, serves client requests, and keeps every session within its
 * outbound bounds by conflating book and ticker streams. Jetty threads only enqueue into it.
 */
public final class GatewayAgent implements Agent, MarketDataListener, FragmentHandler
{
    private static final int COMMANDS_PER_CYCLE = 256;
    /** Long journal reads run the Aeron client's conductor every 1024 excerpts (keepalives, service interval). */
    private static final int AERON_SERVICE_MASK = 1023;
    private static final int FRAGMENTS_PER_CYCLE = 64;
    private static final long SERVICE_INTERVAL_NANOS = 1_000_000;
    /** Service passes per housekeeping round (see {@link #serviceSessions}). */
    static final int HOUSEKEEPING_ROUND = 10;
    /** Sessions a housekeeping slice visits at least. */
    static final int HOUSEKEEPING_MIN_SLICE = 64;
    private static final int BATCH_SCAN_BYTES = MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.BLOCK_LENGTH;

    private record Open(WsEndpoint endpoint, Principal principal)
    {
    }

    private record Text(WsEndpoint endpoint, String text)
    {
    }

    private record Closed(WsEndpoint endpoint)
    {
    }

    /** The media driver was lost (GatewayServer): close every session, refuse new ones until restored. */
    private record BusLost(String reason)
    {
    }

    /**
     * Reconnected to a media driver (GatewayServer): the new client (its conductor is run by this agent from now on),
     * bus subscription, ingress publication and replay service client (null without one), all made on the new client.
     */
    private record BusRestored(Aeron aeron, Subscription bus, ExclusivePublication ingress, ReplayClient replayService)
    {
    }

    private final GatewayConfig config;
    private final GatewayCounters counters;
    private Subscription bus;
    /**
     * The Aeron client of {@link #bus} (or null), built with {@code useConductorAgentInvoker(true)}: this agent runs
     * its conductor between polls, so the client is only ever closed (its log buffers and CnC file unmapped) on this
     * thread, never while a poll of its images is under way (docs/reliability.md).
     */
    private Aeron aeron;
    private String busLost;
    private final Journal journal;
    private final NanoClock clock;
    private final ManyToOneConcurrentArrayQueue<Object> commands;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final MarketDataDecoder decoder = new MarketDataDecoder();
    private final Int2ObjectHashMap<GwInstrument> instruments = new Int2ObjectHashMap<>();
    private final Map<String, GwInstrument> bySymbol = new HashMap<>();
    private final List<GwInstrument> instrumentList = new ArrayList<>();
    private final Map<WsEndpoint, ClientSession> sessions = new IdentityHashMap<>();
    private final List<ClientSession> sessionList = new ArrayList<>();
    private final List<GwInstrument> touched = new ArrayList<>();
    private final List<ClientSession> toFlush = new ArrayList<>();
    /** Sessions with at least one dirty (conflated, not yet caught up) subscription; see {@link #serviceSessions}. */
    private final List<ClientSession> dirtySessions = new ArrayList<>();
    /** Where the next housekeeping slice starts in {@link #sessionList}, and the gauges of the round so far. */
    private int housekeepingCursor;
    private long roundMaxBytes;
    private long roundMaxFrames;
    private long roundLagging;
    private final ClientRequestParser parser;
    private final ClientRequest request;
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private final JsonWriter writer = new JsonWriter();
    private final MarketDataJson json = new MarketDataJson(writer);
    /**
     * One encoder per {@link WireFormat}, by ordinal, for a message of one session (sent, so copied, at once:
     * an encoder's result is valid until its next call).
     */
    private final FrameEncoder[] encoders = {new JsonFrames(), new SbeFrames()};
    /** The same, for {@link #shared}: their results stay valid while a message is fanned out. */
    private final FrameEncoder[] sharedEncoders = {new JsonFrames(), new SbeFrames()};
    /**
     * The message being fanned out, encoded at most once per format (by ordinal) by {@link #sharedEncoders},
     * shared by its sessions (each copies the bytes into its write buffer).
     */
    private final ByteBuffer[] shared = new ByteBuffer[WireFormat.VALUES.length];
    /**
     * The same message encoded for subscriptions whose {@code prev} differs from the shared one (their first live
     * message after a subscribe or resync), for one such {@code prev} per format ({@link #rebasedPrev}): sessions
     * that subscribed at the same seq share it too. By {@link #rebasedEncoders}, valid during one fan-out.
     */
    private final ByteBuffer[] rebased = new ByteBuffer[WireFormat.VALUES.length];
    private final long[] rebasedPrev = new long[WireFormat.VALUES.length];
    private final FrameEncoder[] rebasedEncoders = {new JsonFrames(), new SbeFrames()};
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final BatchHeaderDecoder batchHeader = new BatchHeaderDecoder();
    private JournalReader journalReader;
    private final JournalReader.ExcerptHandler journalHandler = this::onJournalBatch;
    private final OrderEntry orders;
    private final Resumes resumes;
    /**
     * The engine's replay service (a gateway without a journal), or null. Made on {@link #aeron}: replaced with one
     * made on the new client when the media driver is reconnected ({@link BusRestored}).
     */
    private ReplayClient replayService;
    private final LongSupplier correlationIds;
    private final ReplayClient.BatchHandler replayHandler = this::onReplayBatch;
    /** The journal the replay service answered with (0 until its first answer). */
    private long replayJournalId;

    private long lastAppliedSeq;
    private long batchEngineTime;
    /** Last seq the journal reader has read past. */
    private long journalSeq;
    private boolean fillingGap;
    /** Bus fragments arrived since the last service pass. */
    private boolean busHeard;
    /** When the bus last delivered anything (service-pass resolution). */
    private long busHeardNanos;
    /**
     * The bus has been silent for {@link GatewayConfig#journalCatchUpAfter}: the journal reader reads ahead of the
     * last applied seq, so batches journaled but never published (an engine killed or stopped after journaling
     * them) still reach clients.
     */
    private boolean busQuiet;
    private long nextSessionId = 1;
    private long lastServiceNanos;
    private volatile boolean caughtUp;
    private volatile boolean shutdownRequested;
    private volatile boolean shutdownDone;

    public GatewayAgent(
        final GatewayConfig config,
        final GatewayCounters counters,
        final Subscription bus,
        final ExclusivePublication ingress,
        final Journal journal,
        final NanoClock clock)
    {
        this(config, counters, bus, ingress, journal, clock, null);
    }

    /**
     * @param replayer the agent that replays missed trades to resuming clients (on its own thread), or null:
     *                 every resume is then answered {@code recovered:false}.
     */
    public GatewayAgent(
        final GatewayConfig config,
        final GatewayCounters counters,
        final Subscription bus,
        final ExclusivePublication ingress,
        final Journal journal,
        final NanoClock clock,
        final ReplayAgent replayer)
    {
        this(config, counters, bus, ingress, journal, clock, replayer, null, null, null);
    }

    /**
     * @param replayService  the engine's Aeron replay service, for a gateway without {@code journal}: the state
     *                       at start and bus gaps are filled from it (on this agent's thread, bounded by
     *                       {@link GatewayConfig#gapFillTimeout}); null: not used.
     * @param correlationIds correlation ids of replay requests when {@code aeron} is null (with a client, its own
     *                       are used: after a driver reconnect, the new client's).
     * @param aeron          the Aeron client of {@code bus}, {@code ingress} and {@code replayService}, built with
     *                       {@code useConductorAgentInvoker(true)}: this agent invokes its conductor (and so closes
     *                       it on a driver timeout) on its own thread; null: no client to run.
     */
    public GatewayAgent(
        final GatewayConfig config,
        final GatewayCounters counters,
        final Subscription bus,
        final ExclusivePublication ingress,
        final Journal journal,
        final NanoClock clock,
        final ReplayAgent replayer,
        final ReplayClient replayService,
        final LongSupplier correlationIds,
        final Aeron aeron)
    {
        this.config = config;
        this.replayService = journal == null ? replayService : null;
        this.correlationIds = correlationIds;
        this.counters = counters;
        this.bus = bus;
        this.aeron = aeron;
        this.journal = journal;
        this.clock = clock;
        this.commands = new ManyToOneConcurrentArrayQueue<>(config.commandQueueCapacity);
        this.parser = new ClientRequestParser(config.maxInboundMessageBytes, ClientRequestParser.DEFAULT_MAX_SYMBOLS);
        this.request = new ClientRequest(ClientRequestParser.DEFAULT_MAX_SYMBOLS);
        writer.wrap(scratch, 0);
        this.orders = new OrderEntry(config, counters, ingress, instruments,
            (session, frame) -> send(session, frame, clock.nanoTime()), new SystemEpochNanoClock());
        this.resumes = new Resumes(this, config, counters, replayer);
    }

    // ------------------------------------------------------------------ Jetty threads: enqueue only

    boolean enqueueOpen(final WsEndpoint endpoint)
    {
        return commands.offer(new Open(endpoint, endpoint.principal()));
    }

    boolean enqueueText(final WsEndpoint endpoint, final String text)
    {
        return commands.offer(new Text(endpoint, text));
    }

    void enqueueBusLost(final String reason)
    {
        while (!commands.offer(new BusLost(reason)))
        {
            Thread.onSpinWait();
        }
    }

    void enqueueBusRestored(
        final Aeron newAeron,
        final Subscription newBus,
        final ExclusivePublication newIngress,
        final ReplayClient newReplayService)
    {
        while (!commands.offer(new BusRestored(newAeron, newBus, newIngress, newReplayService)))
        {
            Thread.onSpinWait();
        }
    }

    void enqueueClosed(final WsEndpoint endpoint)
    {
        while (!commands.offer(new Closed(endpoint)))
        {
            Thread.onSpinWait(); // a close must not be lost; the agent drains the queue continuously
        }
    }

    /**
     * @return true once the start-up catch-up from the journal is done (health).
     */
    public boolean caughtUp()
    {
        return caughtUp;
    }

    // ------------------------------------------------------------------ agent

    @Override
    public void onStart()
    {
        if (journal != null)
        {
            // A trimmed journal: books and tickers as of the snapshot opening it, then the batches after it.
            final long afterIndex = warmStartFromSnapshot();
            // Definitions of cycles that retention deleted (a trimmed copy of a journal) come from its prefix file.
            RetainedPrefix.read(journal.config().directory()).forEachDefinition(this::onInstrument);
            journalReader = afterIndex < 0 ? new JournalReader(journal) : JournalReader.after(journal, afterIndex);
            int read = 0;
            while (journalReader.poll(journalHandler))
            {
                // start from the full journaled state, keeping the Aeron client alive meanwhile
                if ((++read & AERON_SERVICE_MASK) == 0)
                {
                    serviceAeron();
                }
            }
        }
        else if (replayService != null)
        {
            fillFromReplayService(Long.MAX_VALUE); // start from the journal's state, replayed by the service
        }
        orders.onCaughtUp();
        busHeardNanos = clock.nanoTime(); // the bus is given journalCatchUpAfter from now before it counts as quiet
        caughtUp = true;
    }

    /**
     * Warm start on a trimmed journal (retention deleted its first cycles, so its first batch is not seq 1): loads
     * every instrument, its book (aggregated levels) and its ticker from the engine snapshot that opens the
     * retained journal, read with the engine's own snapshot reader, and sets the last applied seq to the one before
     * it. A snapshot that fails its checks is reported and the next one of that cycle is tried; with none usable
     * the gateway starts from the retained batches only (reported: levels last changed before them are missing).
     *
     * @return the journal index of the snapshot's last part (reading goes on after it), or -1 to read the journal
     * from its start.
     */
    private long warmStartFromSnapshot()
    {
        final long firstSeq = firstJournalSeq();
        if (firstSeq <= 1)
        {
            return -1; // an untrimmed (or empty) journal holds every batch from seq 1
        }
        for (final EngineSnapshots.Found snapshot : EngineSnapshots.oldestCycleSnapshots(journal))
        {
            final List<GwInstrument> loaded = new ArrayList<>();
            try
            {
                EngineSnapshots.visit(journal, snapshot, new SnapshotVisitor()
                {
                    @Override
                    public void onInstrument(final SnapshotVisitor.Instrument s)
                    {
                        final GwInstrument instrument = new GwInstrument(s.id(), s.symbol(), s.priceScale(),
                            s.qtyScale(), s.tickSize(), s.lotSize(), s.mode(), config.maxLevelsPerSide);
                        instrument.lastBookSeq = s.lastBookSeq();
                        instrument.lastTradeSeq = s.lastTradeSeq();
                        instrument.lastTickerSeq = s.lastTickerSeq();
                        instrument.bid = s.tickerBid();
                        instrument.bidQty = s.tickerBidQty();
                        instrument.ask = s.tickerAsk();
                        instrument.askQty = s.tickerAskQty();
                        instrument.last = s.tickerLast();
                        instrument.lastQty = s.tickerLastQty();
                        instrument.volume = s.tickerVolume();
                        // the batch of the last ticker event may be gone: the snapshot's time is the closest known
                        instrument.tickerTime = s.lastTickerSeq() == 0 ? 0 : snapshot.engineTime();
                        loaded.add(instrument);
                    }

                    @Override
                    public void onLevel(final int instrumentId, final Side side, final long price, final long quantity)
                    {
                        if (!loaded.get(loaded.size() - 1).book.setLevel(side, price, quantity))
                        {
                            counters.levelsDropped.incrementAndGet();
                        }
                    }
                });
            }
            catch (final IllegalStateException ex)
            {
                System.err.println("tickwire gateway: snapshot at seq " + snapshot.snapshotSeq() + " is unusable: " +
                    ex.getMessage());
                continue;
            }
            for (final GwInstrument instrument : loaded)
            {
                instruments.put(instrument.instrumentId, instrument);
                bySymbol.put(instrument.symbol, instrument);
                instrumentList.add(instrument);
            }
            lastAppliedSeq = snapshot.snapshotSeq() - 1;
            counters.lastSeq.lazySet(lastAppliedSeq);
            counters.warmStartSeq.lazySet(snapshot.snapshotSeq());
            return snapshot.lastIndex();
        }
        System.err.println("tickwire gateway: the journal starts at seq " + firstSeq + " and its first cycle with " +
            "a snapshot has no usable one: books start from the retained batches only (levels last changed " +
            "before seq " + firstSeq + " are missing)");
        return -1;
    }

    /**
     * @return the first seq of the journal's first batch holding events, or 0 if it has none.
     */
    private long firstJournalSeq()
    {
        final long[] first = {0};
        try (JournalReader reader = new JournalReader(journal))
        {
            while (first[0] == 0 && reader.poll((buffer, length, index) ->
            {
                if (wrapBatch(buffer, 0, length) && batchHeader.eventCount() > 0)
                {
                    first[0] = batchHeader.firstSeq();
                }
            }))
            {
                // read up to the first batch holding events
            }
        }
        return first[0];
    }

    @Override
    public int doWork()
    {
        if (shutdownRequested)
        {
            if (!shutdownDone)
            {
                orders.onShutdown(sessionList);
                for (final ClientSession session : sessionList)
                {
                    session.close(CloseCodes.GOING_AWAY, "gateway shutting down");
                }
                shutdownDone = true;
            }
            return 0;
        }
        int work = serviceAeron(); // may close a client that lost its driver: between polls, on this thread
        for (int i = 0; i < COMMANDS_PER_CYCLE; i++)
        {
            final Object command = commands.poll();
            if (command == null)
            {
                break;
            }
            onCommand(command);
            work++;
        }
        // Replay chunks before the bus: a chunk that reaches the last applied seq cuts its streams over to live.
        work += resumes.poll(clock.nanoTime());
        if (bus != null)
        {
            final int fragments = bus.poll(assembler, FRAGMENTS_PER_CYCLE);
            if (fragments > 0)
            {
                busHeard = true;
                work += fragments;
            }
        }
        work += orders.doWork();
        if (journalReader != null)
        {
            // Keep the gap-filling reader near the head (batches already applied are skipped), so a bus gap
            // after a long uptime is filled from where it happened, not from where the gateway started. While the
            // bus is quiet, read on past the last applied seq: the journal is the truth, and a batch the bus brings
            // later is skipped as applied.
            for (int i = 0; i < FRAGMENTS_PER_CYCLE && (journalSeq < lastAppliedSeq || busQuiet) &&
                journalReader.poll(journalHandler); i++)
            {
                work++;
            }
        }
        // Smart batching: one flush (one gathered socket write) per session per duty cycle, however many
        // batches the cycle applied. Idle, that is one batch per write (lowest latency); under load, up to
        // FRAGMENTS_PER_CYCLE batches per write, because on this kind of machine fan-out is bound by writes.
        flushSessions();
        final long now = clock.nanoTime();
        if (now - lastServiceNanos >= SERVICE_INTERVAL_NANOS)
        {
            lastServiceNanos = now;
            if (busHeard)
            {
                busHeard = false;
                busHeardNanos = now;
                busQuiet = false;
            }
            else if (journalReader != null && now - busHeardNanos >= config.journalCatchUpAfter.toNanos())
            {
                busQuiet = true;
            }
            work += serviceSessions(now);
        }
        return work;
    }

    /**
     * Asks the agent to close every session with 1001 (any thread); see {@link #shutdownDone()}.
     */
    void requestShutdown()
    {
        shutdownRequested = true;
    }

    boolean shutdownDone()
    {
        return shutdownDone;
    }

    @Override
    public String roleName()
    {
        return "tickwire-gateway";
    }

    @Override
    public void onClose()
    {
        for (final ClientSession session : sessionList)
        {
            session.close(CloseCodes.GOING_AWAY, "gateway shutting down");
        }
        if (journalReader != null)
        {
            journalReader.close();
        }
    }

    /**
     * Runs one duty cycle of the Aeron client's conductor (keepalives, new and lost images, driver liveness). On a
     * driver timeout it closes the client here, so the images {@link #bus} polled are unmapped between two polls.
     */
    private int serviceAeron()
    {
        return aeron != null ? aeron.conductorAgentInvoker().invoke() : 0;
    }

    // ------------------------------------------------------------------ bus and journal

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header h)
    {
        if (!wrapBatch(buffer, offset, length))
        {
            return;
        }
        final long firstSeq = batchHeader.firstSeq();
        final int eventCount = batchHeader.eventCount();
        if (eventCount == 0 && orders.wantsEmptyBatches())
        {
            decoder.decode(buffer, offset, length, orders); // an answer to an order may have no market data
        }
        if (eventCount == 0 || firstSeq + eventCount - 1 <= lastAppliedSeq)
        {
            return; // nothing for clients, or already applied from the journal
        }
        if (firstSeq > lastAppliedSeq + 1)
        {
            counters.busGaps.incrementAndGet();
            fillFromJournal(firstSeq - 1);
            fillFromReplayService(firstSeq - 1);
            if (firstSeq > lastAppliedSeq + 1)
            {
                resetStreamsAfterGap();
            }
        }
        apply(buffer, offset, length);
    }

    private void onJournalBatch(final DirectBuffer buffer, final int length, final long index)
    {
        if (!wrapBatch(buffer, 0, length))
        {
            return;
        }
        final long firstSeq = batchHeader.firstSeq();
        final int eventCount = batchHeader.eventCount();
        journalSeq = firstSeq + eventCount - 1;
        if (eventCount == 0 && orders.wantsEmptyBatches())
        {
            decoder.decode(buffer, 0, length, orders); // seen twice (bus, journal): answers are matched once
        }
        if (eventCount == 0 || firstSeq + eventCount - 1 <= lastAppliedSeq)
        {
            return;
        }
        if (fillingGap || busQuiet)
        {
            counters.gapEventsFilledFromJournal.addAndGet(eventCount);
        }
        apply(buffer, 0, length);
    }

    private void fillFromJournal(final long targetSeq)
    {
        if (journalReader == null)
        {
            return;
        }
        fillingGap = true;
        int read = 0;
        while (lastAppliedSeq < targetSeq && journalReader.poll(journalHandler))
        {
            flushSessions(); // read forward until the gap is closed
            if ((++read & AERON_SERVICE_MASK) == 0)
            {
                serviceAeron();
            }
        }
        fillingGap = false;
    }

    /**
     * Fills {@code (lastAppliedSeq, targetSeq]} (Long.MAX_VALUE: up to the journal's end) from the replay
     * service, synchronously: clients get nothing meanwhile, and the bus batch that showed the gap is applied
     * after it. Gives up (counted) when the service sends nothing for {@code gapFillTimeout} or refuses, or when
     * the Aeron client closes under it (its media driver lost: the gateway goes down, and the fill after the
     * reconnect uses the replay client made on the new Aeron client); the caller then resets the streams.
     */
    private void fillFromReplayService(final long targetSeq)
    {
        if (replayService == null || lastAppliedSeq >= targetSeq)
        {
            return;
        }
        final long timeoutNanos = config.gapFillTimeout.toNanos();
        long deadline = clock.nanoTime() + timeoutNanos;
        while (!aeronClosed() &&
            !replayService.request(nextCorrelationId(), replayJournalId, lastAppliedSeq, targetSeq))
        {
            if (clock.nanoTime() - deadline > 0)
            {
                counters.gapFillsFailed.incrementAndGet(); // no replay service reachable
                return;
            }
            serviceAeron(); // the response image only appears when the client's conductor runs
            LockSupport.parkNanos(100_000);
        }
        while (!aeronClosed() && (replayService.state() == ReplayClient.State.REQUESTED ||
            replayService.state() == ReplayClient.State.STREAMING))
        {
            final long now = clock.nanoTime();
            if (replayService.poll(replayHandler, FRAGMENTS_PER_CYCLE) > 0)
            {
                deadline = now + timeoutNanos;
                flushSessions();
            }
            else if (now - deadline > 0)
            {
                break;
            }
            else
            {
                serviceAeron();
                LockSupport.parkNanos(50_000);
            }
        }
        if (replayService.state() == ReplayClient.State.DONE)
        {
            replayJournalId = replayService.journalId(); // later fills must come from the same journal
        }
        if (aeronClosed() || replayService.state() != ReplayClient.State.DONE ||
            (targetSeq != Long.MAX_VALUE && lastAppliedSeq < targetSeq))
        {
            counters.gapFillsFailed.incrementAndGet();
        }
    }

    /**
     * @return a correlation id from the current Aeron client (the one the agent was made with is closed after a
     * driver reconnect, and its command buffer unmapped), or from {@link #correlationIds} without a client.
     */
    private long nextCorrelationId()
    {
        return aeron != null ? aeron.nextCorrelationId() : correlationIds.getAsLong();
    }

    /**
     * @return true once the Aeron client has closed (its media driver lost; closed by {@link #serviceAeron()} on
     * this thread): its publications and subscriptions are closed, so the replay client cannot be used until
     * {@link BusRestored} brings one made on the new client.
     */
    private boolean aeronClosed()
    {
        return aeron != null && aeron.isClosed();
    }

    private void onReplayBatch(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!wrapBatch(buffer, offset, length))
        {
            return;
        }
        final long firstSeq = batchHeader.firstSeq();
        final int eventCount = batchHeader.eventCount();
        if (eventCount == 0 || firstSeq + eventCount - 1 <= lastAppliedSeq)
        {
            return;
        }
        counters.gapEventsFilledFromJournal.addAndGet(eventCount);
        apply(buffer, offset, length);
    }

    /**
     * A gap no journal can fill: the view may be wrong for what the gap changed, so every book and ticker
     * subscriber gets a fresh snapshot (book) or the current ticker, as of the next batch.
     */
    private void resetStreamsAfterGap()
    {
        for (final ClientSession session : sessionList)
        {
            for (final StreamSub sub : session.subs)
            {
                if (sub.channel == Channel.BOOK)
                {
                    sub.clientView.bids = 0;
                    sub.clientView.asks = 0;
                    markDirty(sub);
                }
                else if (sub.channel == Channel.TICKER)
                {
                    markDirty(sub);
                }
            }
        }
    }

    /**
     * Wraps {@link #batchHeader} over a batch message.
     *
     * @return false if the message is not a batch (too short, or another template): nothing to apply.
     */
    private boolean wrapBatch(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < BATCH_SCAN_BYTES)
        {
            return false;
        }
        header.wrap(buffer, offset);
        if (header.templateId() != BatchHeaderDecoder.TEMPLATE_ID)
        {
            return false;
        }
        batchHeader.wrapAndApplyHeader(buffer, offset, header);
        return true;
    }

    private void apply(final DirectBuffer buffer, final int offset, final int length)
    {
        decoder.decode(buffer, offset, length, this);
    }

    @Override
    public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
    {
        touched.clear();
        batchEngineTime = engineTime;
        if (config.benchIntendedTime)
        {
            ((JsonFrames)encoders[WireFormat.JSON.ordinal()]).benchIntendedTime(intendedTime);
            ((JsonFrames)sharedEncoders[WireFormat.JSON.ordinal()]).benchIntendedTime(intendedTime);
            ((JsonFrames)rebasedEncoders[WireFormat.JSON.ordinal()]).benchIntendedTime(intendedTime);
        }
        orders.onBatchStart(firstSeq, eventCount, engineTime, intendedTime);
    }

    @Override
    public void onOtherMessage(
        final int templateId, final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        orders.onOtherMessage(templateId, buffer, offset, blockLength, version);
    }

    @Override
    public void onInstrument(final InstrumentDefinitionDecoder d)
    {
        if (instruments.containsKey(d.instrumentId()))
        {
            return;
        }
        final GwInstrument instrument = new GwInstrument(d.instrumentId(), d.symbol().trim(), d.priceScale(),
            d.qtyScale(), d.tickSize(), d.lotSize(), d.mode(), config.maxLevelsPerSide);
        instruments.put(instrument.instrumentId, instrument);
        bySymbol.put(instrument.symbol, instrument);
        instrumentList.add(instrument);
    }

    @Override
    public void onTrade(final TradeDecoder t)
    {
        final GwInstrument instrument = instruments.get(t.instrumentId());
        if (instrument == null)
        {
            return;
        }
        touch(instrument);
        instrument.batchTrades.add(t.seq(), t.prev(), t.price(), t.quantity(), t.aggressorSide());
        instrument.lastTradeSeq = t.seq();
    }

    @Override
    public void onBookLevel(final BookLevelDecoder b)
    {
        final GwInstrument instrument = instruments.get(b.instrumentId());
        if (instrument == null)
        {
            return;
        }
        touch(instrument);
        if (!instrument.book.setLevel(b.side(), b.price(), b.quantity()))
        {
            counters.levelsDropped.incrementAndGet();
        }
        instrument.lastBookSeq = b.seq();
        instrument.bookChangedInBatch = true;
    }

    @Override
    public void onTicker(final TickerDecoder t)
    {
        final GwInstrument instrument = instruments.get(t.instrumentId());
        if (instrument == null)
        {
            return;
        }
        touch(instrument);
        instrument.bid = t.bidPrice();
        instrument.bidQty = t.bidQty();
        instrument.ask = t.askPrice();
        instrument.askQty = t.askQty();
        instrument.last = t.lastPrice();
        instrument.lastQty = t.lastQty();
        instrument.volume = t.volume();
        instrument.tickerPrev = t.prev();
        instrument.tickerTime = batchEngineTime;
        instrument.lastTickerSeq = t.seq();
        instrument.tickerInBatch = true;
    }

    private void touch(final GwInstrument instrument)
    {
        if (!touched.contains(instrument))
        {
            touched.add(instrument);
        }
    }

    @Override
    public void onBatchEnd(final long firstSeq, final int eventCount)
    {
        orders.onBatchEnd(firstSeq, eventCount); // a session's ack and fills go before the batch's market data
        lastAppliedSeq = firstSeq + eventCount - 1;
        counters.lastSeq.lazySet(lastAppliedSeq);
        counters.batchesApplied.lazySet(counters.batchesApplied.get() + 1);
        final long now = clock.nanoTime();
        for (int i = 0; i < touched.size(); i++)
        {
            dispatch(touched.get(i), now);
        }
    }

    // ------------------------------------------------------------------ fan-out

    private void dispatch(final GwInstrument instrument, final long now)
    {
        final GwInstrument.TradeList trades = instrument.batchTrades;
        for (int t = 0; t < trades.size; t++)
        {
            clearShared();
            final List<StreamSub> subs = instrument.tradeSubs;
            for (int i = 0; i < subs.size(); i++)
            {
                final StreamSub sub = subs.get(i);
                final ClientSession session = sub.session;
                if (session.closing || sub.resume != null || trades.seq[t] <= sub.lastSentSeq)
                {
                    continue; // replaying (the replay delivers it), or already delivered by the replay
                }
                if (session.bytesInFlight() > config.closeAboveBytes || session.ringFull())
                {
                    slowConsumer(session);
                    continue;
                }
                // prev is the later of this subscription's last trade and the stream's real previous trade:
                // a trade the gateway never saw (a bus gap nothing could fill) shows as a gap to the client.
                final long prev = Math.max(sub.lastSentSeq, trades.prev[t]);
                final int f = session.format.ordinal();
                ByteBuffer payload = encoded(f, prev, trades.prev[t]);
                if (payload == null)
                {
                    payload = keep(f, prev, trades.prev[t],
                        encodeTrade(encoder(f, prev, trades.prev[t]), instrument, trades, t, prev));
                }
                sendData(session, payload, now);
                sub.lastSentSeq = trades.seq[t];
            }
        }
        trades.size = 0;

        if (instrument.bookChangedInBatch)
        {
            instrument.bookChangedInBatch = false;
            for (int v = 0; v < instrument.depthViews.size(); v++)
            {
                dispatchBook(instrument, instrument.depthViews.get(v), now);
            }
        }

        if (instrument.tickerInBatch)
        {
            instrument.tickerInBatch = false;
            clearShared();
            final long seq = instrument.lastTickerSeq;
            final List<StreamSub> subs = instrument.tickerSubs;
            for (int i = 0; i < subs.size(); i++)
            {
                final StreamSub sub = subs.get(i);
                if (sub.session.closing || sub.dirty)
                {
                    continue;
                }
                if (mustConflate(sub, now))
                {
                    if (sub.closeOnLag && overBound(sub.session))
                    {
                        slowConsumer(sub.session);
                        continue;
                    }
                    markDirty(sub);
                    continue;
                }
                final int f = sub.session.format.ordinal();
                final long prev = sub.lastSentSeq;
                ByteBuffer payload = encoded(f, prev, instrument.tickerPrev);
                if (payload == null)
                {
                    payload = keep(f, prev, instrument.tickerPrev,
                        encoder(f, prev, instrument.tickerPrev).ticker(instrument, seq, prev));
                }
                sendData(sub.session, payload, now);
                sub.lastSentSeq = seq;
                sub.lastSendNanos = now;
            }
        }
    }

    private void dispatchBook(final GwInstrument instrument, final DepthView view, final long now)
    {
        view.refresh();
        if (view.next.sameAs(view.published))
        {
            return; // the change was outside this depth's window
        }
        final long seq = instrument.lastBookSeq;
        final long sharedPrev = view.lastPublishedSeq;
        clearShared();
        for (int i = 0; i < view.subs.size(); i++)
        {
            final StreamSub sub = view.subs.get(i);
            if (sub.session.closing || sub.dirty)
            {
                continue;
            }
            if (mustConflate(sub, now))
            {
                if (sub.closeOnLag && overBound(sub.session))
                {
                    slowConsumer(sub.session);
                    continue;
                }
                sub.clientView.copyFrom(view.published);
                markDirty(sub);
                continue;
            }
            final int f = sub.session.format.ordinal();
            final long prev = sub.lastSentSeq;
            ByteBuffer payload = encoded(f, prev, sharedPrev);
            if (payload == null)
            {
                payload = keep(f, prev, sharedPrev,
                    encoder(f, prev, sharedPrev).book(instrument, view.published, view.next, seq, prev, false, false));
            }
            sendData(sub.session, payload, now);
            sub.lastSentSeq = seq;
            sub.lastSendNanos = now;
        }
        view.commit();
        view.lastPublishedSeq = seq;
    }

    private boolean overBound(final ClientSession session)
    {
        return session.bytesInFlight() > config.conflateAboveBytes || session.ringFull();
    }

    private boolean mustConflate(final StreamSub sub, final long now)
    {
        return sub.session.bytesInFlight() > config.conflateAboveBytes || sub.session.ringFull() ||
            (sub.minIntervalNanos > 0 && now - sub.lastSendNanos < sub.minIntervalNanos);
    }

    private void markDirty(final StreamSub sub)
    {
        if (!sub.dirty)
        {
            sub.dirty = true;
            final ClientSession session = sub.session;
            session.dirtySubs++;
            if (!session.inDirtyList)
            {
                session.inDirtyList = true;
                dirtySessions.add(session);
            }
        }
    }

    /**
     * Sends each dirty stream of a session that has room again one conflated catch-up message.
     */
    private void flushDirty(final ClientSession session, final long now)
    {
        for (int i = 0; i < session.subs.size() && session.dirtySubs > 0; i++)
        {
            final StreamSub sub = session.subs.get(i);
            if (!sub.dirty || (sub.minIntervalNanos > 0 && now - sub.lastSendNanos < sub.minIntervalNanos))
            {
                continue;
            }
            if (session.bytesInFlight() > config.conflateAboveBytes || session.ringFull())
            {
                return;
            }
            sub.dirty = false;
            session.dirtySubs--;
            final GwInstrument instrument = sub.instrument;
            if (sub.channel == Channel.BOOK)
            {
                final DepthView view = sub.view;
                final boolean reset = sub.clientView.bids == 0 && sub.clientView.asks == 0 && counters.busGaps.get() > 0;
                if (!reset && sub.clientView.sameAs(view.published))
                {
                    continue;
                }
                sendData(session, encoders[session.format.ordinal()].book(instrument, sub.clientView, view.published,
                    view.lastPublishedSeq, sub.lastSentSeq, reset, true), now);
                increment(counters.encodingsPerSubscription[session.format.ordinal()]);
                sub.lastSentSeq = view.lastPublishedSeq;
            }
            else if (sub.channel == Channel.TICKER)
            {
                if (instrument.lastTickerSeq == sub.lastSentSeq)
                {
                    continue;
                }
                sendData(session, encodeTicker(session.format, instrument, sub.lastSentSeq), now);
                increment(counters.encodingsPerSubscription[session.format.ordinal()]);
                sub.lastSentSeq = instrument.lastTickerSeq;
            }
            sub.lastSendNanos = now;
            session.conflated++;
            counters.conflatedMessages.incrementAndGet();
        }
    }

    /**
     * @return the last seq applied to the gateway's view.
     */
    long lastAppliedSeq()
    {
        return lastAppliedSeq;
    }

    /**
     * Queues a market-data message or heartbeat, in the session's format.
     */
    void sendData(final ClientSession session, final ByteBuffer payload, final long now)
    {
        send(session, payload, session.format.opCode, now);
    }

    /**
     * Queues a reply: a JSON text frame in every format.
     */
    void send(final ClientSession session, final ByteBuffer payload, final long now)
    {
        send(session, payload, org.eclipse.jetty.websocket.core.OpCode.TEXT, now);
    }

    private void send(final ClientSession session, final ByteBuffer payload, final byte opCode, final long now)
    {
        if (session.closing)
        {
            return;
        }
        if (session.ringFull())
        {
            slowConsumer(session); // a reply or snapshot that cannot be queued within the frame bound
            return;
        }
        final int length = payload.remaining();
        session.send(payload, opCode, now);
        counters.messagesSent.lazySet(counters.messagesSent.get() + 1);
        counters.bytesSent.lazySet(counters.bytesSent.get() + length);
        if (!session.needsFlush)
        {
            session.needsFlush = true;
            toFlush.add(session);
        }
    }

    /**
     * Hands each session's buffered messages to Jetty as one write. A session whose previous write is still in
     * flight keeps its messages buffered and stays in {@link #toFlush} for the next cycle.
     */
    private void flushSessions()
    {
        int kept = 0;
        for (int i = 0; i < toFlush.size(); i++)
        {
            final ClientSession session = toFlush.get(i);
            if (session.flush())
            {
                session.needsFlush = false;
            }
            else
            {
                toFlush.set(kept++, session);
            }
            if (session.bytesInFlight() > counters.maxSessionBytesInFlight.get())
            {
                counters.maxSessionBytesInFlight.lazySet(session.bytesInFlight());
            }
        }
        for (int i = toFlush.size() - 1; i >= kept; i--)
        {
            toFlush.remove(i);
        }
    }

    /**
     * Closes a session that cannot keep up (4008). The reason names the lowest seq delivered on any of its
     * streams: resuming every stream from it (or each from its own last seq) loses nothing.
     */
    private void slowConsumer(final ClientSession session)
    {
        if (session.closing)
        {
            return;
        }
        long resumeFrom = lastAppliedSeq;
        for (final StreamSub sub : session.subs)
        {
            resumeFrom = Math.min(resumeFrom, sub.lastSentSeq);
        }
        counters.slowConsumerCloses.incrementAndGet();
        session.close(CloseCodes.SLOW_CONSUMER, "slow consumer; resume from " + resumeFrom);
    }

    /**
     * The service pass, about every millisecond. Two parts, so that its cost follows the sessions with work and not
     * the sessions connected (10,000 idle connections made it 10M session visits a second):
     * <ul>
     *   <li>every pass: each session with a dirty subscription ({@link #dirtySessions}) gets its conflated catch-up
     *   as soon as it has room ({@link #flushDirty});</li>
     *   <li>housekeeping, one slice of {@link #sessionList} per pass, a whole round every {@value #HOUSEKEEPING_ROUND}
     *   passes (about 10 ms; every pass while there are at most {@value #HOUSEKEEPING_MIN_SLICE} sessions):
     *   heartbeats, the no-progress (stuck) and idle closes, and the per-session gauges, published at the end of each
     *   round. So a heartbeat or a timeout close is up to about 10 ms later than its interval; all are seconds.</li>
     * </ul>
     */
    private int serviceSessions(final long now)
    {
        int work = 0;
        final int dirty = dirtySessions.size();
        int kept = 0;
        for (int i = 0; i < dirty; i++)
        {
            final ClientSession session = dirtySessions.get(i);
            if (!session.closing && session.dirtySubs > 0)
            {
                flushDirty(session, now);
                work++;
            }
            if (session.closing || session.dirtySubs == 0)
            {
                session.inDirtyList = false;
            }
            else
            {
                dirtySessions.set(kept++, session);
            }
        }
        for (int i = dirty - 1; i >= kept; i--)
        {
            dirtySessions.remove(i); // from the top down, so a session added meanwhile (after dirty) stays
        }

        final int sessions = sessionList.size();
        final int slice = Math.max(HOUSEKEEPING_MIN_SLICE, (sessions + HOUSEKEEPING_ROUND - 1) / HOUSEKEEPING_ROUND);
        final int end = Math.min(sessions, housekeepingCursor + slice);
        final long heartbeatNanos = config.heartbeatInterval.toNanos();
        final long idleNanos = config.idleTimeout.toNanos();
        final long stuckNanos = config.stuckTimeout.toNanos();
        for (int i = housekeepingCursor; i < end; i++)
        {
            final ClientSession session = sessionList.get(i);
            if (session.closing)
            {
                continue;
            }
            final long bytes = session.bytesInFlight();
            roundMaxBytes = Math.max(roundMaxBytes, bytes);
            roundMaxFrames = Math.max(roundMaxFrames, session.framesInFlight());
            if (bytes > config.conflateAboveBytes || session.dirtySubs > 0)
            {
                roundLagging++;
            }
            if (now - session.lastOutboundNanos >= heartbeatNanos && session.framesInFlight() == 0)
            {
                sendData(session, encoders[session.format.ordinal()].heartbeat(lastAppliedSeq), now);
                work++;
            }
            if (session.progressed())
            {
                session.lastProgressNanos = now;
            }
            else if (session.framesInFlight() > 0 && now - session.lastProgressNanos >= stuckNanos)
            {
                counters.slowConsumerCloses.incrementAndGet();
                session.close(CloseCodes.SLOW_CONSUMER, "no write progress for " + config.stuckTimeout.toSeconds() + " s");
            }
            if (idleNanos > 0 && now - session.lastInboundNanos >= idleNanos)
            {
                session.close(CloseCodes.GOING_AWAY, "idle for " + config.idleTimeout.toSeconds() + " s");
            }
        }
        // Closed sessions leave sessionList in between (on this thread): the cursor may then skip or revisit one
        // session in a round, which only moves its next check by a round.
        housekeepingCursor = end;
        if (end >= sessions)
        {
            counters.sessionBytesInFlightMax.lazySet(roundMaxBytes);
            counters.sessionFramesInFlightMax.lazySet(roundMaxFrames);
            counters.sessionsLagging.lazySet(roundLagging);
            housekeepingCursor = 0;
            roundMaxBytes = 0;
            roundMaxFrames = 0;
            roundLagging = 0;
        }
        flushSessions();
        return work;
    }

    // ------------------------------------------------------------------ encoding

    private ByteBuffer copy(final int length)
    {
        final byte[] bytes = Arrays.copyOf(scratch.byteArray(), length);
        return ByteBuffer.wrap(bytes);
    }

    private void clearShared()
    {
        Arrays.fill(shared, null);
        Arrays.fill(rebased, null);
    }

    /**
     * @param prev       the {@code prev} a subscription needs on the message being fanned out.
     * @param sharedPrev the {@code prev} of the message's shared encoding (in-step subscriptions).
     * @return the message already encoded in format {@code f} for {@code prev} during this fan-out, or null.
     */
    private ByteBuffer encoded(final int f, final long prev, final long sharedPrev)
    {
        if (prev == sharedPrev)
        {
            return shared[f];
        }
        return rebasedPrev[f] == prev ? rebased[f] : null;
    }

    /**
     * @return the encoder whose result {@link #keep} holds for {@code prev} during the fan-out.
     */
    private FrameEncoder encoder(final int f, final long prev, final long sharedPrev)
    {
        return prev == sharedPrev ? sharedEncoders[f] : rebasedEncoders[f];
    }

    /**
     * Holds a message just encoded for {@code prev} for the rest of the fan-out, and counts the encoding.
     */
    private ByteBuffer keep(final int f, final long prev, final long sharedPrev, final ByteBuffer payload)
    {
        if (prev == sharedPrev)
        {
            shared[f] = payload;
            increment(counters.encodingsShared[f]);
        }
        else
        {
            rebased[f] = payload;
            rebasedPrev[f] = prev;
            increment(counters.encodingsRebased[f]);
        }
        return payload;
    }

    /**
     * Counts on the agent thread (the only writer), without a locked instruction.
     */
    private static void increment(final java.util.concurrent.atomic.AtomicLong counter)
    {
        counter.lazySet(counter.get() + 1);
    }

    private ByteBuffer encodeTrade(
        final FrameEncoder encoder,
        final GwInstrument instrument,
        final GwInstrument.TradeList trades,
        final int t,
        final long prev)
    {
        return encoder.trade(instrument, trades.seq[t], prev, trades.price[t], trades.qty[t],
            trades.side[t], batchEngineTime);
    }

    private ByteBuffer encodeTicker(final WireFormat format, final GwInstrument instrument, final long prev)
    {
        return encoders[format.ordinal()].ticker(instrument, instrument.lastTickerSeq, prev);
    }

    // ------------------------------------------------------------------ sessions and requests

    private void onCommand(final Object command)
    {
        if (command instanceof Text text)
        {
            final ClientSession session = sessions.get(text.endpoint());
            if (session != null && !session.closing)
            {
                onRequest(session, text.text());
            }
        }
        else if (command instanceof Open open)
        {
            // The upgrade already refuses sessions over maxSessions (HTTP 503) and a closed session leaves this
            // queue before its place is given again, so this is a backstop that should never fire.
            if (busLost != null)
            {
                open.endpoint().core().close(CloseCodes.TRY_AGAIN_LATER, busLost, org.eclipse.jetty.util.Callback.NOOP);
                return;
            }
            if (sessions.size() >= config.maxSessions)
            {
                counters.sessionsRefused.incrementAndGet();
                open.endpoint().core().close(CloseCodes.TRY_AGAIN_LATER, "gateway at its session limit",
                    org.eclipse.jetty.util.Callback.NOOP);
                return;
            }
            final ClientSession session =
                new ClientSession(nextSessionId++, open.endpoint(), open.principal(), config.maxFramesInFlight,
                    ClientSession.writeTarget(config.conflateAboveBytes),
                    clock.nanoTime(), counters.sendLatency);
            sessions.put(open.endpoint(), session);
            sessionList.add(session);
            counters.sessionsOpened.incrementAndGet();
            counters.activeSessions.lazySet(sessionList.size());
        }
        else if (command instanceof BusLost lost)
        {
            busLost = lost.reason();
            for (final ClientSession session : sessionList)
            {
                session.close(CloseCodes.TRY_AGAIN_LATER, lost.reason());
            }
        }
        else if (command instanceof BusRestored restored)
        {
            // The old client lost its driver and was closed by serviceAeron() on this thread; closing it again here
            // (a no-op then) keeps the rule: a client whose buffers this agent reads is closed by this agent only.
            final Aeron old = aeron;
            aeron = restored.aeron();
            bus = restored.bus(); // a gap while it was lost is filled from the journal at its first batch
            orders.ingress(restored.ingress());
            if (replayService != null && restored.replayService() != null)
            {
                // ... or from the replay service, through a client made on the new Aeron client: the old one's
                // publication and subscription were closed with its client.
                CloseHelper.quietClose(replayService);
                replayService = restored.replayService();
                counters.gapFillClientReconnects.incrementAndGet();
            }
            else
            {
                CloseHelper.quietClose(restored.replayService()); // not used here (this gateway has the journal)
            }
            busLost = null;
            if (old != aeron)
            {
                CloseHelper.quietClose(old);
            }
        }
        else if (command instanceof Closed closed)
        {
            final ClientSession session = sessions.remove(closed.endpoint());
            if (session != null)
            {
                orders.onSessionClosed(session);
                for (final StreamSub sub : session.subs)
                {
                    detach(sub);
                }
                session.subs.clear();
                sessionList.remove(session);
                counters.sessionsClosed.incrementAndGet();
                counters.activeSessions.lazySet(sessionList.size());
            }
        }
    }

    private void onRequest(final ClientSession session, final String text)
    {
        final long now = clock.nanoTime();
        session.lastInboundNanos = now;
        counters.requests.incrementAndGet();
        if (now - session.rateWindowStart >= 1_000_000_000L)
        {
            session.rateWindowStart = now;
            session.rateWindowCount = 0;
        }
        session.rateWindowCount++;
        if (session.rateWindowCount > 4 * config.maxInboundPerSecond)
        {
            session.close(CloseCodes.INBOUND_FLOOD, "more than " + 4 * config.maxInboundPerSecond + " messages/s");
            return;
        }
        parser.parse(text, request);
        if (session.rateWindowCount > config.maxInboundPerSecond)
        {
            error(session, ErrorCode.RATE_LIMITED, "over " + config.maxInboundPerSecond + " requests/s", now);
            return;
        }
        if (!request.isValid())
        {
            error(session, request.errorCode(), request.errorMessage(), now);
            return;
        }
        switch (request.op())
        {
            case SUBSCRIBE -> subscribe(session, now);
            case UNSUBSCRIBE -> unsubscribe(session, now);
            case RESYNC -> resync(session, now);
            case PING ->
            {
                writer.wrap(scratch, 0);
                send(session, copy(json.pong(request.idBuffer(), 0, request.idLength(), lastAppliedSeq,
                    resumes.epoch())), now);
            }
            case INSTRUMENTS ->
            {
                writer.wrap(scratch, 0);
                json.beginInstruments(request.idBuffer(), 0, request.idLength());
                for (final GwInstrument instrument : instrumentList)
                {
                    json.instrument(instrument.symbol, instrument.instrumentId, instrument.priceScale,
                        instrument.qtyScale, instrument.tickSize,
                        instrument.lotSize, instrument.mode);
                }
                send(session, copy(json.endInstruments()), now);
            }
            case ORDER, CANCEL -> orderEntry(session, now);
            default -> error(session, ErrorCode.UNKNOWN_OP, "op '" + request.op().wireName() +
                "' is not enabled on this gateway", now);
        }
        flushSessions();
    }

    /**
     * {@code order} and {@code cancel}: checks who may trade what, then hands the request to {@link OrderEntry},
     * which answers later with the engine's ack or reject (docs/protocol.md "Order entry").
     */
    private void orderEntry(final ClientSession session, final long now)
    {
        if (!orders.enabled())
        {
            error(session, ErrorCode.UNKNOWN_OP, "op '" + request.op().wireName() + "' is not enabled on this gateway",
                now);
            return;
        }
        if (!orders.mayTrade(session))
        {
            error(session, ErrorCode.NOT_ENTITLED, "this connection may not trade", now);
            return;
        }
        final String symbol = request.orderSymbol();
        if (!session.principal.symbols().allows(symbol))
        {
            error(session, ErrorCode.NOT_ENTITLED, "not entitled to symbol '" + symbol + "'", now);
            return;
        }
        final GwInstrument instrument = bySymbol.get(symbol);
        if (instrument == null)
        {
            error(session, ErrorCode.UNKNOWN_SYMBOL, "unknown symbol '" + symbol + "'", now);
            return;
        }
        final ErrorCode refused = orders.submit(session, request, instrument);
        if (refused != null)
        {
            error(session, refused, orders.refusal(), now);
        }
    }

    private void error(final ClientSession session, final ErrorCode code, final String message, final long now)
    {
        counters.requestErrors.incrementAndGet();
        writer.wrap(scratch, 0);
        send(session, copy(json.error(request.idBuffer(), 0, request.hasId() ? request.idLength() : 0, code, message)), now);
        flushSessions();
    }

    /**
     * Checks every symbol of the request against the session's entitlements before anything else is looked
     * up, so NOT_ENTITLED takes precedence over UNKNOWN_SYMBOL and reveals nothing about unentitled symbols.
     *
     * @return true if all are entitled; otherwise the NOT_ENTITLED error naming the first one was sent.
     */
    private boolean entitled(final ClientSession session, final long now)
    {
        final SymbolEntitlements entitlements = session.principal.symbols();
        if (entitlements.allowsAll())
        {
            return true;
        }
        for (int i = 0; i < request.symbolCount(); i++)
        {
            final String symbol = request.symbol(i);
            if (!entitlements.allows(symbol))
            {
                error(session, ErrorCode.NOT_ENTITLED, "not entitled to symbol '" + symbol + "'", now);
                return false;
            }
        }
        return true;
    }

    /**
     * @return the request's instruments, or null after answering NOT_ENTITLED or UNKNOWN_SYMBOL.
     */
    private GwInstrument[] entitledInstruments(final ClientSession session, final long now)
    {
        return entitled(session, now) ? resolveSymbols(session, now) : null;
    }

    private GwInstrument[] resolveSymbols(final ClientSession session, final long now)
    {
        final GwInstrument[] resolved = new GwInstrument[request.symbolCount()];
        for (int i = 0; i < resolved.length; i++)
        {
            final GwInstrument instrument = bySymbol.get(request.symbol(i));
            if (instrument == null)
            {
                error(session, ErrorCode.UNKNOWN_SYMBOL, "unknown symbol '" + request.symbol(i) + "'", now);
                return null;
            }
            resolved[i] = instrument;
        }
        return resolved;
    }

    private void subscribe(final ClientSession session, final long now)
    {
        final Channel channel = request.channel();
        final int depth = request.depth() > 0 ? request.depth() : config.defaultDepth;
        if (channel == Channel.BOOK && depth > config.maxDepth)
        {
            error(session, ErrorCode.BAD_REQUEST, "depth must be 1.." + config.maxDepth, now);
            return;
        }
        if (channel == Channel.TRADES && request.maxHzMilli() > 0)
        {
            error(session, ErrorCode.BAD_REQUEST, "maxHz applies to book and ticker; trades are never conflated", now);
            return;
        }
        final GwInstrument[] resolved = entitledInstruments(session, now);
        if (resolved == null)
        {
            return;
        }
        int added = 0;
        for (final GwInstrument instrument : resolved)
        {
            if (find(session, channel, instrument) == null)
            {
                added++;
            }
        }
        if (session.subs.size() + added > config.maxSubscriptionsPerSession)
        {
            error(session, ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                "limit is " + config.maxSubscriptionsPerSession + " streams per connection", now);
            return;
        }
        final long from = request.from();
        if (request.hasFrom() && from > lastAppliedSeq)
        {
            // The client comes from a gateway ahead of this one (the bus reaches gateways at slightly different
            // times): apply what the journal already holds up to from (the journal is written before the bus), so
            // the resume is served rather than refused. Bounded by the journal's end: at most what the bus has not
            // delivered yet, which it would deliver next.
            fillFromJournal(from);
        }
        final long seq = lastAppliedSeq;
        ResumeResult resume = ResumeResult.NONE;
        ReplayRequest replay = null;
        if (request.hasFrom())
        {
            final boolean needsReplay = channel == Channel.TRADES && from < seq;
            resume = resumes.decide(from, request.hasEpoch(), request.epoch(), seq, needsReplay);
            if (resume == ResumeResult.RECOVERED && needsReplay)
            {
                replay = resumes.offer(resolved, from, session.format);
                resume = replay != null ? ResumeResult.RECOVERED : ResumeResult.NOT_RECOVERED;
            }
            resumes.record(resume);
        }
        final boolean recovered = resume == ResumeResult.RECOVERED;
        final StreamSub[] replaying = replay != null ? new StreamSub[resolved.length] : null;
        final long minInterval = request.maxHzMilli() > 0 ? 1_000_000_000_000L / request.maxHzMilli() : 0;
        writer.wrap(scratch, 0);
        send(session, copy(json.subscribed(request.idBuffer(), 0, request.idLength(), channel, request.symbols(),
            request.symbolCount(), seq, resumes.epoch(), resume, channel == Channel.BOOK ? depth : 0,
            request.maxHzMilli())), now);
        for (int r = 0; r < resolved.length; r++)
        {
            final GwInstrument instrument = resolved[r];
            final StreamSub existing = find(session, channel, instrument);
            if (existing != null)
            {
                detach(existing);
                session.subs.remove(existing);
            }
            final DepthView view = channel == Channel.BOOK ? instrument.depthView(depth) : null;
            final StreamSub sub = new StreamSub(session, channel, instrument, view);
            sub.lastSentSeq = seq;
            sub.minIntervalNanos = minInterval;
            sub.closeOnLag = request.policy() == io.tickwire.codecs.json.SlowConsumerPolicy.CLOSE;
            session.subs.add(sub);
            switch (channel)
            {
                case TRADES -> instrument.tradeSubs.add(sub);
                case TICKER -> instrument.tickerSubs.add(sub);
                case BOOK -> view.subs.add(sub);
            }
            if (recovered && channel == Channel.TRADES)
            {
                sub.lastSentSeq = from; // the first trade, replayed or live, has prev = from
            }
            else
            {
                // A resumed book or ticker continues the client's chain (prev = from) with one catch-up snapshot.
                sendSnapshot(sub, seq, recovered ? from : seq, recovered, now);
            }
            if (replaying != null)
            {
                replaying[r] = sub;
            }
        }
        if (replaying != null)
        {
            resumes.start(session, replaying, replay);
        }
    }

    /**
     * @param conflated a resume's catch-up: a book snapshot is marked {@code "conflated":true}.
     */
    private void sendSnapshot(
        final StreamSub sub, final long seq, final long prev, final boolean conflated, final long now)
    {
        final GwInstrument instrument = sub.instrument;
        final FrameEncoder encoder = encoders[sub.session.format.ordinal()];
        if (sub.channel == Channel.BOOK)
        {
            sendData(sub.session, encoder.book(instrument, sub.view.published, sub.view.published, seq, prev, true,
                conflated), now);
        }
        else if (sub.channel == Channel.TICKER)
        {
            sendData(sub.session, encoder.ticker(instrument, seq, prev), now);
        }
        if (sub.channel != Channel.TRADES)
        {
            increment(counters.encodingsPerSubscription[sub.session.format.ordinal()]);
        }
        sub.lastSentSeq = seq;
        sub.lastSendNanos = now;
        if (sub.dirty)
        {
            sub.dirty = false;
            sub.session.dirtySubs--;
        }
    }

    private void resync(final ClientSession session, final long now)
    {
        if (request.channel() == Channel.TRADES)
        {
            error(session, ErrorCode.BAD_REQUEST, "resync applies to book and ticker; resume trades with subscribe and from", now);
            return;
        }
        final GwInstrument[] resolved = entitledInstruments(session, now);
        if (resolved == null)
        {
            return;
        }
        for (final GwInstrument instrument : resolved)
        {
            if (find(session, request.channel(), instrument) == null)
            {
                error(session, ErrorCode.NOT_SUBSCRIBED, "not subscribed to " + request.channel().wireName() + " " +
                    instrument.symbol, now);
                return;
            }
        }
        for (final GwInstrument instrument : resolved)
        {
            final StreamSub sub = find(session, request.channel(), instrument);
            sendSnapshot(sub, lastAppliedSeq, sub.lastSentSeq, false, now);
        }
    }

    private void unsubscribe(final ClientSession session, final long now)
    {
        final GwInstrument[] resolved = resolveSymbols(session, now);
        if (resolved == null)
        {
            return;
        }
        for (final GwInstrument instrument : resolved)
        {
            final StreamSub sub = find(session, request.channel(), instrument);
            if (sub != null)
            {
                detach(sub);
                session.subs.remove(sub);
            }
        }
        writer.wrap(scratch, 0);
        send(session, copy(json.unsubscribed(request.idBuffer(), 0, request.idLength(), request.channel(),
            request.symbols(), request.symbolCount())), now);
    }

    private static StreamSub find(final ClientSession session, final Channel channel, final GwInstrument instrument)
    {
        for (final StreamSub sub : session.subs)
        {
            if (sub.channel == channel && sub.instrument == instrument)
            {
                return sub;
            }
        }
        return null;
    }

    private void detach(final StreamSub sub)
    {
        if (sub.resume != null)
        {
            resumes.detach(sub);
        }
        if (sub.dirty)
        {
            sub.dirty = false;
            sub.session.dirtySubs--;
        }
        switch (sub.channel)
        {
            case TRADES -> sub.instrument.tradeSubs.remove(sub);
            case TICKER -> sub.instrument.tickerSubs.remove(sub);
            case BOOK ->
            {
                sub.view.subs.remove(sub);
                if (sub.view.subs.isEmpty())
                {
                    sub.instrument.depthViews.remove(sub.view);
                }
            }
        }
    }
}
