package io.tickwire.engine;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a real engine JVM at random moments, several rounds on one journal: nothing journaled is
 * lost, the sequence stays contiguous across restarts, and the final engine state equals an uninterrupted
 * engine fed the same (journaled) inputs. Rounds: {@code -Dtickwire.crash.rounds} (default 4; the
 * {@code soak} profile runs more). On a failure the temp dir (journal, children's stderr) is kept as evidence and
 * the message holds the children's stderr.
 */
class CrashRecoveryTest
{
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    @Timeout(400)
    void killNineAtRandomPointsLosesNothingAndRecoversTheSameState() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int rounds = Integer.getInteger("tickwire.crash.rounds", 4);
        System.out.println("CrashRecoveryTest seed=" + seed + " rounds=" + rounds);
        final Random random = new Random(seed);
        final Path journalDir = dir.resolve("journal");
        final Path stderr = Files.createFile(dir.resolve("child-stderr.log"));
        final JournalConfig config = JournalConfig.of(journalDir);
        long lastSeq = 0;

        for (int round = 0; round < rounds; round++)
        {
            try (ChildJvm child = new ChildJvm(EngineChild.class, stderr, journalDir.toString(), "20000",
                String.valueOf(seed + round)))
            {
                final String ready = child.awaitLine("READY ", Duration.ofSeconds(60));
                final long resumed = Long.parseLong(ready.substring(6));
                if (resumed != lastSeq + 1)
                {
                    child.killNine();
                }
                assertThat(resumed).as("round %d resumes after the last journaled seq (journal and stderr kept in %s)" +
                    "%nchildren's stderr:%n%s", round, dir, resumed == lastSeq + 1 ? "" : Files.readString(stderr))
                    .isEqualTo(lastSeq + 1);
                final long target = lastSeq + 200 + random.nextInt(5_000);
                final long observed = JournalScan.awaitJournaledSeq(config, target, Duration.ofSeconds(60));
                child.killNine();
                final JournalScan.Result scan;
                try (Journal journal = Journal.open(config.asReadOnly()))
                {
                    scan = JournalScan.scan(journal, null);
                }
                assertThat(scan.lastSeq()).as("round %d: everything seen journaled before the kill", round)
                    .isGreaterThanOrEqualTo(observed);
                lastSeq = scan.lastSeq();
            }
        }

        final String hashLine;
        try (ChildJvm child = new ChildJvm(EngineChild.class, stderr, journalDir.toString(), "20000",
            String.valueOf(seed + rounds)))
        {
            child.awaitLine("READY ", Duration.ofSeconds(60));
            JournalScan.awaitJournaledSeq(config, lastSeq + 500, Duration.ofSeconds(60));
            child.send("STOP");
            hashLine = child.awaitLine("HASH ", Duration.ofSeconds(60));
            assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
        }

        JournalScan.assertSameAsUninterrupted(config, hashLine);
    }
}
