package io.tickwire.engine.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Counts the records in a journal directory's cycle files by reading their document headers directly, without
 * Chronicle's directory listing, index or tailers: an independent witness for the start-up check that a journal
 * the engine is about to start at seq 1 really is empty (docs/reliability.md, "Never a fresh start on a journal
 * with records").
 * <p>
 * A Chronicle cycle file is a sequence of documents, each a little-endian 32-bit header (length in the low 30
 * bits, bit 30 set for metadata, bit 31 set while the write is not complete) followed by its bytes; a header of 0
 * is where nothing was written yet. Metadata (the store header, index arrays, padding) is skipped; a document
 * still marked not complete (a write cut by a kill, or Chronicle's end-of-file marker) ends the walk of that file,
 * as it ends every reader's.
 */
public final class CycleFiles
{
    static final int NOT_COMPLETE = 0x8000_0000;
    static final int META_DATA = 0x4000_0000;
    static final int LENGTH_MASK = 0x3FFF_FFFF;

    private CycleFiles()
    {
    }

    /**
     * @param dir       a journal directory (a missing one has no records).
     * @param stopAfter stop counting once more than this many records were found (the check only needs to know
     *                  whether there are more than it read).
     * @return the whole (complete, non-metadata) documents in the {@code .cq4} files of {@code dir}, at most
     * {@code stopAfter + 1}.
     */
    public static long countRecords(final Path dir, final long stopAfter)
    {
        long count = 0;
        for (final Path file : cycleFiles(dir))
        {
            count += countRecordsOf(file, stopAfter + 1 - count);
            if (count > stopAfter)
            {
                break;
            }
        }
        return count;
    }

    /**
     * @return the {@code .cq4} files of {@code dir}, and the cycle files Chronicle renamed aside
     * ({@code <name>.cq4-<millis>.discard}: an appender that cannot acquire a cycle file's header in time renames it
     * and starts that cycle afresh, so its records are no longer read); regular files only, empty if the directory
     * does not exist. The {@code .damaged-*} files kept by {@link JournalRepair} are not counted: the whole records
     * of a damaged file are in its repaired copy.
     */
    public static List<Path> cycleFiles(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> isCycleFile(p.getFileName().toString()) && Files.isRegularFile(p))
                .sorted()
                .toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("listing " + dir, ex);
        }
    }

    private static boolean isCycleFile(final String name)
    {
        return name.endsWith(".cq4") || (name.endsWith(".discard") && name.contains(".cq4-"));
    }

    private static long countRecordsOf(final Path file, final long limit)
    {
        final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        long count = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            long position = 0;
            while (count < limit && position + 4 <= size)
            {
                header.clear();
                while (header.hasRemaining())
                {
                    if (channel.read(header, position + header.position()) < 0)
                    {
                        return count;
                    }
                }
                final int value = header.getInt(0);
                if (value == 0 || (value & NOT_COMPLETE) != 0)
                {
                    return count;
                }
                final long end = position + 4 + (value & LENGTH_MASK);
                if (end > size)
                {
                    return count;
                }
                if ((value & META_DATA) == 0)
                {
                    count++;
                }
                position = (end + 3) & ~3L;
            }
            return count;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading " + file, ex);
        }
    }
}
