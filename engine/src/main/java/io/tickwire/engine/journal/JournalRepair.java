package io.tickwire.engine.journal;

import io.tickwire.codecs.BatchReader;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.JournalStartDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.EngineSnapshots;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Start-up check of the journal's last cycle file, and its repair when that file was cut short (a copy or a
 * file system that lost its end, a disk that filled while the file grew).
 * <p>
 * Chronicle extends a short cycle file with zeros when it opens it for writing, so the cut becomes a run of
 * zeros: an excerpt cut in the middle reads as its first bytes followed by zeros, and Chronicle's own index
 * and write position still point past the cut (its appends would land beyond a hole no reader crosses). The
 * last cycle is <em>damaged</em> when any of these holds: an excerpt of it ends beyond the file's size as
 * found before opening, an excerpt does not frame as a Tickwire record (a {@code JournalStart}, a batch
 * whose messages exactly fill it, or an {@code EngineSnapshot} part whose state data exactly fills it),
 * Chronicle's last index is not the last whole excerpt read, or Chronicle
 * fails reading it. A damaged last cycle is rewritten with its whole excerpts only (same cycle, same
 * Chronicle indices), and the damaged file is kept beside it as {@code <name>.damaged-<epoch millis>}
 * (Chronicle ignores it). The engine then recovers from the repaired journal as usual, which checks every
 * batch again by re-executing it. Only the last cycle is ever repaired: damage anywhere else, or a last cycle
 * holding the journal's only {@code JournalStart} with nothing whole left, is refused.
 */
public final class JournalRepair
{
    /** Directory (inside the journal directory) where the repaired cycle is built before it is moved in. */
    static final String WORK_DIRECTORY = ".tickwire-repair";

    /**
     * What the check found and did.
     *
     * @param repaired     true if the last cycle was damaged and has been rewritten (or removed).
     * @param cycle        the last cycle (0 if the journal has none).
     * @param keptExcerpts whole excerpts of the last cycle kept.
     * @param sizeBefore   the last cycle file's size in bytes before the check.
     * @param damagedFile  where the damaged file was moved, or null.
     * @param reason       why the cycle was judged damaged, or null.
     */
    public record Result(
        boolean repaired, int cycle, long keptExcerpts, long sizeBefore, Path damagedFile, String reason)
    {
    }

    private record Scan(long wholeExcerpts, long lastWholeIndex, String damage)
    {
    }

    private JournalRepair()
    {
    }

    /**
     * Checks the last cycle file of the (writable) journal described by {@code config} and repairs it if it
     * is damaged. Call before the journal is opened for writing; no other process may have it open.
     *
     * @throws IllegalStateException if the damage cannot be repaired without losing the journal's identity.
     */
    public static Result repairTail(final JournalConfig config)
    {
        return repairTail(config, lastCycleFileSize(config.directory()));
    }

    /**
     * As {@link #repairTail(JournalConfig)}, with the last cycle file's size measured earlier: opening the
     * journal for writing extends a short file, so measure before anything opens it.
     *
     * @param sizeBefore the size of the last cycle file before the journal was first opened.
     */
    public static Result repairTail(final JournalConfig config, final long sizeBefore)
    {
        final Path dir = config.directory();
        final Path lastFile = lastCycleFile(dir);
        if (lastFile == null)
        {
            return new Result(false, 0, 0, 0, null, null);
        }
        final int cycle;
        final Scan scan;
        final RollCycle rollCycle;
        final long epoch;
        final boolean onlyCycle;
        try (Journal journal = Journal.open(config))
        {
            rollCycle = journal.rollCycle();
            epoch = journal.epoch();
            cycle = journal.lastCycle();
            final Path file = journal.cycleFile(cycle);
            if (file == null || !file.getFileName().equals(lastFile.getFileName()))
            {
                throw new IllegalStateException("journal at " + dir + ": last cycle file " + lastFile.getFileName() +
                    " is not the last cycle Chronicle lists (" + file + ")");
            }
            onlyCycle = journal.firstCycle() == cycle;
            scan = scan(journal, cycle, sizeBefore);
        }
        if (scan.damage() == null)
        {
            return new Result(false, cycle, scan.wholeExcerpts(), sizeBefore, null, null);
        }
        if (scan.wholeExcerpts() == 0 && onlyCycle)
        {
            throw new IllegalStateException("journal at " + dir + ": its only cycle file " + lastFile.getFileName() +
                " is damaged before its first whole record (" + scan.damage() + "); nothing can be recovered: " +
                "move the journal directory away to start a new journal");
        }
        final Path damaged = replaceLastCycle(config, lastFile, rollCycle, epoch, cycle, scan.wholeExcerpts());
        return new Result(true, cycle, scan.wholeExcerpts(), sizeBefore, damaged, scan.damage());
    }

