package io.tickwire.engine.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.ByteBuffer;

/**
 * Appends batches. Owned by the engine thread (single writer); not thread-safe.
 * <p>
 * The batch is encoded in a direct {@link ByteBuffer} the caller owns; {@link #append(int)} copies
 * {@code [0, length)} of it into one excerpt. Chronicle publishes an excerpt only when it is complete, so a
 * crash mid-append leaves nothing a reader can see.
 */
public final class JournalWriter implements AutoCloseable
{
    private final ExcerptAppender appender;
    private BytesStore<?, ByteBuffer> source;
    private ByteBuffer otherBuffer;
    private BytesStore<?, ByteBuffer> otherSource;

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
        source = BytesStore.wrap(directBuffer);
    }

    /**
     * Appends {@code [0, length)} of the source buffer as one excerpt.
     *
     * @return the Chronicle index of the excerpt.
     */
    public long append(final int length)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(source, 0L, length);
        }
        return appender.lastIndexAppended();
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
            otherSource = BytesStore.wrap(directBuffer);
        }
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(otherSource, 0L, length);
        }
        return appender.lastIndexAppended();
    }

    @Override
    public void close()
    {
        appender.close();
    }
}
