package io.tickwire.engine.feed;

import java.nio.charset.StandardCharsets;

/**
 * A reusable {@link CharSequence} over a range of bytes, one char per byte: lets the CSV parser hand fields to
 * {@link io.tickwire.codecs.Decimals#parse} and the symbol table without creating strings.
 */
final class AsciiView implements CharSequence
{
    private byte[] bytes;
    private int offset;
    private int length;

    AsciiView wrap(final byte[] bytes, final int offset, final int length)
    {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        return this;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public char charAt(final int index)
    {
        return (char)(bytes[offset + index] & 0xFF);
    }

    @Override
    public CharSequence subSequence(final int start, final int end)
    {
        return toString().substring(start, end);
    }

    /**
     * @return the bytes decoded as UTF-8 (allocates: for error messages).
     */
    @Override
    public String toString()
    {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
