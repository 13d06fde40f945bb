package io.tickwire.engine.journal;

import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how the journal is kept.
 *
 * @param directory    the Chronicle Queue directory (created if missing).
 * @param rollCycle    how often a new journal file starts. Default {@code FAST_HOURLY}: 2^32-ish excerpts
 *                     per hour, far above any engine rate (see docs/operations.md for capacities).
 * @param syncMode     whether appends are forced to disk: {@code NONE} (default: survives a process crash
 *                     via the page cache, not an OS crash), {@code ASYNC} or {@code SYNC}.
 * @param timeProvider the clock Chronicle uses to pick the roll cycle (tests roll on demand); null for the
 *                     system clock.
 * @param readOnly     open for reading only (dump, replay): never creates or modifies files.
 */
public record JournalConfig(
    Path directory, RollCycle rollCycle, SyncMode syncMode, TimeProvider timeProvider, boolean readOnly)
{
    public JournalConfig
    {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(rollCycle, "rollCycle");
        Objects.requireNonNull(syncMode, "syncMode");
    }

    public static JournalConfig of(final Path directory)
    {
        return new JournalConfig(directory, RollCycles.FAST_HOURLY, SyncMode.NONE, null, false);
    }

    public JournalConfig withRollCycle(final RollCycle cycle)
    {
        return new JournalConfig(directory, cycle, syncMode, timeProvider, readOnly);
    }

    public JournalConfig withSyncMode(final SyncMode mode)
    {
        return new JournalConfig(directory, rollCycle, mode, timeProvider, readOnly);
    }

    public JournalConfig withTimeProvider(final TimeProvider provider)
    {
        return new JournalConfig(directory, rollCycle, syncMode, provider, readOnly);
    }

    public JournalConfig asReadOnly()
    {
        return new JournalConfig(directory, rollCycle, syncMode, timeProvider, true);
    }

    /**
     * @param name a roll cycle name, case-insensitive ({@code FIVE_MINUTELY}, {@code FAST_HOURLY},
     *             {@code FAST_DAILY}, {@code WEEKLY}, ...).
     * @return the roll cycle.
     * @throws IllegalArgumentException naming the valid values if {@code name} is not one.
     */
    public static RollCycle parseRollCycle(final String name)
    {
        try
        {
            return RollCycles.valueOf(name.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            final StringBuilder valid = new StringBuilder();
            for (final RollCycles cycle : RollCycles.values())
            {
                valid.append(valid.length() == 0 ? "" : ", ").append(cycle.name());
            }
            throw new IllegalArgumentException("unknown roll cycle '" + name + "'; valid: " + valid, ex);
        }
    }
}
