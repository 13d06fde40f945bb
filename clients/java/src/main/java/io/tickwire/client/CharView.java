package io.tickwire.client;

/**
 * A reusable {@link CharSequence} over a range of a {@code char[]}: lets the decoder parse decimals and look
 * symbols up without making Strings. Its {@link #hashCode()} is {@link String#hashCode()}'s and it
 * {@link #equals} any CharSequence with the same characters, so it finds String keys in a {@code HashMap}
 * (lookups only: never a key itself).
 */
final class CharView implements CharSequence
{
    private char[] chars;
    private int offset;
    private int length;

    CharView wrap(final char[] chars, final int offset, final int length)
    {
        this.chars = chars;
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
        return chars[offset + index];
    }

    @Override
    public CharSequence subSequence(final int start, final int end)
    {
        return toString().subSequence(start, end);
    }

    boolean contentEquals(final CharSequence other)
    {
        if (other.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (other.charAt(i) != chars[offset + i])
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof CharSequence sequence && contentEquals(sequence);
    }

    @Override
    public int hashCode()
    {
        int h = 0;
        for (int i = 0; i < length; i++)
        {
            h = 31 * h + chars[offset + i];
        }
        return h;
    }

    @Override
    public String toString()
    {
        return new String(chars, offset, length);
    }
}
