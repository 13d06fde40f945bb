package io.tickwire.engine;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.DriverTimeoutException;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Media driver and idle strategy choices shared by every Tickwire process.
 */
public final class AeronSupport
{
    /** Term length of IPC publications: 8 MiB (three terms are mapped per publication). */
    public static final int IPC_TERM_LENGTH = 8 * 1024 * 1024;
    /** Term length of network publications: 4 MiB. */
    public static final int NETWORK_TERM_LENGTH = 4 * 1024 * 1024;

    /** Name prefix of every media driver directory Tickwire makes ({@link #uniqueAeronDirectory()}). */
    public static final String DIRECTORY_PREFIX = "tickwire-aeron-";
    /**
     * A directory of ours is stale when its driver has not heartbeat for this long (a driver heartbeats at its timer
     * interval, 1 s by default; Aeron's driver timeout is 10 s).
     */
    public static final long STALE_HEARTBEAT_MS = 30_000;
    /** ... and its {@code cnc.dat} (or, without one, the directory) is at least this old: a starting driver is safe. */
    public static final long STALE_MIN_AGE_MS = 60_000;

    private AeronSupport()
    {
    }

    /**
     * @return a fresh, unique media driver directory: under /dev/shm when it exists (shared memory), else
     * the temp dir.
     */
    public static String uniqueAeronDirectory()
    {
        final File shm = new File("/dev/shm");
        final String base = shm.isDirectory() ? shm.getPath() : System.getProperty("java.io.tmpdir");
        return new File(base, DIRECTORY_PREFIX + UUID.randomUUID()).getPath();
    }

    /**
     * Launches a media driver in this JVM: one shared thread with a backoff idle strategy (never more spinning
     * threads than cores on small machines), its directory deleted on start and on close.
     */
    public static MediaDriver launchEmbeddedDriver(final String aeronDirectory, final EngineConfig.Idle idle)
    {
        final File directory = new File(aeronDirectory);
        if (directory.getName().startsWith(DIRECTORY_PREFIX) && directory.getParentFile() != null)
        {
            deleteStaleDirectories(directory.getParentFile(), STALE_MIN_AGE_MS, STALE_HEARTBEAT_MS);
        }
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(aeronDirectory)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idleStrategy(idle))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .ipcTermBufferLength(IPC_TERM_LENGTH)
            .publicationTermBufferLength(NETWORK_TERM_LENGTH)
            .spiesSimulateConnection(false);
        return MediaDriver.launchEmbedded(ctx);
    }

    /**
     * Deletes the media driver directories of Tickwire processes that are gone. A process killed with SIGKILL (or
     * that crashed) cannot delete its embedded driver's directory, and each holds tens of MiB of shared memory (log
     * buffers) until deleted: a box that runs crash tests or restarts with {@code kill -9} fills /dev/shm. So every
     * embedded driver Tickwire launches first deletes, in the same base directory, each
     * {@value #DIRECTORY_PREFIX}* directory whose driver is not active ({@code CommonContext.isDriverActive}: no
     * heartbeat within {@code heartbeatTimeoutMs}) and whose {@code cnc.dat}, or the directory itself when it has none,
     * was last modified at least {@code minAgeMs} ago. A live driver heartbeats every few ms and is never deleted; a
     * driver whose process is stopped (SIGSTOP, a debugger) for longer than the heartbeat bound counts as gone (its
     * clients time out after 10 s anyway). Other names are never touched. One line on stderr for each deletion.
     *
     * @return the directories deleted, sorted by name.
     */
    public static List<File> deleteStaleDirectories(final File base, final long minAgeMs, final long heartbeatTimeoutMs)
    {
        final List<File> deleted = new ArrayList<>();
        final File[] candidates = base.listFiles(f -> f.isDirectory() && f.getName().startsWith(DIRECTORY_PREFIX));
        if (candidates == null)
        {
            return deleted;
        }
        Arrays.sort(candidates);
        final long now = System.currentTimeMillis();
        for (final File candidate : candidates)
        {
            final File cnc = new File(candidate, CncFileDescriptor.CNC_FILE);
            final long modified = cnc.exists() ? cnc.lastModified() : candidate.lastModified();
            if (modified == 0 || now - modified < minAgeMs || isDriverActive(candidate, heartbeatTimeoutMs))
            {
                continue;
            }
            IoUtil.delete(candidate, true);
            if (!candidate.exists())
            {
                deleted.add(candidate);
                System.err.println("tickwire: deleted the media driver directory " + candidate + " of a process that " +
                    "is gone (no driver heartbeat for over " + heartbeatTimeoutMs + " ms)");
            }
        }
        return deleted;
    }

    private static boolean isDriverActive(final File directory, final long heartbeatTimeoutMs)
    {
        try
        {
            return CommonContext.isDriverActive(directory, heartbeatTimeoutMs, message -> {});
        }
        catch (final RuntimeException ex)
        {
            return false; // a cnc.dat too short or of another version: no driver can be using it
        }
    }

    /**
     * The error handler of every Tickwire Aeron client (engine, gateway, replay): counts every error in
     * {@code errors} and prints one line on stderr for each ({@code <process>: Aeron client error: <error>}), except
     * the two a lost media driver ends the client with ({@link DriverTimeoutException}, then
     * {@link AgentTerminationException}): the owner of the client reports that loss itself, in one line (the engine
     * goes HALTED, a gateway DOWN and reconnects, a replay stops). Aeron's default handler prints a stack trace for
     * each error and, on a driver timeout, exits the JVM ({@code System.exit}); no Tickwire client uses it.
     *
     * @param process names the process on each line, e.g. {@code "tickwire engine"}.
     * @param errors  counts the errors (any thread may read it).
     */
    public static ErrorHandler clientErrorHandler(final String process, final AtomicLong errors)
    {
        return ex ->
        {
            errors.incrementAndGet();
            if (!(ex instanceof DriverTimeoutException) && !(ex instanceof AgentTerminationException))
            {
                System.err.println(process + ": Aeron client error: " + ex);
            }
        };
    }

    /**
     * @return a new idle strategy of the chosen kind (each agent needs its own instance).
     */
    public static IdleStrategy idleStrategy(final EngineConfig.Idle idle)
    {
        switch (idle)
        {
            case SPIN:
                return new BusySpinIdleStrategy();
            case SLEEP:
                return new SleepingMillisIdleStrategy(1);
            case BACKOFF:
            default:
                return new BackoffIdleStrategy(100, 10, 1_000, 100_000);
        }
    }
}