    /**
     * Removes the journal's last record (the last cycle file is rewritten without it; the old file is kept
     * as {@code <name>.damaged-<epoch millis>}). Used when recovery finds that record torn.
     *
     * @param reason why, for the result.
     */
    public static Result dropLastRecord(final JournalConfig config, final String reason)
    {
        final Path lastFile = lastCycleFile(config.directory());
        if (lastFile == null)
        {
            throw new IllegalStateException("journal at " + config.directory() + " has no cycle file");
        }
        final long sizeBefore = size(lastFile);
        final RollCycle rollCycle;
        final long epoch;
        final int cycle;
        final Scan scan;
        try (Journal journal = Journal.open(config))
        {
            rollCycle = journal.rollCycle();
            epoch = journal.epoch();
            cycle = journal.lastCycle();
            scan = scan(journal, cycle, sizeBefore);
            if (journal.firstCycle() == cycle && scan.wholeExcerpts() <= 1)
            {
                throw new IllegalStateException("journal at " + config.directory() + " holds no record to drop");
            }
        }
        if (scan.damage() != null)
        {
            throw new IllegalStateException("journal at " + config.directory() + " is damaged: " + scan.damage());
        }
        final long keep = scan.wholeExcerpts() - 1;
        final Path damaged = replaceLastCycle(config, lastFile, rollCycle, epoch, cycle, keep);
        return new Result(true, cycle, keep, sizeBefore, damaged, reason);
    }

    private static Path replaceLastCycle(
        final JournalConfig config,
        final Path lastFile,
        final RollCycle rollCycle,
        final long epoch,
        final int cycle,
        final long keep)
    {
        final Path dir = config.directory();
        final Path damaged = dir.resolve(lastFile.getFileName() + ".damaged-" + System.currentTimeMillis());
        try
        {
            if (keep > 0)
            {
                final Path work = dir.resolve(WORK_DIRECTORY);
                deleteTree(work);
                final Path rebuilt = rewrite(config, work, rollCycle, epoch, cycle, keep);
                if (!rebuilt.getFileName().equals(lastFile.getFileName()))
                {
                    throw new IllegalStateException("repair of " + lastFile + " produced " + rebuilt.getFileName());
                }
                Files.move(lastFile, damaged, StandardCopyOption.ATOMIC_MOVE);
                Files.move(rebuilt, lastFile, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(work);
            }
            else
            {
                Files.move(lastFile, damaged, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("repairing " + lastFile, ex);
        }
        try (Journal journal = Journal.open(config))
        {
            journal.refreshDirectoryListing();
            final int newLast = journal.lastCycle();
            final Scan again = scan(journal, newLast, size(journal.cycleFile(newLast)));
            if (again.damage() != null)
            {
                throw new IllegalStateException("journal at " + dir + " is still damaged after repair: " +
                    again.damage());
            }
        }
        return damaged;
    }

    private static Scan scan(final Journal journal, final int cycle, final long fileSize)
    {
        final RollCycle rollCycle = journal.rollCycle();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final BatchReader batchReader = new BatchReader();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        long whole = 0;
        long lastWhole = -1;
        String damage = null;
        try (ExcerptTailer tailer = journal.createTailer())
        {
            if (tailer.moveToIndex(rollCycle.toIndex(cycle, 0)))
            {
                while (damage == null)
                {
                    try (DocumentContext dc = tailer.readingDocument())
                    {
                        if (!dc.isPresent() || rollCycle.toCycle(dc.index()) != cycle)
                        {
                            break;
                        }
                        final Bytes<?> bytes = dc.wire().bytes();
                        final long end = bytes.readLimit();
                        final int length = JournalReader.wrap(dc, view);
                        if (end > fileSize)
                        {
                            damage = "record " + whole + " ends at byte " + end + ", beyond the file's " +
                                fileSize + " bytes";
                        }
                        else
                        {
                            damage = frameError(view, length, header, batchReader);
                            if (damage != null)
                            {
                                damage = "record " + whole + ": " + damage;
                            }
                        }
                        if (damage == null)
                        {
                            whole++;
                            lastWhole = dc.index();
                        }
                    }
                }
            }
            if (damage == null)
            {
                final long chronicleLast = journal.lastIndex();
                final boolean lastInCycle = chronicleLast >= 0 && rollCycle.toCycle(chronicleLast) == cycle;
                if (whole > 0 ? chronicleLast != lastWhole : lastInCycle)
                {
                    damage = "Chronicle's last index " + Long.toHexString(chronicleLast) +
                        " is not the last whole record " + Long.toHexString(lastWhole);
                }
            }
        }
        catch (final RuntimeException | InternalError | AssertionError ex)
        {
            // Chronicle throws (or asserts, with -ea) on index structures that point past the cut
            damage = "reading fails after " + whole + " records: " + ex;
        }
        return new Scan(whole, lastWhole, damage);
    }

    private static String frameError(
        final UnsafeBuffer view, final int length, final MessageHeaderDecoder header, final BatchReader batchReader)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return "only " + length + " bytes";
        }
        header.wrap(view, 0);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return "schema id " + header.schemaId();
        }
        if (header.templateId() == JournalStartDecoder.TEMPLATE_ID)
        {
            return MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() == length ? null :
                "JournalStart of " + length + " bytes";
        }
        if (EngineSnapshots.isSnapshotPart(view, length))
        {
            return EngineSnapshots.frameError(view, length);
        }
        if (header.templateId() != BatchHeaderDecoder.TEMPLATE_ID)
        {
            return "template " + header.templateId();
        }
        try
        {
            batchReader.read(view, 0, length, (templateId, buffer, offset, blockLength, version) -> { });
            return null;
        }
        catch (final BatchReader.MalformedBatchException ex)
        {
            return ex.getMessage();
        }
    }

