package io.tickwire.codecs;

import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.BookLevelEncoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.codecs.sbe.TradeEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SBE's field-access-order ("precedence") checks: generated with {@code sbe.generate.precedence.checks}
 * and switched on in tests by {@code -Dsbe.enable.precedence.checks=true} (surefire argLine).
 * <p>
 * Ordering rules exist only for repeating groups and variable-length data, and schema version 1 has
 * neither: every message is one fixed block whose fields may be written and read in any order. So the one
 * violation the generated state machine can catch for this schema is touching a field of a codec that is
 * not wrapped; these tests show that it is caught, and that any order within a block is allowed. When a
 * message gains a group or var data, add a test that a wrong order throws.
 */
class SbePrecedenceChecksTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    @Test
    void checksAreEnabledInTests()
    {
        assertThat(System.getProperty("sbe.enable.precedence.checks")).isEqualTo("true");
    }

    @Test
    void writingAFieldBeforeWrapIsCaught()
    {
        final TradeEncoder encoder = new TradeEncoder();

        assertThatThrownBy(() -> encoder.seq(1))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Illegal field access order")
            .hasMessageContaining("NOT_WRAPPED");
    }

    @Test
    void readingAFieldBeforeWrapIsCaught()
    {
        final BookLevelDecoder decoder = new BookLevelDecoder();

        assertThatThrownBy(decoder::price)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Illegal field access order")
            .hasMessageContaining("\"price\"");
    }

    @Test
    void fieldsOfAFixedBlockMayBeAccessedInAnyOrder()
    {
        new BookLevelEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .orderCount(3).quantity(40).price(10125).side(Side.SELL).instrumentId(9).prev(4).seq(5);

        headerDecoder.wrap(buffer, 0);
        final BookLevelDecoder decoder = new BookLevelDecoder()
            .wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());

        assertThat(decoder.quantity()).isEqualTo(40);
        assertThat(decoder.seq()).isEqualTo(5);
        assertThat(decoder.side()).isEqualTo(Side.SELL);
        assertThat(decoder.orderCount()).isEqualTo(3);
        assertThat(decoder.prev()).isEqualTo(4);
        assertThat(decoder.instrumentId()).isEqualTo(9);
        assertThat(decoder.price()).isEqualTo(10125);
        assertThat(decoder.seq()).isEqualTo(5);
    }

    @Test
    void aWrappedCodecCanBeRewrappedAndReused()
    {
        final TradeEncoder encoder = new TradeEncoder();
        final TradeDecoder decoder = new TradeDecoder();
        for (int i = 0; i < 3; i++)
        {
            encoder.wrapAndApplyHeader(buffer, 0, headerEncoder).seq(i).price(i * 10L);
            decoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
            assertThat(decoder.price()).isEqualTo(i * 10L);
            assertThat(decoder.seq()).isEqualTo(i);
        }
    }
}
