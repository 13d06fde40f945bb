package io.tickwire.replay;

import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The instruments a reader needs to make sense of events (symbol, scales) when it starts in the middle of
 * the journal, after their definitions. Mutable, one thread: a {@link JournalRange} adds the definitions it
 * reads.
 * <p>
 * {@link #load} finds the definitions before a start position. Only {@code AddInstrument} inputs define
 * instruments, so it reads each earlier excerpt's input template (two header reads, no decoding) and decodes
 * only those batches: a pass over the excerpts, but no event decoding. Definitions in cycles that retention
 * deleted come from the {@link RetainedPrefix}.
 */
public final class InstrumentCatalog
{
    /**
     * One instrument's definition.
     *
     * @param seq the seq of its {@code InstrumentDefinition} event.
     */
    public record Instrument(
        int instrumentId, String symbol, int priceScale, int qtyScale, long tickSize, long lotSize,
        InstrumentMode mode, long seq)
    {
    }

    private final Int2ObjectHashMap<Instrument> byId = new Int2ObjectHashMap<>();
    private final Map<String, Instrument> bySymbol = new HashMap<>();
    private long excerptsScanned;

    /**
     * Loads the definitions made before {@code endIndex}: the retained prefix's, then the journal's.
     *
     * @param endIndex a Chronicle index (exclusive); {@code Long.MAX_VALUE} for the whole journal.
     */
    public static InstrumentCatalog load(final Journal journal, final long endIndex)
    {
        final InstrumentCatalog catalog = new InstrumentCatalog();
        RetainedPrefix.read(journal.config().directory()).forEachDefinition(catalog::add);
        final MarketDataDecoder decoder = new MarketDataDecoder();
        final MarketDataListener listener = new DefinitionsOnly(catalog);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        try (ExcerptTailer tailer = journal.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || dc.index() >= endIndex)
                    {
                        break;
                    }
                    catalog.excerptsScanned++;
                    final int length = JournalReader.wrap(dc, view);
                    if (BatchFields.isBatch(view, length) && BatchFields.isAddInstrument(view, length))
                    {
                        decoder.decode(view, 0, length, listener);
                    }
                }
            }
        }
        return catalog;
    }

    /**
     * Adds (or replaces) the instrument of {@code definition}.
     *
     * @return the instrument.
     */
    public Instrument add(final InstrumentDefinitionDecoder definition)
    {
        return add(new Instrument(definition.instrumentId(), definition.symbol().trim(), definition.priceScale(),
            definition.qtyScale(), definition.tickSize(), definition.lotSize(), definition.mode(), definition.seq()));
    }

    /**
     * Adds (or replaces) an instrument.
     *
     * @return the instrument.
     */
    public Instrument add(final Instrument instrument)
    {
        final Instrument previous = byId.put(instrument.instrumentId(), instrument);
        if (previous != null && !previous.symbol().equals(instrument.symbol()))
        {
            bySymbol.remove(previous.symbol());
        }
        bySymbol.put(instrument.symbol(), instrument);
        return instrument;
    }

    /**
     * @return the instrument with this id, or null.
     */
    public Instrument get(final int instrumentId)
    {
        return byId.get(instrumentId);
    }

    /**
     * @return the instrument with this symbol, or null.
     */
    public Instrument bySymbol(final String symbol)
    {
        return bySymbol.get(symbol);
    }

    public int size()
    {
        return byId.size();
    }

    /**
     * @return every instrument, by id.
     */
    public List<Instrument> instruments()
    {
        final List<Instrument> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparingInt(Instrument::instrumentId));
        return all;
    }

    /**
     * @return the excerpts {@link #load} read to build this catalog.
     */
    public long excerptsScanned()
    {
        return excerptsScanned;
    }

    private static final class DefinitionsOnly implements MarketDataListener
    {
        private final InstrumentCatalog catalog;

        DefinitionsOnly(final InstrumentCatalog catalog)
        {
            this.catalog = catalog;
        }

        @Override
        public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
        {
        }

        @Override
        public void onInstrument(final InstrumentDefinitionDecoder definition)
        {
            catalog.add(definition);
        }

        @Override
        public void onTrade(final TradeDecoder trade)
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
