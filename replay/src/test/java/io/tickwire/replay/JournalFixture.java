package io.tickwire.replay;

import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.EngineSnapshots;
import io.tickwire.engine.TestInputs;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.engine.journal.JournalWriter;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Writes test journals through the real engine, one batch per input, with a controllable engine time and
 * roll cycle (TEST_SECONDLY, rolled on demand), and reads them back linearly: the reference the index and
 * the range are compared with.
 */
final class JournalFixture implements AutoCloseable
{
    /** A batch as a linear scan sees it. */
    record BatchRef(long index, long firstSeq, int eventCount, long engineTime)
    {
        long end()
        {
            return firstSeq + eventCount;
        }
    }

    /**
     * One market-data event or batch boundary, as a recording listener saw it.
     *
     * @param kind batch, end, instrument, trade, book or ticker.
     * @param text everything the listener was given, as text (what tests compare).
     */
    record Event(String kind, long batchFirstSeq, long batchLastSeq, long engineTime, long seq, int instrumentId, String text)
    {
        @Override
        public String toString()
        {
            return text;
        }
    }

    static final long T0 = 1_700_000_000_000_000_000L;
    static final List<String> SYMBOLS = List.of("A", "B", "C", "D");

    final SetTimeProvider clock = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
    final JournalConfig config;
    final Journal journal;
    final Engine engine = new Engine(EngineLimits.defaults());
    private JournalWriter writer;
    private EngineSnapshots.Writer snapshots;
    final Random random;
    final long rollMillis;
    long engineTime = T0;
    int instruments;
    long clientOrderId;

    JournalFixture(final Path directory, final Random random)
    {
        this(directory, random, TestRollCycles.TEST_SECONDLY);
    }

    /**
     * @param rollCycle the journal's roll cycle; {@link #roll()} moves the clock on by its length.
     */
    JournalFixture(final Path directory, final Random random, final RollCycle rollCycle)
    {
        this.random = random;
        this.rollMillis = rollCycle.lengthInMillis();
        this.config = JournalConfig.of(directory).withRollCycle(rollCycle).withTimeProvider(clock);
        this.journal = Journal.open(config);
    }

