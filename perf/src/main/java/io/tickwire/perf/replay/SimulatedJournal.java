package io.tickwire.perf.replay;

import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.Inputs;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalWriter;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorConfig;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a journal the way the engine does (the market simulator's inputs through the real {@link Engine},
 * one batch per input) but as fast as it can, with a simulated clock: engine time moves 1 us per input and
 * the journal rolls (FAST_HOURLY, the default) every {@code eventsPerCycle} events.
 */
public final class SimulatedJournal
{
    /** What was written. */
    public record Written(long batches, long events, long payloadBytes, long nanos, long firstTime, long lastTime)
    {
    }

    static final long T0 = 1_714_564_800_000_000_000L; // 2024-05-01T12:00:00Z

    private SimulatedJournal()
    {
    }

    public static Written write(final Path directory, final long events, final long eventsPerCycle)
    {
        final SetTimeProvider clock = new SetTimeProvider(T0);
        final JournalConfig config = JournalConfig.of(directory).withRollCycle(RollCycles.FAST_HOURLY)
            .withTimeProvider(clock);
        final List<InstrumentSpec> instruments = InstrumentSpec.defaults(4);
        final MarketSimulator simulator = new MarketSimulator(new SimulatorConfig().seed(1).instruments(instruments));
        final Engine engine = new Engine(EngineLimits.defaults());
        final UnsafeBuffer input = new UnsafeBuffer(ByteBuffer.allocateDirect(MarketSimulator.MAX_MESSAGE_LENGTH));
        long time = T0;
        long batches = 0;
        long payload = 0;
        final long start = System.nanoTime();
        try (Journal journal = Journal.open(config); JournalWriter writer = journal.createWriter())
        {
            final ByteBuffer journalStart = ByteBuffer.allocateDirect(64);
            final JournalStartEncoder encoder = new JournalStartEncoder();
            encoder.wrapAndApplyHeader(new UnsafeBuffer(journalStart), 0, new MessageHeaderEncoder())
                .journalId(0x7E57).createdTime(time).schemaVersion(JournalStartEncoder.SCHEMA_VERSION);
            writer.source(journalStart);
            writer.append(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
            writer.source(engine.batchByteBuffer());
            for (final InstrumentSpec spec : instruments)
            {
                final UnsafeBuffer add = Inputs.addInstrument(spec);
                final int batchLength = engine.apply(add, 0, add.capacity(), time);
                writer.append(batchLength);
                payload += batchLength;
                batches++;
            }
            long nextRoll = eventsPerCycle;
            while (engine.nextSeq() - 1 < events)
            {
                if (engine.nextSeq() - 1 >= nextRoll)
                {
                    clock.advanceMillis(RollCycles.FAST_HOURLY.lengthInMillis());
                    nextRoll += eventsPerCycle;
                }
                time += 1_000;
                final int length = simulator.next(time, input, 0);
                final int batchLength = engine.apply(input, 0, length, time);
                writer.append(batchLength);
                payload += batchLength;
                batches++;
            }
        }
        return new Written(batches, engine.nextSeq() - 1, payload, System.nanoTime() - start, T0, time);
    }
}
