package io.tickwire.client;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.MarketDataSbe;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java client's inbound path for one book message, JSON or SBE: a real {@link ClientConductor} (the client's
 * state machine, in its {@link SerialLane}) receives the message as the JDK's WebSocket hands it over (a
 * {@code CharBuffer} of text, a heap {@code ByteBuffer} of binary), decodes it, checks the {@code prev} chain
 * and the duplicate rule, applies it to the local {@link OrderBook}, computes and compares the checksum and calls
 * the listener. Only the socket is left out: the conductor's {@link Transport} here is a stub that accepts sends,
 * the way {@code DispatchBenchmark} leaves Jetty out of the gateway's fan-out.
 * <p>
 * The stream: one instrument (price scale 2, quantity scale 4), a depth-10 subscription, {@code messages} book
 * messages generated with a fixed seed from a full book of about 30 levels a side (a snapshot, then deltas of the
 * changed levels of the top 10, 1-3 levels each, as the gateway sends), each with its correct checksum, encoded
 * once by the gateway's own writers ({@code MarketDataJson}, {@code MarketDataSbe}). It plays in a loop; every
 * loop starts with the snapshot, and before it the seq and prev of every message are moved on by the loop's
 * length in place (fixed-width digits in the JSON text, two longs in the binary message), so the client sees
 * one unbroken chain. That rewrite is in the measured time: about 2 x 12 chars or 2 longs a message.
 * <p>
 * After the run the client must have verified every message: no checksum mismatch, no resync, nothing malformed
 * (the benchmark fails otherwise).
 * <ul>
 * <li>{@code onMessage}: the whole path above, one message;</li>
 * <li>{@code decodeOnly}: the codec alone on the same messages, into a handler that only reads the decoded book
 * update (what the wire format costs, without the book, the checksum and the state machine).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class ClientDecodeBenchmark
{
    private static final int DEPTH = 10;
    private static final int PRICE_SCALE = 2;
    private static final int QTY_SCALE = 4;
    private static final String SYMBOL = "BTC-USD";
    /** The first message's seq: its prev and every seq the loop reaches have 12 digits, the same width in JSON. */
    private static final long FIRST_SEQ = 100_000_000_001L;
    private static final int SEQ_DIGITS = 12;
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    /** {@code SBE} or {@code JSON}. */
    @Param({ "SBE", "JSON" })
    public WireProtocol protocol;

    /** Book messages in the loop. */
    @Param({ "4096" })
    public int messages;

    private final Sink sink = new Sink();
    private WireCodec codec;
    private int nextDecoded;
    private ClientConductor conductor;
    private StubConnection connection;
    private ClientCounters counters;
    private final Listener listener = new Listener();
    private ByteBuffer[] binary;
    private CharBuffer[] text;
    private char[][] textChars;
    private int[] seqAt;
    private int[] prevAt;
    private int next;
    private long loopOffset;

    /** Counts what the application gets and reads the top of the book, as an application would. */
    private static final class Listener implements TickwireListener
    {
        long sum;

        @Override
        public void onBook(final OrderBook book, final BookUpdate update)
        {
            sum += book.bidCount() > 0 ? book.bidPrice(0) : update.seq();
        }
    }

    /** A handler that reads what was decoded and nothing more. */
    private static final class Sink implements WireHandler
    {
        final Instrument instrument = new Instrument(SYMBOL, 1, PRICE_SCALE, QTY_SCALE, 1, 1, "matching");
        long sum;

        @Override
        public Instrument instrument(final CharSequence symbol)
        {
            return instrument;
        }

        @Override
        public Instrument instrument(final int instrumentId)
        {
            return instrument;
        }

        @Override
        public void onBook(final BookUpdate update)
        {
            sum += update.seq() + update.bidCount() + update.askCount() + update.checksum();
        }

        @Override
        public void onTrade(final Trade trade)
        {
        }

        @Override
        public void onTicker(final Ticker ticker)
        {
        }

        @Override
        public void onHeartbeat(final long seq)
        {
        }

        @Override
        public void onSubscribed(final long id, final Subscribed reply)
        {
        }

        @Override
        public void onUnsubscribed(final long id)
        {
        }

        @Override
        public void onPong(final long id, final long seq)
        {
        }

        @Override
        public void onInstruments(final long id, final List<Instrument> instruments)
        {
        }

        @Override
        public void onErrorReply(final long id, final String code, final String message)
        {
        }

        @Override
        public void onMalformed(final String description, final Throwable cause)
        {
            throw new IllegalStateException(description, cause);
        }

        @Override
        public void onProtocolViolation(final String description)
        {
            throw new IllegalStateException(description);
        }
    }

    /** Accepts every send at once and remembers the text, for the reply ids. */
    private static final class StubConnection implements Transport.Connection
    {
        final List<String> sent = new ArrayList<>();
        final String subprotocol;

        StubConnection(final String subprotocol)
        {
            this.subprotocol = subprotocol;
        }

        @Override
        public CompletableFuture<Transport.Connection> opened()
        {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public String subprotocol()
        {
            return subprotocol;
        }

        @Override
        public CompletableFuture<?> send(final WireFrame frame)
        {
            sent.add(frame.text());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void demand()
        {
        }

        @Override
        public void close()
        {
        }

        @Override
        public void abort()
        {
        }

        long lastId()
        {
            final Matcher m = ID.matcher(sent.get(sent.size() - 1));
            if (!m.find())
            {
                throw new IllegalStateException("no id in " + sent);
            }
            return Long.parseLong(m.group(1));
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        encode(generate(messages, 7));
        codec = protocol.newCodec();
        connection = new StubConnection(protocol.newCodec().subprotocol());
        final Transport transport = (uri, subprotocols, headers, timeout, receiver) -> connection;
        final SerialLane lane = new SerialLane(Runnable::run, Throwable::printStackTrace);
        counters = new ClientCounters();
        conductor = new ClientConductor(new ClientConfig().urls(List.of(URI.create("ws://benchmark/stream")))
            .protocol(protocol).heartbeatTimeout(Duration.ofDays(1)), listener, transport, lane, counters);
        lane.execute(conductor::start);
        conductor.onText(connection, "{\"type\":\"instruments\",\"id\":" + connection.lastId() + ",\"instruments\":[" +
            "{\"symbol\":\"" + SYMBOL + "\",\"instrumentId\":1,\"priceScale\":" + PRICE_SCALE + ",\"qtyScale\":" +
            QTY_SCALE + ",\"tickSize\":\"0.01\",\"lotSize\":\"0.0001\",\"mode\":\"matching\"}]}");
        final CompletableFuture<Subscribed> subscribed = new CompletableFuture<>();
        lane.execute(() -> conductor.subscribe(Subscription.book(SYMBOL).depth(DEPTH), subscribed));
        conductor.onText(connection, "{\"type\":\"subscribed\",\"id\":" + connection.lastId() +
            ",\"channel\":\"book\",\"symbols\":[\"" + SYMBOL + "\"],\"seq\":" + (FIRST_SEQ - 1) + ",\"depth\":" +
            DEPTH + "}");
        subscribed.get(1, TimeUnit.SECONDS);
        for (int i = 0; i < 2 * messages; i++)
        {
            onMessage();
        }
        check(2L * messages);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        check(counters.books());
    }

    private void check(final long books)
    {
        if (counters.books() != books || counters.checksumMismatches() != 0 || counters.resyncs() != 0 ||
            counters.malformed() != 0 || counters.duplicatesDropped() != 0)
        {
            throw new IllegalStateException("the client did not verify every message: " + counters);
        }
    }

    @Benchmark
    public long onMessage()
    {
        if (next == messages)
        {
            next = 0;
            loopOffset += messages;
            moveSeqs();
        }
        final int i = next++;
        if (protocol == WireProtocol.SBE)
        {
            conductor.onBinary(connection, binary[i]);
        }
        else
        {
            conductor.onText(connection, text[i]);
        }
        return listener.sum;
    }

    @Benchmark
    public long decodeOnly()
    {
        final int i = nextDecoded;
        nextDecoded = i + 1 == messages ? 0 : i + 1;
        if (protocol == WireProtocol.SBE)
        {
            codec.decode(binary[i], sink);
        }
        else
        {
            codec.decode(text[i], sink);
        }
        return sink.sum;
    }

    private void moveSeqs()
    {
        for (int i = 0; i < messages; i++)
        {
            final long seq = FIRST_SEQ + loopOffset + i;
            if (protocol == WireProtocol.SBE)
            {
                binary[i].putLong(8, seq).putLong(16, seq - 1); // absolute puts: position and limit unchanged
            }
            else
            {
                digits(textChars[i], seqAt[i], seq);
                digits(textChars[i], prevAt[i], seq - 1);
            }
        }
    }

    private static void digits(final char[] chars, final int at, final long value)
    {
        long v = value;
        for (int k = SEQ_DIGITS - 1; k >= 0; k--)
        {
            chars[at + k] = (char)('0' + v % 10);
            v /= 10;
        }
    }

    /**
     * One book message: the levels it carries (price, qty pairs) and the checksum of the view after it.
     */
    private record Message(boolean snapshot, long[] bids, long[] asks, long checksum)
    {
    }

    /**
     * A seeded stream on a full book of about 30 levels a side around a fixed middle: each step sets one level
     * (a new quantity, a new level, or a removal) near the top; a step that changes the top {@code DEPTH} levels
     * becomes a delta of exactly the levels of the view that changed (0 for a level that left it).
     */
    static List<Message> generate(final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final TreeMap<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
        final TreeMap<Long, Long> asks = new TreeMap<>();
        final long mid = 6_500_000;
        for (int i = 1; i <= 30; i++)
        {
            bids.put(mid - 50L * i, qty(random));
            asks.put(mid + 50L * i, qty(random));
        }
        final BookChecksum checksum = new BookChecksum();
        final List<Message> stream = new ArrayList<>(count);
        stream.add(new Message(true, levels(top(bids)), levels(top(asks)), checksum(checksum, bids, asks)));
        while (stream.size() < count)
        {
            final Map<Long, Long> bidsBefore = top(bids);
            final Map<Long, Long> asksBefore = top(asks);
            final int changes = 1 + random.nextInt(3);
            for (int c = 0; c < changes; c++)
            {
                final boolean bid = random.nextBoolean();
                final TreeMap<Long, Long> side = bid ? bids : asks;
                final long price = bid ? mid - 50L * (1 + random.nextInt(14)) : mid + 50L * (1 + random.nextInt(14));
                if (random.nextInt(4) == 0 && side.size() > DEPTH + 5)
                {
                    side.remove(price);
                }
                else
                {
                    side.put(price, qty(random));
                }
            }
            final long[] bidDelta = delta(bidsBefore, top(bids), bids);
            final long[] askDelta = delta(asksBefore, top(asks), asks);
            if (bidDelta.length + askDelta.length > 0)
            {
                stream.add(new Message(false, bidDelta, askDelta, checksum(checksum, bids, asks)));
            }
        }
        return stream;
    }

    private static long qty(final SplittableRandom random)
    {
        return 1 + random.nextLong(50_000_000);
    }

    private static Map<Long, Long> top(final TreeMap<Long, Long> side)
    {
        final Map<Long, Long> view = new LinkedHashMap<>();
        for (final Map.Entry<Long, Long> level : side.entrySet())
        {
            if (view.size() == DEPTH)
            {
                break;
            }
            view.put(level.getKey(), level.getValue());
        }
        return view;
    }

    private static long[] levels(final Map<Long, Long> view)
    {
        final long[] levels = new long[2 * view.size()];
        int i = 0;
        for (final Map.Entry<Long, Long> level : view.entrySet())
        {
            levels[i++] = level.getKey();
            levels[i++] = level.getValue();
        }
        return levels;
    }

    private static long[] delta(final Map<Long, Long> before, final Map<Long, Long> after,
        final TreeMap<Long, Long> side)
    {
        final TreeMap<Long, Long> changed = new TreeMap<>(side.comparator()); // best first
        for (final Map.Entry<Long, Long> level : after.entrySet())
        {
            if (!level.getValue().equals(before.get(level.getKey())))
            {
                changed.put(level.getKey(), level.getValue());
            }
        }
        for (final Long price : before.keySet())
        {
            if (!after.containsKey(price))
            {
                changed.put(price, 0L);
            }
        }
        return levels(changed);
    }

    private static long checksum(final BookChecksum checksum, final TreeMap<Long, Long> bids,
        final TreeMap<Long, Long> asks)
    {
        checksum.reset();
        top(bids).forEach((price, qty) -> checksum.bid(price, PRICE_SCALE, qty, QTY_SCALE));
        top(asks).forEach((price, qty) -> checksum.ask(price, PRICE_SCALE, qty, QTY_SCALE));
        return checksum.value();
    }

    private void encode(final List<Message> stream)
    {
        binary = new ByteBuffer[stream.size()];
        text = new CharBuffer[stream.size()];
        textChars = new char[stream.size()][];
        seqAt = new int[stream.size()];
        prevAt = new int[stream.size()];
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        final MarketDataSbe sbe = new MarketDataSbe();
        final MarketDataJson json = new MarketDataJson(new JsonWriter());
        for (int i = 0; i < stream.size(); i++)
        {
            final Message m = stream.get(i);
            final long seq = FIRST_SEQ + i;
            sbe.beginBook(buffer, 0, 1, seq, seq - 1, m.checksum(), m.snapshot(), false, m.bids().length / 2);
            for (int k = 0; k < m.bids().length; k += 2)
            {
                sbe.level(m.bids()[k], m.bids()[k + 1]);
            }
            sbe.beginAsks(m.asks().length / 2);
            for (int k = 0; k < m.asks().length; k += 2)
            {
                sbe.level(m.asks()[k], m.asks()[k + 1]);
            }
            final int binaryLength = sbe.endBook();
            final byte[] bytes = new byte[binaryLength];
            buffer.getBytes(0, bytes);
            binary[i] = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

            json.writer().wrap(buffer, 0);
            json.beginBook(SYMBOL, seq, seq - 1, m.snapshot(), PRICE_SCALE, QTY_SCALE);
            for (int k = 0; k < m.bids().length; k += 2)
            {
                json.level(m.bids()[k], m.bids()[k + 1]);
            }
            json.endSide();
            for (int k = 0; k < m.asks().length; k += 2)
            {
                json.level(m.asks()[k], m.asks()[k + 1]);
            }
            json.endSide();
            final int textLength = json.endBook(m.checksum(), false);
            final String s = new String(bytes(buffer, textLength), StandardCharsets.UTF_8);
            seqAt[i] = s.indexOf("\"seq\":" + seq) + "\"seq\":".length();
            prevAt[i] = s.indexOf("\"prev\":" + (seq - 1)) + "\"prev\":".length();
            textChars[i] = s.toCharArray();
            text[i] = CharBuffer.wrap(textChars[i]);
        }
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
