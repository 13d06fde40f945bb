package io.tickwire.perf.codec;

import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.BookLevelEncoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.codecs.sbe.TradeEncoder;
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
import java.util.concurrent.TimeUnit;

/**
 * SBE encode and decode of the two commonest market-data events, {@code Trade} and {@code BookLevel}, each
 * with its message header, in an off-heap buffer (as in a batch). Encoders and decoders are reused
 * flyweights; field values change every op so nothing folds to a constant. Decoding does what a consumer
 * does: wrap the header, check schema and template, wrap the body with the header's block length and version,
 * read every field (the enum through its getter).
 * <ul>
 * <li>{@code encodeTrade}, {@code decodeTrade}, {@code encodeBookLevel}, {@code decodeBookLevel}: one each;</li>
 * <li>{@code tradeRoundTrip}, {@code bookLevelRoundTrip}: encode then decode one event;</li>
 * <li>{@code bothRoundTrip}: encode a Trade and a BookLevel, then decode both.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class SbeCodecBenchmark
{
    private static final int TRADE_OFFSET = 0;
    private static final int BOOK_LEVEL_OFFSET = 64;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TradeEncoder tradeEncoder = new TradeEncoder();
    private final TradeDecoder tradeDecoder = new TradeDecoder();
    private final BookLevelEncoder bookLevelEncoder = new BookLevelEncoder();
    private final BookLevelDecoder bookLevelDecoder = new BookLevelDecoder();
    private long seq = 1;

    @Setup(Level.Trial)
    public void setUp()
    {
        encodeTrade();
        encodeBookLevel();
        if (decodeTrade() == 0 || decodeBookLevel() == 0)
        {
            throw new IllegalStateException("decode failed");
        }
    }

    @Benchmark
    public int encodeTrade()
    {
        final long s = seq++;
        tradeEncoder.wrapAndApplyHeader(buffer, TRADE_OFFSET, headerEncoder)
            .seq(s)
            .prev(s - 3)
            .instrumentId(7)
            .price(6_500_000L + (s & 63) * 50)
            .quantity(100 + (s & 15))
            .aggressorSide((s & 1) == 0 ? Side.BUY : Side.SELL);
        return MessageHeaderEncoder.ENCODED_LENGTH + tradeEncoder.encodedLength();
    }

    @Benchmark
    public int encodeBookLevel()
    {
        final long s = seq++;
        bookLevelEncoder.wrapAndApplyHeader(buffer, BOOK_LEVEL_OFFSET, headerEncoder)
            .seq(s)
            .prev(s - 2)
            .instrumentId(7)
            .side((s & 1) == 0 ? Side.BUY : Side.SELL)
            .price(6_500_000L - (s & 63) * 50)
            .quantity(1_000 + (s & 255))
            .orderCount((int)(s & 7) + 1);
        return MessageHeaderEncoder.ENCODED_LENGTH + bookLevelEncoder.encodedLength();
    }

    @Benchmark
    public long decodeTrade()
    {
        headerDecoder.wrap(buffer, TRADE_OFFSET);
        if (headerDecoder.schemaId() != TradeDecoder.SCHEMA_ID || headerDecoder.templateId() != TradeDecoder.TEMPLATE_ID)
        {
            return 0;
        }
        final TradeDecoder d = tradeDecoder.wrap(
            buffer, TRADE_OFFSET + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        return d.seq() + d.prev() + d.instrumentId() + d.price() + d.quantity() + d.aggressorSide().ordinal();
    }

    @Benchmark
    public long decodeBookLevel()
    {
        headerDecoder.wrap(buffer, BOOK_LEVEL_OFFSET);
        if (headerDecoder.schemaId() != BookLevelDecoder.SCHEMA_ID ||
            headerDecoder.templateId() != BookLevelDecoder.TEMPLATE_ID)
        {
            return 0;
        }
        final BookLevelDecoder d = bookLevelDecoder.wrap(buffer, BOOK_LEVEL_OFFSET + MessageHeaderDecoder.ENCODED_LENGTH,
            headerDecoder.blockLength(), headerDecoder.version());
        return d.seq() + d.prev() + d.instrumentId() + d.side().ordinal() + d.price() + d.quantity() + d.orderCount();
    }

    @Benchmark
    public long tradeRoundTrip()
    {
        return encodeTrade() + decodeTrade();
    }

    @Benchmark
    public long bookLevelRoundTrip()
    {
        return encodeBookLevel() + decodeBookLevel();
    }

    @Benchmark
    public long bothRoundTrip()
    {
        return encodeTrade() + encodeBookLevel() + decodeTrade() + decodeBookLevel();
    }
}
