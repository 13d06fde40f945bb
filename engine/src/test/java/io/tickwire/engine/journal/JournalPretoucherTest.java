package io.tickwire.engine.journal;

import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.JournalScan;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class JournalPretoucherTest
{
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    /**
     * Two journals get the same batches, one with a pretoucher running ahead of its writer on another thread: the
     * files must be identical byte for byte (the pretoucher changes nothing), across rolls, and the pretoucher must
     * have touched pages in every cycle (so the test can fail).
     */
    @Test
    void pretouchingLeavesTheJournalByteForByteTheSame() throws IOException
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("JournalPretoucherTest seed=" + seed);
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
        final JournalConfig touched = JournalConfig.of(dir.resolve("touched"))
            .withRollCycle(TestRollCycles.TEST_SECONDLY).withTimeProvider(time);
        final JournalConfig plain = JournalConfig.of(dir.resolve("plain"))
            .withRollCycle(TestRollCycles.TEST_SECONDLY).withTimeProvider(time);
        final JournalFiles.SeededBatches touchedStream = new JournalFiles.SeededBatches(seed);
        final JournalFiles.SeededBatches plainStream = new JournalFiles.SeededBatches(seed);
        final int batches = 16_000;
        final int cycleBatches = 4_000;
        final long ahead = 64 * 1024;
        JournalPretoucher pretoucher = null;
        try (Journal touchedJournal = Journal.open(touched);
            Journal plainJournal = Journal.open(plain);
            JournalWriter touchedWriter = touchedJournal.createWriter();
            JournalWriter plainWriter = plainJournal.createWriter())
        {
            touchedWriter.source(touchedStream.engine.batchByteBuffer());
            plainWriter.source(plainStream.engine.batchByteBuffer());
            pretoucher = touchedJournal.createPretoucher(ahead);
            try (AgentRunner runner = new AgentRunner(
                JournalPretoucher.idleStrategy(), Throwable::printStackTrace, null, pretoucher))
            {
                AgentRunner.startOnThread(runner);
                for (int i = 0; i < batches; i++)
                {
                    if (i > 0 && i % cycleBatches == 0)
                    {
                        time.advanceMillis(1_000);
                    }
                    assertThat(touchedWriter.append(touchedStream.nextBatch()))
                        .isEqualTo(plainWriter.append(plainStream.nextBatch()));
                    if (i % cycleBatches == 100)
                    {
                        // let the pretoucher reach this cycle before writing on
                        awaitTouchedCycle(pretoucher, touchedJournal.currentCycle());
                    }
                }
            }
        }

        assertThat(JournalFiles.assertSameCycleFiles(plain.directory(), touched.directory()))
            .isEqualTo(batches / cycleBatches);
        // in each cycle it touched at least the pages from the one after the write position to ahead beyond it
        assertThat(pretoucher.pagesTouched()).isGreaterThanOrEqualTo(batches / cycleBatches * (ahead / 4096 - 1));
        try (Journal journal = Journal.open(touched.asReadOnly()))
        {
            final JournalScan.Result scan = JournalScan.scan(journal, null);
            assertThat(scan.batches()).isEqualTo(batches);
            assertThat(scan.lastSeq()).isEqualTo(touchedStream.engine.nextSeq() - 1);
            final Engine recovered = new Engine(EngineLimits.defaults());
            final EngineNode.RecoveryResult result = EngineNode.recover(journal, recovered);
            assertThat(result.batches()).isEqualTo(batches);
            assertThat(result.nextSeq()).isEqualTo(touchedStream.engine.nextSeq());
            assertThat(recovered.stateHash()).isEqualTo(touchedStream.engine.stateHash());
        }
    }

    private static void awaitTouchedCycle(final JournalPretoucher pretoucher, final int cycle)
    {
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (pretoucher.touchedCycle() != cycle)
        {
            assertThat(System.nanoTime() - deadline).as("pretoucher touched nothing in cycle %d in 20 s", cycle)
                .isNegative();
            LockSupport.parkNanos(100_000);
        }
    }
}
