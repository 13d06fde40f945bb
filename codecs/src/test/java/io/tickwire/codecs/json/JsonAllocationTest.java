package io.tickwire.codecs.json;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves that encoding outbound messages allocates nothing: the thread's allocated-bytes counter
 * ({@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}) stays put over many messages
 * after warm-up.
 */
class JsonAllocationTest
{
    private static final int WARM_UP = 20_000;
    private static final int ITERATIONS = 50_000;
    private static final int MESSAGES_PER_ITERATION = 9;
    /** Slack for the measurement itself; one allocation per message would be at least 16 x 450,000 bytes. */
    private static final long TOLERANCE_BYTES = 4096;

    private static com.sun.management.ThreadMXBean threads;

    private final String[] symbols = {"BTC-USD", "ETH-USD", "SOL-USD"};
    private final UnsafeBuffer id = new UnsafeBuffer("\"req-42\"".getBytes(StandardCharsets.US_ASCII));
    private final BookChecksum checksum = new BookChecksum();
    private long sink;

    @BeforeAll
    static void threadAllocationCounter()
    {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    @Test
    void writesIntoAFixedBufferWithoutAllocating()
    {
        assertNoAllocation(new UnsafeBuffer(new byte[64 * 1024]));
    }

    @Test
    void writesIntoAnExpandableBufferWithoutAllocatingOnceGrown()
    {
        assertNoAllocation(new ExpandableDirectByteBuffer(16));
    }

    private void assertNoAllocation(final MutableDirectBuffer buffer)
    {
        final JsonWriter writer = new JsonWriter();
        final MarketDataJson json = new MarketDataJson(writer);
        for (int i = 0; i < WARM_UP; i++)
        {
            writeMessages(buffer, writer, json, i);
        }

        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < ITERATIONS; i++)
        {
            writeMessages(buffer, writer, json, i);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        final double perMessage = (double)allocated / ((long)ITERATIONS * MESSAGES_PER_ITERATION);
        assertThat(allocated)
            .as("%d bytes over %d messages (%.4f B/message)", allocated, ITERATIONS * MESSAGES_PER_ITERATION, perMessage)
            .isLessThan(TOLERANCE_BYTES);
        assertThat(sink).isNotZero();
    }

    private void writeMessages(final MutableDirectBuffer buffer, final JsonWriter writer, final MarketDataJson json, final int i)
    {
        final long seq = 1_000_000L + i;
        writer.wrap(buffer, 0);
        sink += json.trade("BTC-USD", seq, seq - 3, 6_512_345 + i, 2, 1500 + i, 4, (i & 1) == 0 ? Side.BUY : Side.SELL,
            1_700_000_000_000_000_000L + i);

        writer.reset();
        sink += json.ticker("ETH-USD", seq, seq - 1, 2, 4, (i & 7) == 0 ? MarketDataJson.NULL_PRICE : 350_010, 12_000,
            350_020, 8_000, 350_015, 100, 987_654_321L + i, 1_700_000_000_000_000_000L + i);

        writer.reset();
        checksum.reset();
        json.beginBook("BTC-USD", seq, seq - 2, (i & 15) == 0, 2, 4);
        for (int level = 0; level < 10; level++)
        {
            json.level(6_512_300 - level * 5, 10_000 + level + i);
            checksum.bid(6_512_300 - level * 5, 2, 10_000 + level + i, 4);
        }
        json.endSide();
        for (int level = 0; level < 10; level++)
        {
            json.level(6_512_310 + level * 5, 20_000 + level);
            checksum.ask(6_512_310 + level * 5, 2, 20_000 + level, 4);
        }
        json.endSide();
        sink += json.endBook(checksum.value(), (i & 3) == 0);

        writer.reset();
        sink += json.heartbeat(seq);
        writer.reset();
        sink += json.pong(id, 0, id.capacity(), seq, seq * 31 + 1);
        writer.reset();
        sink += json.subscribed(id, 0, id.capacity(), Channel.BOOK, symbols, symbols.length, seq, seq | 1,
            ResumeResult.RECOVERED, 25, 10_000);
        writer.reset();
        sink += json.unsubscribed(id, 0, id.capacity(), Channel.TRADES, symbols, symbols.length);
        writer.reset();
        sink += json.error(id, 0, id.capacity(), ErrorCode.NOT_SUBSCRIBED, "not subscribed to \"book\" BTC-USD\n");
        writer.reset();
        json.beginInstruments(id, 0, id.capacity());
        json.instrument("BTC-USD", 1, 2, 4, 1, 1, InstrumentMode.MATCHING);
        json.instrument("EUR/USD", 7, 5, 0, 1, 1000, InstrumentMode.FEED);
        sink += json.endInstruments();
    }
}
