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

import java.io.File;
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
        return new File(base, "tickwire-aeron-" + UUID.randomUUID()).getPath();
    }

    /**
     * Launches a media driver in this JVM: one shared thread with a backoff idle strategy (never more spinning
     * threads than cores on small machines), its directory deleted on start and on close.
     */
    public static MediaDriver launchEmbeddedDriver(final String aeronDirectory, final EngineConfig.Idle idle)
    {
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
