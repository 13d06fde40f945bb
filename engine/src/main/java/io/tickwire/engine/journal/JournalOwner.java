package io.tickwire.engine.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * The owner record of a journal: which engine instance writes it, and the identity of the journal it was
 * written for. Kept in {@value #FILE_NAME} in the journal directory (Chronicle only looks at {@code .cq4}
 * files there), written atomically when an engine creates or takes over the journal. An engine refuses a
 * journal whose record names another instance, names another journal id (cycle files of one journal next to
 * the record of another), or is missing on a journal that holds batches, unless it is told to take it over.
 *
 * @param instance  the engine instance name.
 * @param journalId the {@code JournalStart} id of the journal.
 */
public record JournalOwner(String instance, long journalId)
{
    /** File name of the owner record in the journal directory. */
    public static final String FILE_NAME = "tickwire-owner.properties";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * @return {@code name} if it is a valid instance name.
     * @throws IllegalArgumentException if it is not.
     */
    public static String checkInstanceName(final String name)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException(
                "instance name must be 1 to 64 characters of A-Z a-z 0-9 . _ - , got '" + name + "'");
        }
        return name;
    }

    /**
     * @return the owner record of the journal at {@code directory}, or null if it has none.
     * @throws IllegalStateException if the record exists but cannot be parsed.
     */
    public static JournalOwner read(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            return null;
        }
        String instance = null;
        long journalId = 0;
        try
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                if (line.startsWith("instance="))
                {
                    instance = line.substring("instance=".length()).trim();
                }
                else if (line.startsWith("journalId="))
                {
                    journalId = Long.parseUnsignedLong(line.substring("journalId=".length()).trim(), 16);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalStateException("unreadable owner record " + file + ": " + ex.getMessage(), ex);
        }
        if (instance == null || journalId == 0)
        {
            throw new IllegalStateException("unreadable owner record " + file + ": needs instance= and journalId=");
        }
        return new JournalOwner(instance, journalId);
    }

    /**
     * Writes this record into {@code directory} atomically (a temporary file, then a rename).
     */
    public void write(final Path directory)
    {
        final Path file = directory.resolve(FILE_NAME);
        final Path temp = directory.resolve(FILE_NAME + ".tmp");
        final String text = "# Tickwire journal owner: the engine instance that writes this journal (docs/reliability.md)\n" +
            "instance=" + instance + "\n" +
            "journalId=" + Long.toHexString(journalId) + "\n";
        try
        {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }
}
