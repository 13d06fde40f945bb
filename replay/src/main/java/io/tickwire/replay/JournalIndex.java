package io.tickwire.replay;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Finds batches in a journal by {@code seq} and by engine time without reading the journal through. Chronicle
 * indices are cycle (high bits) and position in the cycle (low bits), not contiguous across rolls, so the
 * search goes in two steps: a binary search over the roll cycles, each keyed by its first batch (learnt once
 * per cycle and kept), then a search over the positions of one cycle ({@code rollCycle.toIndex(cycle, k)},
 * {@code moveToIndex}). Within a cycle it probes only Chronicle's index entries (one every
 * {@code indexSpacing} excerpts: 256 in production cycles), then reads forward through at most one spacing.
 * A lookup reads O(log n) index entries plus up to one spacing of excerpts and allocates nothing once the cycles
 * it touches are mapped (see {@link #JournalIndex(Journal, int)}).
 * <p>
 * Measured on a 10M-event journal (10 FAST_HOURLY cycles, a loaded 2-core VM): a lookup near the end (a
 * resume) 15-21 us p50, 0 B; random over the journal ~50 us p50 (the lookups that switch cycles dominate); a
 * sequential scan of the same journal takes 1.3-2.9 s. {@code perf}'s {@code JournalLookupProbe} reproduces
 * these.
 *
 * <h2>Semantics</h2>
 * Every batch has {@code firstSeq} and {@code eventCount} and holds seqs
 * {@code [firstSeq, firstSeq + eventCount)}; the end {@code firstSeq + eventCount} never decreases in journal
 * order. A batch with {@code eventCount} 0 (a rejected input) holds no seq; its {@code firstSeq} is the next
 * seq. The journal's first excerpt ({@code JournalStart}) and engine snapshots ({@code EngineSnapshot} parts,
 * which open each later cycle and may sit between two batches) are not batches and are never returned.
 * <ul>
 *   <li>{@link #indexOfSeq(long)}: the first batch whose end is after {@code seq}. For a retained seq that is
 *   the batch containing it; zero-event batches never match, since they contain nothing.</li>
 *   <li>{@link #indexAtOrAfterTime(long)}: the first batch whose {@code engineTime >= t}, ties to the first.
 *   This assumes engine time does not decrease in journal order. The engine stamps batches with the
 *   system's epoch clock ({@code SystemEpochNanoClock}): it does not go back while NTP slews, but it can
 *   step back (a manual or NTP step, a restart on a host whose clock is behind). Where it went back, the
 *   answer is a batch {@code B} with {@code engineTime(B) >= t} and the batch before {@code B} earlier than
 *   {@code t}, not necessarily the first such batch, and {@link #AFTER_END} means the last batch is earlier
 *   than {@code t}.</li>
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
    private static final int BY_VISIBILITY = 2;

    private static final int VISIBLE_BATCH = 0;
    private static final int NOT_A_BATCH = 1;
    private static final int INVISIBLE = 2;
    private static final int GONE = 3;

    /** Cycles kept mapped by default (see {@link #JournalIndex(Journal, int)}). */
    public static final int DEFAULT_MAPPED_CYCLES = 8;

    private final Journal journal;
    private final RollCycle rollCycle;
    private final long maxPerCycle;
    private final long spacing;
    private final int mappedCycles;
    private final ExcerptTailer[] tailers;
    private final int[] tailerCycle;
    private final long[] tailerLastUse;
    private long useClock;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    private int listedFirst = Integer.MAX_VALUE;
    private int listedLast = Integer.MIN_VALUE;
    private boolean relist = true;
    private int cycleCount;
    private int[] cycles = new int[0];
    private byte[] state = new byte[0];
    private long[] excerpts = new long[0];
    private boolean[] countFinal = new boolean[0];
    private boolean liveCounted;
    private long[] firstK = new long[0];
    private long[] firstSeq = new long[0];
    private long[] firstEnd = new long[0];
    private long[] firstTime = new long[0];

    private long probeFirstSeq;
    private long probeEnd;
    private long probeTime;
    private boolean probeSnapshot;
    private long foundIndex;
    private boolean answerVisible;
    private long journalId;
    private long probes;

    /**
     * Opens its own read-only view of the journal for lookups ({@link Journal#openForLookups}), closed by
     * {@link #close()}, keeping up to {@link #DEFAULT_MAPPED_CYCLES} cycles mapped.
     *
     * @param journal the journal to look up in (its directory and configuration).
     */
    public JournalIndex(final Journal journal)
    {
        this(journal, DEFAULT_MAPPED_CYCLES);
    }

    /**
     * @param journal      the journal to look up in (its directory and configuration).
     * @param mappedCycles how many cycles to keep mapped, each with its own tailer. Moving a tailer to another
     *                     cycle maps that cycle's file and builds a Chronicle store: about 0.1 ms and a few KB
     *                     of garbage. Lookups near the end (resumes) stay in the newest cycle; random lookups
     *                     over more cycles than this pay that once per lookup.
     */
    public JournalIndex(final Journal journal, final int mappedCycles)
    {
        if (mappedCycles < 1)
        {
            throw new IllegalArgumentException("mappedCycles must be at least 1, got " + mappedCycles);
        }
        this.mappedCycles = mappedCycles;
        this.tailers = new ExcerptTailer[mappedCycles];
        this.tailerCycle = new int[mappedCycles];
        this.tailerLastUse = new long[mappedCycles];
        this.journal = Journal.openForLookups(journal.config());
        this.rollCycle = journal.rollCycle();
        this.maxPerCycle = rollCycle.maxMessagesPerCycle();
        this.spacing = Math.max(1, rollCycle.defaultIndexSpacing());
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
        for (int t = 0; t < mappedCycles; t++)
        {
            if (tailers[t] != null)
            {
                tailers[t].close();
                tailers[t] = null;
            }
        }
        journal.close();
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
        final long position = search(i, mode, target, firstK[i] + 1, n);
        if (position < 0)
        {
            return RETRY;
        }
        if (position == n)
        {
            return NOT_IN_CYCLE;
        }
        return answerVisible ? position : AFTER_END;
    }

    /**
     * The first position {@code p} in {@code [lo, hi)} of cycle {@code i} whose key is {@code >= target},
     * for keys that do not decrease over the range (an excerpt not visible yet counts as +infinity, one that
     * is not a batch as -infinity). Chronicle's index has an entry every {@code indexSpacing} excerpts and
     * reaches the others by skipping headers forward from the entry before: the search probes entry
     * positions only (a binary search), then reads forward through at most one spacing.
     *
     * @return {@code p}, {@code hi} if there is none, or -1 if the cycle is gone. Sets {@link #answerVisible}.
     */
    private long search(final int i, final int mode, final long target, final long lo, final long hi)
    {
        final int cycle = cycles[i];
        final boolean live = i == cycleCount - 1;
        answerVisible = false;
        long blockLo = (lo + spacing - 1) / spacing;
        long blockHi = (hi + spacing - 1) / spacing;
        boolean blockAnswerVisible = false;
        while (blockLo < blockHi)
        {
            final long mid = (blockLo + blockHi) >>> 1;
            final int result = read(cycle, mid * spacing);
            if (result == GONE || (result == INVISIBLE && !live && mode != BY_VISIBILITY))
            {
                return -1;
            }
            if (key(result, mode) >= target)
            {
                blockHi = mid;
                blockAnswerVisible = result != INVISIBLE;
            }
            else
            {
                blockLo = mid + 1;
            }
        }
        // Every entry position before blockLo * spacing is below the target: the answer is after the last of
        // them, and at or before blockLo * spacing. Within one spacing, read forward: Chronicle reaches a
        // position between entries by skipping headers from the entry before, so a binary search there costs
        // more than reading the excerpts in order (measured: ~27 us against ~10 us per lookup, spacing 256).
        // Reading on past a sealed cycle's last excerpt rolls into the next cycle: readCurrent checks the index.
        final long aligned = blockLo * spacing;
        long low = Math.max(lo, aligned - spacing + 1);
        long high = Math.min(aligned, hi);
        answerVisible = blockAnswerVisible;
        if (low < high)
        {
            final ExcerptTailer tailer = tailerFor(cycle);
            probes++;
            boolean positioned = tailer.moveToIndex(rollCycle.toIndex(cycle, low));
            while (low < high)
            {
                final int result = positioned ? readCurrent(tailer, rollCycle.toIndex(cycle, low)) :
                    tailer.cycle() == cycle ? INVISIBLE : GONE;
                if (result == GONE || (result == INVISIBLE && !live && mode != BY_VISIBILITY))
                {
                    return -1;
                }
                if (key(result, mode) >= target)
                {
                    answerVisible = result != INVISIBLE;
                    return low;
                }
                low++;
                probes++;
                positioned = true;
            }
        }
        return low;
    }

    private long key(final int result, final int mode)
    {
        if (result == INVISIBLE)
        {
            return Long.MAX_VALUE;
        }
        if (result == NOT_A_BATCH && probeSnapshot && mode != BY_VISIBILITY)
        {
            // An engine snapshot between two batches: its seq is the end of the batch before it, its time that
            // batch's time, so keys stay in order and a search never stops on it (the batch before it ties).
            return mode == BY_END_SEQ ? probeEnd : probeTime;
        }
        if (result == NOT_A_BATCH || mode == BY_VISIBILITY)
        {
            return Long.MIN_VALUE;
        }
        return mode == BY_END_SEQ ? probeEnd : probeTime;
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
                if (result == GONE || (result == INVISIBLE && i != cycleCount - 1))
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
        for (long k = 0; k < maxPerCycle; k++)
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
            if (result == GONE)
            {
                return false;
            }
            if (result == INVISIBLE)
            {
                break;
            }
        }
        state[i] = EMPTY; // for the live cycle only until the next lookup (see begin)
        return true;
    }

    /**
     * The number of visible excerpts in cycle {@code i}: final for sealed cycles (found once), counted again
     * once per lookup for the live one, starting from the last count. Visibility is a prefix: a galloping
     * search over index-entry positions finds one without an excerpt, then {@link #search} finds the first.
     *
     * @return the count, or -1 if the cycle is gone.
     */
    private long count(final int i)
    {
        final boolean live = i == cycleCount - 1;
        if (countFinal[i] || (live && liveCounted))
        {
            return excerpts[i];
        }
        final long known = Math.max(excerpts[i], state[i] == HAS_BATCH ? firstK[i] + 1 : 0);
        long block = known / spacing + 1;
        long step = 1;
        final long maxBlock = (maxPerCycle - 1) / spacing;
        while (block <= maxBlock)
        {
            final int result = read(cycles[i], block * spacing);
            if (result == GONE)
            {
                return -1;
            }
            if (result == INVISIBLE)
            {
                break;
            }
            block += step;
            step <<= 1;
        }
        final long count = search(i, BY_VISIBILITY, Long.MAX_VALUE, known, Math.min(block * spacing, maxPerCycle));
        if (count < 0)
        {
            return -1;
        }
        excerpts[i] = count;
        if (live)
        {
            liveCounted = true;
        }
        else
        {
            countFinal[i] = true;
        }
        return count;
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
        liveCounted = false;
        if (cycleCount > 0 && state[cycleCount - 1] == EMPTY)
        {
            state[cycleCount - 1] = UNKNOWN;
        }
    }

    private void listCycles(final int first, final int last)
    {
        final int[] listed = journal.cycles();
        final int n = listed.length;
        final byte[] newState = new byte[n];
        final long[] newExcerpts = new long[n];
        final boolean[] newCountFinal = new boolean[n];
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
            final boolean known = o < cycleCount && cycles[o] == listed[i];
            // What was learnt of a cycle stays true, except of the old live cycle: its count was not final
            // (countFinal is false) and, if it had no batch, it may have got one since.
            newState[i] = !known || (state[o] == EMPTY && listed[i] == oldLive) ? UNKNOWN : state[o];
            newExcerpts[i] = known ? excerpts[o] : 0;
            newCountFinal[i] = known && countFinal[o];
            if (known)
            {
                newFirstK[i] = firstK[o];
                newFirstSeq[i] = firstSeq[o];
                newFirstEnd[i] = firstEnd[o];
                newFirstTime[i] = firstTime[o];
            }
        }
        for (int t = 0; t < mappedCycles; t++)
        {
            if (tailers[t] != null && (n == 0 || tailerCycle[t] < listed[0]))
            {
                tailers[t].close(); // its cycle was deleted: let go of the mapping
                tailers[t] = null;
            }
        }
        cycles = listed;
        cycleCount = n;
        state = newState;
        excerpts = newExcerpts;
        countFinal = newCountFinal;
        firstK = newFirstK;
        firstSeq = newFirstSeq;
        firstEnd = newFirstEnd;
        firstTime = newFirstTime;
        // What was listed, not what firstCycle()/lastCycle() said a moment before: the directory listing can lag a
        // roll (the new cycle's file not listed yet). Keeping the listing's own bounds makes the next begin() list
        // again until it includes the cycle lastCycle() reports, instead of missing that cycle's batches for good.
        listedFirst = n > 0 ? listed[0] : first;
        listedLast = n > 0 ? listed[n - 1] : last;
        relist = false;
    }

    // ------------------------------------------------------------------ excerpts

    /**
     * Reads excerpt {@code k} of {@code cycle}; for a batch, sets the probe fields.
     *
     * @return {@link #VISIBLE_BATCH}, {@link #NOT_A_BATCH}, {@link #INVISIBLE} (no such excerpt yet, or one
     * still being written) or {@link #GONE} (the cycle's file is gone).
     */
    private int read(final int cycle, final long k)
    {
        probes++;
        final ExcerptTailer tailer = tailerFor(cycle);
        if (!tailer.moveToIndex(rollCycle.toIndex(cycle, k)))
        {
            return tailer.cycle() == cycle ? INVISIBLE : GONE;
        }
        return readCurrent(tailer, rollCycle.toIndex(cycle, k));
    }

    private boolean readAt(final long index)
    {
        if (index < 0)
        {
            return false;
        }
        final ExcerptTailer tailer = tailerFor(rollCycle.toCycle(index));
        return tailer.moveToIndex(index) && readCurrent(tailer, index) == VISIBLE_BATCH;
    }

    /**
     * Reads the excerpt at the tailer's position, which should be {@code expected}. Reading on past the last
     * excerpt of a sealed cycle makes Chronicle roll the tailer into the next cycle: that counts as no
     * excerpt (and the tailer is noted to be on its new cycle).
     */
    private int readCurrent(final ExcerptTailer tailer, final long expected)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return INVISIBLE;
            }
            if (dc.index() != expected)
            {
                retag(tailer);
                return INVISIBLE;
            }
            final int length = JournalReader.wrap(dc, view);
            if (!BatchFields.isBatch(view, length))
            {
                probeSnapshot = BatchFields.isSnapshotPart(view, length);
                if (probeSnapshot)
                {
                    probeEnd = BatchFields.snapshotSeq(view);
                    probeTime = BatchFields.snapshotTime(view);
                }
                return NOT_A_BATCH;
            }
            probeFirstSeq = BatchFields.firstSeq(view);
            probeEnd = probeFirstSeq + BatchFields.eventCount(view);
            probeTime = BatchFields.engineTime(view);
            return VISIBLE_BATCH;
        }
    }

    private void retag(final ExcerptTailer tailer)
    {
        for (int t = 0; t < mappedCycles; t++)
        {
            if (tailers[t] == tailer)
            {
                tailerCycle[t] = tailer.cycle();
            }
        }
    }

    /**
     * @return the tailer on {@code cycle}, or the least recently used one (it will move there).
     */
    private ExcerptTailer tailerFor(final int cycle)
    {
        int slot = -1;
        for (int t = 0; t < mappedCycles; t++)
        {
            if (tailers[t] != null && tailerCycle[t] == cycle)
            {
                slot = t;
                break;
            }
        }
        if (slot < 0)
        {
            for (int t = 0; t < mappedCycles; t++)
            {
                if (tailers[t] == null)
                {
                    tailers[t] = journal.createTailer();
                    slot = t;
                    break;
                }
                if (slot < 0 || tailerLastUse[t] < tailerLastUse[slot])
                {
                    slot = t;
                }
            }
            tailerCycle[slot] = cycle;
        }
        tailerLastUse[slot] = ++useClock;
        return tailers[slot];
    }

    private static IllegalStateException cyclesKeepChanging()
    {
        return new IllegalStateException("journal cycles kept changing during the lookup (files deleted?)");
    }
}
