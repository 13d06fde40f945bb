package io.tickwire.engine.journal;

import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.JournalScan;
import io.tickwire.engine.sim.InstrumentSpec;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A journal whose last cycle file was cut short at a random byte (seeded): the engine starts on it,
 * recovering exactly the records that lie whole before the cut, byte for byte, keeps the damaged file aside, and
 * goes on from there with a contiguous sequence. A cut before the end of the journal's {@code JournalStart}
 * leaves nothing to recover and is refused. Trials: {@code -Dtickwire.truncate.trials} (default 6; soak more).
 */
class TruncatedJournalTest
{
    @TempDir
    Path dir;

    /** A record of the pristine journal and where it lies in the cycle file. */
    private record Excerpt(long start, long end, byte[] bytes, long lastSeq)
    {
    }

    @Test
    @Timeout(300)
    void startupOnATruncatedLastFileRecoversToTheLastWholeRecord() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int trials = Integer.getInteger("tickwire.truncate.trials", 6);
        System.out.println("TruncatedJournalTest seed=" + seed + " trials=" + trials);
        final Random random = new Random(seed);
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
        final Path pristine = dir.resolve("pristine");
        final JournalConfig pristineConfig = JournalConfig.of(pristine).withTimeProvider(time);
        try (EngineNode node = EngineNode.launch(config(pristineConfig).simulatorRate(20_000).simulatorSeed(seed)))
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lastSeq(pristineConfig) < 5_000)
            {
                assertThat(System.nanoTime()).as("journal reaches seq 5000").isLessThan(deadline);
                LockSupport.parkNanos(10_000_000);
            }
        }
        final Path cycleFile = JournalRepair.lastCycleFile(pristine);
        final List<Excerpt> excerpts = excerpts(pristineConfig);
        assertThat(excerpts.size()).isGreaterThan(100);
        final long dataEnd = excerpts.get(excerpts.size() - 1).end();
        assertThat(dataEnd).as("positions are offsets in the file").isLessThan(Files.size(cycleFile));

        for (int trial = 0; trial < trials; trial++)
        {
            // Most cuts inside the records; one in ten inside the file's own header, before the JournalStart.
            final long cut = trial % 10 == 9 ? random.nextInt((int)excerpts.get(0).end()) :
                excerpts.get(0).end() + (long)(random.nextDouble() * (dataEnd - excerpts.get(0).end()));
            final Path copy = dir.resolve("trial-" + trial);
            copyCut(pristine, copy, cycleFile.getFileName().toString(), cut);
            final JournalConfig config = JournalConfig.of(copy).withTimeProvider(time);
            int whole = 0;
            while (whole < excerpts.size() && excerpts.get(whole).end() <= cut)
            {
                whole++;
            }
            System.out.println("trial " + trial + ": cut at byte " + cut + " of " + dataEnd + ", " + whole +
                " of " + excerpts.size() + " records whole");
            if (whole == 0)
            {
                assertThatThrownBy(() -> EngineNode.launch(config(config)))
                    .hasMessageContaining("nothing can be recovered");
                continue;
            }
            final long expectedLastSeq = excerpts.get(whole - 1).lastSeq();
            try (EngineNode node = EngineNode.launch(config(config)))
            {
                assertThat(node.repair().repaired()).as("cut detected").isTrue();
                assertThat(node.repair().keptExcerpts()).isEqualTo(whole);
                assertThat(Files.exists(node.repair().damagedFile())).isTrue();
                assertThat(node.recovery().nextSeq()).isEqualTo(expectedLastSeq + 1);
            }
            final List<Excerpt> recovered = excerpts(config);
            for (int i = 0; i < whole; i++)
            {
                assertThat(recovered.get(i).bytes()).as("record %d", i).isEqualTo(excerpts.get(i).bytes());
            }
            try (Journal journal = Journal.open(config.asReadOnly()))
            {
                assertThat(JournalScan.scan(journal, null).lastSeq()).as("contiguous after the restart")
                    .isGreaterThanOrEqualTo(expectedLastSeq);
            }
        }
    }

    private static EngineConfig config(final JournalConfig journal)
    {
        return new EngineConfig().journal(journal).instruments(InstrumentSpec.defaults(4));
    }

    private static long lastSeq(final JournalConfig config)
    {
        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            return JournalScan.scan(journal, null).lastSeq();
        }
    }

    private static List<Excerpt> excerpts(final JournalConfig config)
    {
        final List<Excerpt> list = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final BatchHeaderDecoder batch = new BatchHeaderDecoder();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        long lastSeq = 0;
        try (Journal journal = Journal.open(config.asReadOnly()); ExcerptTailer tailer = journal.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return list;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final long start = bytes.readPosition();
                    final long end = bytes.readLimit();
                    final int length = JournalReader.wrap(dc, view);
                    header.wrap(view, 0);
                    if (header.templateId() == BatchHeaderDecoder.TEMPLATE_ID)
                    {
                        batch.wrapAndApplyHeader(view, 0, header);
                        lastSeq = batch.firstSeq() + batch.eventCount() - 1;
                    }
                    final byte[] copy = new byte[length];
                    view.getBytes(0, copy);
                    list.add(new Excerpt(start, end, copy, lastSeq));
                }
            }
        }
    }

    /**
     * Copies the journal directory, the cycle file only up to {@code cut} bytes (as a file system that lost
     * the file's end would leave it).
     */
    private static void copyCut(final Path from, final Path to, final String cycleFile, final long cut)
        throws IOException
    {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.toList())
            {
                final Path target = to.resolve(file.getFileName());
                if (!file.getFileName().toString().equals(cycleFile))
                {
                    Files.copy(file, target);
                    continue;
                }
                try (InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(target))
                {
                    final byte[] chunk = new byte[64 * 1024];
                    long left = cut;
                    while (left > 0)
                    {
                        final int n = in.read(chunk, 0, (int)Math.min(chunk.length, left));
                        if (n < 0)
                        {
                            break;
                        }
                        out.write(chunk, 0, n);
                        left -= n;
                    }
                }
            }
        }
    }
}
