package io.tickwire.replay;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tickwire.codecs.replay.MessageHeaderDecoder;
import io.tickwire.codecs.replay.MessageHeaderEncoder;
import io.tickwire.codecs.replay.ReplayEndEncoder;
import io.tickwire.codecs.replay.ReplayErrorCode;
import io.tickwire.codecs.replay.ReplayErrorEncoder;
import io.tickwire.codecs.replay.ReplayRequestDecoder;
import io.tickwire.codecs.replay.ReplayStartedEncoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The replay service: answers {@code ReplayRequest}s (schema {@code tickwire-replay-schema.xml}) arriving on a
 * request stream with the raw journal batches of {@code (fromSeq, toSeq]}, so that a gateway on another host
 * can fill a bus gap or resume from the journal's host. Runs on its own thread, never the engine's.
 *
 * <h2>Protocol</h2>
 * For each request the service adds an exclusive publication on the request's response channel and stream
 * (one Aeron session per replay) and, once a subscriber is connected, sends {@code ReplayStarted}, then every
 * batch holding a seq of the range, in journal order, whole and unchanged (so the first may start before
 * {@code fromSeq + 1} and the last may end after {@code toSeq}; batches without events, rejected inputs, are
 * not sent), then {@code ReplayEnd} with the last seq sent. A refused request gets {@code ReplayError} instead
 * of {@code ReplayStarted}, and nothing else. An open request ({@code toSeq} = int64 max) replays up to the
 * journal's last seq at the time it is served.
 *
 * <h2>Bounds</h2>
 * <ul>
 *   <li>At most {@code maxReplays} replays stream at once; a request beyond it gets {@code ReplayError BUSY}.
 *   At most {@code maxReplays} more sessions may be answering refusals at once; a request beyond both is
 *   dropped (counted in {@link #requestsDropped()}) and its client times out.</li>
 *   <li>Each replay sends at most {@code batchesPerCycle} batches per duty cycle, so concurrent replays share
 *   the thread fairly and a duty cycle is bounded.</li>
 *   <li>Pacing is the response publication's back pressure: a refused offer keeps the batch (one batch of
 *   buffer per session) and tries again on the next duty cycle. A slow client slows only its own replay.</li>
 *   <li>A response publication that has no subscriber within {@code connectTimeoutNanos} is abandoned
 *   (counted in {@link #requestsDropped()}).</li>
 *   <li>A response channel longer than {@link #MAX_CHANNEL_LENGTH} or an unparsable request is dropped and
 *   counted.</li>
 * </ul>
 * Creating and closing a publication is asynchronous (no blocking round trip to the media driver inside a
 * duty cycle), but allocates: a request is not a hot path; streaming a batch allocates nothing.
 */
public final class ReplayServer implements Agent, FragmentHandler
{
    /** Default request stream id of the replay service. */
    public static final int DEFAULT_REQUEST_STREAM = 30;
    /** Longest response channel accepted. */
    public static final int MAX_CHANNEL_LENGTH = 1024;

    private static final int REQUESTS_PER_CYCLE = 16;
    private static final int FREE = 0;
    private static final int ADDING = 1;
    private static final int CONNECTING = 2;
    private static final int STARTING = 3;
    private static final int STREAMING = 4;
    private static final int ENDING = 5;
    private static final int REFUSING = 6;

    /**
     * Settings of the service.
     *
     * @param requestChannel      Aeron channel the requests arrive on ({@code aeron:ipc}, or a UDP endpoint
     *                            reachable from the gateways' hosts).
     * @param requestStreamId     stream id of the requests.
     * @param maxReplays          replays streaming at once; beyond it a request gets {@code BUSY}.
     * @param batchesPerCycle     batches one replay sends per duty cycle at most.
     * @param connectTimeoutNanos how long a response publication may wait for its subscriber.
     * @param maxBatchLength      the largest batch the journal holds (the engine's
     *                            {@code EngineLimits.maxBatchLength()}): one buffer of it per session.
     */
    public record Config(
        String requestChannel, int requestStreamId, int maxReplays, int batchesPerCycle, long connectTimeoutNanos,
        int maxBatchLength)
    {
        public Config
        {
            if (maxReplays < 1 || batchesPerCycle < 1 || connectTimeoutNanos <= 0 || maxBatchLength < 64)
            {
                throw new IllegalArgumentException("replay service limits must be positive");
            }
        }

        /**
         * @return the defaults: IPC stream {@link #DEFAULT_REQUEST_STREAM}, 8 replays, 16 batches per cycle,
         * 5 s connect timeout.
         */
        public static Config defaults(final int maxBatchLength)
        {
            return new Config("aeron:ipc", DEFAULT_REQUEST_STREAM, 8, 16, 5_000_000_000L, maxBatchLength);
        }

        public Config withRequest(final String channel, final int streamId)
        {
            return new Config(channel, streamId, maxReplays, batchesPerCycle, connectTimeoutNanos, maxBatchLength);
        }

        public Config withMaxReplays(final int max)
        {
            return new Config(requestChannel, requestStreamId, max, batchesPerCycle, connectTimeoutNanos, maxBatchLength);
        }
    }

    private final Aeron aeron;
    private final Journal journal;
    private final long journalId;
    private final Config config;
    private final NanoClock clock;
    private final Session[] sessions;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ReplayRequestDecoder request = new ReplayRequestDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ReplayStartedEncoder started = new ReplayStartedEncoder();
    private final ReplayEndEncoder end = new ReplayEndEncoder();
    private final ReplayErrorEncoder error = new ReplayErrorEncoder();
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[2048]);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong batchesSent = new AtomicLong();
    private Subscription requests;
    private FragmentAssembler assembler;
    private JournalIndex index;
    private int streaming;

    /**
     * @param aeron     the Aeron client (of the media driver the requests and responses go through).
     * @param journal   the journal to serve (readers are created on the agent's thread).
     * @param journalId the journal's identity ({@code EngineNode.journalId()}).
     */
    public ReplayServer(
        final Aeron aeron, final Journal journal, final long journalId, final Config config, final NanoClock clock)
    {
        this.aeron = aeron;
        this.journal = journal;
        this.journalId = journalId;
        this.config = config;
        this.clock = clock;
        this.sessions = new Session[config.maxReplays() * 2];
        for (int i = 0; i < sessions.length; i++)
        {
            sessions[i] = new Session(config.maxBatchLength());
        }
    }

    @Override
    public void onStart()
    {
        index = new JournalIndex(journal);
        requests = aeron.addSubscription(config.requestChannel(), config.requestStreamId());
        assembler = new FragmentAssembler(this);
    }

    @Override
    public int doWork()
    {
        int work = requests.poll(assembler, REQUESTS_PER_CYCLE);
        final long now = clock.nanoTime();
        for (final Session session : sessions)
        {
            if (session.state != FREE)
            {
                try
                {
                    work += session.step(now);
                }
                catch (final RuntimeException ex)
                {
                    session.fail(ex);
                }
            }
        }
        return work;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header h)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            dropped.incrementAndGet();
            return;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            header.templateId() != ReplayRequestDecoder.TEMPLATE_ID ||
            length < MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() + 4)
        {
            dropped.incrementAndGet();
            return;
        }
        request.wrapAndApplyHeader(buffer, offset, header);
        final long correlationId = request.correlationId();
        final long requestJournal = request.journalId();
        final long fromSeq = request.fromSeq();
        final long toSeq = request.toSeq();
        final int streamId = request.responseStreamId();
        final int channelLength = request.responseChannelLength();
        if (channelLength < 1 || channelLength > MAX_CHANNEL_LENGTH ||
            request.limit() + 4 + channelLength > offset + length)
        {
            dropped.incrementAndGet();
            return;
        }
        final String channel = request.responseChannel();
        accept(correlationId, requestJournal, fromSeq, toSeq, channel, streamId);
    }

    private void accept(
        final long correlationId, final long requestJournal, final long fromSeq, final long toSeq,
        final String channel, final int streamId)
    {
        final Session session = freeSession();
        if (session == null)
        {
            dropped.incrementAndGet();
            return;
        }
        session.correlationId = correlationId;
        session.fromSeq = fromSeq;
        session.refusal = null;
        if (streaming >= config.maxReplays())
        {
            session.refuse(ReplayErrorCode.BUSY, "at the limit of " + config.maxReplays() + " concurrent replays");
        }
        else if (fromSeq < 0 || toSeq < fromSeq)
        {
            session.refuse(ReplayErrorCode.BAD_RANGE, "need 0 <= fromSeq <= toSeq, got " + fromSeq + ", " + toSeq);
        }
        else if (requestJournal != 0 && requestJournal != journalId)
        {
            session.refuse(ReplayErrorCode.UNKNOWN_JOURNAL,
                "seqs of journal " + Long.toHexString(requestJournal) + " asked of journal " + Long.toHexString(journalId));
        }
        else
        {
            final long last = index.lastSeq();
            final long first = index.firstSeq();
            final long to = toSeq == Long.MAX_VALUE ? Math.max(last, fromSeq) : toSeq;
            if (fromSeq > last || to > last)
            {
                session.refuse(ReplayErrorCode.RANGE_AFTER_END,
                    "the journal ends at seq " + last + ", asked (" + fromSeq + ", " + toSeq + "]");
            }
            else if (fromSeq + 1 < first && to > fromSeq)
            {
                session.refuse(ReplayErrorCode.RANGE_BEFORE_JOURNAL,
                    "the journal starts at seq " + first + " (older seqs were deleted), asked from " + (fromSeq + 1));
            }
            else
            {
                session.toSeq = to;
                session.startIndex = to > fromSeq ? index.indexOfSeq(fromSeq + 1) : JournalIndex.AFTER_END;
                if (to > fromSeq && session.startIndex < 0)
                {
                    session.refuse(ReplayErrorCode.INTERNAL, "seq " + (fromSeq + 1) + " not found");
                }
                else
                {
                    streaming++;
                    session.counted = true;
                }
            }
        }
        if (session.refusal != null)
        {
            refused.incrementAndGet();
            session.errorFirst = index.firstSeq();
            session.errorLast = index.lastSeq();
        }
        try
        {
            session.registrationId = aeron.asyncAddExclusivePublication(channel, streamId);
            session.state = ADDING;
            session.deadline = clock.nanoTime() + config.connectTimeoutNanos();
        }
        catch (final RuntimeException ex)
        {
            session.release(); // a channel the client library refuses at once: nobody to tell
            dropped.incrementAndGet();
        }
    }

    private Session freeSession()
    {
        for (final Session session : sessions)
        {
            if (session.state == FREE)
            {
                return session;
            }
        }
        return null;
    }

    @Override
    public String roleName()
    {
        return "tickwire-replay-server";
    }

    @Override
    public void onClose()
    {
        for (final Session session : sessions)
        {
            if (session.state != FREE)
            {
                session.release();
            }
        }
        CloseHelper.closeAll(requests, index);
    }

    /**
     * @return replays that sent their {@code ReplayEnd}.
     */
    public long replaysCompleted()
    {
        return completed.get();
    }

    /**
     * @return requests answered with {@code ReplayError} (before streaming).
     */
    public long replaysRefused()
    {
        return refused.get();
    }

    /**
     * @return requests that got no answer: unparsable, no free session, or no subscriber on the response stream.
     */
    public long requestsDropped()
    {
        return dropped.get();
    }

    /**
     * @return batches sent by every replay so far.
     */
    public long batchesSent()
    {
        return batchesSent.get();
    }

    /**
     * One request, from its publication being added to its last message.
     */
    private final class Session implements JournalReader.ExcerptHandler
    {
        int state = FREE;
        long correlationId;
        long fromSeq;
        long toSeq;
        long startIndex;
        long registrationId;
        long deadline;
        long lastSeqSent;
        long batches;
        ReplayErrorCode refusal;
        String refusalMessage;
        long errorFirst;
        long errorLast;
        ExclusivePublication publication;
        JournalReader reader;
        final UnsafeBuffer pending;
        int pendingLength;
        boolean reachedEnd;
        boolean counted;

        Session(final int maxBatchLength)
        {
            pending = new UnsafeBuffer(new byte[maxBatchLength]);
        }

        void refuse(final ReplayErrorCode code, final String message)
        {
            refusal = code;
            refusalMessage = message;
        }

        int step(final long now)
        {
            switch (state)
            {
                case ADDING:
                    publication = aeron.getExclusivePublication(registrationId);
                    if (publication == null)
                    {
                        return expire(now);
                    }
                    state = CONNECTING;
                    return 1;
                case CONNECTING:
                    if (!publication.isConnected())
                    {
                        return expire(now);
                    }
                    state = refusal != null ? REFUSING : STARTING;
                    return 1;
                case REFUSING:
                    if (offer(encodeError()))
                    {
                        release();
                        return 1;
                    }
                    return 0;
                case STARTING:
                    if (!offer(encodeStarted()))
                    {
                        return 0;
                    }
                    lastSeqSent = fromSeq;
                    if (toSeq > fromSeq)
                    {
                        reader = JournalReader.after(journal, -1);
                        if (!reader.tailer().moveToIndex(startIndex))
                        {
                            throw new IllegalStateException("journal index " + Long.toHexString(startIndex) + " is gone");
                        }
                        state = STREAMING;
                    }
                    else
                    {
                        state = ENDING;
                    }
                    return 1;
                case STREAMING:
                    return stream();
                case ENDING:
                    if (offer(encodeEnd()))
                    {
                        completed.incrementAndGet();
                        release();
                        return 1;
                    }
                    return 0;
                default:
                    return 0;
            }
        }

        private int expire(final long now)
        {
            if (now - deadline > 0)
            {
                dropped.incrementAndGet();
                release();
                return 1;
            }
            return 0;
        }

        private int stream()
        {
            int work = 0;
            if (pendingLength > 0)
            {
                if (!offer(pending, pendingLength))
                {
                    return 0;
                }
                pendingLength = 0;
                work++;
            }
            while (work < config.batchesPerCycle() && !reachedEnd && pendingLength == 0)
            {
                if (!reader.poll(this))
                {
                    if (reachedEnd)
                    {
                        break;
                    }
                    return work; // the batch is not visible yet (cannot happen for a range below lastSeq)
                }
                work++;
            }
            if (reachedEnd && pendingLength == 0)
            {
                state = ENDING;
            }
            return work;
        }

        @Override
        public void onExcerpt(final DirectBuffer buffer, final int length, final long index)
        {
            if (!BatchFields.isBatch(buffer, length) || BatchFields.eventCount(buffer) == 0)
            {
                return;
            }
            final long first = BatchFields.firstSeq(buffer);
            if (first > toSeq)
            {
                reachedEnd = true;
                return;
            }
            final long last = BatchFields.endSeq(buffer) - 1;
            if (!publication.isConnected())
            {
                throw new IllegalStateException("response subscriber went away");
            }
            final long result = publication.offer(buffer, 0, length);
            if (result < 0)
            {
                checkOffer(result);
                pending.putBytes(0, buffer, 0, length);
                pendingLength = length;
            }
            else
            {
                batchesSent.incrementAndGet();
            }
            batches++;
            lastSeqSent = last;
            if (last >= toSeq)
            {
                reachedEnd = true;
            }
        }

        private boolean offer(final UnsafeBuffer buffer, final int length)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                if (buffer == pending)
                {
                    batchesSent.incrementAndGet();
                }
                return true;
            }
            checkOffer(result);
            return false;
        }

        private boolean offer(final int controlLength)
        {
            return offer(control, controlLength);
        }

        private void checkOffer(final long result)
        {
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED ||
                result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("response publication: " + Publication.errorString(result));
            }
        }

        private int encodeStarted()
        {
            started.wrapAndApplyHeader(control, 0, headerEncoder)
                .correlationId(correlationId).journalId(journalId).fromSeq(fromSeq).toSeq(toSeq);
            return MessageHeaderEncoder.ENCODED_LENGTH + started.encodedLength();
        }

        private int encodeEnd()
        {
            end.wrapAndApplyHeader(control, 0, headerEncoder)
                .correlationId(correlationId).lastSeq(lastSeqSent).batches(batches);
            return MessageHeaderEncoder.ENCODED_LENGTH + end.encodedLength();
        }

        private int encodeError()
        {
            final String message = refusalMessage.length() > 512 ? refusalMessage.substring(0, 512) : refusalMessage;
            error.wrapAndApplyHeader(control, 0, headerEncoder)
                .correlationId(correlationId).code(refusal).journalId(journalId).firstSeq(errorFirst)
                .lastSeq(errorLast).message(message);
            return MessageHeaderEncoder.ENCODED_LENGTH + error.encodedLength();
        }

        /**
         * Something failed mid-replay (the subscriber left, the journal failed): tell the client if it can still
         * hear, then free the session.
         */
        void fail(final RuntimeException ex)
        {
            if (publication != null && publication.isConnected() && state != REFUSING)
            {
                refusal = ReplayErrorCode.INTERNAL;
                refusalMessage = String.valueOf(ex.getMessage());
                errorFirst = index.firstSeq();
                errorLast = index.lastSeq();
                try
                {
                    offer(encodeError());
                }
                catch (final RuntimeException ignored)
                {
                    // the client will time out
                }
            }
            dropped.incrementAndGet();
            release();
        }

        void release()
        {
            if (counted)
            {
                counted = false;
                streaming--;
            }
            if (state == ADDING && publication == null)
            {
                try
                {
                    aeron.asyncRemovePublication(registrationId); // added later, or failed: not ours now
                }
                catch (final RuntimeException ignored)
                {
                    // the registration failed: nothing to remove
                }
            }
            CloseHelper.quietCloseAll(reader, publication);
            reader = null;
            publication = null;
            pendingLength = 0;
            reachedEnd = false;
            batches = 0;
            refusal = null;
            state = FREE;
        }
    }
}
