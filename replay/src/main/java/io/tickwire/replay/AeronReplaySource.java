package io.tickwire.replay;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.replay.ReplayErrorCode;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.NanoClock;

import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link ReplaySource} over the replay service ({@link ReplayServer}) on the journal's host, reached over Aeron
 * with {@link ReplayClient}s: what a gateway without a journal resumes its clients from.
 *
 * <h2>Status</h2>
 * The service has no status message, so the source probes it: a request for {@code (int64 max - 1, int64 max]}
 * is always refused {@code RANGE_AFTER_END}, and the refusal carries the journal's identity and retained range
 * ({@link #journalId()}, {@link #firstSeq()}). A probe goes out at start, then every {@code probeIntervalNanos};
 * the source is {@link #available()} unless the service sent nothing at all (probe answers, stream answers and
 * batches) for {@code timeoutNanos}, found when a probe or a stream request is left unanswered that long; the next
 * answer makes it available again. (A probe or request may be dropped by a service at its limits while it serves
 * others: such a request is asked again rather than failed.)
 *
 * <h2>Streams</h2>
 * A stream reads the service in rounds: an open request {@code (lastSeqRead, int64 max]} (the journal's end when
 * served), its batches, {@code ReplayEnd}; then, when polled again, the next round from where it ended, so the
 * stream follows the journal as it grows. Batches are whole, so events at or below the stream's start are dropped.
 * Each stream streams on a response stream of its own ({@code firstResponseStreamId + 1 + slot}; the probe uses
 * {@code firstResponseStreamId}): Aeron's flow control then paces each replay by its own reader alone. At most
 * {@code streams} streams hold a slot at once; others wait for one (not counted against the timeout). A stream
 * fails ({@link ReplayStream#failure()}) when the service refuses it (another journal, seqs no longer kept,
 * anything but {@code BUSY}, which is retried every 50 ms), when its answers' Aeron session goes away, or when
 * nothing comes for {@code timeoutNanos} while it is polled and the service is silent too, or three times in a row
 * while the service answers otherwise (each time the stream asks again from where it is: a request dropped by a
 * busy service, a replay stalled on a starved host). A slot whose stream left before its request was answered is not reused for {@code timeoutNanos},
 * and one left in mid-replay not before the replay ends, so the source never has more replays at the service than
 * slots. A slot freed in mid-replay is drained (polled and
 * discarded) until its replay ends, so the service never waits on a reader that left.
 * <p>
 * The source has its own Aeron client, built by the given factory with {@code useConductorAgentInvoker(true)}:
 * {@link #doWork()} runs its conductor, so one thread owns it.
 *
 * <h2>Media driver lost</h2>
 * If the client closes (its media driver timed out: no heartbeat for the client's {@code driverTimeout}), the
 * source is unavailable and every stream fails at once, in the same {@link #doWork()} ("the replay service's
 * Aeron client lost its media driver"), so no stream touches the closed client. A new client, with its probe and
 * stream clients, is then made at most once per {@code probeIntervalNanos} (each attempt waits at most the
 * client's {@code driverTimeout} for a driver, on this thread), until a driver is there; each attempt is reported to
 * the {@link ConnectionListener}. The next probe's answer makes the source available again, with new streams on
 * the new client. The same applies when no driver is there when the source is made. Single threaded.
 */
public final class AeronReplaySource implements ReplaySource
{
    /** A stream whose request was refused {@code BUSY} asks again after this long. */
    private static final long BUSY_RETRY_NANOS = 50_000_000L;
    /** A stream at the end of its first round asks for the next after this long, doubling each round... */
    private static final long ROUND_INTERVAL_NANOS = 1_000_000L;
    /** ... up to this long: every round costs the service a publication (its log buffer lingers for seconds). */
    private static final long MAX_ROUND_INTERVAL_NANOS = 64_000_000L;
    private static final int FRAGMENTS_PER_POLL = 16;
    /** A stream silent for the timeout while the service answers otherwise is asked again this many times. */
    private static final int MAX_RETRIES = 3;
    /** Polls further apart than this do not add up to a silence. */
    private static final long SILENCE_GAP_NANOS = 100_000_000L;

    /**
     * Settings.
     *
     * @param requestChannel        the service's request channel.
     * @param requestStreamId       its stream id.
     * @param responseChannel       where the service answers (a UDP endpoint of this host, or {@code aeron:ipc}).
     * @param firstResponseStreamId the probe's response stream; streams use the next {@code streams} ids.
     * @param streams               streams replaying at once (response streams).
     * @param timeoutNanos          silence after which a request counts as unanswered.
     * @param probeIntervalNanos    time between two probes.
     */
    public record Config(
        String requestChannel,
        int requestStreamId,
        String responseChannel,
        int firstResponseStreamId,
        int streams,
        long timeoutNanos,
        long probeIntervalNanos)
    {
        public Config
        {
            if (streams < 1)
            {
                throw new IllegalArgumentException("streams must be at least 1");
            }
        }
    }

    /**
     * Told, on the source's thread, how its attempts to make a new Aeron client (after the last one closed, or with
     * none at start) end.
     */
    public interface ConnectionListener
    {
        /** Does nothing. */
        ConnectionListener NONE = new ConnectionListener()
        {
        };

        /**
         * A new client, with its probe and stream clients, was made.
         */
        default void onConnected()
        {
        }

        /**
         * An attempt failed (no media driver yet, or it refused a publication or subscription); the next one comes
         * a probe interval later.
         */
        default void onConnectFailed(RuntimeException cause)
        {
        }
    }

    private final Config config;
    private final ConnectionListener listener;
    private final Supplier<Aeron> aeronFactory;
    private final NanoClock clock;
    private final MarketDataDecoder decoder = new MarketDataDecoder();
    private Aeron aeron;
    private ReplayClient probe;
    private ReplayClient[] clients;
    private final Remote[] owners;
    private long journalId;
    private long firstSeq = 1;
    private boolean available;
    private boolean starting = true;
    private long probeSentAt;
    private boolean probing;
    /** When the service last sent anything (a probe's answer, a stream's answer or batch). */
    private long lastHeard;
    /** When {@link #doWork()} last ran. */
    private long lastWorkAt;
    /** Per slot: when its stream left it. */
    private final long[] releasedAt;
    private boolean probeSent;
    private long nextProbeAt;

    /**
     * @param aeronFactory makes the source's Aeron client (with {@code useConductorAgentInvoker(true)}); called
     *                     now and after the client closed.
     */
    public AeronReplaySource(final Config config, final Supplier<Aeron> aeronFactory, final NanoClock clock)
    {
        this(config, aeronFactory, clock, ConnectionListener.NONE);
    }

    /**
     * @param aeronFactory makes the source's Aeron client (with {@code useConductorAgentInvoker(true)}); called
     *                     now and after the client closed.
     * @param listener     told how each later attempt to make a client ends (not the first one, made here).
     */
    public AeronReplaySource(
        final Config config,
        final Supplier<Aeron> aeronFactory,
        final NanoClock clock,
        final ConnectionListener listener)
    {
        this.config = config;
        this.listener = listener;
        this.aeronFactory = aeronFactory;
        this.clock = clock;
        this.owners = new Remote[config.streams()];
        this.releasedAt = new long[config.streams()];
        nextProbeAt = clock.nanoTime();
        lastHeard = nextProbeAt;
        lastWorkAt = nextProbeAt;
        try
        {
            connect();
        }
        catch (final RuntimeException ex)
        {
            aeron = null; // no media driver yet: unavailable, and tried again every probe interval
        }
    }

    private void connect()
    {
        final Aeron client = aeronFactory.get();
        final ReplayClient[] made = new ReplayClient[config.streams()];
        ReplayClient probeClient = null;
        try
        {
            probeClient = new ReplayClient(client, config.requestChannel(), config.requestStreamId(),
                withTermLength(config.responseChannel(), "64k"), config.firstResponseStreamId());
            for (int i = 0; i < made.length; i++)
            {
                made[i] = new ReplayClient(client, config.requestChannel(), config.requestStreamId(),
                    withTermLength(config.responseChannel(), "128k"), config.firstResponseStreamId() + 1 + i);
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(made);
            CloseHelper.quietCloseAll(probeClient, client);
            throw ex;
        }
        aeron = client;
        probe = probeClient;
        clients = made;
        probing = false;
    }

    /**
     * @return the response channel with the given term length unless it names one. The service makes a publication
     * (a log buffer of three terms) for every request, and a stream makes a request per round: a probe's answer is
     * one small message (64 KiB), and a replay is paced by its reader anyway (128 KiB: a 64 KiB window).
     */
    static String withTermLength(final String responseChannel, final String termLength)
    {
        final ChannelUri uri = ChannelUri.parse(responseChannel);
        if (uri.get(CommonContext.TERM_LENGTH_PARAM_NAME) == null)
        {
            uri.put(CommonContext.TERM_LENGTH_PARAM_NAME, termLength);
        }
        return uri.toString();
    }

    @Override
    public long journalId()
    {
        return journalId;
    }

    @Override
    public long firstSeq()
    {
        return firstSeq;
    }

    @Override
    public boolean available()
    {
        return available && journalId != 0;
    }

    @Override
    public boolean starting()
    {
        return starting;
    }

    @Override
    public int doWork()
    {
        final long now = clock.nanoTime();
        if (now - lastWorkAt > SILENCE_GAP_NANOS)
        {
            // This thread did not run for a while (a loaded host): that time is not the service's silence.
            final long gap = now - lastWorkAt;
            lastHeard += gap;
            probeSentAt += gap;
        }
        lastWorkAt = now;
        if (aeron == null || aeron.isClosed())
        {
            return reconnect(now);
        }
        final AgentInvoker invoker = aeron.conductorAgentInvoker();
        int work = invoker != null ? invoker.invoke() : 0;
        if (aeron.isClosed())
        {
            lost(); // now: a stream polled after this must not use the closed client
            return work + 1;
        }
        work += pollProbe(now);
        for (int i = 0; i < clients.length; i++)
        {
            if (owners[i] == null)
            {
                work += clients[i].poll(DRAIN, FRAGMENTS_PER_POLL); // a replay its reader left: let it end
            }
        }
        return work;
    }

    private int reconnect(final long now)
    {
        lost();
        if (now - nextProbeAt < 0)
        {
            return 0;
        }
        nextProbeAt = now + config.probeIntervalNanos();
        closeClients();
        try
        {
            connect();
        }
        catch (final RuntimeException ex)
        {
            aeron = null; // no driver yet: try again at the next probe
            listener.onConnectFailed(ex);
            return 1;
        }
        listener.onConnected();
        return 1;
    }

    /**
     * The client is closed (or was never made): unavailable, and every stream fails.
     */
    private void lost()
    {
        unavailable();
        for (int i = 0; i < owners.length; i++)
        {
            if (owners[i] != null)
            {
                owners[i].fail("the replay service's Aeron client lost its media driver");
            }
        }
    }

    private int pollProbe(final long now)
    {
        if (!probing && now - nextProbeAt >= 0)
        {
            probing = true;
            probeSent = false;
            probeSentAt = now;
            nextProbeAt = now + config.probeIntervalNanos();
        }
        if (!probing)
        {
            return 0;
        }
        int work = 0;
        if (!probeSent)
        {
            // Not connected to the service yet counts against the timeout like an unanswered probe.
            probeSent = probe.request(aeron.nextCorrelationId(), 0, Long.MAX_VALUE - 1, Long.MAX_VALUE);
        }
        if (probeSent)
        {
            work += probe.poll(DRAIN, FRAGMENTS_PER_POLL);
        }
        if (probeSent && probeAnswered())
        {
            learn(probe.journalId(), probe.errorFirstSeq());
            heard(now);
            probing = false;
            work++;
        }
        else if (now - probeSentAt - config.timeoutNanos() > 0)
        {
            // A probe can be dropped by a busy service; the service is down only if nothing else came either.
            starting = false;
            if (serviceSilent(now))
            {
                unavailable();
            }
            probing = false;
        }
        return work;
    }

    private boolean probeAnswered()
    {
        return probe.state() == ReplayClient.State.FAILED && probe.errorCode() != null && probe.journalId() != 0;
    }

    private void learn(final long journal, final long first)
    {
        journalId = journal;
        if (first > 0)
        {
            firstSeq = first;
        }
    }

    private void heard(final long now)
    {
        lastHeard = now;
        available = true;
        starting = false;
    }

    private boolean serviceSilent(final long now)
    {
        return now - lastHeard - config.timeoutNanos() > 0;
    }

    private void unavailable()
    {
        available = false;
        starting = false;
    }

    @Override
    public ReplayStream open(
        final long afterSeq, final int[] instrumentIds, final Set<Channel> channels, final MarketDataListener listener)
    {
        return new Remote(new StreamFilter(afterSeq, instrumentIds, channels, listener), afterSeq, journalId);
    }

    private int acquire(final Remote stream)
    {
        if (aeron == null || aeron.isClosed())
        {
            return -1;
        }
        final long now = clock.nanoTime();
        for (int i = 0; i < owners.length; i++)
        {
            // Not while a replay its last stream left may still stream on it (drained until it ends), so this
            // source never has more replays at the service than slots.
            final ReplayClient.State state = clients[i].state();
            if (owners[i] == null && state != ReplayClient.State.STREAMING &&
                !(state == ReplayClient.State.REQUESTED && now - releasedAt[i] - config.timeoutNanos() < 0))
            {
                owners[i] = stream;
                return i;
            }
        }
        return -1;
    }

    private void release(final int slot)
    {
        owners[slot] = null;
        releasedAt[slot] = clock.nanoTime();
    }

    private void closeClients()
    {
        if (clients != null)
        {
            CloseHelper.quietCloseAll(clients);
        }
        CloseHelper.quietCloseAll(probe, aeron);
        clients = null;
        probe = null;
        aeron = null;
        probing = false;
    }

    @Override
    public void close()
    {
        closeClients();
    }

    private static final ReplayClient.BatchHandler DRAIN = (buffer, offset, length) ->
    {
    };

    /**
     * One stream: rounds of open requests on a slot's client.
     */
    private final class Remote implements ReplayStream, ReplayClient.BatchHandler
    {
        private final StreamFilter filter;
        private final long journal;
        private int slot = -1;
        private long covered;
        private int delivered;
        private boolean inRound;
        private long notBefore;
        private long roundInterval = ROUND_INTERVAL_NANOS;
        private int retries;
        private long silentSince;
        private long lastPollAt;
        private String failure;
        private boolean closed;

        Remote(final StreamFilter filter, final long afterSeq, final long journal)
        {
            this.filter = filter;
            this.covered = afterSeq;
            this.journal = journal;
        }

        @Override
        public int poll(final int maxBatches)
        {
            if (failure != null || closed)
            {
                return 0;
            }
            if (slot < 0)
            {
                slot = acquire(this);
                if (slot < 0)
                {
                    return 0; // every slot is busy: wait (not a silence of the service)
                }
            }
            final long now = clock.nanoTime();
            if (now - lastPollAt > SILENCE_GAP_NANOS)
            {
                silentSince = 0; // not polled for a while (paced by its reader): silence counts from now
            }
            lastPollAt = now;
            final ReplayClient client = clients[slot];
            if (!inRound)
            {
                if (now - notBefore < 0)
                {
                    return 0;
                }
                if (!client.request(aeron.nextCorrelationId(), journal, covered, Long.MAX_VALUE))
                {
                    return silent(now); // not connected to the service (yet)
                }
                inRound = true;
                filter.afterSeq = covered;
            }
            delivered = 0;
            final int fragments = client.poll(this, Math.max(1, Math.min(maxBatches, FRAGMENTS_PER_POLL)));
            switch (client.state())
            {
                case DONE ->
                {
                    covered = Math.max(covered, Math.max(client.lastSeq(), client.toSeq()));
                    inRound = false;
                    notBefore = now + roundInterval;
                    roundInterval = Math.min(2 * roundInterval, MAX_ROUND_INTERVAL_NANOS);
                    retries = 0;
                    heard(now);
                }
                case FAILED -> onRefused(client, now);
                default ->
                {
                    if (fragments > 0)
                    {
                        heard(now);
                    }
                    if (delivered > 0)
                    {
                        retries = 0;
                    }
                }
            }
            if (failure == null && inRound && fragments == 0)
            {
                silent(now);
            }
            else
            {
                silentSince = 0;
            }
            return delivered;
        }

        private int silent(final long now)
        {
            if (silentSince == 0)
            {
                silentSince = now;
            }
            else if (now - silentSince - config.timeoutNanos() > 0)
            {
                if (inRound && !serviceSilent(now) && retries < MAX_RETRIES)
                {
                    // The service answers others: this request was dropped (the service at its limits) or its
                    // replay stalled (a starved host). Ask again from where the stream is: nothing is lost or
                    // repeated, and the old replay's answers are ignored (another correlation, another session).
                    retries++;
                    inRound = false;
                    silentSince = 0;
                    return 0;
                }
                final long ms = config.timeoutNanos() / 1_000_000;
                if (serviceSilent(now))
                {
                    unavailable();
                    fail("the replay service sent nothing for " + ms + " ms");
                }
                else
                {
                    fail("the replay stalled for " + ms + " ms, " + MAX_RETRIES + " times");
                }
            }
            return 0;
        }

        private void onRefused(final ReplayClient client, final long now)
        {
            final ReplayErrorCode code = client.errorCode();
            inRound = false;
            if (code == ReplayErrorCode.BUSY)
            {
                notBefore = now + BUSY_RETRY_NANOS; // the service is there, at its limit: ask again
                heard(now);
                return;
            }
            if (code == null)
            {
                fail("the replay service's session went away: " + client.errorMessage());
                return;
            }
            learn(client.journalId(), client.errorFirstSeq());
            heard(now);
            fail(code == ReplayErrorCode.RANGE_BEFORE_JOURNAL ?
                "events after " + covered + " are no longer in the journal" :
                "the replay service refused " + code + ": " + client.errorMessage());
        }

        void fail(final String why)
        {
            failure = why;
            inRound = false;
            if (slot >= 0)
            {
                release(slot);
                slot = -1;
            }
        }

        @Override
        public void onBatch(final DirectBuffer buffer, final int offset, final int length)
        {
            if (!decoder.decode(buffer, offset, length, filter))
            {
                return;
            }
            final long last = filter.batchLastSeq;
            if (last > covered)
            {
                covered = last;
                filter.afterSeq = last;
            }
            delivered++;
        }

        @Override
        public long lastSeqRead()
        {
            return covered;
        }

        @Override
        public boolean truncated()
        {
            return false; // the service says so when asked: failure()
        }

        @Override
        public String failure()
        {
            return failure;
        }

        @Override
        public void close()
        {
            closed = true;
            if (slot >= 0)
            {
                release(slot);
                slot = -1;
            }
        }
    }
}
