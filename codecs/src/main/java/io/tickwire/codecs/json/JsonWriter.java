package io.tickwire.codecs.json;

import io.tickwire.codecs.Decimals;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes compact JSON text as UTF-8 into a {@link MutableDirectBuffer}, allocating nothing. The gateway
 * encodes each outbound message once with it and shares the bytes among its subscribers.
 * <p>
 * The writer inserts the commas between members and elements itself, so a message is written as a flat
 * sequence of calls:
 * <pre>{@code
 * writer.wrap(buffer, 0)
 *     .startObject()
 *     .name(TYPE).string(TRADE)
 *     .name(PRICE).decimal(10125, 2)
 *     .endObject();
 * send(buffer, 0, writer.length());
 * }</pre>
 * It does not validate the structure (a name inside an array, an unbalanced end): it is driven by
 * trusted code such as {@link MarketDataJson}, and its output is checked by that code's tests.
 * <p>
 * Several top-level values can follow each other in one buffer (no comma is written between them).
 * <p>
 * <b>Capacity.</b> Every write first calls {@link DirectBuffer#checkLimit(int)}: an expandable buffer
 * ({@code ExpandableArrayBuffer}, {@code ExpandableDirectByteBuffer}) grows, once, to the largest message;
 * a fixed buffer ({@code UnsafeBuffer}) throws {@link IndexOutOfBoundsException} rather than write past
 * its end, even with Agrona's bounds checks disabled. The check reserves the worst case of each write (a
 * number's 20 digits, 6 bytes per string character), so give a fixed buffer {@value #HEADROOM} bytes of
 * headroom beyond the largest message. After such an exception the message is incomplete: {@link #reset()}
 * and write it again into a larger buffer.
 * <p>
 * Not thread safe: one writer per thread, reused for every message.
 */
public final class JsonWriter
{
    private static final byte[] HEX = {
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
    };
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    /** The most bytes one char of a string can take: {@code \}{@code u00XX} or a 4-byte UTF-8 pair. */
    private static final int MAX_BYTES_PER_CHAR = 6;
    /** Sign and 19 digits. */
    private static final int MAX_LONG_LENGTH = 20;
    /** The most a write reserves beyond what it writes: a decimal string with a comma and quotes. */
    public static final int HEADROOM = Decimals.MAX_LENGTH + 3;

    private MutableDirectBuffer buffer;
    private int capacity;
    private int offset;
    private int position;
    private int depth;
    private boolean needComma;

    /**
     * Starts writing at {@code offset} of {@code buffer}, forgetting any previous state.
     *
     * @return this writer.
     */
    public JsonWriter wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.capacity = buffer.capacity();
        this.offset = offset;
        reset();
        return this;
    }

    /**
     * Starts again at the offset given to {@link #wrap}, discarding what was written.
     *
     * @return this writer.
     */
    public JsonWriter reset()
    {
        position = offset;
        depth = 0;
        needComma = false;
        return this;
    }

    /**
     * @return the buffer being written (for an expandable buffer, it may have grown since {@link #wrap}).
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the offset given to {@link #wrap}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return the index of the next byte to write.
     */
    public int position()
    {
        return position;
    }

    /**
     * @return the number of bytes written since {@link #wrap} or {@link #reset}.
     */
    public int length()
    {
        return position - offset;
    }

    /**
     * @return the number of objects and arrays started and not yet ended.
     */
    public int depth()
    {
        return depth;
    }

    /**
     * Writes {@code {}.
     *
     * @return this writer.
     */
    public JsonWriter startObject()
    {
        return open((byte)'{');
    }

    /**
     * Writes {@code }}.
     *
     * @return this writer.
     */
    public JsonWriter endObject()
    {
        return close((byte)'}');
    }

    /**
     * Writes {@code [}.
     *
     * @return this writer.
     */
    public JsonWriter startArray()
    {
        return open((byte)'[');
    }

    /**
     * Writes {@code ]}.
     *
     * @return this writer.
     */
    public JsonWriter endArray()
    {
        return close((byte)']');
    }

    /**
     * Writes a member name and its colon; the next call writes the member's value.
     *
     * @return this writer.
     */
    public JsonWriter name(final JsonName name)
    {
        final byte[] encoded = name.encoded();
        ensure(encoded.length + 1);
        separator();
        buffer.putBytes(position, encoded);
        position += encoded.length;
        needComma = false;
        return this;
    }

    /**
     * Writes a pre-encoded constant string value.
     *
     * @return this writer.
     */
    public JsonWriter string(final JsonName value)
    {
        final int length = value.quotedLength();
        ensure(length + 1);
        separator();
        buffer.putBytes(position, value.encoded(), 0, length);
        position += length;
        return afterValue();
    }

    /**
     * Writes any string as a JSON string in UTF-8. {@code "} and {@code \} are escaped, as are the control
     * characters (U+0000..U+001F: {@code \b \f \n \r \t} or {@code \}{@code u00XX}) and U+2028/U+2029 (so the
     * text is also safe to evaluate as JavaScript); every other character is written as its UTF-8 bytes.
     * A lone surrogate (not valid UTF-16) is written as U+FFFD, the replacement character.
     *
     * @param value the string, or null to write {@code null}.
     * @return this writer.
     */
    public JsonWriter string(final CharSequence value)
    {
        if (null == value)
        {
            return nullValue();
        }
        ensure(2);
        separator();
        buffer.putByte(position++, (byte)'"');
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            ensure(MAX_BYTES_PER_CHAR + 1);
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                asciiChar(c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(position++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
                {
                    final int codePoint = Character.toCodePoint(c, value.charAt(++i));
                    buffer.putByte(position++, (byte)(0xF0 | (codePoint >> 18)));
                    buffer.putByte(position++, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                    buffer.putByte(position++, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                    buffer.putByte(position++, (byte)(0x80 | (codePoint & 0x3F)));
                }
                else
                {
                    threeBytes('\uFFFD');
                }
            }
            else if (c == '\u2028' || c == '\u2029')
            {
                unicodeEscape(c);
            }
            else
            {
                threeBytes(c);
            }
        }
        buffer.putByte(position++, (byte)'"');
        return afterValue();
    }

    /**
     * Writes UTF-8 bytes (for example a symbol taken from an SBE message) as a JSON string, escaping
     * {@code "}, {@code \} and control bytes as {@link #string(CharSequence)} does. Bytes from 0x80 up are
     * copied as they are: the caller guarantees they are valid UTF-8.
     *
     * @return this writer.
     */
    public JsonWriter stringUtf8(final DirectBuffer source, final int sourceOffset, final int sourceLength)
    {
        ensure(2);
        separator();
        buffer.putByte(position++, (byte)'"');
        for (int i = 0; i < sourceLength; i++)
        {
            ensure(MAX_BYTES_PER_CHAR + 1);
            final byte b = source.getByte(sourceOffset + i);
            if (b < 0)
            {
                buffer.putByte(position++, b);
            }
            else
            {
                asciiChar((char)b);
            }
        }
        buffer.putByte(position++, (byte)'"');
        return afterValue();
    }

    /**
     * Writes a JSON integer.
     *
     * @return this writer.
     */
    public JsonWriter longValue(final long value)
    {
        ensure(MAX_LONG_LENGTH + 1);
        separator();
        position += buffer.putLongAscii(position, value);
        return afterValue();
    }

    /**
     * Writes the fixed-point value {@code mantissa / 10^scale} as a JSON <em>string</em> holding its
     * canonical decimal text ({@code "101.25"}), as the protocol requires for prices and quantities.
     *
     * @param scale 0..{@link Decimals#MAX_SCALE}.
     * @return this writer.
     * @see Decimals#format(long, int, MutableDirectBuffer, int)
     */
    public JsonWriter decimal(final long mantissa, final int scale)
    {
        ensure(Decimals.MAX_LENGTH + 3);
        separator();
        buffer.putByte(position++, (byte)'"');
        position += Decimals.format(mantissa, scale, buffer, position);
        buffer.putByte(position++, (byte)'"');
        return afterValue();
    }

    /**
     * Writes the fixed-point value {@code mantissa / 10^scale} as a JSON <em>number</em> in canonical
     * decimal text ({@code 0.5}), for values that are not prices or quantities (a rate in Hz).
     *
     * @return this writer.
     */
    public JsonWriter decimalNumber(final long mantissa, final int scale)
    {
        ensure(Decimals.MAX_LENGTH + 1);
        separator();
        position += Decimals.format(mantissa, scale, buffer, position);
        return afterValue();
    }

    /**
     * Writes {@code true} or {@code false}.
     *
     * @return this writer.
     */
    public JsonWriter bool(final boolean value)
    {
        return literal(value ? TRUE : FALSE);
    }

    /**
     * Writes {@code null}.
     *
     * @return this writer.
     */
    public JsonWriter nullValue()
    {
        return literal(NULL);
    }

    /**
     * Writes bytes verbatim as one value, for example a request id exactly as the client sent it. The
     * caller guarantees they are one complete, valid JSON value.
     *
     * @return this writer.
     */
    public JsonWriter raw(final DirectBuffer source, final int sourceOffset, final int sourceLength)
    {
        ensure(sourceLength + 1);
        separator();
        buffer.putBytes(position, source, sourceOffset, sourceLength);
        position += sourceLength;
        return afterValue();
    }

    /**
     * Writes bytes verbatim as one value; see {@link #raw(DirectBuffer, int, int)}.
     *
     * @return this writer.
     */
    public JsonWriter raw(final byte[] source, final int sourceOffset, final int sourceLength)
    {
        ensure(sourceLength + 1);
        separator();
        buffer.putBytes(position, source, sourceOffset, sourceLength);
        position += sourceLength;
        return afterValue();
    }

    private JsonWriter open(final byte token)
    {
        ensure(2);
        separator();
        buffer.putByte(position++, token);
        depth++;
        needComma = false;
        return this;
    }

    private JsonWriter close(final byte token)
    {
        ensure(1);
        buffer.putByte(position++, token);
        depth--;
        return afterValue();
    }

    private JsonWriter literal(final byte[] bytes)
    {
        ensure(bytes.length + 1);
        separator();
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return afterValue();
    }

    private void separator()
    {
        if (needComma)
        {
            buffer.putByte(position++, (byte)',');
        }
    }

    private JsonWriter afterValue()
    {
        needComma = depth > 0;
        return this;
    }

    private void asciiChar(final char c)
    {
        if (c >= 0x20 && c != '"' && c != '\\')
        {
            buffer.putByte(position++, (byte)c);
            return;
        }
        final byte shortEscape;
        switch (c)
        {
            case '"':
                shortEscape = '"';
                break;
            case '\\':
                shortEscape = '\\';
                break;
            case '\n':
                shortEscape = 'n';
                break;
            case '\r':
                shortEscape = 'r';
                break;
            case '\t':
                shortEscape = 't';
                break;
            case '\b':
                shortEscape = 'b';
                break;
            case '\f':
                shortEscape = 'f';
                break;
            default:
                unicodeEscape(c);
                return;
        }
        buffer.putByte(position++, (byte)'\\');
        buffer.putByte(position++, shortEscape);
    }

    private void unicodeEscape(final char c)
    {
        buffer.putByte(position++, (byte)'\\');
        buffer.putByte(position++, (byte)'u');
        buffer.putByte(position++, HEX[(c >> 12) & 0xF]);
        buffer.putByte(position++, HEX[(c >> 8) & 0xF]);
        buffer.putByte(position++, HEX[(c >> 4) & 0xF]);
        buffer.putByte(position++, HEX[c & 0xF]);
    }

    private void threeBytes(final char c)
    {
        buffer.putByte(position++, (byte)(0xE0 | (c >> 12)));
        buffer.putByte(position++, (byte)(0x80 | ((c >> 6) & 0x3F)));
        buffer.putByte(position++, (byte)(0x80 | (c & 0x3F)));
    }

    /**
     * Makes room for {@code bytes} more bytes from the position: grows an expandable buffer, throws
     * {@link IndexOutOfBoundsException} for a fixed one.
     */
    private void ensure(final int bytes)
    {
        final int limit = position + bytes;
        if (limit > capacity)
        {
            buffer.checkLimit(limit);
            capacity = buffer.capacity();
        }
    }
}
