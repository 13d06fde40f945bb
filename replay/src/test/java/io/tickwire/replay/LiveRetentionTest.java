package io.tickwire.replay;

import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.EngineSnapshots;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention on a running engine ({@code --retain-cycles}): a real engine node with its simulator, a journal
 * rolled on demand, and a {@link RetentionAgent} service. Old cycles go as the journal rolls, never the
 * recovery point; seq lookups answer {@code BEFORE_RETAINED} below the retained range; the engine restarts from
 * the trimmed journal (its newest snapshot) and continues with the next seq.
 */
@Timeout(120)
class LiveRetentionTest
{
    @TempDir
    Path dir;

    @Test
    void runningEngineKeepsTheNewestCyclesAndRestartsFromTheTrimmedJournal()
    {
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
        final JournalConfig journal = JournalConfig.of(dir.resolve("journal"))
            .withRollCycle(TestRollCycles.TEST_SECONDLY).withTimeProvider(time);
        final AtomicReference<RetentionAgent> agent = new AtomicReference<>();
        final EngineConfig config = new EngineConfig()
            .journal(journal)
            .instruments(InstrumentSpec.defaults(4))
            .simulatorRate(5_000)
            .simulatorSeed(11)
            .minFreeDiskBytes(0)
            .addService(node ->
            {
                agent.set(RetentionAgent.of(node, 2));
                return agent.get();
            });

        final long lastSeq;
        try (EngineNode node = EngineNode.launch(config))
        {
            try (Journal reader = Journal.open(journal.asReadOnly()); JournalIndex index = new JournalIndex(reader))
            {
                for (int roll = 0; roll < 6; roll++)
                {
                    // let the simulator journal some batches, then roll: the next input opens the new cycle with a
                    // snapshot, and retention deletes what falls out of the newest two
                    final long target = index.lastSeq() + 500;
                    await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> index.lastSeq() >= target);
                    time.advanceMillis(1_000);
                    final int cycle = node.journal().currentCycle();
                    await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> node.recoveryPointCycle() == cycle);
                }
                await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> node.journal().cycles().length == 2);
                final int[] cycles = node.journal().cycles();
                assertThat(cycles[0]).isEqualTo(node.recoveryPointCycle() - 1);
                assertThat(node.lastSnapshotSeq()).isPositive();

                final long firstSeq = index.firstSeq();
                assertThat(firstSeq).isGreaterThan(1);
                assertThat(List.of(index.indexOfSeq(1), index.indexOfSeq(firstSeq - 1)))
                    .isEqualTo(List.of(JournalIndex.BEFORE_RETAINED, JournalIndex.BEFORE_RETAINED));
                final long found = index.indexOfSeq(firstSeq);
                assertThat(found).isGreaterThanOrEqualTo(index.firstBatchIndex());
                assertThat(List.of(index.firstSeqAt(found), index.firstSeqAt(index.firstBatchIndex())))
                    .as("the first retained batch (maybe a reject, holding no seq) and the one holding firstSeq")
                    .isEqualTo(List.of(firstSeq, firstSeq));
                assertThat(index.journalId()).isEqualTo(node.journalId());
                assertThat(RetainedPrefix.read(journal.directory()).definitionCount()).isEqualTo(4);
            }
        }
        try (Journal reader = Journal.open(journal.asReadOnly()); JournalIndex index = new JournalIndex(reader))
        {
            lastSeq = index.lastSeq();
            final EngineSnapshots.Found newest = EngineSnapshots.newest(reader);
            assertThat(newest).isNotNull();
        }

        // A restart recovers from the newest snapshot in what is left and goes on with the next seq.
        final EngineConfig restart = new EngineConfig()
            .journal(journal)
            .instruments(InstrumentSpec.defaults(4))
            .simulatorRate(5_000)
            .simulatorSeed(12)
            .minFreeDiskBytes(0);
        try (EngineNode node = EngineNode.launch(restart))
        {
            assertThat(node.recovery().snapshotSeq()).isPositive();
            assertThat(node.recovery().nextSeq()).isEqualTo(lastSeq + 1);
            final long expected = lastSeq + 1;
            try (Journal reader = Journal.open(journal.asReadOnly()); JournalIndex index = new JournalIndex(reader))
            {
                await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> index.lastSeq() > expected + 100);
                final long found = index.indexOfSeq(expected);
                assertThat(found).isGreaterThanOrEqualTo(0);
                assertThat(index.firstSeqAt(found)).as("the first batch after the restart").isEqualTo(expected);
            }
        }
    }
}
