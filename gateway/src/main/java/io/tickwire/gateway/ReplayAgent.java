package io.tickwire.gateway;

import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.MarketDataSbe;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.replay.ReplaySource;
import io.tickwire.replay.ReplayStream;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads missed trades for resuming clients on its own thread, so resumes never delay live fan-out. The gateway
 * agent hands it {@link ReplayRequest}s through a bounded queue; for each, it opens a stream on its
 * {@link ReplaySource} after the request's seq, encodes the trades of the request's instruments exactly as the
 * gateway encodes live ones (the first of each stream with {@code prev} = the request's seq), and hands them
 * back in {@link ReplayChunk}s through the request's own queue of {@link ReplayRequest#CHUNKS_QUEUED}. It keeps
 * reading as the journal grows (chasing the head) until the gateway cancels the request: the gateway cuts the
 * streams over to live once a chunk reaches its last applied seq.
 * <p>
 * Bounds: a chunk ends after the batch that takes it to {@link #CHUNK_MESSAGES} messages or
 * {@link #CHUNK_BYTES} bytes (batches are never split); a request with both of its chunks queued is skipped until
 * the gateway takes one, so a slow client slows only its own replay, and the memory held is at most
 * {@link ReplayRequest#CHUNKS_QUEUED} chunks per active replay (the gateway admits at most
 * {@code GatewayConfig.maxReplays}). Each duty cycle fills at most one chunk per active replay.
 */
final class ReplayAgent implements Agent
{
    /** A chunk closes after the batch that takes it to this many messages... */
    static final int CHUNK_MESSAGES = 256;
    /** ... or this many bytes. */
    static final int CHUNK_BYTES = 32 * 1024;
    private static final int REQUESTS_PER_CYCLE = 16;
    private static final Set<Channel> TRADES = EnumSet.of(Channel.TRADES);
    private static final long REFRESH_NANOS = 100_000_000L;

    /** One replay in progress: this thread's state for a request. */
    private static final class Active
    {
        final ReplayRequest request;
        final Int2IntHashMap streamOf = new Int2IntHashMap(-1);
        final long[] prev;
        ReplayStream stream;
        long lastOffered;

        Active(final ReplayRequest request)
        {
            this.request = request;
            for (int i = 0; i < request.instrumentIds.length; i++)
            {
                streamOf.put(request.instrumentIds[i], i);
            }
            prev = new long[request.instrumentIds.length];
            Arrays.fill(prev, request.afterSeq);
            lastOffered = request.afterSeq;
        }
    }

    private final Supplier<ReplaySource> sourceFactory;
    private ReplaySource source;
    private final OneToOneConcurrentArrayQueue<ReplayRequest> requests;
    private final List<Active> active = new ArrayList<>();
    private final Encoder encoder = new Encoder();
    private volatile long journalId;
    private volatile long firstSeq;
    private volatile boolean available;
    private volatile boolean ready;
    private long lastRefresh;
    private int next;

    /**
     * @param sourceFactory makes the source on this agent's thread (Chronicle tailers are bound to the thread
     *                      that first uses them).
     * @param maxRequests   the most requests queued at once.
     */
    ReplayAgent(final Supplier<ReplaySource> sourceFactory, final int maxRequests)
    {
        this.sourceFactory = sourceFactory;
        this.requests = new OneToOneConcurrentArrayQueue<>(maxRequests);
    }

    @Override
    public void onStart()
    {
        source = sourceFactory.get();
        refresh();
    }

    /** Publishes the source's identity, retained range and availability to the gateway agent. */
    private void refresh()
    {
        journalId = source.journalId();
        firstSeq = source.firstSeq();
        available = source.available();
        if (!ready && !source.starting())
        {
            ready = true;
        }
    }

    /**
     * @return true once the source is open and {@link #journalId()} and {@link #firstSeq()} are known (any thread).
     */
    boolean ready()
    {
        return ready;
    }

    /**
     * @return whether the source can serve a replay now (any thread; refreshed every 100 ms): false while a
     * remote replay service does not answer.
     */
    boolean available()
    {
        return available;
    }

    /**
     * @return the source's journal identity (any thread), 0 before {@link #ready()}.
     */
    long journalId()
    {
        return journalId;
    }

    /**
     * @return the first seq the source keeps, refreshed every 100 ms (any thread). It only grows, so a stale
     * value can only accept a resume the source then finds truncated; that request fails explicitly.
     */
    long firstSeq()
    {
        return firstSeq;
    }

    /**
     * Gateway agent: starts a replay.
     *
     * @return false if the queue is full (the gateway keeps its count of replays below the queue's capacity).
     */
    boolean offer(final ReplayRequest request)
    {
        return requests.offer(request);
    }

    @Override
    public int doWork()
    {
        int work = source.doWork();
        for (int i = 0; i < REQUESTS_PER_CYCLE; i++)
        {
            final ReplayRequest request = requests.poll();
            if (request == null)
            {
                break;
            }
            open(request);
            work++;
        }
        final int n = active.size();
        for (int k = 0; k < n && !active.isEmpty(); k++)
        {
            if (next >= active.size())
            {
                next = 0;
            }
            final Active replay = active.get(next);
            if (replay.request.cancelled || replay.request.failed != null)
            {
                close(replay);
                active.remove(next);
                continue;
            }
            next++;
            work += fill(replay);
        }
        final long now = System.nanoTime();
        if (now - lastRefresh >= REFRESH_NANOS || !ready)
        {
            lastRefresh = now;
            refresh();
        }
        return work;
    }

    private void open(final ReplayRequest request)
    {
        if (request.cancelled)
        {
            return;
        }
        final Active replay = new Active(request);
        try
        {
            encoder.replay = replay;
            replay.stream = source.open(request.afterSeq, request.instrumentIds, TRADES, encoder);
            if (replay.stream.truncated())
            {
                request.failed = "events after " + request.afterSeq + " are no longer in the journal";
                close(replay);
                return;
            }
        }
        catch (final RuntimeException ex)
        {
            request.failed = "journal read failed: " + ex.getMessage();
            close(replay);
            return;
        }
        active.add(replay);
    }

    /**
     * Fills and offers one chunk if the request has room for it.
     *
     * @return 1 if a chunk was offered, else 0.
     */
    private int fill(final Active replay)
    {
        final ReplayRequest request = replay.request;
        if (request.chunks.remainingCapacity() == 0)
        {
            return 0;
        }
        encoder.begin(replay);
        boolean atEnd = false;
        try
        {
            while (encoder.count < CHUNK_MESSAGES && encoder.position < CHUNK_BYTES)
            {
                if (replay.stream.poll(1) == 0)
                {
                    atEnd = true;
                    break;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            request.failed = "journal read failed: " + ex.getMessage();
            return 1;
        }
        if (replay.stream.failure() != null)
        {
            request.failed = replay.stream.failure(); // a remote source refused, or stopped answering
            return 1;
        }
        final long coveredTo = replay.stream.lastSeqRead();
        if (encoder.count == 0 && (!atEnd || coveredTo <= replay.lastOffered))
        {
            return 0; // nothing new: the gateway has everything up to lastOffered
        }
        request.chunks.offer(encoder.chunk(coveredTo));
        replay.lastOffered = coveredTo;
        return 1;
    }

    private static void close(final Active replay)
    {
        if (replay.stream != null)
        {
            replay.stream.close();
            replay.stream = null;
        }
    }

    @Override
    public void onClose()
    {
        for (final Active replay : active)
        {
            close(replay);
        }
        active.clear();
        if (source != null)
        {
            source.close();
        }
    }

    @Override
    public String roleName()
    {
        return "tickwire-replay";
    }

    /**
     * Encodes the trades one stream delivers into the chunk being filled.
     */
    private static final class Encoder implements MarketDataListener
    {
        /** Room made before an SBE trade (a fixed 60-odd bytes); JSON writes grow the buffer themselves. */
        private static final int SBE_TRADE_MAX_BYTES = 128;
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(CHUNK_BYTES + 4096);
        private final JsonWriter writer = new JsonWriter();
        private final MarketDataJson json = new MarketDataJson(writer);
        private final MarketDataSbe sbe = new MarketDataSbe();
        private Active replay;
        private long engineTime;
        int count;
        int position;
        private int[] offsets = new int[CHUNK_MESSAGES];
        private int[] lengths = new int[CHUNK_MESSAGES];
        private int[] streams = new int[CHUNK_MESSAGES];
        private long[] seqs = new long[CHUNK_MESSAGES];

        void begin(final Active replay)
        {
            this.replay = replay;
            count = 0;
            position = 0;
        }

        ReplayChunk chunk(final long coveredTo)
        {
            return new ReplayChunk(Arrays.copyOf(buffer.byteArray(), position), count, Arrays.copyOf(offsets, count),
                Arrays.copyOf(lengths, count), Arrays.copyOf(streams, count), Arrays.copyOf(seqs, count), coveredTo);
        }

        @Override
        public void onBatchStart(
            final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
        {
            this.engineTime = engineTime;
        }

        @Override
        public void onTrade(final TradeDecoder trade)
        {
            final int stream = replay.streamOf.get(trade.instrumentId());
            if (stream < 0)
            {
                return;
            }
            if (count == offsets.length)
            {
                final int n = count * 2; // one batch with more trades than a chunk holds: batches are never split
                offsets = Arrays.copyOf(offsets, n);
                lengths = Arrays.copyOf(lengths, n);
                streams = Arrays.copyOf(streams, n);
                seqs = Arrays.copyOf(seqs, n);
            }
            final ReplayRequest request = replay.request;
            final long seq = trade.seq();
            buffer.checkLimit(position + SBE_TRADE_MAX_BYTES);
            final int length;
            if (request.format == WireFormat.SBE)
            {
                length = sbe.trade(buffer, position, request.instrumentIds[stream], seq, replay.prev[stream],
                    trade.price(), trade.quantity(), trade.aggressorSide(), engineTime);
            }
            else
            {
                writer.wrap(buffer, position);
                length = json.trade(request.symbols[stream], seq, replay.prev[stream], trade.price(),
                    request.priceScales[stream], trade.quantity(), request.qtyScales[stream], trade.aggressorSide(),
                    engineTime);
            }
            offsets[count] = position;
            lengths[count] = length;
            streams[count] = stream;
            seqs[count] = seq;
            count++;
            position += length;
            replay.prev[stream] = seq;
        }

        @Override
        public void onInstrument(final InstrumentDefinitionDecoder definition)
        {
        }

        @Override
        public void onBookLevel(final BookLevelDecoder level)
        {
        }

        @Override
        public void onTicker(final TickerDecoder ticker)
        {
        }

        @Override
        public void onBatchEnd(final long firstSeq, final int eventCount)
        {
        }
    }
}
