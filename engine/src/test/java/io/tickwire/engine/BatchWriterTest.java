package io.tickwire.engine;

import io.tickwire.codecs.sbe.BookLevelEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.Side;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class BatchWriterTest
{
    private static final int LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + BookLevelEncoder.BLOCK_LENGTH;

    @Test
    void writesTheBytesOfTheSbeEncoder()
    {
        final UnsafeBuffer expected = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        new BookLevelEncoder().wrapAndApplyHeader(expected, 3, new MessageHeaderEncoder())
            .seq(0x0102030405060708L).prev(-2).instrumentId(0x7F000001).side(Side.SELL).price(-12345)
            .quantity(Long.MAX_VALUE).orderCount(-7);

        final UnsafeBuffer actual = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        final BatchWriter writer = new BatchWriter(actual);
        final long body = writer.message(
            3, BatchWriter.headerWord(BookLevelEncoder.BLOCK_LENGTH, BookLevelEncoder.TEMPLATE_ID),
            BookLevelEncoder.BLOCK_LENGTH);
        BatchWriter.putLong(body + BookLevelEncoder.seqEncodingOffset(), 0x0102030405060708L);
        BatchWriter.putLong(body + BookLevelEncoder.prevEncodingOffset(), -2);
        BatchWriter.putInt(body + BookLevelEncoder.instrumentIdEncodingOffset(), 0x7F000001);
        BatchWriter.putByte(body + BookLevelEncoder.sideEncodingOffset(), (byte)Side.SELL.value());
        BatchWriter.putLong(body + BookLevelEncoder.priceEncodingOffset(), -12345);
        BatchWriter.putLong(body + BookLevelEncoder.quantityEncodingOffset(), Long.MAX_VALUE);
        BatchWriter.putInt(body + BookLevelEncoder.orderCountEncodingOffset(), -7);

        assertThat(bytes(actual, 0, 64)).isEqualTo(bytes(expected, 0, 64));
        assertThat(BatchWriter.getLong(body + BookLevelEncoder.seqEncodingOffset())).isEqualTo(0x0102030405060708L);
        assertThat(BatchWriter.getInt(body + BookLevelEncoder.orderCountEncodingOffset())).isEqualTo(-7);
        assertThat(BatchWriter.getUint8(body + BookLevelEncoder.sideEncodingOffset())).isEqualTo(Side.SELL.value());
        assertThat(writer.address(3 + MessageHeaderEncoder.ENCODED_LENGTH)).isEqualTo(body);
    }

    @Test
    void refusesAMessageThatDoesNotFitAndWritesNothing()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH + 4));
        final BatchWriter writer = new BatchWriter(buffer);
        final long header = BatchWriter.headerWord(BookLevelEncoder.BLOCK_LENGTH, BookLevelEncoder.TEMPLATE_ID);

        assertThat(writer.message(4, header, BookLevelEncoder.BLOCK_LENGTH)).isEqualTo(
            buffer.addressOffset() + 4 + MessageHeaderEncoder.ENCODED_LENGTH);
        buffer.setMemory(0, buffer.capacity(), (byte)0);
        assertThatThrownBy(() -> writer.message(5, header, BookLevelEncoder.BLOCK_LENGTH))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("overflows at 5");
        assertThatThrownBy(() -> writer.message(-1, header, BookLevelEncoder.BLOCK_LENGTH))
            .isInstanceOf(IllegalStateException.class);
        assertThat(bytes(buffer, 0, buffer.capacity())).containsOnly(0);
    }

    @Test
    void needsAnOffHeapBuffer()
    {
        assertThatThrownBy(() -> new BatchWriter(new UnsafeBuffer(new byte[64])))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
