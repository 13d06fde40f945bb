package io.tickwire.codecs;

import org.agrona.MutableDirectBuffer;

/**
 * Fixed-point decimals: an int64 mantissa and a decimal scale (0..18). {@code 10125} with scale 2 is
 * {@code "101.25"}. Formatting is canonical (the same value always gives the same text): no exponent, no
 * plus sign, trailing fractional zeros and a trailing point removed, {@code "0"} for zero. Formatting
 * writes ASCII bytes without allocating; parsing is for inputs (CLI, feed files, order entry).
 */
public final class Decimals
{
    public static final int MAX_SCALE = 18;
    /** Longest text {@link #format} can write: sign, 19 digits, point, leading "0". */
    public static final int MAX_LENGTH = 22;

    private static final long[] POW10 = new long[MAX_SCALE + 1];
    /** Below this accumulator, one more digit ({@code value * 10 - digit}) overflows. */
    private static final long MIN_ACCUMULATED = Long.MIN_VALUE / 10;

    static
    {
        long p = 1;
        for (int i = 0; i <= MAX_SCALE; i++)
        {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Decimals()
    {
    }

    /**
     * @return 10 to the power {@code scale}.
     */
    public static long pow10(final int scale)
    {
        return POW10[scale];
    }

    /**
     * Writes the canonical decimal text of {@code mantissa / 10^scale} as ASCII.
     *
     * @return the number of bytes written (at most {@link #MAX_LENGTH}).
     */
    public static int format(final long mantissa, final int scale, final MutableDirectBuffer buffer, final int offset)
    {
        if (scale < 0 || scale > MAX_SCALE)
        {
            throw new IllegalArgumentException("scale " + scale);
        }
        if (mantissa == 0)
        {
            buffer.putByte(offset, (byte)'0');
            return 1;
        }
        int position = offset;
        // Work on the negative value so Long.MIN_VALUE formats too.
        long negative = mantissa < 0 ? mantissa : -mantissa;
        if (mantissa < 0)
        {
            buffer.putByte(position++, (byte)'-');
        }
        int fractionDigits = scale;
        while (fractionDigits > 0 && negative % 10 == 0)
        {
            negative /= 10;
            fractionDigits--;
        }
        final int digits = digitCount(negative);
        final int totalDigits = Math.max(digits, fractionDigits + 1);
        final int pointBefore = totalDigits - fractionDigits; // digits before the point
        final int length = totalDigits + (fractionDigits > 0 ? 1 : 0);
        int write = position + length - 1;
        long value = negative;
        for (int i = 0; i < totalDigits; i++)
        {
            if (fractionDigits > 0 && i == fractionDigits)
            {
                buffer.putByte(write--, (byte)'.');
            }
            final long digit = -(value % 10);
            buffer.putByte(write--, (byte)('0' + digit));
            value /= 10;
        }
        assert pointBefore > 0;
        return position + length - offset;
    }

    /**
     * @return the canonical text of {@code mantissa / 10^scale} (allocates: for tools and tests).
     */
    public static String toString(final long mantissa, final int scale)
    {
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[MAX_LENGTH]);
        final int length = format(mantissa, scale, buffer, 0);
        return buffer.getStringWithoutLengthAscii(0, length);
    }

    /**
     * Parses a plain decimal ({@code "-12.5"}, {@code "3"}, {@code "0.001"}) into a mantissa at {@code scale}.
     *
     * @throws NumberFormatException if the text is not a plain decimal, has more fractional digits than
     *                               {@code scale} (other than trailing zeros) or overflows int64 (the whole
     *                               int64 range parses, {@link Long#MIN_VALUE} included).
     */
    public static long parse(final CharSequence text, final int scale)
    {
        if (scale < 0 || scale > MAX_SCALE)
        {
            throw new IllegalArgumentException("scale " + scale);
        }
        final int length = text.length();
        if (length == 0 || length > 64)
        {
            throw new NumberFormatException("not a decimal: '" + text + "'");
        }
        int i = 0;
        boolean negative = false;
        if (text.charAt(0) == '-')
        {
            negative = true;
            i++;
        }
        long value = 0;
        int fraction = -1;
        int digits = 0;
        for (; i < length; i++)
        {
            final char c = text.charAt(i);
            if (c == '.')
            {
                if (fraction >= 0)
                {
                    throw new NumberFormatException("not a decimal: '" + text + "'");
                }
                fraction = 0;
                continue;
            }
            if (c < '0' || c > '9')
            {
                throw new NumberFormatException("not a decimal: '" + text + "'");
            }
            digits++;
            if (fraction >= 0)
            {
                if (fraction == scale)
                {
                    if (c != '0')
                    {
                        throw new NumberFormatException("more than " + scale + " decimal places: '" + text + "'");
                    }
                    continue;
                }
                fraction++;
            }
            // Accumulate the negative value so that Long.MIN_VALUE parses too.
            if (value < MIN_ACCUMULATED)
            {
                throw outOfRange(text);
            }
            value = value * 10 - (c - '0');
            if (value > 0)
            {
                throw outOfRange(text); // wrapped past Long.MIN_VALUE
            }
        }
        if (digits == 0)
        {
            throw new NumberFormatException("not a decimal: '" + text + "'");
        }
        final long multiplier = POW10[scale - Math.max(fraction, 0)];
        if (value < Long.MIN_VALUE / multiplier)
        {
            throw outOfRange(text);
        }
        value *= multiplier;
        if (!negative)
        {
            if (value == Long.MIN_VALUE)
            {
                throw outOfRange(text);
            }
            value = -value;
        }
        return value;
    }

    private static NumberFormatException outOfRange(final CharSequence text)
    {
        return new NumberFormatException("out of the int64 range: '" + text + "'");
    }

    private static int digitCount(final long negativeValue)
    {
        int count = 1;
        long v = negativeValue;
        while (v <= -10)
        {
            v /= 10;
            count++;
        }
        return count;
    }
}
