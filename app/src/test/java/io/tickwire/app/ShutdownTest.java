package io.tickwire.app;

import io.tickwire.engine.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tickwire run} stops cleanly on SIGTERM: it closes the gateway and the engine, then releases the
 * signal barrier, so Agrona's shutdown hook does not sit out its 10 s timeout (and warn) before the JVM halts.
 */
@Timeout(120)
class ShutdownTest
{
    @TempDir
    Path dir;

    @Test
    void sigtermClosesEverythingAndReleasesTheSignalHook() throws Exception
    {
        final Path stderr = dir.resolve("stderr.txt");
        final Path aeron = dir.resolve("aeron");
        try (ChildJvm child = new ChildJvm(TickwireCli.class, stderr, "run", "--port", "0", "--rate", "100",
            "--instruments", "2", "--journal", dir.resolve("journal").toString(), "--aeron-dir", aeron.toString()))
        {
            child.awaitLine("Ctrl-C stops.", Duration.ofSeconds(90));
            child.terminate();
            final int code = child.awaitExit(Duration.ofSeconds(60));
            final String errors = Files.readString(stderr);
            assertThat(errors).as("stderr").doesNotContain("ShutdownSignalBarrier", "Exception");
            assertThat(code).as("exit code of a JVM stopped by SIGTERM").isEqualTo(143);
        }
    }
}
