package io.tickwire.engine.journal;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Touches the journal's pages ahead of the writer, on a thread of its own, so that the writer finds them mapped:
 * the first write to a fresh page of a memory-mapped file is a page fault (the kernel allocates and zeroes the
 * page, on ext4 also reserves its block): on tmpfs a few microseconds every ~22 batches of 180 bytes, on ext4 with
 * large folios rarer but hundreds of microseconds each; and the mapping of each new 64 MiB chunk of the file is an
 * mmap call. Open-source Chronicle Queue has no
 * pretoucher (its {@code ExcerptAppender.pretouch()} is an enterprise feature), so this is Tickwire's.
 * <p>
 * Each duty cycle reads the current cycle file's write position (the last excerpt's header, published by the
 * writer) and touches every page from the one after it up to {@code aheadBytes} beyond it that it has not touched
 * yet: an atomic compare-and-set of the page's first 8 bytes from 0 to 0, through a mapping of the same file
 * shared with the writer (Chronicle maps each chunk of a file once per queue and shares it). The compare-and-set
 * never changes a byte: the pages ahead of the writer are zero, and where the writer got there first the value is
 * not 0 and nothing is written; it only makes the kernel map the page writable, as Chronicle's own (enterprise)
 * pretoucher does. The writer stays the only thread that writes the journal's content.
 * <p>
 * It never creates a cycle file: after a roll it starts on the new cycle once the writer has created it. A touched
 * page takes space on the file system (tmpfs allocates it, ext4 reserves its block), and touching a page the file
 * system has no room for faults: so it touches nothing while the journal's file system has less than
 * {@value #MIN_FREE_BYTES} bytes plus {@code aheadBytes} free (read about every {@value #FREE_CHECK_INTERVAL_NS} ns
 * while it has pages to touch), and if a touch throws anyway it prints one line and touches nothing more (the
 * engine is not affected: it only loses the pretouching).
 * Not thread-safe: run it on one thread (an Agrona {@code AgentRunner}), and close its runner before the journal.
 */
public final class JournalPretoucher implements Agent
{
    /** Most pages touched in one duty cycle, so that a close is noticed soon (1 MiB of 4 KiB pages). */
    static final int MAX_PAGES_PER_DUTY_CYCLE = 256;
    /** How often the file of a new cycle is looked for while the writer has not created it yet. */
    static final long STORE_LOOKUP_INTERVAL_NS = 10_000_000L;
    /** Free space (besides {@code aheadBytes}) below which nothing is touched: the engine's default pause bound. */
    public static final long MIN_FREE_BYTES = 64L * 1024 * 1024;
    /** How often the free space is read while there are pages to touch. */
    static final long FREE_CHECK_INTERVAL_NS = 10_000_000L;

    private final SingleChronicleQueue queue;
    private final long aheadBytes;
    private final long pageSize;
    private final FileStore fileStore;
    private final long minFreeBytes;
    private long nextFreeCheckNanos;
    private boolean roomToTouch;
    private boolean failed;
    private int cycle = Integer.MIN_VALUE;
    private SingleChronicleQueueStore store;
    private MappedBytes bytes;
    private long touchedTo;
    private long nextLookupNanos;
    private volatile long pagesTouched;
    private volatile int touchedCycle = Integer.MIN_VALUE;
    private volatile long pagesLate;

    JournalPretoucher(final SingleChronicleQueue queue, final Path directory, final long aheadBytes)
    {
        if (aheadBytes <= 0)
        {
            throw new IllegalArgumentException("aheadBytes must be positive: " + aheadBytes);
        }
        this.queue = queue;
        this.aheadBytes = aheadBytes;
        this.pageSize = OS.pageSize();
        this.minFreeBytes = MIN_FREE_BYTES + aheadBytes;
        try
        {
            this.fileStore = Files.getFileStore(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot find the file system of the journal " + directory, ex);
        }
    }

    /**
     * @return the idle strategy for its thread: sleep 1 ms when there is nothing to touch (about 1,000 wake-ups a
     * second). What keeps it ahead is {@code aheadBytes} over the writer's rate: at 8 MiB and 36 MB/s (200,000
     * batches a second) the thread may be kept off a core for over 200 ms before the writer catches up.
     */
    public static IdleStrategy idleStrategy()
    {
        return new SleepingMillisIdleStrategy(1);
    }

    @Override
    public int doWork()
    {
        if (failed)
        {
            return 0;
        }
        final int now = queue.cycle();
        if ((now != cycle || store == null) && !openCycle(now))
        {
            return 0;
        }
        final long writePosition = store.writePosition();
        final long firstPage = (writePosition | (pageSize - 1)) + 1;
        if (touchedTo < firstPage)
        {
            if (touchedTo != 0)
            {
                pagesLate += (firstPage - touchedTo) / pageSize;
            }
            touchedTo = firstPage;
        }
        final long end = Math.min(writePosition + aheadBytes, touchedTo + MAX_PAGES_PER_DUTY_CYCLE * pageSize);
        if (touchedTo >= end || !roomToTouch())
        {
            return 0;
        }
        int touched = 0;
        long page = touchedTo;
        try
        {
            while (page < end)
            {
                bytes.compareAndSwapLong(page, 0L, 0L);
                page += pageSize;
                touched++;
            }
        }
        catch (final RuntimeException | InternalError ex)
        {
            failed = true;
            System.err.println("tickwire journal pretoucher: stopped (the engine goes on without it): " + ex);
            release();
        }
        touchedTo = page;
        if (touched > 0)
        {
            pagesTouched += touched;
            touchedCycle = cycle;
        }
        return touched;
    }

    private boolean roomToTouch()
    {
        final long nanos = System.nanoTime();
        if (nanos - nextFreeCheckNanos >= 0)
        {
            nextFreeCheckNanos = nanos + FREE_CHECK_INTERVAL_NS;
            try
            {
                roomToTouch = fileStore.getUsableSpace() >= minFreeBytes;
            }
            catch (final IOException ex)
            {
                roomToTouch = false;
            }
        }
        return roomToTouch;
    }

    private boolean openCycle(final int now)
    {
        final long nanos = System.nanoTime();
        if (store == null && now == cycle && nanos - nextLookupNanos < 0)
        {
            return false;
        }
        release();
        cycle = now;
        nextLookupNanos = nanos + STORE_LOOKUP_INTERVAL_NS;
        store = queue.storeForCycle(now, queue.epoch(), false, null);
        if (store == null)
        {
            return false;
        }
        bytes = store.bytes();
        touchedTo = 0;
        return true;
    }

    /**
     * @return pages touched so far (any thread).
     */
    public long pagesTouched()
    {
        return pagesTouched;
    }

    /**
     * @return the roll cycle of the last page touched, {@code Integer.MIN_VALUE} before the first (any thread).
     */
    public int touchedCycle()
    {
        return touchedCycle;
    }

    /**
     * @return pages the writer reached before they were touched (any thread): non-zero when the pretoucher falls
     * behind (a burst faster than it runs, or its thread not getting a core).
     */
    public long pagesLate()
    {
        return pagesLate;
    }

    @Override
    public void onClose()
    {
        release();
    }

    private void release()
    {
        if (bytes != null)
        {
            bytes.releaseLast();
            bytes = null;
        }
        if (store != null)
        {
            queue.closeStore(store);
            store = null;
        }
    }

    @Override
    public String roleName()
    {
        return "tickwire-journal-pretoucher";
    }
}
