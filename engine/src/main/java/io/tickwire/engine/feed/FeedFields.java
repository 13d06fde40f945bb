package io.tickwire.engine.feed;

/**
 * The fields of a feed record, shared by both formats. A line parser fills a {@code CharSequence[COUNT]}
 * indexed by these constants with the raw text of each field, or null when it is absent or empty.
 */
final class FeedFields
{
    static final int TYPE = 0;
    static final int SYMBOL = 1;
    static final int SIDE = 2;
    static final int PRICE = 3;
    static final int QTY = 4;
    static final int TS = 5;
    static final int PRICE_SCALE = 6;
    static final int QTY_SCALE = 7;
    static final int TICK_SIZE = 8;
    static final int LOT_SIZE = 9;
    static final int COUNT = 10;

    private static final String[] NAMES =
        {"type", "symbol", "side", "price", "qty", "ts", "priceScale", "qtyScale", "tickSize", "lotSize"};

    private FeedFields()
    {
    }

    static String name(final int field)
    {
        return NAMES[field];
    }

    /**
     * @return the field with this exact name, or -1.
     */
    static int byName(final String name)
    {
        for (int i = 0; i < COUNT; i++)
        {
            if (NAMES[i].equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return the field whose name equals this text ignoring case, or -1.
     */
    static int byNameIgnoreCase(final CharSequence name)
    {
        for (int i = 0; i < COUNT; i++)
        {
            if (equalsIgnoreCase(NAMES[i], name))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return true if {@code text} equals {@code expected} ignoring ASCII case; does not allocate.
     */
    static boolean equalsIgnoreCase(final String expected, final CharSequence text)
    {
        final int length = expected.length();
        if (text.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final char a = expected.charAt(i);
            final char b = text.charAt(i);
            if (a != b && toLower(a) != toLower(b))
            {
                return false;
            }
        }
        return true;
    }

    private static char toLower(final char c)
    {
        return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
    }
}
