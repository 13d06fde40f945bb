package io.tickwire.codecs.json;

import java.util.Arrays;

import org.agrona.ExpandableArrayBuffer;

/**
 * A JSON string encoded once, up front: the quoted, escaped UTF-8 bytes of a field name or of a constant
 * value ({@code "trade"}, {@code "buy"}). {@link JsonWriter#name(JsonName)} writes it followed by a colon,
 * {@link JsonWriter#string(JsonName)} writes it as a value, both as a single byte copy with no per-message
 * String work. Immutable and thread safe; create them as constants.
 */
public final class JsonName
{
    private final String text;
    private final byte[] encoded; // the quoted string followed by ':'

    private JsonName(final String text, final byte[] encoded)
    {
        this.text = text;
        this.encoded = encoded;
    }

    /**
     * @param text any string; it is escaped as {@link JsonWriter#string(CharSequence)} does.
     * @return the pre-encoded form of {@code text}.
     */
    public static JsonName of(final String text)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(text.length() + 8);
        final JsonWriter writer = new JsonWriter().wrap(buffer, 0);
        writer.string(text);
        final int quotedLength = writer.length();
        buffer.putByte(quotedLength, (byte)':');
        return new JsonName(text, Arrays.copyOf(buffer.byteArray(), quotedLength + 1));
    }

    /**
     * @return the string as given to {@link #of(String)}.
     */
    public String text()
    {
        return text;
    }

    /**
     * @return the length of the quoted, escaped string (without the colon written after a name).
     */
    public int quotedLength()
    {
        return encoded.length - 1;
    }

    byte[] encoded()
    {
        return encoded;
    }

    public String toString()
    {
        return text;
    }
}
