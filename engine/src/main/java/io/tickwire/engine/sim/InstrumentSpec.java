package io.tickwire.engine.sim;

import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.Symbols;
import io.tickwire.codecs.sbe.AddInstrumentEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * An instrument the {@link MarketSimulator} trades: its engine definition (id, symbol, scales, tick and lot
 * size) and the mid price the simulated market starts from. Immutable.
 * <p>
 * Prices and quantities are fixed-point mantissas (see {@link Decimals}): with {@code priceScale} 2, a
 * {@code tickSize} of 5 is 0.05 and an {@code initialMid} of 350000 is 3500.00.
 */
public final class InstrumentSpec
{
    /** The largest price or quantity scale an instrument may have (the schema's limit). */
    public static final int MAX_SCALE = 9;
    /** Price scale of the {@link #defaults(int) default instruments}. */
    public static final int DEFAULT_PRICE_SCALE = 2;
    /** Quantity scale of the {@link #defaults(int) default instruments}. */
    public static final int DEFAULT_QTY_SCALE = 4;
    /** Length of the AddInstrument message with its header, as {@link #encodeAddInstrument} writes it. */
    public static final int ADD_INSTRUMENT_LENGTH =
        MessageHeaderEncoder.ENCODED_LENGTH + AddInstrumentEncoder.BLOCK_LENGTH;

    /** Named defaults: symbols, then mids, tick and lot sizes as mantissas at price scale 2, quantity scale 4. */
    private static final String[] NAMED_SYMBOLS =
        {"BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD", "LTC-USD", "AVAX-USD", "LINK-USD", "AAPL", "MSFT", "NVDA"};
    private static final long[] NAMED_MIDS =
        {6_500_000L, 350_000L, 15_000L, 60_000L, 8_000L, 3_500L, 1_500L, 19_000L, 42_000L, 12_500L};
    private static final long[] NAMED_TICKS = {50L, 5L, 1L, 5L, 1L, 1L, 1L, 1L, 1L, 1L};
    private static final long[] NAMED_LOTS = {1L, 10L, 100L, 10L, 100L, 1_000L, 1_000L, 10_000L, 10_000L, 10_000L};

    private final int instrumentId;
    private final String symbol;
    private final int priceScale;
    private final int qtyScale;
    private final long tickSize;
    private final long lotSize;
    private final long initialMid;

    /**
     * @param instrumentId positive engine instrument id.
     * @param symbol       a valid symbol (see {@link Symbols}).
     * @param priceScale   decimal places of prices, 0..9.
     * @param qtyScale     decimal places of quantities, 0..9.
     * @param tickSize     positive price increment (mantissa).
     * @param lotSize      positive quantity increment (mantissa), at most 10^12 so simulated sizes never overflow.
     * @param initialMid   positive starting mid price (mantissa), a multiple of {@code tickSize}.
     * @throws IllegalArgumentException if any argument is out of range.
     */
    public InstrumentSpec(
        final int instrumentId,
        final String symbol,
        final int priceScale,
        final int qtyScale,
        final long tickSize,
        final long lotSize,
        final long initialMid)
    {
        if (instrumentId <= 0)
        {
            throw new IllegalArgumentException("instrumentId must be positive: " + instrumentId);
        }
        if (symbol == null || !Symbols.isValid(symbol))
        {
            throw new IllegalArgumentException("invalid symbol: " + symbol);
        }
        if (priceScale < 0 || priceScale > MAX_SCALE || qtyScale < 0 || qtyScale > MAX_SCALE)
        {
            throw new IllegalArgumentException("scales must be 0.." + MAX_SCALE + ": " + priceScale + ", " + qtyScale);
        }
        if (tickSize <= 0 || lotSize <= 0 || lotSize > 1_000_000_000_000L)
        {
            throw new IllegalArgumentException("tickSize and lotSize must be positive: " + tickSize + ", " + lotSize);
        }
        if (initialMid <= 0 || initialMid % tickSize != 0)
        {
            throw new IllegalArgumentException("initialMid must be a positive multiple of tickSize: " + initialMid);
        }
        this.instrumentId = instrumentId;
        this.symbol = symbol;
        this.priceScale = priceScale;
        this.qtyScale = qtyScale;
        this.tickSize = tickSize;
        this.lotSize = lotSize;
        this.initialMid = initialMid;
    }

