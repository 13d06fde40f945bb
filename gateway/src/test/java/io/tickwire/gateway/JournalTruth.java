package io.tickwire.gateway;

import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.replay.RetainedPrefix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The truth, from the journal: every trade and ticker event, and the top-N book of every instrument after
 * every batch, for comparing what clients saw.
 */
public final class JournalTruth implements MarketDataListener
{
    /** A trade as the protocol shows it. */
    public record TradeRow(long seq, String symbol, String price, String qty, String side, long ts)
    {
    }

    /** A ticker event as the protocol shows it. */
    public record TickerRow(long seq, String symbol, String bid, String bidQty, String ask, String askQty, String last)
    {
    }

    /** Called after each batch with its seq range. */
    public interface BatchCheck
    {
        void afterBatch(long firstSeq, long lastSeq, JournalTruth truth);
    }

    private record Instrument(String symbol, int priceScale, int qtyScale,
        TreeMap<Long, Long> bids, TreeMap<Long, Long> asks)
    {
    }

    private final Map<Integer, Instrument> instruments = new HashMap<>();
    public final List<TradeRow> trades = new ArrayList<>();
    public final List<TickerRow> tickers = new ArrayList<>();
    private BatchCheck check;
    private long engineTime;

    public static JournalTruth replay(final Path journalDir, final BatchCheck check)
    {
        final JournalTruth truth = new JournalTruth();
        truth.check = check;
        final MarketDataDecoder decoder = new MarketDataDecoder();
        // Definitions of cycles that retention deleted (a trimmed journal).
        RetainedPrefix.read(journalDir).forEachDefinition(truth::onInstrument);
        try (Journal journal = Journal.open(JournalConfig.of(journalDir).asReadOnly());
            JournalReader reader = new JournalReader(journal))
        {
            while (reader.poll((buffer, length, index) -> decoder.decode(buffer, 0, length, truth)))
            {
                // replay all
            }
        }
        return truth;
    }

    /**
     * @return the top {@code depth} levels of {@code symbol} now, in {@link ClientBook#view()} form.
     */
    public List<String> topView(final String symbol, final int depth)
    {
        for (final Instrument i : instruments.values())
        {
            if (i.symbol.equals(symbol))
            {
                final List<String> view = new ArrayList<>();
                i.bids.entrySet().stream().limit(depth).forEach(e -> view.add(
                    Decimals.toString(e.getKey(), i.priceScale) + ":" + Decimals.toString(e.getValue(), i.qtyScale)));
                view.add("|");
                i.asks.entrySet().stream().limit(depth).forEach(e -> view.add(
                    Decimals.toString(e.getKey(), i.priceScale) + ":" + Decimals.toString(e.getValue(), i.qtyScale)));
                return view;
            }
        }
        throw new AssertionError("no instrument " + symbol);
    }

    @Override
    public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
    {
        this.engineTime = engineTime;
    }

    @Override
    public void onInstrument(final InstrumentDefinitionDecoder d)
    {
        instruments.put(d.instrumentId(), new Instrument(d.symbol().trim(), d.priceScale(), d.qtyScale(),
            new TreeMap<>(Comparator.reverseOrder()), new TreeMap<>()));
    }

    @Override
    public void onTrade(final TradeDecoder t)
    {
        final Instrument i = instruments.get(t.instrumentId());
        trades.add(new TradeRow(t.seq(), i.symbol, Decimals.toString(t.price(), i.priceScale),
            Decimals.toString(t.quantity(), i.qtyScale), t.aggressorSide() == Side.BUY ? "buy" : "sell", engineTime));
    }

    @Override
    public void onBookLevel(final BookLevelDecoder b)
    {
        final Instrument i = instruments.get(b.instrumentId());
        final TreeMap<Long, Long> side = b.side() == Side.BUY ? i.bids : i.asks;
        if (b.quantity() == 0)
        {
            side.remove(b.price());
        }
        else
        {
            side.put(b.price(), b.quantity());
        }
    }

    @Override
    public void onTicker(final TickerDecoder t)
    {
        final Instrument i = instruments.get(t.instrumentId());
        // The protocol shows a side's quantity as null when the side has no price.
        tickers.add(new TickerRow(t.seq(), i.symbol, price(t.bidPrice(), i.priceScale),
            t.bidPrice() == Long.MIN_VALUE ? null : Decimals.toString(t.bidQty(), i.qtyScale),
            price(t.askPrice(), i.priceScale),
            t.askPrice() == Long.MIN_VALUE ? null : Decimals.toString(t.askQty(), i.qtyScale),
            price(t.lastPrice(), i.priceScale)));
    }

    private static String price(final long price, final int scale)
    {
        return price == Long.MIN_VALUE ? null : Decimals.toString(price, scale);
    }

    @Override
    public void onBatchEnd(final long firstSeq, final int eventCount)
    {
        if (check != null && eventCount > 0)
        {
            check.afterBatch(firstSeq, firstSeq + eventCount - 1, this);
        }
    }

}
