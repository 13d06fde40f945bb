package io.tickwire.codecs;

import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

/**
 * Walks the messages of one batch (one journal excerpt or bus message): a sequence of SBE messages, each
 * a {@link MessageHeaderDecoder} followed by a fixed-size block. Every message of the Tickwire schema has
 * a fixed block, so the next message starts at {@code offset + header + blockLength}.
 * <p>
 * Stateless apart from its reused header decoder; one instance per thread. Allocation free.
 */
public final class BatchReader
{
    /**
     * Receives each message of a batch in order.
     */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * @param templateId  the message's template id.
         * @param buffer      the buffer holding the batch.
         * @param offset      where the message body starts (after the header).
         * @param blockLength the body's length from the header (use it to wrap decoders).
         * @param version     the schema version the message was written with.
         */
        void onMessage(int templateId, DirectBuffer buffer, int offset, int blockLength, int version);
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    /**
     * Reads every message in {@code [offset, offset + length)}.
     *
     * @return the number of messages read.
     * @throws MalformedBatchException if a header is truncated, a message overruns the batch or comes from
     *                                 another schema. Nothing after the bad message is delivered.
     */
    public int read(final DirectBuffer buffer, final int offset, final int length, final Handler handler)
    {
        final int limit = offset + length;
        int position = offset;
        int count = 0;
        while (position < limit)
        {
            if (position + MessageHeaderDecoder.ENCODED_LENGTH > limit)
            {
                throw new MalformedBatchException("truncated header at " + (position - offset));
            }
            header.wrap(buffer, position);
            if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
            {
                throw new MalformedBatchException("schema id " + header.schemaId() + " at " + (position - offset));
            }
            final int blockLength = header.blockLength();
            final int body = position + MessageHeaderDecoder.ENCODED_LENGTH;
            if (body + blockLength > limit)
            {
                throw new MalformedBatchException("message overruns batch at " + (position - offset));
            }
            handler.onMessage(header.templateId(), buffer, body, blockLength, header.version());
            position = body + blockLength;
            count++;
        }
        return count;
    }

    /**
     * A batch that does not parse. Thrown only for corrupt or foreign data, never for back pressure.
     */
    public static final class MalformedBatchException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        public MalformedBatchException(final String message)
        {
            super(message);
        }
    }
}
