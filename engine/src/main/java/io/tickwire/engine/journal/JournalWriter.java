package io.tickwire.engine.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;

import java.nio.ByteBuffer;

/**
 * Appends batches. Owned by the engine thread (single writer); not thread-safe.
 * <p>
 * The batch is encoded in a direct {@link ByteBuffer} the caller owns; {@link #append(int)} copies
 * {@code [0, length)} of it into one excerpt. Chronicle publishes an excerpt only when it is complete, so a
 * crash mid-append leaves nothing a reader can see.
 * <p>
 * Appends go through {@link ExcerptAppender#writeBytes(BytesStore)}, not
 * {@code writingDocument()}: both write the same excerpt (header, bytes, index entry), but {@code writingDocument}
 * re-derives the last sequence number from the index on every call (a scan from the last index entry), which the
 * single writer does not need: {@code writeBytes} does it only when another appender moved the queue.
 */
public final class JournalWriter implements AutoCloseable
{
    private final ExcerptAppender appender;
    private Bytes<ByteBuffer> source;
    private ByteBuffer otherBuffer;
    private Bytes<ByteBuffer> otherSource;

    JournalWriter(final ExcerptAppender appender)
    {
        this.appender = appender;
    }

    /**
     * Sets the buffer that {@link #append(int)} copies from. Call once before appending.
     */
    public void source(final ByteBuffer directBuffer)
    {
        if (!directBuffer.isDirect())
        {
            throw new IllegalArgumentException("a direct ByteBuffer is required");
        }
        source = BytesStore.wrap(directBuffer).bytesForRead();
    }

    /**
     * Appends {@code [0, length)} of the source buffer as one excerpt.
     *
     * @return the Chronicle index of the excerpt.
     */
    public long append(final int length)
    {
        return write(source, length);
    }

    /**
     * Appends {@code [0, length)} of another direct buffer as one excerpt (records other than batches, such as
     * snapshot parts); the source set by {@link #source} stays as it is.
     *
     * @return the Chronicle index of the excerpt.
     */
    public long append(final ByteBuffer directBuffer, final int length)
    {
        if (directBuffer != otherBuffer)
        {
            if (!directBuffer.isDirect())
            {
                throw new IllegalArgumentException("a direct ByteBuffer is required");
            }
            otherBuffer = directBuffer;
            otherSource = BytesStore.wrap(directBuffer).bytesForRead();
        }
        return write(otherSource, length);
    }

    private long write(final Bytes<ByteBuffer> from, final int length)
    {
        from.readPositionRemaining(0L, length);
        appender.writeBytes(from);
        return appender.lastIndexAppended();
    }

    @Override
    public void close()
    {
        appender.close();
    }
}
