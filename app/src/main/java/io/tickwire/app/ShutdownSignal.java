package io.tickwire.app;

import org.agrona.concurrent.ShutdownSignalBarrier;

/**
 * Blocks until SIGINT or SIGTERM.
 */
final class ShutdownSignal
{
    private ShutdownSignal()
    {
    }

    static void await()
    {
        new ShutdownSignalBarrier().await();
    }
}
