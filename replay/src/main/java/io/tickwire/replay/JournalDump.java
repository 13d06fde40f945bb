package io.tickwire.replay;

import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.replay.InstrumentCatalog.Instrument;

import java.io.PrintStream;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Writes journaled market-data events one per line, as NDJSON (the same field names as the WebSocket
 * messages: {@code type}, {@code symbol}, {@code seq}, {@code prev}, {@code price}, ...) or CSV. A tool, not a
 * hot path: it builds strings. Safe to run while an engine is writing the journal.
 * <p>
 * It starts at the first selected seq or time with a {@link JournalIndex} lookup and reads from there
 * ({@link JournalRange}); before that it only reads the input template of each earlier excerpt, to learn
 * the instruments ({@link InstrumentCatalog#load}).
 */
public final class JournalDump implements MarketDataListener
{
    /** Output format. */
    public enum Format
    {
        NDJSON, CSV
    }

    /** CSV header: every event kind shares these columns; unused ones are empty. */
    public static final String CSV_HEADER =
        "type,symbol,seq,prev,ts,side,price,qty,orders,bid,bidQty,ask,askQty,last,lastQty,volume";

    private static final int BATCHES_PER_POLL = 256;

    private final Format format;
    private final long fromSeq;
    private final long toSeq;
    private final long fromTime;
    private final long toTime;
    private final Set<String> symbols;
    private final PrintStream out;
    private final PrintStream progress;
    private final StringBuilder line = new StringBuilder(256);
    private InstrumentCatalog catalog = new InstrumentCatalog();
    private long engineTime;
    private long written;
    private long unknownInstrumentEvents;

    /**
     * @param fromSeq  first seq to write (inclusive, at least 1).
     * @param toSeq    last seq to write (inclusive); {@code Long.MAX_VALUE} for no bound.
     * @param symbols  symbols to write; empty for all.
     * @param progress where to report progress on long dumps (every million events); null for none.
     */
    public JournalDump(
        final Format format,
        final long fromSeq,
        final long toSeq,
        final Set<String> symbols,
        final PrintStream out,
        final PrintStream progress)
    {
        this(format, fromSeq, toSeq, Long.MIN_VALUE, Long.MAX_VALUE, symbols, out, progress);
    }

    /**
     * @param fromSeq  first seq to write (inclusive, at least 1).
     * @param toSeq    last seq to write (inclusive); {@code Long.MAX_VALUE} for no bound.
     * @param fromTime start at the first batch whose engine time (epoch nanos) is at or after this;
     *                 {@code Long.MIN_VALUE} for no bound.
     * @param toTime   stop before the first batch whose engine time is at or after this (exclusive);
     *                 {@code Long.MAX_VALUE} for no bound.
     * @param symbols  symbols to write; empty for all.
     * @param progress where to report progress on long dumps (every million events); null for none.
     */
    public JournalDump(
        final Format format,
        final long fromSeq,
        final long toSeq,
        final long fromTime,
        final long toTime,
        final Set<String> symbols,
        final PrintStream out,
        final PrintStream progress)
    {
        if (fromSeq < 1 || toSeq < fromSeq)
        {
            throw new IllegalArgumentException("need 1 <= fromSeq <= toSeq, got " + fromSeq + ", " + toSeq);
        }
        if (toTime < fromTime)
        {
            throw new IllegalArgumentException("need fromTime <= toTime, got " + fromTime + ", " + toTime);
        }
        this.format = format;
        this.fromSeq = fromSeq;
        this.toSeq = toSeq;
        this.fromTime = fromTime;
        this.toTime = toTime;
        this.symbols = Set.copyOf(symbols);
        this.out = out;
        this.progress = progress;
    }

    /**
     * Dumps the selection until the end of the journal, or, with {@code follow}, until the selection ends or
     * {@code stop} says so.
     *
     * @return the number of lines written.
     */
    public long run(final Journal journal, final boolean follow, final BooleanSupplier stop) throws InterruptedException
    {
        if (format == Format.CSV)
        {
            out.println(CSV_HEADER);
        }
        final JournalRange.Selection selection = JournalRange.Selection.all()
            .seqs(fromSeq - 1, toSeq)
            .times(fromTime, toTime)
            .withSymbols(symbols);
        try (JournalIndex index = new JournalIndex(journal);
            JournalRange range = new JournalRange(journal, index, selection, null, this))
        {
            catalog = range.catalog();
            if (range.truncated() && progress != null)
            {
                progress.println("dump: seqs " + fromSeq + " to " + (index.firstSeq() - 1) +
                    " were deleted by journal retention; starting at " + index.firstSeq());
            }
            while (!stop.getAsBoolean() && !range.done())
            {
                if (range.poll(BATCHES_PER_POLL) == 0)
                {
                    if (!follow)
                    {
                        break;
                    }
                    out.flush();
                    Thread.sleep(10);
                }
            }
        }
        out.flush();
        if (unknownInstrumentEvents > 0 && progress != null)
        {
            progress.println("dump: skipped " + unknownInstrumentEvents +
                " events of instruments whose definition is not in the journal");
        }
        return written;
    }

    public long written()
    {
        return written;
    }

    /**
     * @return events skipped because their instrument's definition was not found.
     */
    public long unknownInstrumentEvents()
    {
        return unknownInstrumentEvents;
    }

    @Override
    public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
    {
        this.engineTime = engineTime;
    }

    @Override
    public void onBatchEnd(final long firstSeq, final int eventCount)
    {
    }

    @Override
    public void onInstrument(final InstrumentDefinitionDecoder d)
    {
        final Instrument instrument = catalog.get(d.instrumentId());
        if (!start(instrument))
        {
            return;
        }
        if (format == Format.NDJSON)
        {
            json("instrument", instrument, d.seq(), d.prev());
            line.append(",\"priceScale\":").append(d.priceScale())
                .append(",\"qtyScale\":").append(d.qtyScale())
                .append(",\"tickSize\":\"").append(Decimals.toString(d.tickSize(), d.priceScale()))
                .append("\",\"lotSize\":\"").append(Decimals.toString(d.lotSize(), d.qtyScale()))
                .append("\",\"mode\":\"").append(d.mode().name().toLowerCase()).append("\"}");
        }
        else
        {
            csv("instrument", instrument, d.seq(), d.prev());
            line.append(",,,,,,,,,,,");
        }
        end(d.seq());
    }

    @Override
    public void onTrade(final TradeDecoder t)
    {
        final Instrument instrument = catalog.get(t.instrumentId());
        if (!start(instrument))
        {
            return;
        }
        final String side = side(t.aggressorSide(), "buy", "sell");
        final String price = Decimals.toString(t.price(), instrument.priceScale());
        final String qty = Decimals.toString(t.quantity(), instrument.qtyScale());
        if (format == Format.NDJSON)
        {
            json("trade", instrument, t.seq(), t.prev());
            line.append(",\"price\":\"").append(price).append("\",\"qty\":\"").append(qty)
                .append("\",\"side\":\"").append(side).append("\",\"ts\":").append(engineTime).append('}');
        }
        else
        {
            csv("trade", instrument, t.seq(), t.prev());
            line.append(',').append(side).append(',').append(price).append(',').append(qty).append(",,,,,,,,");
        }
        end(t.seq());
    }

    @Override
    public void onBookLevel(final BookLevelDecoder b)
    {
        final Instrument instrument = catalog.get(b.instrumentId());
        if (!start(instrument))
        {
            return;
        }
        final String side = side(b.side(), "bid", "ask");
        final String price = Decimals.toString(b.price(), instrument.priceScale());
        final String qty = Decimals.toString(b.quantity(), instrument.qtyScale());
        if (format == Format.NDJSON)
        {
            json("book", instrument, b.seq(), b.prev());
            line.append(",\"side\":\"").append(side).append("\",\"price\":\"").append(price)
                .append("\",\"qty\":\"").append(qty).append("\",\"orders\":").append(b.orderCount())
                .append(",\"ts\":").append(engineTime).append('}');
        }
        else
        {
            csv("book", instrument, b.seq(), b.prev());
            line.append(',').append(side).append(',').append(price).append(',').append(qty).append(',')
                .append(b.orderCount()).append(",,,,,,,");
        }
        end(b.seq());
    }

    @Override
    public void onTicker(final TickerDecoder t)
    {
        final Instrument instrument = catalog.get(t.instrumentId());
        if (!start(instrument))
        {
            return;
        }
        final int ps = instrument.priceScale();
        final int qs = instrument.qtyScale();
        if (format == Format.NDJSON)
        {
            json("ticker", instrument, t.seq(), t.prev());
            // As on the WebSocket: a side without a price has a null quantity too.
            line.append(",\"bid\":").append(jsonPrice(t.bidPrice(), ps))
                .append(",\"bidQty\":").append(jsonQty(t.bidPrice(), t.bidQty(), qs))
                .append(",\"ask\":").append(jsonPrice(t.askPrice(), ps))
                .append(",\"askQty\":").append(jsonQty(t.askPrice(), t.askQty(), qs))
                .append(",\"last\":").append(jsonPrice(t.lastPrice(), ps))
                .append(",\"lastQty\":").append(jsonQty(t.lastPrice(), t.lastQty(), qs))
                .append(",\"volume\":\"").append(Decimals.toString(t.volume(), qs))
                .append("\",\"ts\":").append(engineTime).append('}');
        }
        else
        {
            csv("ticker", instrument, t.seq(), t.prev());
            line.append(",,,,,").append(csvPrice(t.bidPrice(), ps)).append(',')
                .append(Decimals.toString(t.bidQty(), qs)).append(',')
                .append(csvPrice(t.askPrice(), ps)).append(',')
                .append(Decimals.toString(t.askQty(), qs)).append(',')
                .append(csvPrice(t.lastPrice(), ps)).append(',')
                .append(Decimals.toString(t.lastQty(), qs)).append(',')
                .append(Decimals.toString(t.volume(), qs));
        }
        end(t.seq());
    }

    private boolean start(final Instrument instrument)
    {
        if (instrument == null)
        {
            unknownInstrumentEvents++;
            return false;
        }
        line.setLength(0);
        return true;
    }

    private void json(final String type, final Instrument instrument, final long seq, final long prev)
    {
        line.append("{\"type\":\"").append(type).append("\",\"symbol\":\"").append(instrument.symbol())
            .append("\",\"seq\":").append(seq).append(",\"prev\":").append(prev);
    }

    private void csv(final String type, final Instrument instrument, final long seq, final long prev)
    {
        line.append(type).append(',').append(instrument.symbol()).append(',').append(seq).append(',').append(prev)
            .append(',').append(engineTime);
    }

    private void end(final long seq)
    {
        out.append(line).append('\n');
        written++;
        if (progress != null && written % 1_000_000 == 0)
        {
            progress.println("dump: " + written + " events written, at seq " + seq);
        }
    }

    private static String side(final Side side, final String buy, final String sell)
    {
        return side == Side.BUY ? buy : sell;
    }

    private static String jsonPrice(final long price, final int scale)
    {
        return price == Long.MIN_VALUE ? "null" : "\"" + Decimals.toString(price, scale) + "\"";
    }

    private static String jsonQty(final long price, final long qty, final int scale)
    {
        return price == Long.MIN_VALUE ? "null" : "\"" + Decimals.toString(qty, scale) + "\"";
    }

    private static String csvPrice(final long price, final int scale)
    {
        return price == Long.MIN_VALUE ? "" : Decimals.toString(price, scale);
    }
}
