package io.tickwire.engine;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.engine.sim.InstrumentSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real engine node (embedded media driver, Chronicle journal, simulator) publishing on a real Aeron IPC
 * bus: what a subscriber receives is exactly what was journaled, byte for byte, with contiguous seqs.
 */
class EngineNodeTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void busCarriesExactlyTheJournaledBatchesInOrder() throws Exception
    {
        final EngineConfig config = new EngineConfig()
            .journal(JournalConfig.of(dir.resolve("journal")))
            .instruments(InstrumentSpec.defaults(3))
            .simulatorRate(5_000)
            .simulatorSeed(11);
        final List<byte[]> received = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final BatchHeaderDecoder batch = new BatchHeaderDecoder();
        final long[] nextSeq = {0};
        try (EngineNode node = EngineNode.launch(config);
            Subscription bus = node.aeron().addSubscription(config.marketDataChannel(), config.marketDataStreamId()))
        {
            final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
            {
                final byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                received.add(copy);
                header.wrap(buffer, offset);
                batch.wrapAndApplyHeader(buffer, offset, header);
                if (nextSeq[0] != 0)
                {
                    assertThat(batch.firstSeq()).isEqualTo(nextSeq[0]);
                }
                nextSeq[0] = batch.firstSeq() + batch.eventCount();
            });
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (received.size() < 3_000)
            {
                if (bus.poll(assembler, 100) == 0)
                {
                    assertThat(System.nanoTime()).as("3000 batches within 30 s").isLessThan(deadline);
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            }
        }

        // Every batch received is the journaled batch with the same seq, byte for byte.
        try (Journal journal = Journal.open(JournalConfig.of(dir.resolve("journal")).asReadOnly());
            JournalReader reader = new JournalReader(journal))
        {
            final List<byte[]> journaled = new ArrayList<>();
            while (reader.poll((buffer, length, index) ->
            {
                final byte[] copy = new byte[length];
                buffer.getBytes(0, copy);
                journaled.add(copy);
            }))
            {
                // read all
            }
            final int offset = indexOf(journaled, received.get(0));
            assertThat(offset).as("first received batch is in the journal").isGreaterThan(0);
            for (int i = 0; i < received.size(); i++)
            {
                assertThat(received.get(i)).as("batch %d", i).isEqualTo(journaled.get(offset + i));
            }
        }
    }

    private static int indexOf(final List<byte[]> list, final byte[] value)
    {
        for (int i = 0; i < list.size(); i++)
        {
            if (java.util.Arrays.equals(list.get(i), value))
            {
                return i;
            }
        }
        return -1;
    }
}
