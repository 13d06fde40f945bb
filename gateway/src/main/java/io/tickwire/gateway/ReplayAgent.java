package io.tickwire.gateway;

import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.MarketDataSbe;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.JsonName;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.replay.ReplaySource;
import io.tickwire.replay.ReplayStream;
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
 * {@link #CHUNK_BYTES} bytes (batches are never split). Each replay has at most {@link ReplayRequest#CHUNKS_QUEUED}
 * chunks, reused: filled ones wait in the request's queue for the gateway, which hands them back once sent; a
 * replay with none free is skipped until the gateway returns one, so a slow client slows only its own replay,
 * and the memory held is at most that many chunks per active replay (the gateway admits at most
 * {@code GatewayConfig.maxReplays}). Each duty cycle fills, per active replay, the chunks it has free (at most
 * {@link ReplayRequest#CHUNKS_QUEUED}). Nothing is allocated per trade or per chunk once a replay's chunks exist.
 */
final class ReplayAgent implements Agent
{
    /** A chunk closes after the batch that takes it to this many messages... */
    static final int CHUNK_MESSAGES = 256;
    /** ... or this many bytes. */
    static final int CHUNK_BYTES = 32 * 1024;
    private static final int REQUESTS_PER_CYCLE = 16;
    private static final Set<Channel> TRADES = EnumSet.of(Channel.TRADES);
    /**
     * Room made before each trade: an SBE trade is a fixed 60-odd bytes; a JSON one at most about 240 (a 16-character
     * symbol, three 19-digit numbers, two decimals of up to 40 characters). Writing past it fails the replay with
     * the buffer's bounds check (never silently).
     */
    private static final int TRADE_MAX_BYTES = 384;
    private static final long REFRESH_NANOS = 100_000_000L;

    /** One replay in progress: this thread's state for a request. */
    private static final class Active
    {
        final ReplayRequest request;
        final Int2IntHashMap streamOf = new Int2IntHashMap(-1);
        final long[] prev;
        /** The request's symbols, JSON-encoded once. */
        final JsonName[] symbols;
        ReplayStream stream;
        long lastOffered;
        /** Chunks made for this replay so far (at most {@link ReplayRequest#CHUNKS_QUEUED}). */
        int chunksMade;
        /** A chunk taken but not offered (nothing new to send), used first next time. */
        ReplayChunk spare;

        Active(final ReplayRequest request)
        {
            this.request = request;
            for (int i = 0; i < request.instrumentIds.length; i++)
            {
                streamOf.put(request.instrumentIds[i], i);
            }
            prev = new long[request.instrumentIds.length];
            symbols = new JsonName[request.symbols.length];
            for (int i = 0; i < symbols.length; i++)
            {
                symbols[i] = JsonName.of(request.symbols[i]);
            }
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
     * Fills and offers chunks while the replay has one free and the stream has something new.
     *
     * @return the chunks offered (1 for a failed read).
     */
    private int fill(final Active replay)
    {
        final ReplayRequest request = replay.request;
        int offered = 0;
        while (offered < ReplayRequest.CHUNKS_QUEUED)
        {
            ReplayChunk chunk = replay.spare;
            replay.spare = null;
            if (chunk == null)
            {
                chunk = request.free.poll();
            }
            if (chunk == null)
            {
                if (replay.chunksMade == ReplayRequest.CHUNKS_QUEUED)
                {
                    return offered; // every chunk is queued or being sent: wait for the gateway
                }
                chunk = new ReplayChunk(CHUNK_BYTES + TRADE_MAX_BYTES, CHUNK_MESSAGES);
                replay.chunksMade++;
            }
            chunk.clear();
            encoder.begin(replay, chunk);
            boolean atEnd = false;
            try
            {
                while (chunk.count < CHUNK_MESSAGES && chunk.position < CHUNK_BYTES)
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
                return offered + 1;
            }
            if (replay.stream.failure() != null)
            {
                request.failed = replay.stream.failure(); // a remote source refused, or stopped answering
                return offered + 1;
            }
            final long coveredTo = replay.stream.lastSeqRead();
            if (chunk.count == 0 && coveredTo <= replay.lastOffered)
            {
                replay.spare = chunk;
                return offered; // nothing new: the gateway has everything up to lastOffered
            }
            chunk.coveredTo = coveredTo;
            request.chunks.offer(chunk); // always room: at most CHUNKS_QUEUED chunks exist
            replay.lastOffered = coveredTo;
            offered++;
            if (atEnd)
            {
                return offered;
            }
        }
        return offered;
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
        private final JsonWriter writer = new JsonWriter();
        private final MarketDataJson json = new MarketDataJson(writer);
        private final MarketDataSbe sbe = new MarketDataSbe();
        private Active replay;
        private ReplayChunk chunk;
        private long engineTime;

        void begin(final Active replay, final ReplayChunk chunk)
        {
            this.replay = replay;
            this.chunk = chunk;
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
            final ReplayRequest request = replay.request;
            final ReplayChunk chunk = this.chunk;
            final long seq = trade.seq();
            chunk.ensureRoom(TRADE_MAX_BYTES);
            final int length;
            if (request.format == WireFormat.SBE)
            {
                length = sbe.trade(chunk.view, chunk.position, request.instrumentIds[stream], seq, replay.prev[stream],
                    trade.price(), trade.quantity(), trade.aggressorSide(), engineTime);
            }
            else
            {
                writer.wrap(chunk.view, chunk.position);
                length = json.trade(replay.symbols[stream], seq, replay.prev[stream], trade.price(),
                    request.priceScales[stream], trade.quantity(), request.qtyScales[stream], trade.aggressorSide(),
                    engineTime);
            }
            chunk.add(length, stream, seq);
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
