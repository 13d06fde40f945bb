package io.tickwire.engine.feed;

import io.tickwire.codecs.Symbols;

import java.util.Arrays;

/**
 * The instruments a feed file has defined, by symbol, with ids 1, 2, ... in order of definition. Lookups take
 * any {@link CharSequence} and do not allocate: a symbol (at most 16 ASCII characters) is packed into two
 * longs, the key of an open-addressing table.
 */
final class FeedInstruments
{
    private static final int INITIAL_CAPACITY = 16;

    private int count;
    private String[] symbols = new String[INITIAL_CAPACITY];
    private int[] priceScales = new int[INITIAL_CAPACITY];
    private int[] qtyScales = new int[INITIAL_CAPACITY];
    private long[] tickSizes = new long[INITIAL_CAPACITY];
    private long[] lotSizes = new long[INITIAL_CAPACITY];
    private long[] definitionLines = new long[INITIAL_CAPACITY];

    private long[] keyHigh = new long[2 * INITIAL_CAPACITY];
    private long[] keyLow = new long[2 * INITIAL_CAPACITY];
    private int[] slotIndex = new int[2 * INITIAL_CAPACITY]; // instrument index + 1, 0 = empty
    private long packedHigh;
    private long packedLow;

    int count()
    {
        return count;
    }

    /**
     * @return the instrument's index (its id minus 1), or -1 if no instrument has this symbol.
     */
    int find(final CharSequence symbol)
    {
        if (!pack(symbol))
        {
            return -1;
        }
        final int mask = slotIndex.length - 1;
        for (int slot = hash(packedHigh, packedLow) & mask; ; slot = (slot + 1) & mask)
        {
            final int index = slotIndex[slot] - 1;
            if (index < 0)
            {
                return -1;
            }
            if (keyHigh[slot] == packedHigh && keyLow[slot] == packedLow)
            {
                return index;
            }
        }
    }

    /**
     * Defines a new instrument; the caller has checked that the symbol is valid and not yet defined.
     *
     * @return its index; its id is the index plus 1.
     */
    int add(
        final String symbol,
        final int priceScale,
        final int qtyScale,
        final long tickSize,
        final long lotSize,
        final long lineNumber)
    {
        if (!Symbols.isValid(symbol) || find(symbol) >= 0)
        {
            throw new IllegalArgumentException("invalid or duplicate symbol " + symbol);
        }
        if (count == symbols.length)
        {
            growArrays();
        }
        final int index = count++;
        symbols[index] = symbol;
        priceScales[index] = priceScale;
        qtyScales[index] = qtyScale;
        tickSizes[index] = tickSize;
        lotSizes[index] = lotSize;
        definitionLines[index] = lineNumber;
        if (2 * count > slotIndex.length)
        {
            rehash(2 * slotIndex.length);
        }
        pack(symbol);
        insert(packedHigh, packedLow, index);
        return index;
    }

    String symbol(final int index)
    {
        return symbols[index];
    }

    int priceScale(final int index)
    {
        return priceScales[index];
    }

    int qtyScale(final int index)
    {
        return qtyScales[index];
    }

    long tickSize(final int index)
    {
        return tickSizes[index];
    }

    long lotSize(final int index)
    {
        return lotSizes[index];
    }

    long definitionLine(final int index)
    {
        return definitionLines[index];
    }

    private boolean pack(final CharSequence symbol)
    {
        final int length = symbol.length();
        if (length == 0 || length > Symbols.MAX_LENGTH)
        {
            return false;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = symbol.charAt(i);
            if (c == 0 || c > 127)
            {
                return false;
            }
            if (i < 8)
            {
                high |= (long)c << (8 * i);
            }
            else
            {
                low |= (long)c << (8 * (i - 8));
            }
        }
        packedHigh = high;
        packedLow = low;
        return true;
    }

    private static int hash(final long high, final long low)
    {
        long z = high * 0x9E3779B97F4A7C15L + low;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int)(z ^ (z >>> 31));
    }

    private void insert(final long high, final long low, final int index)
    {
        final int mask = slotIndex.length - 1;
        int slot = hash(high, low) & mask;
        while (slotIndex[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }
        keyHigh[slot] = high;
        keyLow[slot] = low;
        slotIndex[slot] = index + 1;
    }

    private void rehash(final int capacity)
    {
        final long[] oldHigh = keyHigh;
        final long[] oldLow = keyLow;
        final int[] oldIndex = slotIndex;
        keyHigh = new long[capacity];
        keyLow = new long[capacity];
        slotIndex = new int[capacity];
        for (int slot = 0; slot < oldIndex.length; slot++)
        {
            if (oldIndex[slot] != 0)
            {
                insert(oldHigh[slot], oldLow[slot], oldIndex[slot] - 1);
            }
        }
    }

    private void growArrays()
    {
        final int capacity = 2 * symbols.length;
        symbols = Arrays.copyOf(symbols, capacity);
        priceScales = Arrays.copyOf(priceScales, capacity);
        qtyScales = Arrays.copyOf(qtyScales, capacity);
        tickSizes = Arrays.copyOf(tickSizes, capacity);
        lotSizes = Arrays.copyOf(lotSizes, capacity);
        definitionLines = Arrays.copyOf(definitionLines, capacity);
    }
}
