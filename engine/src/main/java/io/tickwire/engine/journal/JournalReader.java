package io.tickwire.engine.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads excerpts in order without copying: each excerpt is handed over as a view of the mapped file,
 * valid only during the callback. One instance per thread.
 */
public final class JournalReader implements AutoCloseable
{
    /**
     * Receives one excerpt.
     */
    @FunctionalInterface
    public interface ExcerptHandler
    {
        /**
         * @param buffer a view of the excerpt, valid only during this call.
         * @param length the excerpt's length; the excerpt starts at offset 0.
         * @param index  the excerpt's Chronicle index.
         */
        void onExcerpt(DirectBuffer buffer, int length, long index);
    }

    private final ExcerptTailer tailer;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    public JournalReader(final Journal journal)
    {
        this.tailer = journal.createTailer();
    }

    /**
     * @return a reader that will next read the excerpt after {@code index}, or the first excerpt when
     * {@code index} is negative (an empty journal at the time).
     */
    public static JournalReader after(final Journal journal, final long index)
    {
        final JournalReader reader = new JournalReader(journal);
        if (index >= 0)
        {
            if (!reader.tailer.moveToIndex(index))
            {
                throw new IllegalStateException("journal has no index " + Long.toHexString(index));
            }
            try (DocumentContext dc = reader.tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    throw new IllegalStateException("journal has no excerpt at " + Long.toHexString(index));
                }
            }
        }
        return reader;
    }

    /**
     * @return the underlying tailer, to position it ({@code toEnd()}, {@code moveToIndex()}).
     */
    public ExcerptTailer tailer()
    {
        return tailer;
    }

    /**
     * Reads the next excerpt if there is one.
     *
     * @return true if an excerpt was handed to {@code handler}.
     * @throws RuntimeException or Error what the handler threw; the excerpt is then not consumed.
     */
    public boolean poll(final ExcerptHandler handler)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            final int length = wrap(dc, view);
            try
            {
                handler.onExcerpt(view, length, dc.index());
            }
            catch (final Throwable ex)
            {
                // Not consumed: the next poll reads this excerpt again. A fault in a mapped page surfaces as an
                // InternalError at any later point of the thread (see EngineThreadAgent), so the handler may not
                // be to blame; its consumer must tolerate the excerpt twice (the bus does: gateways skip seqs
                // they have applied).
                dc.rollbackOnClose();
                throw ex;
            }
            return true;
        }
    }

    /**
     * Points {@code view} at the excerpt of {@code dc} (zero copy), valid until {@code dc} is closed.
     *
     * @return the excerpt's length.
     */
    public static int wrap(final DocumentContext dc, final UnsafeBuffer view)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long position = bytes.readPosition();
        final int length = (int)bytes.readRemaining();
        if (length == 0)
        {
            view.wrap(0, 0);
            return 0;
        }
        view.wrap(bytes.addressForRead(position), length);
        return length;
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
