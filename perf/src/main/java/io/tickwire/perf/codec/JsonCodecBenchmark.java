package io.tickwire.perf.codec;

import io.tickwire.codecs.json.ClientRequest;
import io.tickwire.codecs.json.ClientRequestParser;
import io.tickwire.codecs.json.JsonName;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.sbe.Side;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The JSON protocol's codecs on the gateway side, as the gateway uses them: the market-data writers
 * ({@link MarketDataJson} over a reused {@link JsonWriter} in an off-heap buffer) and the parser of client
 * requests ({@link ClientRequestParser}). Field values change every op so nothing folds to a constant. Decoding of
 * JSON market data by a client is measured by {@code io.tickwire.client.ClientDecodeBenchmark} (the Java client's
 * decoder, JSON against SBE).
 * <ul>
 * <li>{@code encodeTrade}: one trade with the symbol as a {@code CharSequence} (the live fan-out: encoded once per
 * event and format, then shared by every session);</li>
 * <li>{@code encodeTradePreEncodedSymbol}: the same bytes with the symbol pre-encoded ({@link JsonName}), as the
 * replay path writes them;</li>
 * <li>{@code encodeTicker}: one ticker (bid, ask, last, volume);</li>
 * <li>{@code encodeBookDepth10}: one depth-10 book snapshot, 10 levels a side, with its checksum;</li>
 * <li>{@code parseSubscribe}: one subscribe request of two symbols, depth 10 (not on the market-data path: it
 * allocates, as its javadoc says; the figure bounds the cost of request floods, which the gateway rate-limits).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class JsonCodecBenchmark
{
    private static final String SYMBOL = "BTC-USD";
    private static final JsonName SYMBOL_NAME = JsonName.of(SYMBOL);
    private static final byte[] SUBSCRIBE =
        "{\"op\":\"subscribe\",\"id\":1,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"],\"depth\":10}"
            .getBytes(StandardCharsets.UTF_8);

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final JsonWriter writer = new JsonWriter();
    private final MarketDataJson json = new MarketDataJson(writer);
    private final ClientRequestParser parser = new ClientRequestParser();
    private final ClientRequest request = parser.newRequest();
    private long seq = 1;

    @Setup(Level.Trial)
    public void setUp()
    {
        writer.wrap(buffer, 0);
        if (encodeTrade() <= 0 || encodeTicker() <= 0 || encodeBookDepth10() <= 0)
        {
            throw new IllegalStateException("encode failed");
        }
        writer.wrap(buffer, 0);
        final int length = encodeTrade();
        final String byName = new String(bytes(length), StandardCharsets.UTF_8);
        writer.wrap(buffer, 0);
        seq--;
        final int lengthByName = encodeTradePreEncodedSymbol();
        if (length != lengthByName || !byName.equals(new String(bytes(lengthByName), StandardCharsets.UTF_8)))
        {
            throw new IllegalStateException("the two trade encodings differ");
        }
        if (parseSubscribe() != 2 || !request.isValid())
        {
            throw new IllegalStateException("subscribe request not parsed: " + request.errorMessage());
        }
    }

    private byte[] bytes(final int length)
    {
        final byte[] out = new byte[length];
        buffer.getBytes(0, out);
        return out;
    }

    @Benchmark
    public int encodeTrade()
    {
        final long s = seq++;
        writer.reset();
        return json.trade(SYMBOL, s, s - 3, 6_500_000L + (s & 63) * 50, 2, 100 + (s & 15), 4,
            (s & 1) == 0 ? Side.BUY : Side.SELL, 1_764_000_000_000_000_000L + s);
    }

    @Benchmark
    public int encodeTradePreEncodedSymbol()
    {
        final long s = seq++;
        writer.reset();
        return json.trade(SYMBOL_NAME, s, s - 3, 6_500_000L + (s & 63) * 50, 2, 100 + (s & 15), 4,
            (s & 1) == 0 ? Side.BUY : Side.SELL, 1_764_000_000_000_000_000L + s);
    }

    @Benchmark
    public int encodeTicker()
    {
        final long s = seq++;
        writer.reset();
        return json.ticker(SYMBOL, s, s - 2, 2, 4, 6_500_000L + (s & 63), 1_500 + (s & 7), 6_500_100L + (s & 63),
            2_500 + (s & 7), 6_500_050L + (s & 31), 100 + (s & 15), 1_000_000 + s, 1_764_000_000_000_000_000L + s);
    }

    @Benchmark
    public int encodeBookDepth10()
    {
        final long s = seq++;
        writer.reset();
        json.beginBook(SYMBOL, s, s - 1, true, 2, 4);
        for (int i = 0; i < 10; i++)
        {
            json.level(6_500_000L - i * 50 - (s & 7), 10_000 + i * 100 + (s & 15));
        }
        json.endSide();
        for (int i = 0; i < 10; i++)
        {
            json.level(6_500_100L + i * 50 + (s & 7), 20_000 + i * 100 + (s & 15));
        }
        json.endSide();
        return json.endBook(0xFFFF_FFFFL & (s * 0x9E37_79B9L), false);
    }

    @Benchmark
    public int parseSubscribe()
    {
        parser.parse(SUBSCRIBE, 0, SUBSCRIBE.length, request);
        return request.symbolCount();
    }
}
