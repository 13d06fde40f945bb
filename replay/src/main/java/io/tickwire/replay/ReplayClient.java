package io.tickwire.replay;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tickwire.codecs.replay.MessageHeaderDecoder;
import io.tickwire.codecs.replay.MessageHeaderEncoder;
import io.tickwire.codecs.replay.ReplayEndDecoder;
import io.tickwire.codecs.replay.ReplayErrorCode;
import io.tickwire.codecs.replay.ReplayErrorDecoder;
import io.tickwire.codecs.replay.ReplayRequestEncoder;
import io.tickwire.codecs.replay.ReplayStartedDecoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client side of the replay service ({@link ReplayServer}): sends a request, then {@link #poll} hands
 * each replayed batch to a {@link BatchHandler} until {@link #state()} is {@link State#DONE} or
 * {@link State#FAILED}. For a gateway on another host that fills a bus gap or resumes from the journal's host.
 * <p>
 * One replay at a time per client. The response subscription is created with the client (so a UDP response
 * stream is listening before the request goes out). Several clients may share a response channel and stream:
 * each locks onto the Aeron session that answered its own correlation id and ignores the others. Single
 * threaded (an agent's duty cycle, or a test). Polling allocates nothing.
 */
public final class ReplayClient implements AutoCloseable, FragmentHandler
{
    /**
     * Receives a replayed batch: a raw journal excerpt (a {@code BatchHeader} then its messages).
     */
    @FunctionalInterface
    public interface BatchHandler
    {
        /**
         * @param buffer valid only during the call.
         */
        void onBatch(DirectBuffer buffer, int offset, int length);
    }

    /** Where the current replay is. */
    public enum State
    {
        /** No request yet. */
        IDLE,
        /** Requested, no answer yet. */
        REQUESTED,
        /** {@code ReplayStarted} came: batches are arriving. */
        STREAMING,
        /** {@code ReplayEnd} came: every batch of the range was delivered. */
        DONE,
        /** {@code ReplayError} came (see {@link #errorCode()}), or the answer's session went away. */
        FAILED
    }

    private static final int NO_SESSION = 0;

    private final Publication requests;
    private final Subscription responses;
    private final String responseChannel;
    private final int responseStreamId;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final UnsafeBuffer requestBuffer = new UnsafeBuffer(new byte[2048]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ReplayRequestEncoder requestEncoder = new ReplayRequestEncoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ReplayStartedDecoder started = new ReplayStartedDecoder();
    private final ReplayEndDecoder end = new ReplayEndDecoder();
    private final ReplayErrorDecoder error = new ReplayErrorDecoder();
    private BatchHandler handler;
    private State state = State.IDLE;
    private long correlationId;
    private int sessionId;
    private boolean locked;
    private long journalId;
    private long toSeq;
    private long lastSeq;
    private long batches;
    private long batchesReceived;
    private ReplayErrorCode errorCode;
    private String errorMessage;
    private long errorFirstSeq;
    private long errorLastSeq;

    /**
     * @param requestChannel   the service's request channel ({@code ReplayServer.Config.requestChannel}).
     * @param responseChannel  where the answers should come: {@code aeron:ipc} on the same host, a UDP
     *                         endpoint of this host otherwise (the service publishes to it).
     * @param responseStreamId the response stream id.
     */
    public ReplayClient(
        final Aeron aeron,
        final String requestChannel,
        final int requestStreamId,
        final String responseChannel,
        final int responseStreamId)
    {
        if (responseChannel.length() > ReplayServer.MAX_CHANNEL_LENGTH)
        {
            throw new IllegalArgumentException("response channel longer than " + ReplayServer.MAX_CHANNEL_LENGTH);
        }
        this.responseChannel = responseChannel;
        this.responseStreamId = responseStreamId;
        Subscription subscription = null;
        try
        {
            subscription = aeron.addSubscription(responseChannel, responseStreamId);
            this.requests = aeron.addPublication(requestChannel, requestStreamId);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(subscription);
            throw ex;
        }
        this.responses = subscription;
    }

    /**
     * @return true once the request stream reaches a replay service (a request can go out).
     */
    public boolean connected()
    {
        return requests.isConnected();
    }

    /**
     * Asks for the batches holding the seqs of {@code (fromSeq, toSeq]}.
     *
     * @param correlationId identifies the answer; use a value no other client of the service uses at the same
     *                      time (e.g. {@code aeron.nextCorrelationId()}).
     * @param journalId     the journal the seqs belong to; 0 for any.
     * @param toSeq         inclusive; {@code Long.MAX_VALUE} for the journal's end when the request is served.
     * @return false if the request could not be sent now (not connected or back pressure): call again.
     */
    public boolean request(final long correlationId, final long journalId, final long fromSeq, final long toSeq)
    {
        requestEncoder.wrapAndApplyHeader(requestBuffer, 0, headerEncoder)
            .correlationId(correlationId).journalId(journalId).fromSeq(fromSeq).toSeq(toSeq)
            .responseStreamId(responseStreamId).responseChannel(responseChannel);
        final long result = requests.offer(requestBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + requestEncoder.encodedLength());
        if (result < 0)
        {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("replay request publication: " + Publication.errorString(result));
            }
            return false;
        }
        this.correlationId = correlationId;
        this.state = State.REQUESTED;
        this.locked = false;
        this.sessionId = NO_SESSION;
        this.lastSeq = fromSeq;
        this.toSeq = toSeq;
        this.batches = 0;
        this.batchesReceived = 0;
        this.errorCode = null;
        this.errorMessage = null;
        return true;
    }

    /**
     * Delivers what has arrived: batches of the current replay to {@code handler}, and the control messages.
     *
     * @return fragments read.
     */
    public int poll(final BatchHandler handler, final int fragmentLimit)
    {
        this.handler = handler;
        final int read = responses.poll(assembler, fragmentLimit);
        if (state == State.STREAMING && locked && responses.imageBySessionId(sessionId) == null)
        {
            fail(null, "the replay's Aeron session went away before ReplayEnd");
        }
        return read;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header h)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH || state == State.IDLE)
        {
            return;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            if (locked && h.sessionId() == sessionId && state == State.STREAMING)
            {
                batchesReceived++;
                handler.onBatch(buffer, offset, length);
            }
            return;
        }
        if (locked && h.sessionId() != sessionId)
        {
            return;
        }
        switch (header.templateId())
        {
            case ReplayStartedDecoder.TEMPLATE_ID:
                started.wrapAndApplyHeader(buffer, offset, header);
                if (started.correlationId() == correlationId && state == State.REQUESTED)
                {
                    locked = true;
                    sessionId = h.sessionId();
                    journalId = started.journalId();
                    started.fromSeq();
                    toSeq = started.toSeq();
                    state = State.STREAMING;
                }
                break;
            case ReplayEndDecoder.TEMPLATE_ID:
                end.wrapAndApplyHeader(buffer, offset, header);
                if (locked && end.correlationId() == correlationId)
                {
                    lastSeq = end.lastSeq();
                    batches = end.batches();
                    state = State.DONE;
                    locked = false;
                }
                break;
            case ReplayErrorDecoder.TEMPLATE_ID:
                error.wrapAndApplyHeader(buffer, offset, header);
                if (error.correlationId() == correlationId && (state == State.REQUESTED || state == State.STREAMING))
                {
                    final ReplayErrorCode code = error.code();
                    journalId = error.journalId();
                    errorFirstSeq = error.firstSeq();
                    errorLastSeq = error.lastSeq();
                    fail(code, error.message());
                }
                break;
            default:
                break;
        }
    }

    private void fail(final ReplayErrorCode code, final String message)
    {
        errorCode = code;
        errorMessage = message;
        state = State.FAILED;
        locked = false;
    }

    public State state()
    {
        return state;
    }

    /**
     * @return the service's journal (from {@code ReplayStarted} or {@code ReplayError}).
     */
    public long journalId()
    {
        return journalId;
    }

    /**
     * @return the last seq the replay covers (after {@code ReplayStarted}: an open request resolved).
     */
    public long toSeq()
    {
        return toSeq;
    }

    /**
     * @return when {@link State#DONE}: the last seq of the last batch sent.
     */
    public long lastSeq()
    {
        return lastSeq;
    }

    /**
     * @return when {@link State#DONE}: the batches the service says it sent (equal to
     * {@link #batchesReceived()} unless something was lost).
     */
    public long batches()
    {
        return batches;
    }

    public long batchesReceived()
    {
        return batchesReceived;
    }

    /**
     * @return the refusal's code; null before a refusal, or when the session went away.
     */
    public ReplayErrorCode errorCode()
    {
        return errorCode;
    }

    public String errorMessage()
    {
        return errorMessage;
    }

    /**
     * @return with a refusal: the journal's first retained seq.
     */
    public long errorFirstSeq()
    {
        return errorFirstSeq;
    }

    /**
     * @return with a refusal: the journal's last seq.
     */
    public long errorLastSeq()
    {
        return errorLastSeq;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(requests, responses);
    }
}
