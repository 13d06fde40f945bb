package io.tickwire.replay;

/**
 * An open stream of events after a seq, from a {@link ReplaySource}. Read at the reader's pace: nothing is
 * read ahead or buffered beyond what {@link #poll(int)} is asked for.
 */
public interface ReplayStream extends AutoCloseable
{
    /**
     * Reads up to {@code maxBatches} batches, delivering their wanted events to the stream's listener.
     *
     * @return the batches read; 0 when the stream is at the end of what the source has for now.
     */
    int poll(int maxBatches);

    /**
     * @return the last seq of the batches read so far: every wanted event up to it was delivered. The
     * stream's {@code afterSeq} before the first batch.
     */
    long lastSeqRead();

    /**
     * @return true if the events right after {@code afterSeq} are no longer kept (retention deleted them): the
     * stream starts later, so a reader must not present it as complete.
     */
    boolean truncated();

    /**
     * @return why the stream cannot go on (a remote source's service refused or stopped answering), or null while
     * it can. A failed stream delivers nothing more.
     */
    default String failure()
    {
        return null;
    }

    @Override
    void close();
}
