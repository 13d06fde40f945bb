package io.tickwire.gateway;

import io.tickwire.codecs.json.ResumeResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateway agent's side of resumes ({@code subscribe} with {@code from}): decides whether a resume can be
 * served, starts trade replays on the {@link ReplayAgent}, takes their chunks at the pace of each connection,
 * and cuts each replaying subscription over to live at a sequence boundary. Owned by the gateway agent thread.
 *
 * <h2>Cut-over</h2>
 * While a trades subscription replays, live dispatch skips it. Each chunk taken is sent and moves the
 * subscription's last sent seq to its last trade. When a chunk covers up to R and R is at or past the gateway's
 * last applied seq L, every trade up to L was sent by the replay, so the subscription goes live: later live
 * trades have seqs above L, and any live trade at or below the subscription's last sent seq is skipped, so there
 * is no gap and no duplicate. Otherwise the replay keeps reading (the journal is ahead of the bus) until a chunk
 * reaches L. Nothing live is buffered per connection: the journal is the buffer.
 *
 * <h2>Pacing</h2>
 * A chunk is taken for a connection only when it is within {@code conflateAboveBytes} and the chunk fits in its
 * frame ring (or nothing is in flight), so a resuming client is never closed for being slow while it replays:
 * its replay simply waits, bounded by {@link ReplayRequest#CHUNKS_QUEUED} chunks, which go back to the replay
 * agent once sent. At most {@link #CHUNKS_PER_CYCLE} chunks are taken per duty cycle over all replays, so replays
 * never delay live dispatch by more than that.
 */
final class Resumes
{
    /** Chunks taken per gateway duty cycle, over all replays. */
    static final int CHUNKS_PER_CYCLE = 4;
    /** The longest close reason a WebSocket close frame holds (125 bytes less the code). */
    private static final int MAX_CLOSE_REASON = 123;

    /** One replaying {@code subscribe} on the gateway side. */
    static final class Resume
    {
        final ClientSession session;
        final ReplayRequest request;
        /** The subscriptions, by the request's instrument order; null once unsubscribed. */
        final StreamSub[] subs;
        int live;

        Resume(final ClientSession session, final ReplayRequest request, final StreamSub[] subs)
        {
            this.session = session;
            this.request = request;
            this.subs = subs;
            this.live = subs.length;
        }
    }

    private final GatewayAgent gateway;
    private final GatewayConfig config;
    private final GatewayCounters counters;
    private final ReplayAgent replayer;
    private final List<Resume> active = new ArrayList<>();
    private int next;

    /**
     * @param replayer the replay agent (over the gateway's journal, or over the engine's replay service); null when
     *                 the gateway has neither (every resume is answered {@code recovered:false}).
     */
    Resumes(final GatewayAgent gateway, final GatewayConfig config, final GatewayCounters counters,
        final ReplayAgent replayer)
    {
        this.gateway = gateway;
        this.config = config;
        this.counters = counters;
        this.replayer = replayer;
    }

    /**
     * @return the journal identity this gateway serves resumes from, or 0 if it cannot serve them.
     */
    long epoch()
    {
        return replayer == null ? 0 : replayer.journalId();
    }

    /**
     * Decides a resume: served when the gateway has a replay source (its journal, or the replay service, which
     * must have answered within its timeout), the epoch (if given) is the source's journal's, and {@code from} is
     * within what the journal keeps and not after {@code seq}. A trades resume that needs a replay also needs a free
     * replay slot ({@code maxReplays}) and a successful {@link #offer}. A resume refused only because the replay
     * service is not answering is counted in {@code resumesUnavailable}.
     *
     * @param seq    S, the gateway's last applied seq.
     * @param replay whether the resume needs a replay (trades, from before S).
     */
    ResumeResult decide(final long from, final boolean hasEpoch, final long epoch, final long seq, final boolean replay)
    {
        if (replayer != null && !replayer.available())
        {
            counters.resumesUnavailable.incrementAndGet();
            return ResumeResult.NOT_RECOVERED;
        }
        final boolean served = replayer != null &&
            (!hasEpoch || epoch == replayer.journalId()) &&
            from <= seq &&
            from >= replayer.firstSeq() - 1 &&
            (!replay || active.size() < config.maxReplays);
        return served ? ResumeResult.RECOVERED : ResumeResult.NOT_RECOVERED;
    }

    /**
     * Hands a replay of the trades of {@code instruments} after {@code from} to the replay agent.
     *
     * @return the request, or null if the replay agent's queue is full (the resume is then not served).
     */
    ReplayRequest offer(final GwInstrument[] instruments, final long from, final WireFormat format)
    {
        final ReplayRequest request = new ReplayRequest(from, instruments, format);
        return replayer.offer(request) ? request : null;
    }

    /**
     * Counts a resume's outcome in the metrics.
     */
    void record(final ResumeResult result)
    {
        (result == ResumeResult.RECOVERED ? counters.resumesRecovered : counters.resumesNotRecovered).incrementAndGet();
    }

    /**
     * Marks {@code subs} (new trades subscriptions whose last sent seq is the request's {@code from}, in the
     * request's instrument order) as replaying: live dispatch skips them until the cut-over.
     */
    void start(final ClientSession session, final StreamSub[] subs, final ReplayRequest request)
    {
        final Resume resume = new Resume(session, request, subs);
        for (final StreamSub sub : subs)
        {
            sub.resume = resume;
        }
        active.add(resume);
        counters.activeReplays.lazySet(active.size());
    }

    /**
     * A subscription left (unsubscribe, re-subscribe, connection closed) while replaying.
     */
    void detach(final StreamSub sub)
    {
        final Resume resume = sub.resume;
        sub.resume = null;
        for (int i = 0; i < resume.subs.length; i++)
        {
            if (resume.subs[i] == sub)
            {
                resume.subs[i] = null;
                resume.live--;
            }
        }
        if (resume.live == 0)
        {
            finish(resume);
        }
    }

    /**
     * Takes up to {@link #CHUNKS_PER_CYCLE} chunks of replays whose connections have room (visiting the replays in
     * turn, several chunks of one replay if it has them), sends them and cuts over the replays that caught up.
     *
     * @return the chunks taken.
     */
    int poll(final long now)
    {
        int taken = 0;
        final int n = active.size();
        for (int k = 0; k < n && taken < CHUNKS_PER_CYCLE && !active.isEmpty(); k++)
        {
            if (next >= active.size())
            {
                next = 0;
            }
            taken += take(active.get(next++), CHUNKS_PER_CYCLE - taken, now);
        }
        return taken;
    }

    /**
     * Takes and sends up to {@code max} chunks of one replay, while its connection has room; cuts it over if a
     * chunk reaches the last applied seq.
     *
     * @return the chunks taken.
     */
    private int take(final Resume resume, final int max, final long now)
    {
        final ReplayRequest request = resume.request;
        final ClientSession session = resume.session;
        int taken = 0;
        while (taken < max && !session.closing) // a closing session: the Closed command will detach its subscriptions
        {
            final ReplayChunk chunk = request.chunks.peek();
            if (chunk == null)
            {
                if (request.failed != null)
                {
                    counters.resumesFailed.incrementAndGet();
                    session.close(CloseCodes.RESUME_FAILED, failedReason(request));
                }
                break;
            }
            final int inFlight = session.framesInFlight();
            if (session.bytesInFlight() > config.conflateAboveBytes ||
                (inFlight > 0 && inFlight + chunk.count > session.ringCapacity()))
            {
                break; // paced: this connection takes its replay as fast as it reads
            }
            request.chunks.poll();
            taken++;
            send(resume, chunk, now);
            request.free.offer(chunk); // sent (copied into the session's writes): the replay agent may refill it
            if (!session.closing && chunk.coveredTo >= gateway.lastAppliedSeq())
            {
                for (final StreamSub sub : resume.subs)
                {
                    if (sub != null)
                    {
                        sub.resume = null; // live from here: the next live trade has seq > lastAppliedSeq
                    }
                }
                counters.resumesCutOver.incrementAndGet();
                finish(resume);
                break;
            }
        }
        return taken;
    }

    /**
     * @return {@code resume from N failed: <why>}, cut to the 123 bytes a close reason may hold (ASCII).
     */
    static String failedReason(final ReplayRequest request)
    {
        final String reason = "resume from " + request.afterSeq + " failed: " + request.failed;
        final String ascii = reason.replaceAll("[^\\x20-\\x7e]", "?");
        return ascii.length() <= MAX_CLOSE_REASON ? ascii : ascii.substring(0, MAX_CLOSE_REASON);
    }

    private void send(final Resume resume, final ReplayChunk chunk, final long now)
    {
        for (int i = 0; i < chunk.count && !resume.session.closing; i++)
        {
            final StreamSub sub = resume.subs[chunk.streams[i]];
            if (sub == null)
            {
                continue;
            }
            gateway.sendData(resume.session, chunk.message(i), now);
            sub.lastSentSeq = chunk.seqs[i];
        }
        counters.replayedTrades.addAndGet(chunk.count);
    }

    private void finish(final Resume resume)
    {
        resume.request.cancelled = true;
        final int i = active.indexOf(resume);
        if (i >= 0)
        {
            active.remove(i);
            if (next > i)
            {
                next--;
            }
            counters.activeReplays.lazySet(active.size());
        }
    }

    /**
     * @return replays in progress (for tests and metrics).
     */
    int active()
    {
        return active.size();
    }
}
