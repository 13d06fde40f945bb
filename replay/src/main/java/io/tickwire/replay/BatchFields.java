package io.tickwire.replay;

import io.tickwire.codecs.sbe.AddInstrumentDecoder;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.EngineSnapshotDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Reads the fields of a journal excerpt's {@code BatchHeader} in place (no decoder, no copy). Field offsets
 * are fixed by the schema: new fields are only ever added at the end of the block.
 */
final class BatchFields
{
    private static final ByteOrder ORDER = BatchHeaderDecoder.BYTE_ORDER;
    private static final int TEMPLATE_OFFSET = 2;
    private static final int SCHEMA_OFFSET = 4;
    private static final int BLOCK_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int MIN_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.BLOCK_LENGTH;

    private BatchFields()
    {
    }

    /**
     * @return true if the excerpt starts with a {@code BatchHeader} of the Tickwire schema.
     */
    static boolean isBatch(final DirectBuffer buffer, final int length)
    {
        return length >= MIN_LENGTH &&
            buffer.getShort(TEMPLATE_OFFSET, ORDER) == BatchHeaderDecoder.TEMPLATE_ID &&
            buffer.getShort(SCHEMA_OFFSET, ORDER) == BatchHeaderDecoder.SCHEMA_ID;
    }

    /**
     * @return true if the excerpt is an engine snapshot part ({@code EngineSnapshot}): not a batch.
     */
    static boolean isSnapshotPart(final DirectBuffer buffer, final int length)
    {
        return length >= MessageHeaderDecoder.ENCODED_LENGTH + EngineSnapshotDecoder.BLOCK_LENGTH &&
            buffer.getShort(TEMPLATE_OFFSET, ORDER) == EngineSnapshotDecoder.TEMPLATE_ID &&
            buffer.getShort(SCHEMA_OFFSET, ORDER) == EngineSnapshotDecoder.SCHEMA_ID;
    }

    /**
     * @return a snapshot part's {@code snapshotSeq}: the end seq of the batch before it.
     */
    static long snapshotSeq(final DirectBuffer buffer)
    {
        return buffer.getLong(BLOCK_OFFSET + EngineSnapshotDecoder.snapshotSeqEncodingOffset(), ORDER);
    }

    /**
     * @return a snapshot part's {@code engineTime}: that of the batch before it.
     */
    static long snapshotTime(final DirectBuffer buffer)
    {
        return buffer.getLong(BLOCK_OFFSET + EngineSnapshotDecoder.engineTimeEncodingOffset(), ORDER);
    }

    static long firstSeq(final DirectBuffer buffer)
    {
        return buffer.getLong(BLOCK_OFFSET + BatchHeaderDecoder.firstSeqEncodingOffset(), ORDER);
    }

    static int eventCount(final DirectBuffer buffer)
    {
        return buffer.getInt(BLOCK_OFFSET + BatchHeaderDecoder.eventCountEncodingOffset(), ORDER);
    }

    /**
     * @return the seq after the batch's last event: {@code firstSeq + eventCount}.
     */
    static long endSeq(final DirectBuffer buffer)
    {
        return firstSeq(buffer) + eventCount(buffer);
    }

    static long engineTime(final DirectBuffer buffer)
    {
        return buffer.getLong(BLOCK_OFFSET + BatchHeaderDecoder.engineTimeEncodingOffset(), ORDER);
    }

    /**
     * @return true if the batch's input is an {@code AddInstrument} (the only input that defines instruments).
     */
    static boolean isAddInstrument(final DirectBuffer buffer, final int length)
    {
        final int inputOffset = BLOCK_OFFSET + (buffer.getShort(0, ORDER) & 0xFFFF);
        return length >= inputOffset + MessageHeaderDecoder.ENCODED_LENGTH &&
            buffer.getShort(inputOffset + TEMPLATE_OFFSET, ORDER) == AddInstrumentDecoder.TEMPLATE_ID &&
            buffer.getShort(inputOffset + SCHEMA_OFFSET, ORDER) == AddInstrumentDecoder.SCHEMA_ID;
    }

    /**
     * Walks the batch's message headers (no decoder) for a {@code Trade}.
     *
     * @return true if the batch holds a trade, or if its messages do not parse (so the caller decodes it and the
     * decoder reports the damage, rather than the batch being skipped silently).
     */
    static boolean hasTrade(final DirectBuffer buffer, final int length)
    {
        int position = 0;
        while (position + MessageHeaderDecoder.ENCODED_LENGTH <= length)
        {
            if (buffer.getShort(position + SCHEMA_OFFSET, ORDER) != TradeDecoder.SCHEMA_ID)
            {
                return true;
            }
            if (buffer.getShort(position + TEMPLATE_OFFSET, ORDER) == TradeDecoder.TEMPLATE_ID)
            {
                return true;
            }
            position += MessageHeaderDecoder.ENCODED_LENGTH + (buffer.getShort(position, ORDER) & 0xFFFF);
        }
        return position != length;
    }
}
