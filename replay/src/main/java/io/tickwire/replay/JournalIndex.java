package io.tickwire.replay;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Finds batches in a journal by {@code seq} and by engine time without reading the journal through: a
 * binary search over the roll cycles (each keyed by its first batch), then over the excerpts of one cycle
 * ({@code rollCycle.toIndex(cycle, k)} and {@code moveToIndex}), so a lookup reads O(log n) excerpts. The
 * cycle summaries (first batch, excerpt count of sealed cycles) are kept between lookups; probes allocate
 * nothing. Chronicle indices are not contiguous across rolls, which is why the search goes through cycles.
 *
 * <h2>Semantics</h2>
 * Every batch has {@code firstSeq} and {@code eventCount} and holds seqs
 * {@code [firstSeq, firstSeq + eventCount)}; the end {@code firstSeq + eventCount} never decreases in journal
 * order. A batch with {@code eventCount} 0 (a rejected input) holds no seq; its {@code firstSeq} is the next
 * seq. The journal's first excerpt ({@code JournalStart}) is not a batch and is never returned.
 * <ul>
 *   <li>{@link #indexOfSeq(long)}: the first batch whose end is after {@code seq}. For a retained seq that is
 *   the batch containing it; zero-event batches never match, since they contain nothing.</li>
 *   <li>{@link #indexAtOrAfterTime(long)}: the first batch whose {@code engineTime >= t}, ties to the first.
 *   This assumes engine time does not decrease in journal order. The engine stamps batches with the
 *   system's epoch clock ({@code SystemEpochNanoClock}): it does not go back while NTP slews, but it can
 *   step back (a manual or NTP step, a restart on a host whose clock is behind). Where it went back, the
 *   answer is a batch {@code B} with {@code engineTime(B) >= t} and the batch before {@code B} earlier than
 *   {@code t}, not necessarily the first such batch.</li>
 *   <li>The results are the same as a linear scan over the retained journal (tests compare them).</li>
 * </ul>
 * Sentinels: {@link #AFTER_END} when no visible batch qualifies yet (seq beyond the end, time after the
 * last batch, empty journal) and {@link #BEFORE_RETAINED} when {@code seq} is older than the first retained
 * batch (deleted by {@link JournalRetention}, or below 1).
 *
 * <h2>Concurrency</h2>
 * Safe while the engine appends (in this or another process): a lookup sees a consistent prefix of the
 * journal (excerpts still being written count as not yet there). Safe while {@link JournalRetention} deletes
 * old cycles: a lookup that finds a cycle gone lists the cycles again and starts over. One instance per
 * thread.
 */
public final class JournalIndex implements AutoCloseable
{
    /** No visible batch qualifies: the seq or time is beyond the end of the journal (or it is empty). */
    public static final long AFTER_END = -1;
    /** The seq is older than the first retained batch: its events are no longer in the journal. */
    public static final long BEFORE_RETAINED = -2;

    private static final int MAX_ATTEMPTS = 16;
    private static final long RETRY = Long.MIN_VALUE;
    private static final long NOT_IN_CYCLE = -3;
    private static final int CYCLES_CHANGED = -2;

    private static final byte UNKNOWN = 0;
    private static final byte EMPTY = 1;
    private static final byte HAS_BATCH = 2;

    private static final int BY_END_SEQ = 0;
    private static final int BY_TIME = 1;

    private static final int VISIBLE_BATCH = 0;
    private static final int NOT_A_BATCH = 1;
    private static final int INVISIBLE = 2;

    private final Journal journal;
    private final RollCycle rollCycle;
    private final ExcerptTailer tailer;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    private int listedFirst = Integer.MAX_VALUE;
    private int listedLast = Integer.MIN_VALUE;
    private boolean relist = true;
    private int cycleCount;
    private int[] cycles = new int[0];
    private byte[] state = new byte[0];
    private long[] excerpts = new long[0];
    private long[] firstK = new long[0];
    private long[] firstSeq = new long[0];
    private long[] firstEnd = new long[0];
    private long[] firstTime = new long[0];

    private long probeFirstSeq;
    private long probeEnd;
    private long probeTime;
    private long foundIndex;
    private long journalId;
    private long probes;

    public JournalIndex(final Journal journal)
    {
        this.journal = journal;
        this.rollCycle = journal.rollCycle();
        this.tailer = journal.createTailer();
    }

    /**
     * @param seq a seq.
     * @return the Chronicle index of the first batch whose events end after {@code seq} (the batch containing
     * {@code seq} when it is retained), {@link #AFTER_END} if no visible batch does, or
     * {@link #BEFORE_RETAINED} if {@code seq} is below {@link #firstSeq()}.
     */
    public long indexOfSeq(final long seq)
    {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            begin();
            final int first = nonEmptyFrom(0);
            if (first == CYCLES_CHANGED)
            {
                relist = true;
                continue;
            }
            if (first < 0)
            {
                return seq < 1 ? BEFORE_RETAINED : AFTER_END;
            }
            if (seq < firstSeq[first])
            {
                return BEFORE_RETAINED;
            }
            if (seq == Long.MAX_VALUE)
            {
                return AFTER_END;
            }
            final long index = lowerBound(BY_END_SEQ, seq + 1);
            if (index != RETRY)
            {
                return index;
            }
            relist = true;
        }
        throw cyclesKeepChanging();
    }

    /**
     * @param epochNanos a time, in the engine's epoch nanoseconds.
     * @return the Chronicle index of the first batch whose {@code engineTime >= epochNanos} (see the class
     * comment for a clock that went back), or {@link #AFTER_END} if no visible batch is that late. A time
     * before the first retained batch gives the first retained batch.
     */
    public long indexAtOrAfterTime(final long epochNanos)
    {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            begin();
            final int first = nonEmptyFrom(0);
            if (first == CYCLES_CHANGED)
            {
                relist = true;
                continue;
            }
            if (first < 0)
            {
                return AFTER_END;
            }
            final long index = lowerBound(BY_TIME, epochNanos);
            if (index != RETRY)
            {
                return index;
            }
            relist = true;
        }
        throw cyclesKeepChanging();
    }

    /**
     * @return the {@code firstSeq} of the first retained batch: every seq from here to {@link #lastSeq()}
     * is in the journal. 1 for a journal without batches.
     */
    public long firstSeq()
    {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            begin();
            final int first = nonEmptyFrom(0);
            if (first != CYCLES_CHANGED)
            {
                return first < 0 ? 1 : firstSeq[first];
            }
            relist = true;
        }
        throw cyclesKeepChanging();
    }

    /**
     * @return the Chronicle index of the first retained batch, or {@link #AFTER_END} if there is none.
     */
    public long firstBatchIndex()
    {
        return indexAtOrAfterTime(Long.MIN_VALUE);
    }

    /**
     * @return the last seq of the visible journal ({@code firstSeq() - 1} when no batch holds an event; 0 for
     * a journal without batches).
     */
    public long lastSeq()
    {
        final long index = lastBatchIndex();
        return index < 0 ? firstSeq() - 1 : probeEnd - 1;
    }

    /**
     * @return the Chronicle index of the last visible batch, or {@link #AFTER_END} if there is none.
     */
    public long lastBatchIndex()
    {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            begin();
            if (findLastBatch())
            {
                return foundIndex;
            }
            relist = true;
        }
        throw cyclesKeepChanging();
    }

    /**
     * @param index the Chronicle index of a batch (from a lookup).
     * @return its {@code firstSeq}, or -1 if there is no batch at {@code index}.
     */
    public long firstSeqAt(final long index)
    {
        return readAt(index) ? probeFirstSeq : -1;
    }

    /**
     * @param index the Chronicle index of a batch (from a lookup).
     * @return its {@code engineTime}, or {@code Long.MIN_VALUE} if there is no batch at {@code index}.
     */
    public long engineTimeAt(final long index)
    {
        return readAt(index) ? probeTime : Long.MIN_VALUE;
    }

    /**
     * @param index the Chronicle index of a batch (from a lookup).
     * @return its {@code eventCount}, or -1 if there is no batch at {@code index}.
     */
    public int eventCountAt(final long index)
    {
        return readAt(index) ? (int)(probeEnd - probeFirstSeq) : -1;
    }

    /**
     * @return the journal's identity: its {@code JournalStart}, or, once retention deleted the cycle that held
     * it, the copy retention kept ({@link RetainedPrefix}); 0 if neither exists.
     */
    public long journalId()
    {
        if (journalId == 0)
        {
            long id = journal.readJournalId();
            if (id == 0)
            {
                id = RetainedPrefix.read(journal.config().directory()).journalId();
            }
            journalId = id;
        }
        return journalId;
    }

    /**
     * @return excerpts read by lookups so far (a probe count, for tests and benchmarks).
     */
    public long probes()
    {
        return probes;
    }

    @Override
    public void close()
    {
        tailer.close();
    }

    // ------------------------------------------------------------------ search

    /**
     * @return the index of the first batch whose key is {@code >= target}, {@link #AFTER_END}, or
     * {@link #RETRY} if a cycle disappeared. Needs at least one batch.
     */
    private long lowerBound(final int mode, final long target)
    {
        // key(i): the key of the first batch in cycles i, i+1, ... (+infinity if none): non-decreasing in i.
        int lo = 0;
        int hi = cycleCount;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            final int j = nonEmptyFrom(mid);
            if (j == CYCLES_CHANGED)
            {
                return RETRY;
            }
            if (j < 0 || firstKey(j, mode) >= target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        if (lo > 0)
        {
            // Cycle lo-1 has batches (an empty one would have the key of cycle lo) and its first batch is
            // before the target: the answer is later in it, or the first batch of the next cycle with one.
            final int i = lo - 1;
            final long k = searchInCycle(i, mode, target);
            if (k >= 0 || k == RETRY || k == AFTER_END)
            {
                return k >= 0 ? rollCycle.toIndex(cycles[i], k) : k;
            }
        }
        final int j = nonEmptyFrom(lo);
        if (j == CYCLES_CHANGED)
        {
            return RETRY;
        }
        return j < 0 ? AFTER_END : rollCycle.toIndex(cycles[j], firstK[j]);
    }

    /**
     * @return the position in cycle {@code i} (after its first batch) of the first batch whose key is
     * {@code >= target}; {@link #NOT_IN_CYCLE}; {@link #AFTER_END} if it is not visible yet; {@link #RETRY}.
     */
    private long searchInCycle(final int i, final int mode, final long target)
    {
        final long n = count(i);
        if (n < 0)
        {
            return RETRY;
        }
        final boolean live = i == cycleCount - 1;
        long lo = firstK[i] + 1;
        long hi = n;
        boolean hiVisible = false;
        while (lo < hi)
        {
            final long mid = (lo + hi) >>> 1;
            final int result = read(cycles[i], mid);
            final long key;
            if (result == VISIBLE_BATCH)
            {
                key = mode == BY_END_SEQ ? probeEnd : probeTime;
            }
            else if (result == NOT_A_BATCH)
            {
                key = Long.MIN_VALUE;
            }
            else if (live)
            {
                key = Long.MAX_VALUE; // still being written: after everything visible
            }
            else
            {
                return RETRY; // a sealed cycle lost excerpts: deleted under us
            }
            if (key >= target)
            {
                hi = mid;
                hiVisible = result == VISIBLE_BATCH;
            }
            else
            {
                lo = mid + 1;
            }
        }
        if (lo == n)
        {
            return NOT_IN_CYCLE;
        }
        return hiVisible ? lo : AFTER_END;
    }

    private boolean findLastBatch()
    {
        for (int i = cycleCount - 1; i >= 0; i--)
        {
            if (!summarize(i))
            {
                return false;
            }
            if (state[i] != HAS_BATCH)
            {
                continue;
            }
            final long n = count(i);
            if (n < 0)
            {
                return false;
            }
            for (long k = n - 1; k >= firstK[i]; k--)
            {
                final int result = read(cycles[i], k);
                if (result == VISIBLE_BATCH)
                {
                    foundIndex = rollCycle.toIndex(cycles[i], k);
                    return true;
                }
                if (result == INVISIBLE && i != cycleCount - 1)
                {
                    return false;
                }
            }
        }
        foundIndex = AFTER_END;
        return true;
    }

    private long firstKey(final int i, final int mode)
    {
        return mode == BY_END_SEQ ? firstEnd[i] : firstTime[i];
    }

    // ------------------------------------------------------------------ cycles

    /**
     * @return the first cycle at or after {@code from} that has a batch, -1 if none, or
     * {@link #CYCLES_CHANGED}.
     */
    private int nonEmptyFrom(final int from)
    {
        for (int i = from; i < cycleCount; i++)
        {
            if (!summarize(i))
            {
                return CYCLES_CHANGED;
            }
            if (state[i] == HAS_BATCH)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Finds cycle {@code i}'s first batch (once: it never changes).
     *
     * @return false if the cycle is gone.
     */
    private boolean summarize(final int i)
    {
        if (state[i] != UNKNOWN)
        {
            return true;
        }
        final long n = count(i);
        if (n < 0)
        {
            return false;
        }
        for (long k = 0; k < n; k++)
        {
            final int result = read(cycles[i], k);
            if (result == VISIBLE_BATCH)
            {
                state[i] = HAS_BATCH;
                firstK[i] = k;
                firstSeq[i] = probeFirstSeq;
                firstEnd[i] = probeEnd;
                firstTime[i] = probeTime;
                return true;
            }
            if (result == INVISIBLE)
            {
                if (i != cycleCount - 1)
                {
                    return false;
                }
                break;
            }
        }
        state[i] = EMPTY; // for the live cycle only until the next lookup (see begin)
        return true;
    }

    /**
     * @return the excerpts in cycle {@code i} (read once for sealed cycles, once per lookup for the live
     * one), or -1 if its file is gone.
     */
    private long count(final int i)
    {
        long n = excerpts[i];
        if (n < 0)
        {
            n = tailer.excerptsInCycle(cycles[i]);
            excerpts[i] = n;
        }
        return n;
    }

    /**
     * Starts a lookup: lists the cycles again if the directory listing changed (a roll, a deletion) and
     * forgets what may have changed in the live (newest) cycle.
     */
    private void begin()
    {
        final int first = journal.firstCycle();
        final int last = journal.lastCycle();
        if (relist || first != listedFirst || last != listedLast)
        {
            listCycles(first, last);
        }
        if (cycleCount > 0)
        {
            final int live = cycleCount - 1;
            excerpts[live] = -1;
            if (state[live] == EMPTY)
            {
                state[live] = UNKNOWN;
            }
        }
    }

    private void listCycles(final int first, final int last)
    {
        final int[] listed = journal.cycles();
        final int n = listed.length;
        final byte[] newState = new byte[n];
        final long[] newExcerpts = new long[n];
        final long[] newFirstK = new long[n];
        final long[] newFirstSeq = new long[n];
        final long[] newFirstEnd = new long[n];
        final long[] newFirstTime = new long[n];
        final int oldLive = cycleCount > 0 ? cycles[cycleCount - 1] : Integer.MIN_VALUE;
        int o = 0;
        for (int i = 0; i < n; i++)
        {
            while (o < cycleCount && cycles[o] < listed[i])
            {
                o++;
            }
            if (o < cycleCount && cycles[o] == listed[i] && listed[i] != oldLive)
            {
                newState[i] = state[o];
                newExcerpts[i] = excerpts[o];
                newFirstK[i] = firstK[o];
                newFirstSeq[i] = firstSeq[o];
                newFirstEnd[i] = firstEnd[o];
                newFirstTime[i] = firstTime[o];
            }
            else if (o < cycleCount && cycles[o] == listed[i] && state[o] == HAS_BATCH)
            {
                // The old live cycle: its first batch is final, its excerpt count was not.
                newState[i] = HAS_BATCH;
                newExcerpts[i] = -1;
                newFirstK[i] = firstK[o];
                newFirstSeq[i] = firstSeq[o];
                newFirstEnd[i] = firstEnd[o];
                newFirstTime[i] = firstTime[o];
            }
            else
            {
                newState[i] = UNKNOWN;
                newExcerpts[i] = -1;
            }
        }
        cycles = listed;
        cycleCount = n;
        state = newState;
        excerpts = newExcerpts;
        firstK = newFirstK;
        firstSeq = newFirstSeq;
        firstEnd = newFirstEnd;
        firstTime = newFirstTime;
        listedFirst = first;
        listedLast = last;
        relist = false;
    }

    // ------------------------------------------------------------------ excerpts

    /**
     * Reads excerpt {@code k} of {@code cycle}; for a batch, sets the probe fields.
     */
    private int read(final int cycle, final long k)
    {
        probes++;
        if (!tailer.moveToIndex(rollCycle.toIndex(cycle, k)))
        {
            return INVISIBLE;
        }
        return readCurrent();
    }

    private boolean readAt(final long index)
    {
        return index >= 0 && tailer.moveToIndex(index) && readCurrent() == VISIBLE_BATCH;
    }

    private int readCurrent()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return INVISIBLE;
            }
            final int length = JournalReader.wrap(dc, view);
            if (!BatchFields.isBatch(view, length))
            {
                return NOT_A_BATCH;
            }
            probeFirstSeq = BatchFields.firstSeq(view);
            probeEnd = probeFirstSeq + BatchFields.eventCount(view);
            probeTime = BatchFields.engineTime(view);
            return VISIBLE_BATCH;
        }
    }

    private static IllegalStateException cyclesKeepChanging()
    {
        return new IllegalStateException("journal cycles kept changing during the lookup (files deleted?)");
    }
}
