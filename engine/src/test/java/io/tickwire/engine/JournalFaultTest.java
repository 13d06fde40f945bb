package io.tickwire.engine;

import io.aeron.Publication;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fault in a mapped journal page that surfaces outside the engine's own {@code try} still halts the engine, and
 * the thread survives it (EngineThreadAgent; docs/reliability.md, "Disk full"). Found in CI: on a full tmpfs, HotSpot
 * raised the engine's append fault later, in the bus publisher's journal read, the error killed the engine thread
 * and the engine never reported HALTED.
 * <p>
 * Here the fault is real and comes from the publisher's side: a real engine node (embedded media driver, Chronicle
 * journal in a temp dir, no pretoucher) journals and publishes some batches, then the test truncates the journal's
 * cycle files to 0 bytes under it. The publisher's next poll of the tailer reads a mapped page past the end of the
 * file: SIGBUS, an InternalError on the engine thread. The engine, which touched nothing, must halt (its state and
 * reason), and then either the publisher, faulting again, stops (a second failure) or, when the error surfaced just
 * outside the agents' duty cycle, the thread ends after the runner's error handler halted the engine; nothing is
 * journaled or published after the truncation. Before the fix the error escaped the thread: the engine stayed
 * RUNNING.
 */
class JournalFaultTest
{
    private static final int INPUTS = 50;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aJournalReadFaultOnTheEngineThreadHaltsTheEngineAndStopsThePublisher() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final EngineConfig config = new EngineConfig()
            .journal(JournalConfig.of(journalDir))
            .instruments(InstrumentSpec.defaults(2))
            .simulatorRate(0)
            .journalPretouchBytes(0)
            .minFreeDiskBytes(0);
        final List<long[]> truncated = new ArrayList<>();
        try (EngineNode node = EngineNode.launch(config);
            Publication ingress = node.aeron().addPublication(config.ingressChannel(), config.ingressStreamId()))
        {
            final CountersReader counters = node.aeron().countersReader();
            final int journaled = NodeCounters.counterId(counters, EngineNode.COUNTER_BATCHES_JOURNALED);
            final int published = NodeCounters.counterId(counters, EngineNode.COUNTER_BATCHES_PUBLISHED);
            final int failures = NodeCounters.counterId(counters, EngineNode.COUNTER_ENGINE_FAILURES);
            final long journaledBefore = counters.getCounterValue(journaled);
            final int participant = ParticipantRanges.first(ParticipantRanges.SIMULATOR_RANGE) + 1;
            for (int i = 0; i < INPUTS; i++)
            {
                final UnsafeBuffer input = TestInputs.newOrder(participant, i + 1, 1, i % 2 == 0 ? Side.SELL : Side.BUY,
                    OrderType.LIMIT, 6_500_000L, 10);
                NodeCounters.awaitCondition("the engine takes input " + i, 20,
                    () -> ingress.offer(input, 0, input.capacity()) > 0);
            }
            NodeCounters.awaitCondition("every input journaled and published (or skipped: no subscriber)", 20,
                () -> counters.getCounterValue(journaled) - journaledBefore == INPUTS &&
                    counters.getCounterValue(published) + skipped(counters) == counters.getCounterValue(journaled));
            assertThat(node.state()).isEqualTo(EngineState.RUNNING);
            assertThat(counters.getCounterValue(failures)).isZero();
            final long journaledAtFault = counters.getCounterValue(journaled);
            final long publishedAtFault = counters.getCounterValue(published) + skipped(counters);

            try (Stream<Path> files = Files.list(journalDir))
            {
                for (final Path cycle : files.filter(p -> p.toString().endsWith(".cq4")).toList())
                {
                    try (FileChannel channel = FileChannel.open(cycle, StandardOpenOption.WRITE))
                    {
                        truncated.add(new long[] {truncated.size(), channel.size()});
                        channel.truncate(0);
                    }
                }
            }
            assertThat(truncated).as("cycle files truncated").isNotEmpty();

            // The fault surfaces inside the agents' duty cycle (the usual case): the engine halts, the publisher
            // faults again and stops (2 failures), the thread goes on. Or it surfaces just outside it (its entry or
            // return, seen in CI): the runner's error handler halts the engine (1 failure) and Agrona ends the thread.
            NodeCounters.awaitCondition("the engine halts, then the publisher stops or the thread ends", 20,
                () -> node.state() == EngineState.HALTED &&
                    (counters.getCounterValue(failures) == 2 || !node.engineThreadAlive()));
            assertThat(node.haltReason()).startsWith("java.lang.InternalError");
            final long failed = counters.getCounterValue(failures);
            System.out.println("JournalFaultTest: failures " + failed + ", engine thread alive " +
                node.engineThreadAlive());
            assertThat(List.of(counters.getCounterValue(journaled), counters.getCounterValue(published) +
                skipped(counters), failed == 2 || !node.engineThreadAlive()))
                .as("journaled, published or skipped, publisher stopped (2 failures) or thread ended")
                .containsExactly(journaledAtFault, publishedAtFault, true);

            // Give the files their length back (zeros) so that closing the journal reads no page past their end.
            try (Stream<Path> files = Files.list(journalDir))
            {
                int i = 0;
                for (final Path cycle : files.filter(p -> p.toString().endsWith(".cq4")).toList())
                {
                    try (FileChannel channel = FileChannel.open(cycle, StandardOpenOption.WRITE))
                    {
                        channel.write(java.nio.ByteBuffer.allocate(1), truncated.get(i++)[1] - 1);
                    }
                }
            }
        }
    }

    private static long skipped(final CountersReader counters)
    {
        return counters.getCounterValue(NodeCounters.counterId(counters, EngineNode.COUNTER_BUS_NOT_CONNECTED));
    }
}
