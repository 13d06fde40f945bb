package io.tickwire.engine.journal;

import io.tickwire.engine.JournalScan;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class JournalWriterTest
{
    @TempDir
    Path dir;

    /**
     * {@link JournalWriter} appends with {@code writeBytes}; Chronicle's {@code writingDocument} (what it used before)
     * must give the very same files: same excerpts, same indexes, same index entries, across rolls.
     */
    @Test
    void writesTheSameFilesAsWritingDocument() throws IOException
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("JournalWriterTest seed=" + seed);
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
        final JournalConfig config = JournalConfig.of(dir.resolve("writer"))
            .withRollCycle(TestRollCycles.TEST_SECONDLY).withTimeProvider(time);
        final Path documentDir = dir.resolve("document");
        final JournalFiles.SeededBatches stream = new JournalFiles.SeededBatches(seed);
        final ByteBuffer batch = stream.engine.batchByteBuffer();
        final ByteBuffer other = ByteBuffer.allocateDirect(4096);
        final BytesStore<?, ByteBuffer> batchStore = BytesStore.wrap(batch);
        final BytesStore<?, ByteBuffer> otherStore = BytesStore.wrap(other);
        final int batches = 12_000;
        try (Journal journal = Journal.open(config);
            JournalWriter writer = journal.createWriter();
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(documentDir)
                .rollCycle(TestRollCycles.TEST_SECONDLY).syncMode(SyncMode.NONE).timeProvider(time).build();
            ExcerptAppender appender = queue.createAppender())
        {
            writer.source(batch);
            for (int i = 0; i < batches; i++)
            {
                if (i % 3_000 == 2_999)
                {
                    time.advanceMillis(1_000);
                }
                final int length = stream.nextBatch();
                final long index = writer.append(length);
                try (DocumentContext dc = appender.writingDocument())
                {
                    dc.wire().bytes().write(batchStore, 0L, length);
                }
                assertThat(appender.lastIndexAppended()).isEqualTo(index);
                if (i % 1_000 == 0)
                {
                    // another buffer, as snapshot parts are written: any length up to its capacity (a zero SBE
                    // header first, so that the scan below does not take it for a batch)
                    final int otherLength = 1 + (int)((seed ^ i) & 0xFFF);
                    for (int b = 0; b < otherLength; b++)
                    {
                        other.put(b, b < 8 ? 0 : (byte)(i + b));
                    }
                    final long otherIndex = writer.append(other, otherLength);
                    try (DocumentContext dc = appender.writingDocument())
                    {
                        dc.wire().bytes().write(otherStore, 0L, otherLength);
                    }
                    assertThat(appender.lastIndexAppended()).isEqualTo(otherIndex);
                }
            }
        }

        assertThat(JournalFiles.assertSameCycleFiles(documentDir, config.directory())).isEqualTo(5);
        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            final JournalScan.Result scan = JournalScan.scan(journal, null);
            assertThat(scan.batches()).isEqualTo(batches);
            assertThat(scan.lastSeq()).isEqualTo(stream.engine.nextSeq() - 1);
        }
    }
}