    private static Path rewrite(
        final JournalConfig config,
        final Path work,
        final RollCycle rollCycle,
        final long epoch,
        final int cycle,
        final long excerpts)
    {
        final long millis = epoch + (long)cycle * rollCycle.lengthInMillis() + rollCycle.lengthInMillis() / 2;
        final JournalConfig workConfig = new JournalConfig(
            work, rollCycle, SyncMode.NONE, new SetTimeProvider(TimeUnit.MILLISECONDS.toNanos(millis)), false);
        final JournalConfig source = config.asReadOnly();
        try (Journal from = Journal.open(source);
            Journal to = Journal.open(workConfig);
            ExcerptTailer tailer = from.createTailer();
            JournalWriter writer = to.createWriter())
        {
            if (!tailer.moveToIndex(rollCycle.toIndex(cycle, 0)))
            {
                throw new IllegalStateException("cannot reread cycle " + cycle);
            }
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            ByteBuffer copy = ByteBuffer.allocateDirect(64 * 1024);
            writer.source(copy);
            for (long i = 0; i < excerpts; i++)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        throw new IllegalStateException("record " + i + " of cycle " + cycle + " vanished on reread");
                    }
                    final int length = JournalReader.wrap(dc, view);
                    if (length > copy.capacity())
                    {
                        copy = ByteBuffer.allocateDirect(Integer.highestOneBit(length) << 1);
                        writer.source(copy);
                    }
                    view.getBytes(0, copy, 0, length);
                    final long index = writer.append(length);
                    if (index != rollCycle.toIndex(cycle, i))
                    {
                        throw new IllegalStateException("repair wrote record " + i + " at index " +
                            Long.toHexString(index) + ", not in cycle " + cycle);
                    }
                }
            }
            return to.cycleFile(cycle);
        }
    }

    /**
     * @return the newest {@code .cq4} file of {@code dir} (Chronicle's cycle file names sort by time), or null.
     */
    public static Path lastCycleFile(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return null;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4") && Files.isRegularFile(p))
                .max(Comparator.comparing(p -> p.getFileName().toString()))
                .orElse(null);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("listing " + dir, ex);
        }
    }

    /**
     * @return the size of the newest cycle file of {@code dir}, or -1 if it has none.
     */
    public static long lastCycleFileSize(final Path dir)
    {
        final Path file = lastCycleFile(dir);
        return file == null ? -1 : size(file);
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("size of " + file, ex);
        }
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }
}
