package io.tickwire.replay;

/**
 * Where a historical replay starts and ends, found by index lookups (no scan) from seqs or times: the
 * arguments of {@code tickwire replay --from SEQ|TIME --to SEQ|TIME}.
 *
 * @param startIndex Chronicle index of the range's first batch ({@link JournalIndex#AFTER_END}: empty range).
 * @param fromSeq    first seq of that batch (the range starts with it, whole).
 * @param toSeq      the range ends with the batch holding this seq.
 */
public record ReplayBounds(long startIndex, long fromSeq, long toSeq)
{
    /** No bound given. */
    public static final long NONE = Long.MIN_VALUE;

    /**
     * @param fromSeq  first seq (inclusive), or {@link #NONE}.
     * @param fromTime start at the first batch with engine time at or after it (epoch nanos), or {@link #NONE}.
     * @param toSeq    last seq (inclusive), or {@link #NONE}.
     * @param toTime   end before the first batch with engine time at or after it (exclusive), or {@link #NONE}.
     *                 Neither {@code toSeq} nor {@code toTime}: the journal's last seq now.
     * @throws IllegalArgumentException if the start is older than the retained journal, or the end is before it.
     */
    public static ReplayBounds resolve(
        final JournalIndex index, final long fromSeq, final long fromTime, final long toSeq, final long toTime)
    {
        final long start;
        if (fromSeq != NONE)
        {
            start = index.indexOfSeq(fromSeq);
            if (start == JournalIndex.BEFORE_RETAINED)
            {
                throw new IllegalArgumentException("seq " + fromSeq + " is before the journal, which starts at seq " +
                    index.firstSeq());
            }
        }
        else if (fromTime != NONE)
        {
            start = index.indexAtOrAfterTime(fromTime);
        }
        else
        {
            start = index.firstBatchIndex();
        }
        final long to;
        if (toSeq != NONE)
        {
            to = toSeq;
        }
        else if (toTime != NONE)
        {
            final long end = index.indexAtOrAfterTime(toTime);
            to = end < 0 ? index.lastSeq() : index.firstSeqAt(end) - 1;
        }
        else
        {
            to = index.lastSeq();
        }
        final long first = start >= 0 ? index.firstSeqAt(start) : index.lastSeq() + 1;
        if (to < first)
        {
            return new ReplayBounds(JournalIndex.AFTER_END, first, to);
        }
        return new ReplayBounds(start, first, to);
    }

    /**
     * @return true if no batch is in the range.
     */
    public boolean empty()
    {
        return startIndex < 0;
    }
}
