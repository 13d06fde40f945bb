package io.tickwire.engine.sim;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.engine.DecodedInput;
import io.tickwire.engine.DecodedInput.AddInstrument;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstrumentSpecTest
{
    @Test
    @Timeout(10)
    void defaultsAreNamedThenNumberedWithDistinctMids()
    {
        final List<InstrumentSpec> specs = InstrumentSpec.defaults(40);
        assertThat(specs).extracting(InstrumentSpec::instrumentId)
            .containsExactlyElementsOf(() -> java.util.stream.IntStream.rangeClosed(1, 40).iterator());
        assertThat(specs.subList(0, 12)).extracting(InstrumentSpec::symbol).containsExactly(
            "BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD", "LTC-USD", "AVAX-USD", "LINK-USD", "AAPL", "MSFT", "NVDA",
            "SYM10", "SYM11");
        assertThat(specs.get(39).symbol()).isEqualTo("SYM39");
        assertThat(specs).extracting(InstrumentSpec::initialMid).doesNotHaveDuplicates();
        assertThat(specs).extracting(InstrumentSpec::symbol).doesNotHaveDuplicates();
        for (final InstrumentSpec spec : specs)
        {
            assertThat(spec.priceScale()).isEqualTo(2);
            assertThat(spec.qtyScale()).isEqualTo(4);
            assertThat(spec.initialMid() % spec.tickSize()).as(spec.toString()).isZero();
            // Deep enough for the simulator's quotes (up to 50 ticks) and mid excursions.
            assertThat(spec.initialMid() / spec.tickSize()).as(spec.toString()).isGreaterThanOrEqualTo(1000);
        }
        assertThat(specs.get(0).toString()).isEqualTo("InstrumentSpec{id=1, symbol=BTC-USD, tick=0.5, lot=0.0001, mid=65000}");
    }

    @Test
    @Timeout(10)
    void encodesAnAddInstrumentForEach()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final List<DecodedInput> decoded = new ArrayList<>();
        int offset = 0;
        for (final InstrumentSpec spec : InstrumentSpec.defaults(3))
        {
            final int length = spec.encodeAddInstrument(42L, buffer, offset);
            assertThat(length).isEqualTo(InstrumentSpec.ADD_INSTRUMENT_LENGTH);
            decoded.add(DecodedInput.decode(buffer, offset, length));
            offset += length;
        }
        assertThat(decoded).containsExactly(
            new AddInstrument(42L, 1, "BTC-USD", 2, 4, 50L, 1L, InstrumentMode.MATCHING),
            new AddInstrument(42L, 2, "ETH-USD", 2, 4, 5L, 10L, InstrumentMode.MATCHING),
            new AddInstrument(42L, 3, "SOL-USD", 2, 4, 1L, 100L, InstrumentMode.MATCHING));
    }

    @Test
    @Timeout(10)
    void rejectsInvalidDefinitions()
    {
        assertThatThrownBy(() -> new InstrumentSpec(0, "A", 2, 4, 1, 1, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InstrumentSpec(1, "BAD SYMBOL", 2, 4, 1, 1, 100))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InstrumentSpec(1, "A", 10, 4, 1, 1, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InstrumentSpec(1, "A", 2, 4, 0, 1, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InstrumentSpec(1, "A", 2, 4, 1, 0, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InstrumentSpec(1, "A", 2, 4, 5, 1, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InstrumentSpec.defaults(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
