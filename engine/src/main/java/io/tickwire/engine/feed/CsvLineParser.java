package io.tickwire.engine.feed;

import io.tickwire.engine.feed.FeedFormatException.Kind;

/**
 * Splits CSV lines into {@link FeedFields}. The first non-blank line is the header; it names the columns (any
 * order, ASCII case ignored): {@code type, symbol, side, price, qty} are required, {@code ts, priceScale,
 * qtyScale, tickSize, lotSize} optional, anything else is an error. A row may have fewer fields than the
 * header (the missing trailing fields are empty) but not more. Fields are trimmed of spaces and tabs; an
 * empty field is absent. There is no quoting: no field of the format needs a comma or a quote, so a
 * {@code "} is an error.
 */
final class CsvLineParser implements LineParser
{
    private static final int MAX_COLUMNS = 64;
    private static final int[] REQUIRED =
        {FeedFields.TYPE, FeedFields.SYMBOL, FeedFields.SIDE, FeedFields.PRICE, FeedFields.QTY};

    private final int[] columnField = new int[MAX_COLUMNS];
    private final AsciiView[] views = new AsciiView[MAX_COLUMNS];
    private final AsciiView headerView = new AsciiView();
    private int columnCount = -1;

    CsvLineParser()
    {
        for (int i = 0; i < MAX_COLUMNS; i++)
        {
            views[i] = new AsciiView();
        }
    }

    boolean hasHeader()
    {
        return columnCount > 0;
    }

    @Override
    public boolean parse(final byte[] line, final int length, final CharSequence[] fields)
    {
        if (columnCount < 0)
        {
            parseHeader(line, length);
            return false;
        }
        for (int i = 0; i < FeedFields.COUNT; i++)
        {
            fields[i] = null;
        }
        int column = 0;
        int start = 0;
        for (int i = 0; i <= length; i++)
        {
            if (i == length || line[i] == ',')
            {
                if (column == columnCount)
                {
                    throw new LineException(Kind.MALFORMED,
                        "more fields than the header's " + columnCount + " columns");
                }
                final int field = columnField[column];
                final AsciiView view = trimmed(views[column], line, start, i);
                if (view.length() > 0)
                {
                    fields[field] = view;
                }
                column++;
                start = i + 1;
            }
            else if (line[i] == '"')
            {
                throw new LineException(Kind.MALFORMED, "quoted fields are not supported");
            }
        }
        return true;
    }

    private void parseHeader(final byte[] line, final int length)
    {
        final boolean[] seen = new boolean[FeedFields.COUNT];
        int column = 0;
        int start = 0;
        for (int i = 0; i <= length; i++)
        {
            if (i == length || line[i] == ',')
            {
                if (column == MAX_COLUMNS)
                {
                    throw new LineException(Kind.MALFORMED, "header has more than " + MAX_COLUMNS + " columns");
                }
                final AsciiView name = trimmed(headerView, line, start, i);
                final int field = FeedFields.byNameIgnoreCase(name);
                if (field < 0)
                {
                    throw new LineException(Kind.MALFORMED, "header: unknown column '" + name + "'");
                }
                if (seen[field])
                {
                    throw new LineException(Kind.MALFORMED, "header: duplicate column '" + name + "'");
                }
                seen[field] = true;
                columnField[column++] = field;
                start = i + 1;
            }
        }
        for (final int field : REQUIRED)
        {
            if (!seen[field])
            {
                throw new LineException(Kind.MALFORMED, "header: missing column '" + FeedFields.name(field) + "'");
            }
        }
        columnCount = column;
    }

    private static AsciiView trimmed(final AsciiView view, final byte[] line, final int from, final int to)
    {
        int start = from;
        int end = to;
        while (start < end && (line[start] == ' ' || line[start] == '\t'))
        {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        {
            end--;
        }
        return view.wrap(line, start, end - start);
    }
}
