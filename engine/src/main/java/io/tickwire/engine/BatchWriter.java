package io.tickwire.engine;

import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Plain little-endian stores into the engine's off-heap batch buffer, for the events the engine writes on every
 * input (the batch header, book levels, trades, tickers and execution reports), and loads of the input's copy at the
 * start of the batch (the engine's input fields, at the generated decoders' offsets). The SBE encoders check the
 * buffer's bounds on every field (and, with bounds checks on, the field access order); here one check per event
 * covers the event's whole length, and the SBE message header is one 8-byte store of a word taken from
 * {@link MessageHeaderEncoder} ({@link #headerWord}). Field offsets come from the generated encoders'
 * {@code *EncodingOffset()} constants, so the bytes are exactly the encoders' (the engine's tests decode every event
 * with the generated decoders, and recovery compares re-executed batches with the journal byte for byte).
 * <p>
 * The check cannot fail while a batch stays within {@link EngineLimits#maxBatchLength()}, the buffer's size; it is
 * there so that a wrong bound is an exception rather than a write past the buffer.
 */
final class BatchWriter
{
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final long address;
    private final int capacity;

    /**
     * @param buffer an off-heap buffer (wrapping a direct {@code ByteBuffer} or an address), not a heap array.
     */
    BatchWriter(final UnsafeBuffer buffer)
    {
        if (buffer.byteArray() != null)
        {
            throw new IllegalArgumentException("the batch buffer must be off-heap");
        }
        address = buffer.addressOffset();
        capacity = buffer.capacity();
    }

    /**
     * @return the SBE message header (block length, template id, schema id, version) of a message of this schema,
     * as the little-endian long {@link #message} writes.
     */
    static long headerWord(final int blockLength, final int templateId)
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH]);
        new MessageHeaderEncoder().wrap(scratch, 0)
            .blockLength(blockLength)
            .templateId(templateId)
            .schemaId(MessageHeaderEncoder.SCHEMA_ID)
            .version(MessageHeaderEncoder.SCHEMA_VERSION);
        return scratch.getLong(0, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Checks that a message of {@code blockLength} bytes after its header fits at {@code position} and writes the
     * header.
     *
     * @param headerWord the message's {@link #headerWord}.
     * @return the address of the message body (its first field).
     * @throws IllegalStateException if the message does not fit the buffer.
     */
    long message(final int position, final long headerWord, final int blockLength)
    {
        if (position < 0 || position > capacity - MessageHeaderEncoder.ENCODED_LENGTH - blockLength)
        {
            throw new IllegalStateException("batch buffer of " + capacity + " bytes overflows at " + position +
                " + " + (MessageHeaderEncoder.ENCODED_LENGTH + blockLength));
        }
        final long at = address + position;
        putLong(at, headerWord);
        return at + MessageHeaderEncoder.ENCODED_LENGTH;
    }

    /**
     * @return the address of a position in the buffer, for reading back what was put there (the batch's copy of the
     * input): no check, the caller reads only bytes it has written.
     */
    long address(final int position)
    {
        return address + position;
    }

    static long getLong(final long address)
    {
        final long value = UnsafeApi.getLong(null, address);
        return NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    static int getInt(final long address)
    {
        final int value = UnsafeApi.getInt(null, address);
        return NATIVE_LITTLE_ENDIAN ? value : Integer.reverseBytes(value);
    }

    /**
     * @return an SBE {@code uint8} (an enum's raw value), as the decoders return it.
     */
    static short getUint8(final long address)
    {
        return (short)(UnsafeApi.getByte(null, address) & 0xFF);
    }

    static void putLong(final long address, final long value)
    {
        UnsafeApi.putLong(null, address, NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value));
    }

    static void putInt(final long address, final int value)
    {
        UnsafeApi.putInt(null, address, NATIVE_LITTLE_ENDIAN ? value : Integer.reverseBytes(value));
    }

    static void putShort(final long address, final short value)
    {
        UnsafeApi.putShort(null, address, NATIVE_LITTLE_ENDIAN ? value : Short.reverseBytes(value));
    }

    static void putByte(final long address, final byte value)
    {
        UnsafeApi.putByte(null, address, value);
    }
}
