package io.tickwire.engine.journal;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.JournalScan;
import io.tickwire.engine.TestInputs;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class JournalRollTest
{
    @TempDir
    Path dir;

    @Test
    void seqStaysContiguousAcrossRollsAndRecoveryRebuildsTheSameState() throws IOException
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("JournalRollTest seed=" + seed);
        final Random random = new Random(seed);
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.SECONDS.toNanos(1_700_000_000L));
        final JournalConfig config = JournalConfig.of(dir.resolve("journal"))
            .withRollCycle(TestRollCycles.TEST_SECONDLY).withTimeProvider(time);

        final Engine engine = new Engine(EngineLimits.defaults());
        final int batches = 3_000;
        try (Journal journal = Journal.open(config); JournalWriter writer = journal.createWriter())
        {
            writer.source(engine.batchByteBuffer());
            final UnsafeBuffer add = TestInputs.addInstrument(1, "ROLL", 2, 0, 1, 1, InstrumentMode.MATCHING);
            writer.append(engine.apply(add, 0, add.capacity(), 0));
            for (int i = 1; i < batches; i++)
            {
                if (i % 250 == 0)
                {
                    time.advanceMillis(1_000);
                }
                final Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
                final UnsafeBuffer input = random.nextInt(4) == 0 ?
                    TestInputs.cancel(1, 1 + random.nextInt(i), 1) :
                    TestInputs.newOrder(1, i, 1, side, OrderType.LIMIT, 95 + random.nextInt(11), 1 + random.nextInt(5));
                writer.append(engine.apply(input, 0, input.capacity(), i));
            }
        }

        try (Stream<Path> files = Files.list(config.directory()))
        {
            assertThat(files.filter(p -> p.toString().endsWith(".cq4")).count()).isGreaterThanOrEqualTo(10);
        }
        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            final JournalScan.Result scan = JournalScan.scan(journal, null);
            assertThat(scan.batches()).isEqualTo(batches);
            assertThat(scan.lastSeq()).isEqualTo(engine.nextSeq() - 1);

            final Engine recovered = new Engine(EngineLimits.defaults());
            final EngineNode.RecoveryResult result = EngineNode.recover(journal, recovered);
            assertThat(result.batches()).isEqualTo(batches);
            assertThat(result.nextSeq()).isEqualTo(engine.nextSeq());
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());
        }
    }
}
