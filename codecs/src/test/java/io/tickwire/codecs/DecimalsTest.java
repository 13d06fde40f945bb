package io.tickwire.codecs;

import java.math.BigDecimal;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.agrona.concurrent.UnsafeBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecimalsTest
{
    private static final String CANONICAL = "-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?";

    @Property(tries = 3000)
    void parseInvertsFormat(@ForAll final long mantissa, @ForAll @IntRange(min = 0, max = 18) final int scale)
    {
        assertThat(Decimals.parse(Decimals.toString(mantissa, scale), scale)).isEqualTo(mantissa);
    }

    @Property(tries = 1000)
    void parseInvertsFormatForSmallMantissas(
        @ForAll @LongRange(min = -100_000, max = 100_000) final long mantissa,
        @ForAll @IntRange(min = 0, max = 18) final int scale)
    {
        assertThat(Decimals.parse(Decimals.toString(mantissa, scale), scale)).isEqualTo(mantissa);
    }

    @Property(tries = 3000)
    void formatIsTheCanonicalPlainText(@ForAll final long mantissa, @ForAll @IntRange(min = 0, max = 18) final int scale)
    {
        final String text = Decimals.toString(mantissa, scale);

        assertThat(text).matches(CANONICAL).hasSizeLessThanOrEqualTo(Decimals.MAX_LENGTH);
        assertThat(text).isEqualTo(BigDecimal.valueOf(mantissa, scale).stripTrailingZeros().toPlainString());
    }

    @Property(tries = 500)
    void formatWritesAtTheOffsetAndReturnsTheLength(
        @ForAll final long mantissa,
        @ForAll @IntRange(min = 0, max = 18) final int scale,
        @ForAll @IntRange(min = 0, max = 10) final int offset)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[offset + Decimals.MAX_LENGTH + 1]);
        buffer.setMemory(0, buffer.capacity(), (byte)'#');

        final int length = Decimals.format(mantissa, scale, buffer, offset);

        assertThat(buffer.getStringWithoutLengthAscii(offset, length)).isEqualTo(Decimals.toString(mantissa, scale));
        assertThat(buffer.getByte(offset + length)).isEqualTo((byte)'#');
        if (offset > 0)
        {
            assertThat(buffer.getByte(offset - 1)).isEqualTo((byte)'#');
        }
    }

    @Property(tries = 1000)
    void parseAcceptsTrailingFractionalZeros(
        @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) final long mantissa,
        @ForAll @IntRange(min = 1, max = 9) final int scale)
    {
        final String padded = BigDecimal.valueOf(mantissa, scale).toPlainString() + "000";

        assertThat(Decimals.parse(padded, scale)).isEqualTo(mantissa);
    }

    @Example
    void canonicalForms()
    {
        assertThat(Decimals.toString(0, 0)).isEqualTo("0");
        assertThat(Decimals.toString(0, 8)).isEqualTo("0");
        assertThat(Decimals.toString(-5, 1)).isEqualTo("-0.5");
        assertThat(Decimals.toString(10125, 2)).isEqualTo("101.25");
        assertThat(Decimals.toString(1500, 2)).isEqualTo("15");
        assertThat(Decimals.toString(1010, 2)).isEqualTo("10.1");
        assertThat(Decimals.toString(1, 18)).isEqualTo("0.000000000000000001");
        assertThat(Decimals.toString(-1, 18)).isEqualTo("-0.000000000000000001");
        assertThat(Decimals.toString(Long.MAX_VALUE, 0)).isEqualTo("9223372036854775807");
        assertThat(Decimals.toString(Long.MIN_VALUE, 0)).isEqualTo("-9223372036854775808");
        assertThat(Decimals.toString(Long.MIN_VALUE, 18)).isEqualTo("-9.223372036854775808");
        assertThat(Decimals.toString(Long.MIN_VALUE, 18)).hasSize(21);
    }

    @Example
    void parsesPlainDecimals()
    {
        assertThat(Decimals.parse("101.25", 2)).isEqualTo(10125);
        assertThat(Decimals.parse("101.25", 4)).isEqualTo(1012500);
        assertThat(Decimals.parse("-0.5", 1)).isEqualTo(-5);
        assertThat(Decimals.parse("-0", 3)).isEqualTo(0);
        assertThat(Decimals.parse("0.0010", 3)).isEqualTo(1);
        assertThat(Decimals.parse("1", 18)).isEqualTo(1_000_000_000_000_000_000L);
        assertThat(Decimals.parse("-9223372036854775808", 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(Decimals.parse("9223372036854775807", 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(Decimals.parse("-9.223372036854775808", 18)).isEqualTo(Long.MIN_VALUE);
    }

    @Example
    void rejectsBadText()
    {
        final String[] bad = {
            "", "-", ".", "-.", "1.2.3", "abc", "1e5", "1E5", "+1", " 1", "1 ", "1,5", "0x10", "--1", "1-",
            "NaN", "Infinity", "١", "1".repeat(65),
        };
        for (final String text : bad)
        {
            assertThatThrownBy(() -> Decimals.parse(text, 2)).as("'%s'", text).isInstanceOf(NumberFormatException.class);
        }
    }

    @Example
    void rejectsMorePlacesThanTheScale()
    {
        assertThatThrownBy(() -> Decimals.parse("0.001", 2))
            .isInstanceOf(NumberFormatException.class)
            .hasMessageContaining("decimal places");
        assertThatThrownBy(() -> Decimals.parse("1.5", 0)).isInstanceOf(NumberFormatException.class);
    }

    @Example
    void rejectsOverflowAsNumberFormatException()
    {
        final String[] bad = {
            "9223372036854775808", "-9223372036854775809", "99999999999999999999", "10", "-10", "9.3",
        };
        for (final String text : bad)
        {
            final int scale = text.length() > 4 ? 0 : 18;
            assertThatThrownBy(() -> Decimals.parse(text, scale)).as("'%s'", text)
                .isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("int64");
        }
    }

    @Example
    void rejectsScalesOutOfRange()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        assertThatThrownBy(() -> Decimals.format(1, 19, buffer, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Decimals.format(1, -1, buffer, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Decimals.parse("1", 19)).isInstanceOf(IllegalArgumentException.class);
    }
}