    /**
     * Writes the {@code JournalStart} (as the engine does for a new journal).
     */
    JournalFixture start(final long journalId)
    {
        final ByteBuffer start = ByteBuffer.allocateDirect(64);
        final JournalStartEncoder encoder = new JournalStartEncoder();
        encoder.wrapAndApplyHeader(new UnsafeBuffer(start), 0, new MessageHeaderEncoder())
            .journalId(journalId).createdTime(engineTime).schemaVersion(JournalStartEncoder.SCHEMA_VERSION);
        writer().source(start);
        writer().append(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        writer().source(engine.batchByteBuffer());
        return this;
    }

    /**
     * Starts a new roll cycle for the next append.
     */
    void roll()
    {
        clock.advanceMillis(rollMillis);
    }

    long append(final UnsafeBuffer input)
    {
        return writer().append(engine.apply(input, 0, input.capacity(), engineTime));
    }

    /**
     * @return the writer, created by the first thread that writes (Chronicle appenders are single-threaded).
     */
    private JournalWriter writer()
    {
        if (writer == null)
        {
            writer = journal.createWriter();
            writer.source(engine.batchByteBuffer());
        }
        return writer;
    }

    /**
     * Writes an engine snapshot of the fixture's engine, as the engine agent does between two inputs.
     */
    EngineSnapshots.Found snapshot()
    {
        if (snapshots == null)
        {
            snapshots = new EngineSnapshots.Writer(writer());
        }
        return snapshots.write(engine, 0x5EED_0000_0000_0001L);
    }

    /**
     * Closes the writer (on the thread that wrote).
     */
    void closeWriter()
    {
        if (writer != null)
        {
            writer.close();
            writer = null;
            snapshots = null;
        }
    }

    void addInstrument()
    {
        instruments++;
        append(TestInputs.addInstrument(instruments, SYMBOLS.get(instruments - 1), 2, 0, 1, 1, InstrumentMode.MATCHING));
    }

    /**
     * Appends one random input: mostly limit orders (books, tickers, trades), some cancels of unknown orders
     * (rejected: zero-event batches). Engine time moves on by 0 (a tie) to 999 ns.
     */
    void appendRandom()
    {
        engineTime += random.nextInt(3) == 0 ? 0 : random.nextInt(1_000);
        final int instrument = 1 + random.nextInt(instruments);
        if (random.nextInt(6) == 0)
        {
            append(TestInputs.cancel(7, 1_000_000 + random.nextInt(1_000), instrument));
        }
        else
        {
            append(TestInputs.newOrder(1, ++clientOrderId, instrument, random.nextBoolean() ? Side.BUY : Side.SELL,
                OrderType.LIMIT, 95 + random.nextInt(11), 1 + random.nextInt(9)));
        }
    }

    /**
     * A journal of {@code batches} batches (three instruments first, a fourth defined halfway) over many
     * cycles: a roll after the JournalStart and then every 100 to 500 batches.
     */
    JournalFixture writeManyCycles(final int batches)
    {
        return writeManyCycles(batches, false);
    }

    /**
     * As {@link #writeManyCycles(int)}; with {@code snapshots}, also engine snapshots where a running engine writes
     * them: one opening each new cycle, and some between two batches (as {@code snapshotEveryBatches} does).
     */
    JournalFixture writeManyCycles(final int batches, final boolean snapshots)
    {
        start(0x5EED_0000_0000_0001L);
        roll();
        addInstrument();
        addInstrument();
        addInstrument();
        int untilRoll = 100 + random.nextInt(400);
        for (int i = 3; i < batches; i++)
        {
            if (--untilRoll == 0)
            {
                roll();
                untilRoll = 100 + random.nextInt(400);
                if (snapshots)
                {
                    snapshot();
                }
            }
            else if (snapshots && random.nextInt(150) == 0)
            {
                snapshot();
            }
            if (i == batches / 2)
            {
                addInstrument();
            }
            else
            {
                appendRandom();
            }
        }
        return this;
    }

    @Override
    public void close()
    {
        closeWriter();
        journal.close();
    }

    /**
     * @return every batch of {@code journal}, read linearly.
     */
    static List<BatchRef> scan(final Journal journal)
    {
        final List<BatchRef> batches = new ArrayList<>();
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) ->
            {
                if (BatchFields.isBatch(buffer, length))
                {
                    batches.add(new BatchRef(index, BatchFields.firstSeq(buffer), BatchFields.eventCount(buffer),
                        BatchFields.engineTime(buffer)));
                }
            }))
            {
                // reading
            }
        }
        return batches;
    }

    /**
     * The reference for {@link JournalIndex#indexOfSeq}: a linear search.
     */
    static long indexOfSeq(final List<BatchRef> batches, final long seq)
    {
        if (seq < (batches.isEmpty() ? 1 : batches.get(0).firstSeq()))
        {
            return JournalIndex.BEFORE_RETAINED;
        }
        for (final BatchRef batch : batches)
        {
            if (batch.end() > seq)
            {
                return batch.index();
            }
        }
        return JournalIndex.AFTER_END;
    }

    /**
     * The reference for {@link JournalIndex#indexAtOrAfterTime}: a linear search.
     */
    static long indexAtOrAfterTime(final List<BatchRef> batches, final long time)
    {
        for (final BatchRef batch : batches)
        {
            if (batch.engineTime() >= time)
            {
                return batch.index();
            }
        }
        return JournalIndex.AFTER_END;
    }

    /**
     * Turns listener callbacks into text lines (one per event and batch boundary).
     */
    static final class Recorder implements MarketDataListener
    {
        final List<Event> events = new ArrayList<>();
        private long batch;
        private long batchLast;
        private long time;

        private void add(final String kind, final long seq, final int instrumentId, final String text)
        {
            events.add(new Event(kind, batch, batchLast, time, seq, instrumentId, text));
        }

        @Override
        public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
        {
            batch = firstSeq;
            batchLast = firstSeq + eventCount - 1;
            time = engineTime;
            add("batch", 0, 0, "batch " + firstSeq + " " + eventCount + " " + engineTime);
        }

        @Override
        public void onInstrument(final InstrumentDefinitionDecoder d)
        {
            add("instrument", d.seq(), d.instrumentId(), "instrument " + d.seq() + " " + d.instrumentId() + " " + d.symbol().trim());
        }

        @Override
        public void onTrade(final TradeDecoder t)
        {
            add("trade", t.seq(), t.instrumentId(), "trade " + t.seq() + " " + t.instrumentId() + " " + t.prev() + " " +
                t.price() + " " + t.quantity() + " " + t.aggressorSide());
        }

        @Override
        public void onBookLevel(final BookLevelDecoder b)
        {
            add("book", b.seq(), b.instrumentId(), "book " + b.seq() + " " + b.instrumentId() + " " + b.prev() + " " +
                b.side() + " " + b.price() + " " + b.quantity());
        }

        @Override
        public void onTicker(final TickerDecoder t)
        {
            add("ticker", t.seq(), t.instrumentId(), "ticker " + t.seq() + " " + t.instrumentId() + " " + t.prev() + " " +
                t.bidPrice() + " " + t.askPrice() + " " + t.lastPrice());
        }

        @Override
        public void onBatchEnd(final long firstSeq, final int eventCount)
        {
            add("end", 0, 0, "end " + firstSeq);
        }

        List<String> texts()
        {
            return events.stream().map(Event::text).toList();
        }
    }

    /**
     * @return every batch of the journal decoded into the recorder, read linearly.
     */
    static Recorder decodeAll(final Journal journal)
    {
        final Recorder recorder = new Recorder();
        final MarketDataDecoder decoder = new MarketDataDecoder();
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) -> decoder.decode(buffer, 0, length, recorder)))
            {
                // reading
            }
        }
        return recorder;
    }
}
