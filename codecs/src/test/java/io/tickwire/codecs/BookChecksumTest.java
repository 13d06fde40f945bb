package io.tickwire.codecs;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

import io.tickwire.codecs.sbe.Side;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BookChecksumTest
{
    private final BookChecksum checksum = new BookChecksum();

    @Example
    void theDocumentedExample()
    {
        checksum.reset().bid(1015, 1, 2, 0).bid(101, 0, 5, 1).ask(102, 0, 1, 0);

        assertThat(checksum.value()).isEqualTo(crc("101.5:2,101:0.5|102:1")).isEqualTo(917_985_745L);
    }

    @Example
    void theDocumentedUpdateExample()
    {
        // docs/protocol.md: the view after removing bid 101 from the example book.
        checksum.reset().bid(1015, 1, 2, 0).ask(102, 0, 1, 0);

        assertThat(checksum.value()).isEqualTo(1_971_836_496L);
    }

    @Example
    void emptyAndOneSidedBooks()
    {
        assertThat(checksum.reset().value()).isEqualTo(crc("|"));
        assertThat(checksum.reset().bid(1, 0, 1, 0).value()).isEqualTo(crc("1:1|"));
        assertThat(checksum.reset().ask(-5, 1, 3, 3).ask(0, 0, 1, 0).value()).isEqualTo(crc("|-0.5:0.003,0:1"));
    }

    @Example
    void levelDispatchesBySide()
    {
        checksum.reset().level(Side.BUY, 2, 0, 1, 0).level(Side.SELL, 3, 0, 1, 0);

        assertThat(checksum.value()).isEqualTo(crc("2:1|3:1"));
        assertThatThrownBy(() -> checksum.level(Side.NULL_VAL, 1, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void valueIsRepeatableAndEndsTheBids()
    {
        checksum.reset().bid(1, 0, 1, 0);
        final long first = checksum.value();

        assertThat(checksum.value()).isEqualTo(first);
        assertThatThrownBy(() -> checksum.bid(1, 0, 1, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(checksum.ask(2, 0, 1, 0).value()).isEqualTo(crc("1:1|2:1"));
    }

    @Example
    void bidsAfterAsksAreRefused()
    {
        checksum.reset().ask(2, 0, 1, 0);

        assertThatThrownBy(() -> checksum.bid(1, 0, 1, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Example
    void valueIsUnsigned32Bit()
    {
        checksum.reset();
        for (int i = 0; i < 100; i++)
        {
            checksum.bid(100_000 - i, 2, i + 1, 0);
            assertThat(checksum.value()).isBetween(0L, 0xFFFF_FFFFL);
            checksum.reset();
        }
    }

    @Property(tries = 1000)
    void matchesTheNaiveStringVersion(
        @ForAll("levels") @Size(max = 30) final List<long[]> bids,
        @ForAll("levels") @Size(max = 30) final List<long[]> asks,
        @ForAll @IntRange(min = 0, max = 18) final int priceScale,
        @ForAll @IntRange(min = 0, max = 18) final int qtyScale)
    {
        checksum.reset();
        for (final long[] level : bids)
        {
            checksum.bid(level[0], priceScale, level[1], qtyScale);
        }
        for (final long[] level : asks)
        {
            checksum.ask(level[0], priceScale, level[1], qtyScale);
        }

        assertThat(checksum.value()).isEqualTo(naive(bids, asks, priceScale, qtyScale));
    }

    @Property(tries = 200)
    void resetForgetsThePreviousBook(
        @ForAll("levels") @Size(max = 5) final List<long[]> first,
        @ForAll("levels") @Size(max = 5) final List<long[]> second)
    {
        checksum.reset();
        for (final long[] level : first)
        {
            checksum.ask(level[0], 2, level[1], 2);
        }
        checksum.value();
        checksum.reset();
        for (final long[] level : second)
        {
            checksum.bid(level[0], 2, level[1], 2);
        }

        assertThat(checksum.value()).isEqualTo(naive(second, List.of(), 2, 2));
    }

    @Provide
    Arbitrary<List<long[]>> levels()
    {
        final Arbitrary<Long> mantissa = Arbitraries.oneOf(
            Arbitraries.longs().between(0, 1_000_000),
            Arbitraries.longs(),
            Arbitraries.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, 1L, 10L, 100L));
        return Combinators.combine(mantissa, mantissa).as((price, qty) -> new long[]{price, qty}).list();
    }

    /** The definition, written the obvious way: build the text, CRC it. */
    private static long naive(final List<long[]> bids, final List<long[]> asks, final int priceScale, final int qtyScale)
    {
        final StringBuilder text = new StringBuilder();
        appendSide(text, bids, priceScale, qtyScale);
        text.append('|');
        appendSide(text, asks, priceScale, qtyScale);
        return crc(text.toString());
    }

    private static void appendSide(final StringBuilder text, final List<long[]> levels, final int priceScale, final int qtyScale)
    {
        for (int i = 0; i < levels.size(); i++)
        {
            if (i > 0)
            {
                text.append(',');
            }
            text.append(Decimals.toString(levels.get(i)[0], priceScale)).append(':')
                .append(Decimals.toString(levels.get(i)[1], qtyScale));
        }
    }

    private static long crc(final String text)
    {
        final CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }
}
