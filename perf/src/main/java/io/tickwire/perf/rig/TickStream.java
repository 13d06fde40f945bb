package io.tickwire.perf.rig;

import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.sbe.Side;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The fan-out rig's deterministic tick stream, the same for every target. Tick {@code i} (from 0) is due at
 * {@code t0 + i * periodNanos} on {@link System#nanoTime()} (CLOCK_MONOTONIC, comparable between processes of
 * one Linux host), is a trade on symbol {@code i % symbols} ({@link #symbol(int)}), and has a price, quantity
 * and side that depend on {@code i} only.
 * <p>
 * The driver sends each tick to the target as one <b>feed record</b> (big-endian):
 * <pre>
 * int32 length (bytes after this field) | int32 symbol | int64 intended | int64 price | int64 qty | int8 side
 * | JSON bytes (length - 29)
 * </pre>
 * The JSON is the trade message as Tickwire's gateway writes it with its benchmark field ({@code "intended"},
 * docs/protocol.md), with {@code seq = i + 1} and {@code prev} the previous tick of the same symbol: peers
 * broadcast these bytes as they are; Tickwire's feed bridge turns the numeric fields into a {@code FeedTrade}
 * input, and its gateway writes its own JSON (same fields, the engine's seqs). Prices have 2 decimals,
 * quantities 4.
 */
public final class TickStream
{
    /** Bytes of a record before its JSON, including the length field. */
    public static final int RECORD_HEADER = 4 + 29;
    public static final int PRICE_SCALE = 2;
    public static final int QTY_SCALE = 4;
    /** Largest JSON of one record (the padding of --payload included). */
    public static final int MAX_JSON = 4096;

    private final int symbols;
    private final String[] names;
    private final int payload;
    private final long epochOffset;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_JSON + 256]);
    private final JsonWriter writer = new JsonWriter();
    private final MarketDataJson json = new MarketDataJson(writer);

    /**
     * @param symbols number of symbols, 1..10,000.
     * @param payload pad the JSON to at least this many bytes (0: the natural trade message).
     */
    public TickStream(final int symbols, final int payload)
    {
        if (symbols < 1 || symbols > 10_000)
        {
            throw new IllegalArgumentException("symbols must be 1..10000: " + symbols);
        }
        if (payload < 0 || payload > MAX_JSON)
        {
            throw new IllegalArgumentException("payload must be 0.." + MAX_JSON + ": " + payload);
        }
        this.symbols = symbols;
        this.payload = payload;
        names = new String[symbols];
        for (int s = 0; s < symbols; s++)
        {
            names[s] = symbol(s);
        }
        epochOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    }

    public static String symbol(final int index)
    {
        return String.format("SYM%04d", index);
    }

    public int symbols()
    {
        return symbols;
    }

    public static int symbolOf(final long tick, final int symbols)
    {
        return (int)(tick % symbols);
    }

    /**
     * @return how many ticks {@code i} in {@code [from, to)} are on symbol {@code symbol} ({@code i % symbols}).
     */
    static long ticksOfSymbol(final int symbol, final long from, final long to, final int symbols)
    {
        final long first = from + Math.floorMod(symbol - from, symbols);
        return first >= to ? 0 : 1 + (to - 1 - first) / symbols;
    }

    static long price(final long tick)
    {
        return 10_000 + (tick * 7_919) % 1_000;
    }

    static long qty(final long tick)
    {
        return 1 + tick % 50;
    }

    static Side side(final long tick)
    {
        return (tick & 1) == 0 ? Side.BUY : Side.SELL;
    }

    /**
     * Writes tick {@code tick}'s feed record at the buffer's position.
     *
     * @param intended the tick's intended time (nanoTime).
     * @return the record's length, or 0 if it does not fit (nothing written).
     */
    public int encode(final long tick, final long intended, final ByteBuffer out)
    {
        final int symbol = symbolOf(tick, symbols);
        final long seq = tick + 1;
        final long prev = tick >= symbols ? seq - symbols : 0;
        writer.wrap(scratch, 0);
        int length = json.trade(names[symbol], seq, prev, price(tick), PRICE_SCALE, qty(tick), QTY_SCALE,
            side(tick), epochOffset + intended, intended);
        if (payload > length)
        {
            length = pad(length);
        }
        final int record = RECORD_HEADER + length;
        if (out.remaining() < record)
        {
            return 0;
        }
        out.putInt(record - 4).putInt(symbol).putLong(intended).putLong(price(tick)).putLong(qty(tick))
            .put((byte)(side(tick) == Side.BUY ? 0 : 1));
        for (int i = 0; i < length; i++)
        {
            out.put(scratch.getByte(i));
        }
        return record;
    }

    /** Turns the closing brace into {@code ,"pad":"xxx..."} so the message has {@link #payload} bytes. */
    private int pad(final int length)
    {
        final String name = ",\"pad\":\"";
        final int fill = Math.max(0, payload - length - name.length() - 1);
        int at = length - 1;
        for (int i = 0; i < name.length(); i++)
        {
            scratch.putByte(at++, (byte)name.charAt(i));
        }
        for (int i = 0; i < fill; i++)
        {
            scratch.putByte(at++, (byte)'x');
        }
        scratch.putByte(at++, (byte)'"');
        scratch.putByte(at++, (byte)'}');
        return at;
    }
}
