package io.tickwire.codecs.json;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.tickwire.codecs.Symbols;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;

/**
 * Parses one client text frame (one JSON object) into a reusable {@link ClientRequest}, with Jackson's
 * streaming {@link JsonParser} configured strictly: standard JSON only (no comments, NaN, single quotes,
 * leading zeros or trailing commas), duplicate keys refused, and {@link StreamReadConstraints} bounding the
 * document length, nesting depth ({@value #MAX_NESTING_DEPTH}), string, name and number lengths, so that
 * hostile input costs at most a small, bounded amount of work.
 * <p>
 * {@code parse} never throws for bad input: the request comes back either valid or with an error code and
 * a message naming the problem. The rules (also in docs/protocol.md):
 * <ul>
 *     <li>The root must be one object, with nothing but whitespace after it.</li>
 *     <li>Unknown fields are ignored (forward compatibility: a newer client may send options this server
 *     does not know), though they still count against the limits. Known fields are type checked whatever
 *     the op; {@code null} is never accepted for a known field (omit it instead).</li>
 *     <li>Error precedence: malformed JSON or a broken limit; then a missing or non-string {@code op}
 *     ({@code BAD_REQUEST}); then an unknown op ({@code UNKNOWN_OP}); then the first bad field in document
 *     order; then a field the op requires but lacks. The {@code id} is kept whenever it is itself valid, so
 *     the error reply can echo it.</li>
 * </ul>
 * The request limits are in bytes for {@code byte[]} input and in chars for {@code String} input.
 * <p>
 * Parsing allocates (Jackson's parser, the symbol strings): requests are not on the market-data path.
 * Not thread safe: one parser per thread; the {@link JsonFactory} inside is thread safe but not shared.
 */
public final class ClientRequestParser
{
    /** Default longest request, in bytes. */
    public static final int DEFAULT_MAX_REQUEST_LENGTH = 16 * 1024;
    /** Default most symbols in one request. */
    public static final int DEFAULT_MAX_SYMBOLS = 256;
    /** Deepest nesting of objects and arrays; the root object is 1, {@code symbols} 2. */
    public static final int MAX_NESTING_DEPTH = 4;
    /** Longest number token (an {@code id} is at most 64 characters anyway). */
    public static final int MAX_NUMBER_LENGTH = 64;
    /** Longest field name. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Largest {@code depth} of a book subscription. */
    public static final int MAX_BOOK_DEPTH = 1000;
    /** Largest {@code maxHz}. */
    public static final int MAX_HZ = 1000;
    /** Largest {@code clientOrderId}: 2^40-1. */
    public static final long MAX_CLIENT_ORDER_ID = (1L << 40) - 1;
    /** Longest {@code price} or {@code qty} text. */
    public static final int MAX_DECIMAL_LENGTH = 40;
    /** Hex digits of an {@code epoch}. */
    public static final int EPOCH_DIGITS = 16;
    /** Longest excerpt of a Jackson error message put in an error reply. */
    private static final int MAX_DETAIL_LENGTH = 160;

    private final JsonFactory factory;
    private final int maxRequestLength;
    private final int maxSymbols;
    private final JsonWriter idWriter = new JsonWriter();

    // State of the parse in progress.
    private boolean sawOp;
    private boolean opNotString;
    private String unknownOp;
    private String fieldError;
    private boolean symbolsGiven;
    private boolean pricesGiven;

    /**
     * A parser with {@link #DEFAULT_MAX_REQUEST_LENGTH} and {@link #DEFAULT_MAX_SYMBOLS}.
     */
    public ClientRequestParser()
    {
        this(DEFAULT_MAX_REQUEST_LENGTH, DEFAULT_MAX_SYMBOLS);
    }

    /**
     * @param maxRequestLength the longest request accepted, in bytes (chars for String input).
     * @param maxSymbols       the most entries in {@code symbols}.
     */
    public ClientRequestParser(final int maxRequestLength, final int maxSymbols)
    {
        if (maxRequestLength < 64 || maxSymbols < 1)
        {
            throw new IllegalArgumentException("maxRequestLength " + maxRequestLength + ", maxSymbols " + maxSymbols);
        }
        this.maxRequestLength = maxRequestLength;
        this.maxSymbols = maxSymbols;
        final StreamReadConstraints constraints = StreamReadConstraints.builder()
            .maxDocumentLength(maxRequestLength)
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength(maxRequestLength)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxNameLength(MAX_NAME_LENGTH)
            .build();
        factory = JsonFactory.builder()
            .streamReadConstraints(constraints)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    }