    /**
     * {@code count} default instruments with ids 1..count: first the named ones (BTC-USD, ETH-USD, SOL-USD,
     * BNB-USD, LTC-USD, AVAX-USD, LINK-USD, AAPL, MSFT, NVDA), then {@code "SYM" + index} (SYM10, SYM11, ...)
     * with mids 100.25, 102.75, ..., tick 0.01 and lot 1. All have price scale 2 and quantity scale 4; every
     * mid is distinct.
     *
     * @param count number of instruments, 1 .. 100000.
     * @return an immutable list of {@code count} instruments.
     */
    public static List<InstrumentSpec> defaults(final int count)
    {
        if (count <= 0 || count > 100_000)
        {
            throw new IllegalArgumentException("count must be 1..100000: " + count);
        }
        final List<InstrumentSpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int id = i + 1;
            if (i < NAMED_SYMBOLS.length)
            {
                specs.add(new InstrumentSpec(id, NAMED_SYMBOLS[i], DEFAULT_PRICE_SCALE, DEFAULT_QTY_SCALE,
                    NAMED_TICKS[i], NAMED_LOTS[i], NAMED_MIDS[i]));
            }
            else
            {
                // 100.25, 102.75, ...: never a multiple of 0.50, so never equal to a named mid.
                final long mid = 10_025L + 250L * (i - NAMED_SYMBOLS.length);
                specs.add(new InstrumentSpec(id, "SYM" + i, DEFAULT_PRICE_SCALE, DEFAULT_QTY_SCALE, 1L, 10_000L, mid));
            }
        }
        return List.copyOf(specs);
    }

    public int instrumentId()
    {
        return instrumentId;
    }

    public String symbol()
    {
        return symbol;
    }

    public int priceScale()
    {
        return priceScale;
    }

    public int qtyScale()
    {
        return qtyScale;
    }

    public long tickSize()
    {
        return tickSize;
    }

    public long lotSize()
    {
        return lotSize;
    }

    public long initialMid()
    {
        return initialMid;
    }

    /**
     * Writes the AddInstrument input (header and body, mode MATCHING) that defines this instrument. Allocates
     * two small flyweights per call: for start-up, not for a hot path.
     *
     * @param intendedTime the message's intended time (epoch nanos, 0 if none).
     * @param buffer       destination.
     * @param offset       where the header starts.
     * @return the encoded length, {@link #ADD_INSTRUMENT_LENGTH}.
     */
    public int encodeAddInstrument(final long intendedTime, final MutableDirectBuffer buffer, final int offset)
    {
        final AddInstrumentEncoder encoder = new AddInstrumentEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .intendedTime(intendedTime)
            .instrumentId(instrumentId)
            .symbol(symbol)
            .priceScale((byte)priceScale)
            .qtyScale((byte)qtyScale)
            .tickSize(tickSize)
            .lotSize(lotSize)
            .mode(InstrumentMode.MATCHING);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof InstrumentSpec))
        {
            return false;
        }
        final InstrumentSpec that = (InstrumentSpec)o;
        return instrumentId == that.instrumentId && priceScale == that.priceScale && qtyScale == that.qtyScale &&
            tickSize == that.tickSize && lotSize == that.lotSize && initialMid == that.initialMid &&
            symbol.equals(that.symbol);
    }

    @Override
    public int hashCode()
    {
        int result = instrumentId;
        result = 31 * result + symbol.hashCode();
        result = 31 * result + Long.hashCode(initialMid);
        return result;
    }

    @Override
    public String toString()
    {
        return "InstrumentSpec{" +
            "id=" + instrumentId +
            ", symbol=" + symbol +
            ", tick=" + Decimals.toString(tickSize, priceScale) +
            ", lot=" + Decimals.toString(lotSize, qtyScale) +
            ", mid=" + Decimals.toString(initialMid, priceScale) +
            '}';
    }
}
