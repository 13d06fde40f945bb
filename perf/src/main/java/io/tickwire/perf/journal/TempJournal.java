package io.tickwire.perf.journal;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A journal in a fresh temporary directory, deleted on {@link #close()}.
 */
public final class TempJournal implements AutoCloseable
{
    private final Path directory;
    private final Journal journal;

    private TempJournal(final Path directory, final Journal journal)
    {
        this.directory = directory;
        this.journal = journal;
    }

    /**
     * @param base   the parent directory, or {@code "tmpdir"} for {@code java.io.tmpdir}.
     * @param prefix the directory name's prefix.
     */
    public static TempJournal create(final String base, final String prefix)
    {
        try
        {
            final Path parent = Paths.get("tmpdir".equals(base) ? System.getProperty("java.io.tmpdir") : base);
            final Path dir = Files.createTempDirectory(parent, prefix);
            return new TempJournal(dir, Journal.open(JournalConfig.of(dir)));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    public Journal journal()
    {
        return journal;
    }

    public Path directory()
    {
        return directory;
    }

    @Override
    public void close()
    {
        journal.close();
        deleteRecursively(directory);
    }

    public static void deleteRecursively(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p ->
            {
                try
                {
                    Files.delete(p);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
