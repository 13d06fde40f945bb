package io.tickwire.engine.feed;

import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.Symbols;
import io.tickwire.codecs.sbe.AddInstrumentEncoder;
import io.tickwire.codecs.sbe.FeedBookLevelEncoder;
import io.tickwire.codecs.sbe.FeedTradeEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.feed.FeedFormatException.Kind;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads an external tick file and turns each record into one SBE engine input, so the engine can act as a
 * feed normaliser: an instrument line becomes {@code AddInstrument} (mode FEED), a trade {@code FeedTrade},
 * a book level {@code FeedBookLevel}. Every message has {@code intendedTime} 0; feed ticks carry the line's
 * {@code ts} as {@code sourceTime} (0 when absent). See {@code docs/feed-format.md} for examples.
 *
 * <h2>Formats</h2>
 * Chosen explicitly or by file name ({@link Format#fromFileName}):
 * <ul>
 *   <li>{@link Format#NDJSON} ({@code .ndjson}, {@code .jsonl}, {@code .json}): one JSON object per line,
 *   parsed with Jackson's streaming parser, e.g.
 *   {@code {"type":"trade","symbol":"BTC-USD","price":"101.25","qty":"0.5","side":"buy","ts":1700000000000000000}}.
 *   Member names are exact; unknown members are ignored; decimals may be strings or JSON numbers.</li>
 *   <li>{@link Format#CSV} ({@code .csv}): a header line naming the columns, then one record per line. Required
 *   columns {@code type,symbol,side,price,qty}; optional {@code ts,priceScale,qtyScale,tickSize,lotSize};
 *   any order, ASCII case ignored; no quoting. A row may stop early (missing trailing fields are empty).
 *   Example: {@code type,symbol,side,price,qty,ts,priceScale,qtyScale,tickSize,lotSize} then
 *   {@code instrument,BTC-USD,,,,,2,4,0.01,0.0001} and {@code trade,BTC-USD,buy,101.25,0.5,1700000000000000000}.</li>
 * </ul>
 *
 * <h2>Records</h2>
 * <ul>
 *   <li>{@code instrument}: {@code symbol} (1..16 of {@code A-Z a-z 0-9 . - _ /}, defined once), optional
 *   {@code priceScale} and {@code qtyScale} (0..9, default {@value #DEFAULT_PRICE_SCALE} and
 *   {@value #DEFAULT_QTY_SCALE}), optional {@code tickSize} and {@code lotSize} (positive decimals within the
 *   scale, default one unit of the last decimal place). Ids are 1, 2, ... in order of definition.</li>
 *   <li>{@code trade}: {@code symbol}, {@code side} {@code buy|sell} (the aggressor), {@code price} (positive,
 *   a multiple of the tick size), {@code qty} (positive, a multiple of the lot size), optional {@code ts}.</li>
 *   <li>{@code book}: {@code symbol}, {@code side} {@code bid|ask}, {@code price}, {@code qty} (the level's
 *   new total, zero or more; 0 removes the level), optional {@code ts}.</li>
 * </ul>
 * {@code ts} is an integer count of nanoseconds since the Unix epoch. Type and side values ignore ASCII case.
 * Blank lines are skipped. Line numbers are physical lines, from 1, header and blank lines included.
 *
 * <h2>Errors</h2>
 * A bad line (unknown symbol, bad number, bad side, malformed record, over-long line: see
 * {@link FeedFormatException.Kind}) is reported as a {@link FeedFormatException} whose message names the file
 * and line, e.g. {@code ticks.csv:7: unknown symbol 'FOO-USD'}. With {@link ErrorPolicy#FAIL_FAST} (the
 * default) the call throws it; the bad line is consumed, so a caller may go on. With
 * {@link ErrorPolicy#SKIP_AND_COUNT} the line is skipped, counted ({@link #skippedLineCount()}) and kept
 * ({@link #lastSkippedError()}). A bad CSV header is fatal under both policies: every later call throws it.
 * I/O errors are thrown as {@link UncheckedIOException}.
 *
 * <h2>Streaming</h2>
 * The file is read through a 64 KiB chunk and one line buffer: it is never loaded whole. A line may be at most
 * {@value #MAX_LINE_LENGTH} bytes (terminator excluded); a longer one is consumed without being stored and
 * reported as {@link FeedFormatException.Kind#LINE_TOO_LONG}. CSV records are parsed without allocating;
 * NDJSON lines allocate a Jackson parser and the field strings. Single threaded.
 */
public final class FeedFileReader implements AutoCloseable
{
    /** Longest line accepted, in bytes, without its terminator. */
    public static final int MAX_LINE_LENGTH = 4096;
    /** Price scale of an instrument line without one. */
    public static final int DEFAULT_PRICE_SCALE = 2;
    /** Quantity scale of an instrument line without one. */
    public static final int DEFAULT_QTY_SCALE = 4;
    /** Largest price or quantity scale (the schema's). */
    public static final int MAX_SCALE = 9;
    /** The longest message the reader writes, header included. */
    public static final int MAX_MESSAGE_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH +
        Math.max(AddInstrumentEncoder.BLOCK_LENGTH,
        Math.max(FeedTradeEncoder.BLOCK_LENGTH, FeedBookLevelEncoder.BLOCK_LENGTH));

    /**
     * The file's syntax.
     */
    public enum Format
    {
        /** One JSON object per line. */
        NDJSON,
        /** A header line, then comma-separated records. */
        CSV;

        /**
         * @param file a feed file.
         * @return {@link #NDJSON} for {@code .ndjson}, {@code .jsonl} and {@code .json}, {@link #CSV} for
         * {@code .csv} (case ignored).
         * @throws IllegalArgumentException for any other name: pass the format explicitly.
         */
        public static Format fromFileName(final Path file)
        {
            final Path name = file.getFileName();
            final String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl") || lower.endsWith(".json"))
            {
                return NDJSON;
            }
            if (lower.endsWith(".csv"))
            {
                return CSV;
            }
            throw new IllegalArgumentException(
                "cannot tell the feed format of '" + file + "' from its name: use .ndjson/.jsonl/.json or .csv, " +
                "or pass the format");
        }
    }

    /**
     * What to do with a bad line.
     */
    public enum ErrorPolicy
    {
        /** Throw a {@link FeedFormatException} (the default). */
        FAIL_FAST,
        /** Skip the line, count it and remember the error. */
        SKIP_AND_COUNT
    }

    private final Path file;
    private final Format format;
    private final ErrorPolicy policy;
    private final LineReader lines;
    private final LineParser parser;
    private final FeedInstruments instruments = new FeedInstruments();
    private final CharSequence[] fields = new CharSequence[FeedFields.COUNT];

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AddInstrumentEncoder addInstrumentEncoder = new AddInstrumentEncoder();
    private final FeedTradeEncoder feedTradeEncoder = new FeedTradeEncoder();
    private final FeedBookLevelEncoder feedBookLevelEncoder = new FeedBookLevelEncoder();

    private long skippedLineCount;
    private long messageCount;
    private long messageLineNumber;
    private int lastLength;
    private FeedFormatException lastSkippedError;
    private FeedFormatException fatalError;
    private boolean closed;

    /**
     * Opens a feed file with the format its name implies and {@link ErrorPolicy#FAIL_FAST}.
     *
     * @param file the feed file.
     * @throws IllegalArgumentException if the name implies no format.
     * @throws UncheckedIOException     if the file cannot be opened.
     */
    public FeedFileReader(final Path file)
    {
        this(file, Format.fromFileName(file), ErrorPolicy.FAIL_FAST);
    }

    /**
     * @param file   the feed file.
     * @param format its syntax.
     * @param policy what to do with bad lines.
     * @throws UncheckedIOException if the file cannot be opened.
     */
    public FeedFileReader(final Path file, final Format format, final ErrorPolicy policy)
    {
        this.file = file;
        this.format = format;
        this.policy = policy;
        this.parser = format == Format.CSV ? new CsvLineParser() : new JsonLineParser();
        try
        {
            this.lines = new LineReader(Files.newInputStream(file), MAX_LINE_LENGTH);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open feed file " + file, ex);
        }
    }

    /**
     * Writes the next input message (header and body) at {@code offset}; its length is then
     * {@link #lastLength()}.
     *
     * @param buffer destination, with at least {@link #MAX_MESSAGE_LENGTH} bytes from {@code offset}.
     * @param offset where the header starts.
     * @return true if a message was written, false at the end of the file.
     * @throws FeedFormatException  for a bad line under {@link ErrorPolicy#FAIL_FAST}, or a bad CSV header.
     * @throws UncheckedIOException if reading fails.
     */
    public boolean next(final MutableDirectBuffer buffer, final int offset)
    {
        return read(buffer, offset) > 0;
    }

    /**
     * Writes the next input message (header and body) at {@code offset}.
     *
     * @param buffer destination, with at least {@link #MAX_MESSAGE_LENGTH} bytes from {@code offset}.
     * @param offset where the header starts.
     * @return the encoded length, or 0 at the end of the file.
     * @throws FeedFormatException  for a bad line under {@link ErrorPolicy#FAIL_FAST}, or a bad CSV header.
     * @throws UncheckedIOException if reading fails.
     */
    public int read(final MutableDirectBuffer buffer, final int offset)
    {
        if (closed)
        {
            throw new IllegalStateException("closed: " + file);
        }
        if (fatalError != null)
        {
            throw fatalError;
        }
        lastLength = 0;
        while (readLine())
        {
            final byte[] line = lines.line();
            final int length = lines.length();
            try
            {
                if (lines.tooLong())
                {
                    throw new LineException(Kind.LINE_TOO_LONG, "line longer than " + MAX_LINE_LENGTH + " bytes");
                }
                if (isBlank(line, length) || !parser.parse(line, length, fields))
                {
                    continue;
                }
                lastLength = encode(buffer, offset);
                messageCount++;
                messageLineNumber = lines.lineNumber();
                return lastLength;
            }
            catch (final LineException ex)
            {
                final FeedFormatException error =
                    new FeedFormatException(file, lines.lineNumber(), ex.kind(), ex.getMessage());
                if (parser instanceof CsvLineParser && !((CsvLineParser)parser).hasHeader())
                {
                    fatalError = error;
                    throw error;
                }
                if (policy == ErrorPolicy.FAIL_FAST)
                {
                    throw error;
                }
                skippedLineCount++;
                lastSkippedError = error;
            }
        }
        return 0;
    }

    /**
     * @return the length of the message the last {@link #next} or {@link #read} call wrote, 0 if none.
     */
    public int lastLength()
    {
        return lastLength;
    }

    /**
     * @return the line number of the last message written (0 before the first).
     */
    public long lineNumber()
    {
        return messageLineNumber;
    }

    /**
     * @return how many messages have been written.
     */
    public long messageCount()
    {
        return messageCount;
    }

    /**
     * @return how many bad lines were skipped under {@link ErrorPolicy#SKIP_AND_COUNT}.
     */
    public long skippedLineCount()
    {
        return skippedLineCount;
    }

    /**
     * @return the error of the last skipped line, null if none.
     */
    public FeedFormatException lastSkippedError()
    {
        return lastSkippedError;
    }

    /**
     * @return how many instruments the file has defined so far.
     */
    public int instrumentCount()
    {
        return instruments.count();
    }

    public Path file()
    {
        return file;
    }

    public Format format()
    {
        return format;
    }

    public ErrorPolicy policy()
    {
        return policy;
    }

    /**
     * Closes the file. Idempotent.
     *
     * @throws UncheckedIOException if closing fails.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                lines.close();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot close feed file " + file, ex);
            }
        }
    }

    private boolean readLine()
    {
        try
        {
            return lines.readLine();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read feed file " + file + " after line " + lines.lineNumber(), ex);
        }
    }

    private int encode(final MutableDirectBuffer buffer, final int offset)
    {
        final CharSequence type = required(FeedFields.TYPE);
        if (FeedFields.equalsIgnoreCase("trade", type))
        {
            return encodeTrade(buffer, offset);
        }
        if (FeedFields.equalsIgnoreCase("book", type))
        {
            return encodeBookLevel(buffer, offset);
        }
        if (FeedFields.equalsIgnoreCase("instrument", type))
        {
            return encodeInstrument(buffer, offset);
        }
        throw new LineException(Kind.MALFORMED, "unknown type '" + type + "': expected instrument, trade or book");
    }

    private int encodeInstrument(final MutableDirectBuffer buffer, final int offset)
    {
        final CharSequence symbolText = required(FeedFields.SYMBOL);
        if (!Symbols.isValid(symbolText))
        {
            throw new LineException(Kind.BAD_INSTRUMENT,
                "invalid symbol '" + symbolText + "': 1..16 of A-Z a-z 0-9 . - _ /");
        }
        final int existing = instruments.find(symbolText);
        if (existing >= 0)
        {
            throw new LineException(Kind.BAD_INSTRUMENT, "instrument '" + symbolText + "' already defined at line " +
                instruments.definitionLine(existing));
        }
        final int priceScale = scale(FeedFields.PRICE_SCALE, DEFAULT_PRICE_SCALE);
        final int qtyScale = scale(FeedFields.QTY_SCALE, DEFAULT_QTY_SCALE);
        final long tickSize = optionalIncrement(FeedFields.TICK_SIZE, priceScale);
        final long lotSize = optionalIncrement(FeedFields.LOT_SIZE, qtyScale);

        final String symbol = symbolText.toString();
        final int index = instruments.add(symbol, priceScale, qtyScale, tickSize, lotSize, lines.lineNumber());
        addInstrumentEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(0)
            .instrumentId(index + 1)
            .symbol(symbol)
            .priceScale((byte)priceScale)
            .qtyScale((byte)qtyScale)
            .tickSize(tickSize)
            .lotSize(lotSize)
            .mode(InstrumentMode.FEED);
        return MessageHeaderEncoder.ENCODED_LENGTH + addInstrumentEncoder.encodedLength();
    }

    private int encodeTrade(final MutableDirectBuffer buffer, final int offset)
    {
        final int index = instrument();
        final CharSequence sideText = required(FeedFields.SIDE);
        final Side side;
        if (FeedFields.equalsIgnoreCase("buy", sideText))
        {
            side = Side.BUY;
        }
        else if (FeedFields.equalsIgnoreCase("sell", sideText))
        {
            side = Side.SELL;
        }
        else
        {
            throw new LineException(Kind.BAD_SIDE, "bad side '" + sideText + "' for a trade: expected buy or sell");
        }
        final long price = price(index);
        final long quantity = quantity(index, false);
        final long sourceTime = timestamp();
        feedTradeEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(0)
            .instrumentId(index + 1)
            .price(price)
            .quantity(quantity)
            .aggressorSide(side)
            .sourceTime(sourceTime);
        return MessageHeaderEncoder.ENCODED_LENGTH + feedTradeEncoder.encodedLength();
    }

    private int encodeBookLevel(final MutableDirectBuffer buffer, final int offset)
    {
        final int index = instrument();
        final CharSequence sideText = required(FeedFields.SIDE);
        final Side side;
        if (FeedFields.equalsIgnoreCase("bid", sideText))
        {
            side = Side.BUY;
        }
        else if (FeedFields.equalsIgnoreCase("ask", sideText))
        {
            side = Side.SELL;
        }
        else
        {
            throw new LineException(Kind.BAD_SIDE, "bad side '" + sideText + "' for a book level: expected bid or ask");
        }
        final long price = price(index);
        final long quantity = quantity(index, true);
        final long sourceTime = timestamp();
        feedBookLevelEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(0)
            .instrumentId(index + 1)
            .side(side)
            .price(price)
            .quantity(quantity)
            .sourceTime(sourceTime);
        return MessageHeaderEncoder.ENCODED_LENGTH + feedBookLevelEncoder.encodedLength();
    }

    private CharSequence required(final int field)
    {
        final CharSequence text = fields[field];
        if (text == null)
        {
            throw new LineException(Kind.MALFORMED, "missing field '" + FeedFields.name(field) + "'");
        }
        return text;
    }

    private int instrument()
    {
        final CharSequence symbol = required(FeedFields.SYMBOL);
        final int index = instruments.find(symbol);
        if (index < 0)
        {
            throw new LineException(Kind.UNKNOWN_SYMBOL,
                "unknown symbol '" + symbol + "': no instrument line defines it before this line");
        }
        return index;
    }

    private long price(final int index)
    {
        final long price = decimal(FeedFields.PRICE, instruments.priceScale(index));
        if (price <= 0)
        {
            throw badNumber(FeedFields.PRICE, "must be positive");
        }
        final long tick = instruments.tickSize(index);
        if (price % tick != 0)
        {
            throw badNumber(FeedFields.PRICE, "not a multiple of the tick size " +
                Decimals.toString(tick, instruments.priceScale(index)));
        }
        return price;
    }

    private long quantity(final int index, final boolean zeroAllowed)
    {
        final long quantity = decimal(FeedFields.QTY, instruments.qtyScale(index));
        if (quantity < 0 || (quantity == 0 && !zeroAllowed))
        {
            throw badNumber(FeedFields.QTY, zeroAllowed ? "must not be negative" : "must be positive");
        }
        final long lot = instruments.lotSize(index);
        if (quantity % lot != 0)
        {
            throw badNumber(FeedFields.QTY, "not a multiple of the lot size " +
                Decimals.toString(lot, instruments.qtyScale(index)));
        }
        return quantity;
    }

    private long decimal(final int field, final int scale)
    {
        final CharSequence text = required(field);
        try
        {
            return Decimals.parse(text, scale);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new LineException(Kind.BAD_NUMBER, "bad " + FeedFields.name(field) + " '" + text + "': " +
                (ex instanceof ArithmeticException ? "too large" : describe((NumberFormatException)ex, scale)));
        }
    }

    private static String describe(final NumberFormatException ex, final int scale)
    {
        final String message = ex.getMessage();
        return message != null && message.startsWith("more than") ?
            "more than " + scale + " decimal places" : "not a decimal number";
    }

    private long optionalIncrement(final int field, final int scale)
    {
        if (fields[field] == null)
        {
            return 1;
        }
        final long value = decimal(field, scale);
        if (value <= 0)
        {
            throw new LineException(
                Kind.BAD_INSTRUMENT, FeedFields.name(field) + " '" + fields[field] + "' must be positive");
        }
        return value;
    }

    private int scale(final int field, final int defaultScale)
    {
        if (fields[field] == null)
        {
            return defaultScale;
        }
        final long scale = integer(field);
        if (scale > MAX_SCALE)
        {
            throw new LineException(Kind.BAD_INSTRUMENT,
                FeedFields.name(field) + " " + scale + " out of range 0.." + MAX_SCALE);
        }
        return (int)scale;
    }

    private long timestamp()
    {
        return fields[FeedFields.TS] == null ? 0 : integer(FeedFields.TS);
    }

    /**
     * @return the field as a non-negative integer.
     */
    private long integer(final int field)
    {
        final CharSequence text = fields[field];
        final int length = text.length();
        if (length == 0)
        {
            throw badNumber(field, "not a non-negative integer");
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw badNumber(field, "not a non-negative integer");
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10)
            {
                throw badNumber(field, "too large");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private LineException badNumber(final int field, final String reason)
    {
        return new LineException(
            Kind.BAD_NUMBER, "bad " + FeedFields.name(field) + " '" + fields[field] + "': " + reason);
    }

    private static boolean isBlank(final byte[] line, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (line[i] != ' ' && line[i] != '\t')
            {
                return false;
            }
        }
        return true;
    }
}
