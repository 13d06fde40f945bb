package io.tickwire.gateway;

import io.tickwire.codecs.sbe.BatchHeaderEncoder;
import io.tickwire.codecs.sbe.BookLevelEncoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerEncoder;
import io.tickwire.codecs.sbe.TradeEncoder;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The gateway agent's per-event dispatch: one engine batch (a trade, a bid and an ask level change inside
 * the depth window, a ticker) of one instrument, applied by a real {@link GatewayAgent} and fanned out to
 * {@code sessions} sessions that each subscribe to the instrument's trades, book (depth 10) and ticker
 * streams: per op, 3 x {@code sessions} deliveries, each message encoded once per format in use.
 * <p>
 * Each session's messages of the op are framed into its write buffer and handed over as one frame per session
 * (the gateway's send path, docs/architecture.md). The sessions' Jetty side is a {@link CoreSession.Empty} that
 * consumes each frame's payload (as Jetty's flusher does) and completes the callback at once, so the figures are
 * the gateway's own cost and allocation per event; Jetty's internal objects per write on a real connection come
 * on top (BENCHMARKS.md).
 * In package {@code io.tickwire.gateway} for access to the agent's package-private session entry points.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class DispatchBenchmark
{
    private static final int INSTRUMENT = 1;
    private static final long MID = 10_000;

    /** Sessions subscribed to all three streams of the instrument. */
    @Param({ "100" })
    public int sessions;

    /** Protocol of the sessions: all {@code json}, all {@code sbe}, or {@code mixed} (half each). */
    @Param({ "json", "sbe", "mixed" })
    public String format;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final BatchHeaderEncoder batchHeader = new BatchHeaderEncoder();
    private final InstrumentDefinitionEncoder definition = new InstrumentDefinitionEncoder();
    private final TradeEncoder trade = new TradeEncoder();
    private final BookLevelEncoder level = new BookLevelEncoder();
    private final TickerEncoder ticker = new TickerEncoder();
    private GatewayAgent agent;
    private long seq = 1;
    private long lastTrade;
    private long lastBook;
    private long lastTicker;
    private long step;

    @Setup(Level.Trial)
    public void setUp()
    {
        final GatewayConfig config = new GatewayConfig();
        config.heartbeatInterval = java.time.Duration.ofDays(1);
        agent = new GatewayAgent(config, new GatewayCounters(), null, null, null, SystemNanoClock.INSTANCE);
        agent.onStart();
        defineInstrument();
        for (int i = 0; i < 10; i++)
        {
            batch(MID - 1 - i, MID + 1 + i); // a book ten levels deep on each side
        }
        final ConnectionLimiter limiter = new ConnectionLimiter(sessions + 1, sessions + 1);
        for (int i = 0; i < sessions; i++)
        {
            final boolean sbe = "sbe".equals(format) || ("mixed".equals(format) && (i & 1) == 1);
            final WsEndpoint endpoint = new WsEndpoint(agent, config.maxInboundMessageBytes, Principal.ANONYMOUS,
                limiter.admit("127.0.0.1"), sbe ? WireFormat.SBE : WireFormat.JSON);
            endpoint.onOpen(new ConsumingCore(), Callback.NOOP);
            agent.doWork();
            for (final String channel : new String[] {"trades", "book", "ticker"})
            {
                agent.enqueueText(endpoint,
                    "{\"op\":\"subscribe\",\"channel\":\"" + channel + "\",\"symbols\":[\"BTC-USD\"]}");
            }
            agent.doWork();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        agent.onClose();
    }

    /**
     * One batch (trade, bid level, ask level, ticker) applied and fanned out to every session, then flushed.
     */
    @Benchmark
    public int dispatch()
    {
        final long i = step++ & 7;
        batch(MID - 1 - i, MID + 1 + i);
        return agent.doWork();
    }

    private void defineInstrument()
    {
        int offset = begin(1);
        definition.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq).prev(0).instrumentId(INSTRUMENT).symbol("BTC-USD").priceScale((byte)2).qtyScale((byte)4)
            .tickSize(1).lotSize(1).mode(InstrumentMode.MATCHING);
        offset += header.encodedLength() + definition.encodedLength();
        agent.onFragment(buffer, 0, offset, null);
        seq++;
    }

    private int begin(final int events)
    {
        batchHeader.wrapAndApplyHeader(buffer, 0, header)
            .firstSeq(seq).eventCount(events).engineTime(System.currentTimeMillis() * 1_000_000L).intendedTime(0);
        return header.encodedLength() + batchHeader.encodedLength();
    }

    private void batch(final long bid, final long ask)
    {
        int offset = begin(4);
        final long qty = 100 + (seq & 63);
        trade.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq).prev(lastTrade).instrumentId(INSTRUMENT).price(bid).quantity(5).aggressorSide(Side.SELL);
        lastTrade = seq++;
        offset += header.encodedLength() + trade.encodedLength();
        level.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq).prev(lastBook).instrumentId(INSTRUMENT).side(Side.BUY).price(bid).quantity(qty).orderCount(1);
        lastBook = seq++;
        offset += header.encodedLength() + level.encodedLength();
        level.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq).prev(lastBook).instrumentId(INSTRUMENT).side(Side.SELL).price(ask).quantity(qty).orderCount(1);
        lastBook = seq++;
        offset += header.encodedLength() + level.encodedLength();
        ticker.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq).prev(lastTicker).instrumentId(INSTRUMENT).bidPrice(MID - 1).bidQty(qty).askPrice(MID + 1)
            .askQty(qty).lastPrice(bid).lastQty(5).volume(seq);
        lastTicker = seq++;
        offset += header.encodedLength() + ticker.encodedLength();
        agent.onFragment(buffer, 0, offset, null);
    }

    /**
     * Stands in for a connection: keeps the frame (as Jetty's queue does until the write completes, so the JIT
     * cannot scalar-replace it), consumes the payload as Jetty's frame generator does, and completes the send
     * at once.
     */
    static final class ConsumingCore extends CoreSession.Empty
    {
        long bytes;
        Frame queued;

        @Override
        public void sendFrame(final OutgoingEntry entry)
        {
            queued = entry.getFrame();
            final ByteBuffer payload = queued.getPayload();
            bytes += payload.remaining();
            payload.position(payload.limit());
            entry.getCallback().succeeded();
        }
    }
}
