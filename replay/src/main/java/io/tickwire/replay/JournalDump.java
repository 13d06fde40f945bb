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
import io.tickwire.engine.journal.JournalReader;
import org.agrona.collections.Int2ObjectHashMap;

import java.io.PrintStream;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Writes journaled market-data events one per line, as NDJSON (the same field names as the WebSocket
 * messages: {@code type}, {@code symbol}, {@code seq}, {@code prev}, {@code price}, ...) or CSV. A tool, not a
 * hot path: it builds strings. Safe to run while an engine is writing the journal.
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

    private final Format format;
    private final long fromSeq;
    private final long toSeq;
    private final Set<String> symbols;
    private final PrintStream out;
    private final PrintStream progress;
    private final Int2ObjectHashMap<Instrument> instruments = new Int2ObjectHashMap<>();
    private final StringBuilder line = new StringBuilder(256);
    private long engineTime;
    private long written;
    private long lastSeq;

    private record Instrument(String symbol, int priceScale, int qtyScale)
    {
    }

    /**
     * @param fromSeq  first seq to write (inclusive).
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
        this.format = format;
        this.fromSeq = fromSeq;
        this.toSeq = toSeq;
        this.symbols = Set.copyOf(symbols);
        this.out = out;
        this.progress = progress;
    }

    /**
     * Dumps the journal from its start until its end, or, with {@code follow}, until {@code stop} says so.
     *
     * @return the number of lines written.
     */
    public long run(final Journal journal, final boolean follow, final BooleanSupplier stop) throws InterruptedException
    {
        if (format == Format.CSV)
        {
            out.println(CSV_HEADER);
        }
        final MarketDataDecoder decoder = new MarketDataDecoder();
        try (JournalReader reader = new JournalReader(journal))
        {
            final JournalReader.ExcerptHandler handler = (buffer, length, index) -> decoder.decode(buffer, 0, length, this);
            while (!stop.getAsBoolean() && lastSeq < toSeq)
            {
                if (!reader.poll(handler))
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
        return written;
    }

    public long written()
    {
        return written;
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
        final Instrument instrument = new Instrument(d.symbol().trim(), d.priceScale(), d.qtyScale());
        instruments.put(d.instrumentId(), instrument);
        if (!start(d.seq(), instrument))
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
        final Instrument instrument = instruments.get(t.instrumentId());
        if (!start(t.seq(), instrument))
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
        final Instrument instrument = instruments.get(b.instrumentId());
        if (!start(b.seq(), instrument))
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
        final Instrument instrument = instruments.get(t.instrumentId());
        if (!start(t.seq(), instrument))
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

    private boolean start(final long seq, final Instrument instrument)
    {
        lastSeq = seq;
        if (seq < fromSeq || seq > toSeq || instrument == null)
        {
            return false;
        }
        if (!symbols.isEmpty() && !symbols.contains(instrument.symbol()))
        {
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
