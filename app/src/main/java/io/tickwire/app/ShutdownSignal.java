package io.tickwire.app;

import org.agrona.concurrent.ShutdownSignalBarrier;

/**
 * Blocks until SIGINT or SIGTERM, and lets the JVM finish shutting down once the command has closed
 * everything: Agrona's signal hook waits (up to 10 s, then warns) until the barrier is closed, so
 * {@link #release()} must run after the command's resources are closed and before the JVM exits.
 */
final class ShutdownSignal
{
    private static volatile ShutdownSignalBarrier barrier;

    private ShutdownSignal()
    {
    }

    static void await()
    {
        final ShutdownSignalBarrier current = new ShutdownSignalBarrier();
        barrier = current;
        current.await();
    }

    /**
     * Closes the barrier of {@link #await()}, if any: the signal's shutdown hook returns and the JVM halts.
     */
    static void release()
    {
        final ShutdownSignalBarrier current = barrier;
        if (current != null)
        {
            barrier = null;
            current.close();
        }
    }
}
