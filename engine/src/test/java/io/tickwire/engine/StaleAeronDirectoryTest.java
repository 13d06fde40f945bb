package io.tickwire.engine;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AeronSupport#deleteStaleDirectories}: with real media drivers in a temp base directory, it deletes exactly the
 * Tickwire driver directories of drivers that are gone (one whose driver closed without deleting it, as after a
 * kill -9, and an old one without a {@code cnc.dat}), and keeps a live driver's (even with an old {@code cnc.dat}), a
 * young one without a {@code cnc.dat} (a driver starting) and any directory of another name.
 */
class StaleAeronDirectoryTest
{
    private static final long OLD = System.currentTimeMillis() - 3_600_000L;
    /**
     * A driver heartbeats at its timer interval (Aeron's default 1 s: a first version of this test, with a 200 ms
     * timeout, saw the live driver as gone in CI), here 50 ms; Tickwire's own bound is 30 s.
     */
    private static final long HEARTBEAT_TIMEOUT_MS = 2_000;

    @TempDir
    Path base;

    @Test
    @Timeout(60)
    void deletesTheDirectoriesOfGoneDriversOnly() throws Exception
    {
        final File dead = base.resolve(AeronSupport.DIRECTORY_PREFIX + "dead").toFile();
        final File live = base.resolve(AeronSupport.DIRECTORY_PREFIX + "live").toFile();
        final File young = Files.createDirectory(base.resolve(AeronSupport.DIRECTORY_PREFIX + "young")).toFile();
        final File oldEmpty = Files.createDirectory(base.resolve(AeronSupport.DIRECTORY_PREFIX + "old-empty")).toFile();
        final File otherName = base.resolve("other-aeron").toFile();
        assertThat(oldEmpty.setLastModified(OLD)).isTrue();

        launch(dead).close();
        launch(otherName).close();
        assertThat(new File(dead, CncFileDescriptor.CNC_FILE)).exists();
        assertThat(new File(dead, CncFileDescriptor.CNC_FILE).setLastModified(OLD)).isTrue();
        assertThat(new File(otherName, CncFileDescriptor.CNC_FILE).setLastModified(OLD)).isTrue();
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (CommonContext.isDriverActive(dead, HEARTBEAT_TIMEOUT_MS, message -> {}))
        {
            assertThat(System.nanoTime()).as("the closed driver's heartbeat gets older than the timeout")
                .isLessThan(deadline);
            LockSupport.parkNanos(10_000_000);
        }

        try (MediaDriver liveDriver = launch(live))
        {
            assertThat(new File(live, CncFileDescriptor.CNC_FILE).setLastModified(OLD)).isTrue();
            final List<File> deleted = AeronSupport.deleteStaleDirectories(base.toFile(), 60_000, HEARTBEAT_TIMEOUT_MS);

            assertThat(deleted).containsExactly(dead, oldEmpty);
            try (var names = Files.list(base))
            {
                assertThat(names.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("other-aeron", AeronSupport.DIRECTORY_PREFIX + "live",
                        AeronSupport.DIRECTORY_PREFIX + "young");
            }
            assertThat(CommonContext.isDriverActive(live, 10_000, message -> {})).as("the live driver").isTrue();
            assertThat(young).isDirectory();
        }
    }

    private static MediaDriver launch(final File directory)
    {
        return MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(directory.getPath())
            .threadingMode(ThreadingMode.SHARED)
            .timerIntervalNs(TimeUnit.MILLISECONDS.toNanos(50))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(false));
    }
}