    /**
     * @return the longest request accepted.
     */
    public int maxRequestLength()
    {
        return maxRequestLength;
    }

    /**
     * @return the most symbols one request may carry.
     */
    public int maxSymbols()
    {
        return maxSymbols;
    }

    /**
     * @return a request sized for this parser's limits.
     */
    public ClientRequest newRequest()
    {
        return new ClientRequest(maxSymbols);
    }

    /**
     * Parses the UTF-8 JSON text in {@code bytes[offset, offset + length)}.
     *
     * @param request reset, then filled in.
     * @return {@code request}.
     */
    public ClientRequest parse(final byte[] bytes, final int offset, final int length, final ClientRequest request)
    {
        if (offset < 0 || length < 0 || offset > bytes.length - length)
        {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + bytes.length);
        }
        start(request);
        if (length > maxRequestLength)
        {
            request.fail(ErrorCode.BAD_REQUEST, "request longer than " + maxRequestLength + " bytes");
            return request;
        }
        final int end = offset + length;
        int first = offset;
        while (first < end && isWhitespace(bytes[first]))
        {
            first++;
        }
        if (!checkStart(first == end ? -1 : bytes[first], request))
        {
            return request;
        }
        // Jackson guesses UTF-16/32 from zero bytes at the start; a frame is UTF-8, where a zero byte is
        // never valid JSON, so refuse them before the guess is made.
        for (int i = offset, limit = Math.min(end, offset + 4); i < limit; i++)
        {
            if (bytes[i] == 0)
            {
                request.fail(ErrorCode.BAD_REQUEST, "malformed JSON: a zero byte");
                return request;
            }
        }
        try (JsonParser parser = factory.createParser(bytes, offset, length))
        {
            parseRequest(parser, request);
        }
        catch (final IOException ex)
        {
            malformed(ex, request);
        }
        catch (final RuntimeException ex)
        {
            request.fail(ErrorCode.INTERNAL, "internal error while parsing the request");
        }
        return request;
    }

    /**
     * Parses the JSON text in {@code text}.
     *
     * @param request reset, then filled in.
     * @return {@code request}.
     */
    public ClientRequest parse(final String text, final ClientRequest request)
    {
        start(request);
        final int length = text.length();
        if (length > maxRequestLength)
        {
            request.fail(ErrorCode.BAD_REQUEST, "request longer than " + maxRequestLength + " characters");
            return request;
        }
        int first = 0;
        while (first < length && isWhitespace(text.charAt(first)))
        {
            first++;
        }
        if (!checkStart(first == length ? -1 : text.charAt(first), request))
        {
            return request;
        }
        try (JsonParser parser = factory.createParser(text))
        {
            parseRequest(parser, request);
        }
        catch (final IOException ex)
        {
            malformed(ex, request);
        }
        catch (final RuntimeException ex)
        {
            request.fail(ErrorCode.INTERNAL, "internal error while parsing the request");
        }
        return request;
    }

    private void start(final ClientRequest request)
    {
        if (request.symbolCapacity() < maxSymbols)
        {
            throw new IllegalArgumentException("request holds " + request.symbolCapacity() + " symbols, not " + maxSymbols);
        }
        request.reset();
        sawOp = false;
        opNotString = false;
        unknownOp = null;
        fieldError = null;
        symbolsGiven = false;
        pricesGiven = false;
    }

    private static boolean checkStart(final int firstChar, final ClientRequest request)
    {
        if (firstChar == -1)
        {
            request.fail(ErrorCode.BAD_REQUEST, "empty request");
            return false;
        }
        if (firstChar != '{')
        {
            request.fail(ErrorCode.BAD_REQUEST, "the request must be a JSON object");
            return false;
        }
        return true;
    }

    private static boolean isWhitespace(final int c)
    {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private void parseRequest(final JsonParser parser, final ClientRequest request) throws IOException
    {
        if (parser.nextToken() != JsonToken.START_OBJECT)
        {
            request.fail(ErrorCode.BAD_REQUEST, "the request must be a JSON object");
            return;
        }
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            final JsonToken value = parser.nextToken();
            readField(name, value, parser, request);
        }
        if (token != JsonToken.END_OBJECT)
        {
            request.fail(ErrorCode.BAD_REQUEST, "malformed JSON: unexpected " + token);
            return;
        }
        if (parser.nextToken() != null)
        {
            request.fail(ErrorCode.BAD_REQUEST, "malformed JSON: data after the request object");
            return;
        }
        decide(request);
    }

    private void readField(final String name, final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        switch (name)
        {
            case "op":
                readOp(value, parser, request);
                break;
            case "id":
                readId(value, parser, request);
                break;
            case "channel":
                readChannel(value, parser, request);
                break;
            case "symbols":
                readSymbols(value, parser, request);
                break;
            case "depth":
                readDepth(value, parser, request);
                break;
            case "from":
                readFrom(value, parser, request);
                break;
            case "epoch":
                readEpoch(value, parser, request);
                break;
            case "maxHz":
                readMaxHz(value, parser, request);
                break;
            case "policy":
                readPolicy(value, parser, request);
                break;
            case "symbol":
                readOrderSymbol(value, parser, request);
                break;
            case "side":
                readSide(value, parser, request);
                break;
            case "type":
                readOrderType(value, parser, request);
                break;
            case "price":
                readPrice(value, parser, request);
                break;
            case "qty":
                readQty(value, parser, request);
                break;
            case "clientOrderId":
                readClientOrderId(value, parser, request);
                break;
            default:
                parser.skipChildren(); // unknown fields are ignored
                break;
        }
    }

    private void readOp(final JsonToken value, final JsonParser parser, final ClientRequest request) throws IOException
    {
        sawOp = true;
        if (value != JsonToken.VALUE_STRING)
        {
            opNotString = true;
            parser.skipChildren();
            return;
        }
        final String text = parser.getText();
        final ClientOp op = ClientOp.fromWireName(text);
        if (null == op)
        {
            unknownOp = text;
        }
        request.op(op);
    }

    private void readId(final JsonToken value, final JsonParser parser, final ClientRequest request) throws IOException
    {
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT)
        {
            final String text = parser.getText();
            if (text.length() <= ClientRequest.MAX_ID_LENGTH)
            {
                final byte[] bytes = request.idBytes();
                for (int i = 0; i < text.length(); i++)
                {
                    bytes[i] = (byte)text.charAt(i); // a JSON number is ASCII
                }
                request.idLength(text.length());
                return;
            }
        }
        else if (value == JsonToken.VALUE_STRING)
        {
            final String text = parser.getText();
            if (text.length() <= ClientRequest.MAX_ID_LENGTH)
            {
                idWriter.wrap(request.idWriteBuffer(), 0).string(text);
                request.idLength(idWriter.length());
                return;
            }
        }
        parser.skipChildren();
        fieldError("field 'id' must be a number or a string of at most " + ClientRequest.MAX_ID_LENGTH + " characters");
    }

    private void readChannel(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        final Channel channel = value == JsonToken.VALUE_STRING ? Channel.fromWireName(parser.getText()) : null;
        if (null == channel)
        {
            parser.skipChildren();
            fieldError("field 'channel' must be \"trades\", \"book\" or \"ticker\"");
            return;
        }
        request.channel(channel);
    }

    private void readSymbols(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        symbolsGiven = true;
        if (value != JsonToken.START_ARRAY)
        {
            parser.skipChildren();
            fieldError("field 'symbols' must be an array of strings");
            return;
        }
        int index = 0;
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY)
        {
            if (index == maxSymbols)
            {
                fieldError("field 'symbols' has more than " + maxSymbols + " entries");
            }
            if (element != JsonToken.VALUE_STRING)
            {
                parser.skipChildren();
                fieldError("field 'symbols' must be an array of strings (entry " + index + " is not a string)");
            }
            else if (index < maxSymbols)
            {
                final String symbol = parser.getText();
                if (Symbols.isValid(symbol))
                {
                    request.addSymbol(symbol);
                }
                else
                {
                    fieldError("field 'symbols' has an invalid symbol at entry " + index +
                        " (1 to 16 characters of A-Z a-z 0-9 . - _ /)");
                }
            }
            index++;
        }
    }

    private void readDepth(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT)
        {
            final int depth = parser.getIntValue();
            if (depth >= 1 && depth <= MAX_BOOK_DEPTH)
            {
                request.depth(depth);
                return;
            }
        }
        parser.skipChildren();
        fieldError("field 'depth' must be an integer from 1 to " + MAX_BOOK_DEPTH);
    }

    private void readFrom(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER)
        {
            final long from = parser.getLongValue();
            if (from >= 0)
            {
                request.from(from);
                return;
            }
        }
        parser.skipChildren();
        fieldError("field 'from' must be an integer seq, 0 or more");
    }

    private void readEpoch(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_STRING)
        {
            final String text = parser.getText();
            if (text.length() == EPOCH_DIGITS)
            {
                long epoch = 0;
                int i = 0;
                for (; i < EPOCH_DIGITS; i++)
                {
                    final int digit = hexDigit(text.charAt(i));
                    if (digit < 0)
                    {
                        break;
                    }
                    epoch = (epoch << 4) | digit;
                }
                if (i == EPOCH_DIGITS)
                {
                    request.epoch(epoch);
                    return;
                }
            }
        }
        parser.skipChildren();
        fieldError("field 'epoch' must be a string of " + EPOCH_DIGITS + " hex digits");
    }

    private static int hexDigit(final char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private void readMaxHz(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT)
        {
            // A double is enough for 0.001 .. 1000 and stays cheap for hostile exponents (1e999999).
            final double hz = parser.getDoubleValue();
            if (hz > 0 && hz <= MAX_HZ)
            {
                final long milli = Math.round(hz * 1000);
                if (milli > 0)
                {
                    request.maxHzMilli(milli);
                    return;
                }
            }
        }
        parser.skipChildren();
        fieldError("field 'maxHz' must be a number from 0.001 to " + MAX_HZ);
    }

    private void readPolicy(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        final SlowConsumerPolicy policy =
            value == JsonToken.VALUE_STRING ? SlowConsumerPolicy.fromWireName(parser.getText()) : null;
        if (null == policy)
        {
            parser.skipChildren();
            fieldError("field 'policy' must be \"conflate\" or \"close\"");
            return;
        }
        request.policy(policy);
    }

    private void readOrderSymbol(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_STRING)
        {
            final String symbol = parser.getText();
            if (Symbols.isValid(symbol))
            {
                request.orderSymbol(symbol);
                return;
            }
        }
        parser.skipChildren();
        fieldError("field 'symbol' must be a symbol (1 to 16 characters of A-Z a-z 0-9 . - _ /)");
    }

    private void readSide(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_STRING)
        {
            final String text = parser.getText();
            if ("buy".equals(text))
            {
                request.side(Side.BUY);
                return;
            }
            if ("sell".equals(text))
            {
                request.side(Side.SELL);
                return;
            }
        }
        parser.skipChildren();
        fieldError("field 'side' must be \"buy\" or \"sell\"");
    }

    private void readOrderType(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_STRING)
        {
            final String text = parser.getText();
            final OrderType type = "limit".equals(text) ? OrderType.LIMIT :
                "market".equals(text) ? OrderType.MARKET :
                "ioc".equals(text) ? OrderType.IOC : null;
            if (null != type)
            {
                request.orderType(type);
                return;
            }
        }
        parser.skipChildren();
        fieldError("field 'type' must be \"limit\", \"market\" or \"ioc\"");
    }

    private void readPrice(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        pricesGiven = true;
        final String text = decimalText(value, parser);
        if (null == text)
        {
            fieldError("field 'price' must be a decimal string such as \"101.25\"");
            return;
        }
        request.price(text);
    }

    private void readQty(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        final String text = decimalText(value, parser);
        if (null == text)
        {
            fieldError("field 'qty' must be a decimal string such as \"0.5\"");
            return;
        }
        request.qty(text);
    }

    private void readClientOrderId(final JsonToken value, final JsonParser parser, final ClientRequest request)
        throws IOException
    {
        if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER)
        {
            final long id = parser.getLongValue();
            if (id >= 1 && id <= MAX_CLIENT_ORDER_ID)
            {
                request.clientOrderId(id);
                return;
            }
        }
        parser.skipChildren();
        fieldError("field 'clientOrderId' must be an integer from 1 to " + MAX_CLIENT_ORDER_ID);
    }

    /**
     * @return the text of a plain decimal string ({@code -?digits[.digits]}, as {@code Decimals.parse} reads
     * it), or null.
     */
    private static String decimalText(final JsonToken value, final JsonParser parser) throws IOException
    {
        if (value != JsonToken.VALUE_STRING)
        {
            parser.skipChildren();
            return null;
        }
        final String text = parser.getText();
        final int length = text.length();
        if (length == 0 || length > MAX_DECIMAL_LENGTH)
        {
            return null;
        }
        int i = text.charAt(0) == '-' ? 1 : 0;
        int digits = 0;
        boolean point = false;
        for (; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9')
            {
                digits++;
            }
            else if (c == '.' && !point)
            {
                point = true;
            }
            else
            {
                return null;
            }
        }
        return digits > 0 ? text : null;
    }

    private void fieldError(final String message)
    {
        if (null == fieldError)
        {
            fieldError = message;
        }
    }

    /**
     * After the whole object: applies the error precedence, then the op's required fields.
     */
    private void decide(final ClientRequest request)
    {
        if (!sawOp)
        {
            request.fail(ErrorCode.BAD_REQUEST, "missing field 'op'");
            return;
        }
        if (opNotString)
        {
            request.fail(ErrorCode.BAD_REQUEST, "field 'op' must be a string");
            return;
        }
        if (null != unknownOp)
        {
            request.fail(ErrorCode.UNKNOWN_OP, "unknown op '" + excerpt(unknownOp, 32) + "'");
            return;
        }
        if (null != fieldError)
        {
            request.fail(ErrorCode.BAD_REQUEST, fieldError);
            return;
        }
        final String missing = checkRequired(request);
        if (null != missing)
        {
            request.fail(ErrorCode.BAD_REQUEST, missing);
        }
    }

    /**
     * @return what the op lacks, or null.
     */
    private String checkRequired(final ClientRequest request)
    {
        switch (request.op())
        {
            case SUBSCRIBE:
            {
                final String streams = checkStreams(request);
                if (null != streams)
                {
                    return streams;
                }
                if (request.depth() > 0 && request.channel() != Channel.BOOK)
                {
                    return "field 'depth' applies to channel \"book\" only";
                }
                if (request.hasEpoch() && !request.hasFrom())
                {
                    return "field 'epoch' applies only with 'from'";
                }
                return null;
            }
            case UNSUBSCRIBE:
            case RESYNC:
                return checkStreams(request);
            case ORDER:
            {
                final String missing = missing(request.orderSymbol(), "symbol", request.side(), "side",
                    request.orderType(), "type", request.qty(), "qty");
                if (null != missing)
                {
                    return missing;
                }
                if (request.clientOrderId() == 0)
                {
                    return "missing field 'clientOrderId'";
                }
                if (request.orderType() == OrderType.MARKET && pricesGiven)
                {
                    return "field 'price' must not be given for a market order";
                }
                if (request.orderType() != OrderType.MARKET && null == request.price())
                {
                    return "missing field 'price' (required for limit and ioc orders)";
                }
                return null;
            }
            case CANCEL:
                if (null == request.orderSymbol())
                {
                    return "missing field 'symbol'";
                }
                return request.clientOrderId() == 0 ? "missing field 'clientOrderId'" : null;
            case PING:
            case INSTRUMENTS:
            default:
                return null;
        }
    }

    private String checkStreams(final ClientRequest request)
    {
        if (null == request.channel())
        {
            return "missing field 'channel'";
        }
        if (!symbolsGiven)
        {
            return "missing field 'symbols'";
        }
        if (request.symbolCount() == 0)
        {
            return "field 'symbols' must not be empty";
        }
        return null;
    }

    private static String missing(
        final Object a, final String aName,
        final Object b, final String bName,
        final Object c, final String cName,
        final Object d, final String dName)
    {
        final String name = null == a ? aName : null == b ? bName : null == c ? cName : null == d ? dName : null;
        return null == name ? null : "missing field '" + name + "'";
    }

    private static void malformed(final IOException ex, final ClientRequest request)
    {
        final boolean limit = ex instanceof StreamConstraintsException;
        String detail = ex instanceof JsonProcessingException ?
            ((JsonProcessingException)ex).getOriginalMessage() : ex.getMessage();
        if (null == detail)
        {
            detail = ex.getClass().getSimpleName();
        }
        // Jackson names its own configuration methods; the client needs only the numbers.
        detail = detail.replaceAll(", from `[^`]*`", "").replaceAll(": enable `[^`]*` to allow", "");
        detail = excerpt(detail.replace('\n', ' '), MAX_DETAIL_LENGTH);
        final StringBuilder message = new StringBuilder(limit ? "request exceeds a limit: " : "malformed JSON: ")
            .append(detail);
        final JsonLocation location = ex instanceof JsonProcessingException ?
            ((JsonProcessingException)ex).getLocation() : null;
        if (null != location && location.getColumnNr() > 0)
        {
            message.append(" (at column ").append(location.getColumnNr()).append(')');
        }
        request.fail(ErrorCode.BAD_REQUEST, message.toString());
    }

    private static String excerpt(final String text, final int maxLength)
    {
        return text.length() <= maxLength ? text : text.substring(0, maxLength) + "...";
    }
}
