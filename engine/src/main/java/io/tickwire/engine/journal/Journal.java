package io.tickwire.engine.journal;

import io.tickwire.codecs.sbe.EngineSnapshotDecoder;
import io.tickwire.codecs.sbe.JournalStartDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableSet;
import java.util.concurrent.locks.LockSupport;

/**
 * The Chronicle Queue journal: one excerpt per batch (see docs/architecture.md). Thread-safe to open
 * readers from any thread; the single writer is {@link JournalWriter}, created once by the engine.
 * <p>
 * Chronicle must never phone home: every Tickwire JVM runs with {@code -Dchronicle.analytics.disable=true};
 * this class also sets it before the first queue is built, for embedders who forgot.
 */
public final class Journal implements AutoCloseable
{
    static
    {
        if (System.getProperty("chronicle.analytics.disable") == null)
        {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        if (System.getProperty("chronicle.announcer.disable") == null)
        {
            System.setProperty("chronicle.announcer.disable", "true");
        }
    }

    private static final long LOOKUP_BLOCK_SIZE = 1L << 30;

    private final JournalConfig config;
    private final SingleChronicleQueue queue;

    private Journal(final JournalConfig config, final SingleChronicleQueue queue)
    {
        this.config = config;
        this.queue = queue;
    }

    /**
     * Opens (or, unless read-only, creates) the journal at {@code config.directory()}.
     *
     * @throws IllegalArgumentException if a read-only journal directory does not exist or is not a
     *                                  directory.
     */
    public static Journal open(final JournalConfig config)
    {
        return open(config, 0);
    }

    /**
     * Opens the journal read-only for random access (lookups by seq or time), mapping its files in 1 GiB
     * chunks. Chronicle maps a file in chunks (64 MiB by default) and a tailer holds one at a time, so a
     * search that jumps between an index entry and excerpts far apart remaps at nearly every probe (an mmap,
     * tens of microseconds and garbage); with one chunk per file a probe is a few hundred nanoseconds and
     * allocates nothing. The chunks are address space only: pages are read on demand.
     *
     * @throws IllegalArgumentException if the journal directory does not exist.
     */
    public static Journal openForLookups(final JournalConfig config)
    {
        return open(config.asReadOnly(), LOOKUP_BLOCK_SIZE);
    }

    private static Journal open(final JournalConfig config, final long blockSize)
    {
        final Path dir = config.directory();
        if (config.readOnly())
        {
            if (!Files.isDirectory(dir))
            {
                throw new IllegalArgumentException("no journal at " + dir + " (not a directory)");
            }
        }
        else
        {
            try
            {
                Files.createDirectories(dir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot create journal directory " + dir, ex);
            }
        }
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir)
            .rollCycle(config.rollCycle())
            .syncMode(config.syncMode())
            .readOnly(config.readOnly());
        if (config.timeProvider() != null)
        {
            builder.timeProvider(config.timeProvider());
        }
        if (blockSize > 0)
        {
            builder.blockSize(blockSize);
        }
        return new Journal(config, builder.build());
    }

    public JournalConfig config()
    {
        return config;
    }

    public RollCycle rollCycle()
    {
        return queue.rollCycle();
    }

    /**
     * @return a new tailer at the start of the journal. Use on one thread only.
     */
    public ExcerptTailer createTailer()
    {
        return queue.createTailer();
    }

    /**
     * @return the journal's writer. Call once, from the thread that will write.
     */
    public JournalWriter createWriter()
    {
        return new JournalWriter(queue.createAppender());
    }

    /**
     * @param aheadBytes how far beyond the writer's position to keep the journal's pages touched.
     * @return a pretoucher of this journal's files (see {@link JournalPretoucher}), to run on a thread of its own;
     * close its runner before this journal.
     * @throws IllegalStateException if the journal is read-only.
     */
    public JournalPretoucher createPretoucher(final long aheadBytes)
    {
        if (config.readOnly())
        {
            throw new IllegalStateException("a read-only journal has no writer to pretouch for");
        }
        return new JournalPretoucher(queue, config.directory(), aheadBytes);
    }

    /**
     * @return the Chronicle index of the last excerpt, or -1 when empty.
     */
    public long lastIndex()
    {
        final long last = queue.lastIndex();
        return last < 0 ? -1 : last;
    }

    /**
     * @return the roll cycles that have a file, oldest first (empty when the journal has none). Lists the
     * directory: call it when the cycles may have changed (a roll, a deletion), not per read.
     */
    public int[] cycles()
    {
        for (int attempt = 0; ; attempt++)
        {
            final int first = queue.firstCycle();
            final int last = queue.lastCycle();
            if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first > last)
            {
                return new int[0];
            }
            try
            {
                final NavigableSet<Long> listed = queue.listCyclesBetween(first, last);
                final int[] cycles = new int[listed.size()];
                int i = 0;
                for (final Long cycle : listed)
                {
                    cycles[i++] = cycle.intValue();
                }
                return cycles;
            }
            catch (final IllegalStateException ex)
            {
                // Chronicle throws when the first or last cycle file is gone: deleted (retention) since the
                // directory listing was read. List again, a few times.
                if (attempt >= 3)
                {
                    throw ex;
                }
                if (!config.readOnly())
                {
                    queue.refreshDirectoryListing();
                }
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }

    /**
     * @return the oldest cycle with a file per the shared directory listing, {@code Integer.MAX_VALUE} when
     * there is none. Cheap (no directory listing): use it to notice a change.
     */
    public int firstCycle()
    {
        return queue.firstCycle();
    }

    /**
     * @return the newest cycle with a file per the shared directory listing, {@code Integer.MIN_VALUE} when
     * there is none. Cheap (no directory listing): use it to notice a change.
     */
    public int lastCycle()
    {
        return queue.lastCycle();
    }

    /**
     * @return the journal's epoch: the time (epoch millis) cycle 0 starts at.
     */
    public long epoch()
    {
        return queue.epoch();
    }

    /**
     * @return the cycle the journal's clock is in now (where an append would go).
     */
    public int currentCycle()
    {
        return queue.cycle();
    }

    /**
     * @return the file holding {@code cycle}, or null if it has none.
     */
    public Path cycleFile(final int cycle)
    {
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null)
        {
            return null;
        }
        try
        {
            return store.file().toPath();
        }
        finally
        {
            queue.closeStore(store);
        }
    }

    /**
     * Lists the directory again and publishes the oldest and newest cycle to every process that has the
     * journal open: call after deleting cycle files. Writable journals only.
     */
    public void refreshDirectoryListing()
    {
        if (config.readOnly())
        {
            throw new IllegalStateException("a read-only journal cannot refresh the shared directory listing");
        }
        queue.refreshDirectoryListing();
    }

    /**
     * @return the journal identity from its first excerpt: its {@code JournalStart}, or, when retention deleted
     * the cycle holding that, the engine snapshot that starts every later cycle; 0 if the journal is empty or
     * starts with neither.
     */
    public long readJournalId()
    {
        final ExcerptTailer tailer = queue.createTailer();
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return 0;
            }
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            final int length = JournalReader.wrap(dc, view);
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            if (length < MessageHeaderDecoder.ENCODED_LENGTH + JournalStartDecoder.BLOCK_LENGTH)
            {
                return 0;
            }
            header.wrap(view, 0);
            if (header.schemaId() == EngineSnapshotDecoder.SCHEMA_ID &&
                header.templateId() == EngineSnapshotDecoder.TEMPLATE_ID &&
                length >= MessageHeaderDecoder.ENCODED_LENGTH + EngineSnapshotDecoder.BLOCK_LENGTH)
            {
                final EngineSnapshotDecoder snapshot = new EngineSnapshotDecoder();
                snapshot.wrapAndApplyHeader(view, 0, header);
                return snapshot.journalId();
            }
            if (header.schemaId() != JournalStartDecoder.SCHEMA_ID || header.templateId() != JournalStartDecoder.TEMPLATE_ID)
            {
                return 0;
            }
            final JournalStartDecoder start = new JournalStartDecoder();
            start.wrapAndApplyHeader(view, 0, header);
            return start.journalId();
        }
    }

    @Override
    public void close()
    {
        queue.close();
    }
}
