package io.tickwire.engine;

import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a real engine JVM whose journal rolls every second (so it writes a snapshot at each roll, and in some
 * rounds every 7,000 batches too), then retention deletes every cycle before the newest snapshot while the engine
 * is down: each restart recovers from that snapshot and continues with the next seq (no gap, no duplicate), and
 * the final state equals an uninterrupted engine fed every journaled input.
 */
class SnapshotCrashTest
{
    @TempDir
    Path dir;

    private final List<UnsafeBuffer> inputs = new ArrayList<>();
    private long collectedIndex = -1;
    private long lastSeq;

    @Test
    @Timeout(300)
    void killNineThenRestartFromATrimmedJournalContinuesWithTheNextSeq() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int rounds = Integer.getInteger("tickwire.snapshot.kills", 2); // -Psoak: 10
        System.out.println("SnapshotCrashTest seed=" + seed);
        final Random random = new Random(seed);
        final Path journalDir = dir.resolve("journal");
        final Path stderr = Files.createFile(dir.resolve("child-stderr.log"));
        final JournalConfig config = JournalConfig.of(journalDir).withRollCycle(TestRollCycles.TEST_SECONDLY);
        boolean trimmedPastSeqOne = false;

        for (int round = 0; round <= rounds; round++)
        {
            try (ChildJvm child = new ChildJvm(EngineChild.class, stderr, journalDir.toString(), "20000",
                String.valueOf(seed + round), "0", "aeron:ipc", "-", "TEST_SECONDLY", round % 2 == 0 ? "0" : "7000"))
            {
                final String ready = child.awaitLine("READY ", Duration.ofSeconds(60));
                assertThat(Long.parseLong(ready.substring(6))).as("round %d resumes after the last journaled seq", round)
                    .isEqualTo(lastSeq + 1);
                // 1.5 to 3 s of flow at 20,000 inputs/s: at least one roll, so at least one snapshot
                final long target = lastSeq + 30_000 + random.nextInt(30_000);
                final long observed = JournalScan.awaitJournaledSeq(config, target, Duration.ofSeconds(90));
                if (round < rounds)
                {
                    child.killNine();
                    collect(config);
                    assertThat(lastSeq).as("round %d: everything seen journaled before the kill", round)
                        .isGreaterThanOrEqualTo(observed);
                    trimmedPastSeqOne |= trim(config);
                }
                else
                {
                    child.send("STOP");
                    final String[] hash = child.awaitLine("HASH ", Duration.ofSeconds(60)).split(" ");
                    assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
                    collect(config);
                    final Engine uninterrupted = new Engine(EngineLimits.defaults());
                    for (final UnsafeBuffer input : inputs)
                    {
                        assertThat(uninterrupted.apply(input, 0, input.capacity(), 0)).isPositive();
                    }
                    assertThat(uninterrupted.nextSeq()).isEqualTo(lastSeq + 1).isEqualTo(Long.parseLong(hash[2]));
                    assertThat(uninterrupted.stateHash()).isEqualTo(Long.parseLong(hash[1]));
                }
            }
        }
        assertThat(trimmedPastSeqOne).as("retention deleted the journal's first cycle").isTrue();
    }

    /**
     * Reads the batches journaled since the last call: their seqs continue the previous ones exactly; keeps their
     * inputs.
     */
    private void collect(final JournalConfig config)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final BatchHeaderDecoder batch = new BatchHeaderDecoder();
        try (Journal journal = Journal.open(config.asReadOnly());
            JournalReader reader = JournalReader.after(journal, collectedIndex))
        {
            while (reader.poll((buffer, length, index) ->
            {
                collectedIndex = index;
                header.wrap(buffer, 0);
                if (header.templateId() != BatchHeaderDecoder.TEMPLATE_ID)
                {
                    return;
                }
                batch.wrapAndApplyHeader(buffer, 0, header);
                assertThat(batch.firstSeq()).as("batch at index %x", index).isEqualTo(lastSeq + 1);
                lastSeq += batch.eventCount();
                final int inputOffset = MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.BLOCK_LENGTH;
                header.wrap(buffer, inputOffset);
                final int inputLength = MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength();
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[inputLength]);
                copy.putBytes(0, buffer, inputOffset, inputLength);
                inputs.add(copy);
            }))
            {
                // collecting
            }
        }
    }

    /**
     * Deletes every cycle before the newest snapshot's, as retention would.
     *
     * @return true if the journal no longer starts at seq 1.
     */
    private static boolean trim(final JournalConfig config) throws Exception
    {
        try (Journal journal = Journal.open(config))
        {
            final EngineSnapshots.Found newest = EngineSnapshots.newest(journal);
            assertThat(newest).as("a snapshot was written at a roll").isNotNull();
            EngineSnapshotTest.deleteCyclesBefore(journal, journal.rollCycle().toCycle(newest.firstIndex()));
            final long[] first = {0};
            try (JournalReader reader = new JournalReader(journal))
            {
                while (first[0] == 0 && reader.poll((buffer, length, index) ->
                {
                    if (buffer.getShort(2, java.nio.ByteOrder.LITTLE_ENDIAN) == BatchHeaderDecoder.TEMPLATE_ID)
                    {
                        first[0] = buffer.getLong(MessageHeaderDecoder.ENCODED_LENGTH, java.nio.ByteOrder.LITTLE_ENDIAN);
                    }
                }))
                {
                    // to the first batch
                }
            }
            return first[0] > 1;
        }
    }
}
