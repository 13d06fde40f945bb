package io.tickwire.engine;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full disk under a running engine, for real: the journal lives on an 8 MiB tmpfs that a simulator at 20,000
 * inputs/s fills in a second or two. Needs root (mount); skipped with the reason printed otherwise.
 * <ul>
 *   <li>With the free-space check, the engine pauses before the disk is full (state PAUSED_DISK_LOW, a log
 *   line, no batch journaled while paused), goes on by itself once the file system is grown, and ends in the
 *   state of an uninterrupted engine fed the same inputs.</li>
 *   <li>Without it, the append that hits the full disk halts the engine (state HALTED, a log line); the
 *   journal is whole up to the last batch before the failure, and a restart after freeing space recovers it
 *   and goes on with no gap.</li>
 * </ul>
 */
class DiskFullTest
{
    /** Kept when a test fails: the child's stderr is there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private Path mount;

    @BeforeEach
    void mountSmallTmpfs() throws Exception
    {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
            () -> skip("needs root to mount a tmpfs (user is " + System.getProperty("user.name") + ")"));
        mount = Files.createDirectory(dir.resolve("tmpfs"));
        final ProcessResult result = run("mount", "-t", "tmpfs", "-o", "size=8m", "tickwire-test", mount.toString());
        Assumptions.assumeTrue(result.exit == 0, () -> skip("mount -t tmpfs failed: " + result.output));
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (mount != null)
        {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    @Timeout(180)
    void belowTheFreeSpaceBoundTheEnginePausesThenGoesOnWhenSpaceIsFreed() throws Exception
    {
        final Path journalDir = mount.resolve("journal");
        final JournalConfig config = JournalConfig.of(journalDir);
        final Path stderr = Files.createFile(dir.resolve("child-stderr.log"));
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("DiskFullTest pause seed=" + seed);
        final String hashLine;
        try (ChildJvm child = new ChildJvm(EngineChild.class, stderr, journalDir.toString(), "20000",
            String.valueOf(seed), String.valueOf(2L * 1024 * 1024)))
        {
            child.awaitLine("READY ", Duration.ofSeconds(60));
            child.awaitLine("STATE PAUSED_DISK_LOW", Duration.ofSeconds(60));
            final JournalScan.Result paused = scan(config);
            assertThat(paused.lastSeq()).isPositive();
            assertJournalStaysAt(config, paused.lastSeq(), Duration.ofMillis(500));
            assertThat(Files.readString(stderr)).contains("tickwire engine: PAUSED_DISK_LOW");

            assertThat(run("mount", "-o", "remount,size=64m", mount.toString()).exit).isZero();
            child.awaitLine("STATE RUNNING", Duration.ofSeconds(30));
            JournalScan.awaitJournaledSeq(config, paused.lastSeq() + 2_000, Duration.ofSeconds(60));
            child.send("STOP");
            hashLine = child.awaitLine("HASH ", Duration.ofSeconds(60));
            assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        JournalScan.assertSameAsUninterrupted(config, hashLine);
    }

    @Test
    @Timeout(300)
    void anAppendOnAFullDiskHaltsTheEngineAndARestartRecoversEverythingJournaled() throws Exception
    {
        final Path journalDir = mount.resolve("journal");
        final JournalConfig config = JournalConfig.of(journalDir);
        final Path stderr = Files.createFile(dir.resolve("child-stderr.log"));
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("DiskFullTest halt seed=" + seed);
        try (ChildJvm child = new ChildJvm(EngineChild.class, stderr, journalDir.toString(), "20000",
            String.valueOf(seed), "0"))
        {
            child.awaitLine("READY ", Duration.ofSeconds(60));
            try
            {
                // Usually within seconds. It once never came: the append's fault surfaced (HotSpot raises it late)
                // in the bus publisher and killed the engine thread; EngineThreadAgent now halts the engine for a
                // fault anywhere on its thread (JournalFaultTest).
                child.awaitLine("STATE HALTED", Duration.ofSeconds(60));
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + "; child stderr (kept in " + stderr + "):\n" +
                    tail(Files.readString(stderr), 6_000), ex);
            }
            child.killNine();
        }
        assertThat(Files.readString(stderr)).contains("tickwire engine: HALTED at seq");
        assertThat(run("mount", "-o", "remount,size=64m", mount.toString()).exit).isZero();
        final JournalScan.Result halted = scan(config);
        assertThat(halted.batches()).as("batches journaled before the disk filled").isGreaterThan(1_000);

        final String hashLine;
        try (ChildJvm child = new ChildJvm(EngineChild.class, stderr, journalDir.toString(), "20000",
            String.valueOf(seed + 1), "0"))
        {
            final String ready = child.awaitLine("READY ", Duration.ofSeconds(60));
            final long next = Long.parseLong(ready.substring(6));
            final String log = Files.readString(stderr);
            final boolean repaired = log.contains("journal's last cycle file was damaged") ||
                log.contains("journal's last record was torn");
            // The append that hit the full disk may have left its record torn (Chronicle committed the header over
            // a page that was never written): the restart cuts exactly that one record and keeps every other.
            // A repair may also cut only a torn record after the last whole batch this scan saw (seen once under
            // load: next was lastSeq + 1 with a repair logged); nothing whole is ever cut without a repair.
            if (repaired)
            {
                assertThat(next).as("next seq after the restart (repaired)")
                    .isIn(halted.lastBatchFirstSeq(), halted.lastSeq() + 1);
            }
            else
            {
                assertThat(next).as("next seq after the restart (not repaired)").isEqualTo(halted.lastSeq() + 1);
            }
            final long end = next - 1;
            JournalScan.awaitJournaledSeq(config, end + 2_000, Duration.ofSeconds(60));
            child.send("STOP");
            hashLine = child.awaitLine("HASH ", Duration.ofSeconds(60));
            assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
        }
        JournalScan.assertSameAsUninterrupted(config, hashLine);
    }

    private static JournalScan.Result scan(final JournalConfig config)
    {
        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            return JournalScan.scan(journal, null);
        }
    }

    /**
     * Watches the journal for {@code window} (a bounded observation, not a synchronisation): nothing may be
     * appended while the engine says it is paused.
     */
    private static void assertJournalStaysAt(final JournalConfig config, final long lastSeq, final Duration window)
    {
        final long end = System.nanoTime() + window.toNanos();
        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            final SeqFollower follower = new SeqFollower(journal);
            while (System.nanoTime() < end)
            {
                while (follower.poll())
                {
                    // read up to the end
                }
                assertThat(follower.lastSeq()).as("journal while paused").isEqualTo(lastSeq);
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
        }
    }

    private static String skip(final String reason)
    {
        System.out.println("DiskFullTest skipped: " + reason);
        return reason;
    }

    private record ProcessResult(int exit, String output)
    {
    }

    private static ProcessResult run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return new ProcessResult(-1, "timed out: " + output);
        }
        return new ProcessResult(process.exitValue(), output);
    }

    private static String tail(final String text, final int chars)
    {
        return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
    }
}
