package io.tickwire.engine;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bus subscriber that never polls does not slow the engine: with a real engine node (embedded media driver,
 * Chronicle journal) whose market-data bus has a 64 KiB term (so one stalled subscriber fills the publication's
 * window after a few hundred batches), a gateway-like subscription on the bus that never polls, and 20,000 inputs
 * sent on the real ingress, the engine journals every input, in order, while the bus publisher counts back pressure
 * and stays behind; once the subscriber polls, it receives every journaled batch in order (the publisher kept the
 * refused batch and went on from the journal: docs/architecture.md, docs/operations.md "Back-pressure policies").
 */
class BusIsolationTest
{
    private static final int INPUTS = 20_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aSubscriberThatNeverPollsDoesNotHoldTheEngineBack() throws Exception
    {
        final JournalConfig journalConfig = JournalConfig.of(dir.resolve("journal"));
        final EngineConfig config = new EngineConfig()
            .journal(journalConfig)
            .instruments(InstrumentSpec.defaults(2))
            .simulatorRate(0)
            .marketDataChannel("aeron:ipc?term-length=64k");
        final List<UnsafeBuffer> sent = new ArrayList<>();
        final long journaledBefore;
        final long journaledAfter;
        final long publishedWhileStalled;
        final long backPressure;
        final List<long[]> received = new ArrayList<>();
        final List<UnsafeBuffer> journaledInputs = new ArrayList<>();
        final JournalScan.Result scan;
        try (EngineNode node = EngineNode.launch(config);
            Subscription stalled =
                node.aeron().addSubscription(config.marketDataChannel(), config.marketDataStreamId());
            Publication ingress = node.aeron().addPublication(config.ingressChannel(), config.ingressStreamId()))
        {
            final CountersReader counters = node.aeron().countersReader();
            final int journaled = NodeCounters.counterId(counters, EngineNode.COUNTER_BATCHES_JOURNALED);
            final int published = NodeCounters.counterId(counters, EngineNode.COUNTER_BATCHES_PUBLISHED);
            final int pressured = NodeCounters.counterId(counters, EngineNode.COUNTER_BUS_BACK_PRESSURE);
            NodeCounters.awaitCondition("the stalled subscriber is connected", 60, () -> stalled.isConnected() &&
                node.marketDataConnected());
            journaledBefore = counters.getCounterValue(journaled);

            // 20,000 inputs: a resting sell, then a buy that trades with it (trade, book and ticker events).
            final int participant = ParticipantRanges.first(ParticipantRanges.SIMULATOR_RANGE) + 1;
            for (int i = 0; i < INPUTS; i++)
            {
                final UnsafeBuffer input = TestInputs.newOrder(participant, i + 1, 1, i % 2 == 0 ? Side.SELL : Side.BUY,
                    OrderType.LIMIT, 6_500_000L, 10);
                sent.add(input);
                final long deadline = System.nanoTime() + 10_000_000_000L;
                while (ingress.offer(input, 0, input.capacity()) < 0)
                {
                    assertThat(System.nanoTime()).as("the engine takes input %d", i).isLessThan(deadline);
                    LockSupport.parkNanos(10_000);
                }
            }
            // Every input journaled, while the stalled subscriber has not read a byte.
            NodeCounters.awaitCondition("all inputs journaled", 60,
                () -> counters.getCounterValue(journaled) - journaledBefore == INPUTS);
            journaledAfter = counters.getCounterValue(journaled);
            publishedWhileStalled = counters.getCounterValue(published);
            backPressure = counters.getCounterValue(pressured);
            assertThat(backPressure).as("the bus publisher met back pressure").isPositive();
            assertThat(publishedWhileStalled).as("the bus is behind the journal")
                .isLessThan(journaledAfter - 1_000);

            // The journal: every input, in order, in gap-free batches.
            try (Journal journal = Journal.open(journalConfig.asReadOnly()))
            {
                scan = JournalScan.scan(journal, journaledInputs::add);
            }

            // The subscriber reads at last: every batch up to the journal's last, in seq order.
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final BatchHeaderDecoder batch = new BatchHeaderDecoder();
            final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
            {
                header.wrap(buffer, offset);
                batch.wrapAndApplyHeader(buffer, offset, header);
                received.add(new long[] {batch.firstSeq(), batch.eventCount()});
            });
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (received.isEmpty() || lastSeq(received) < scan.lastSeq())
            {
                if (stalled.poll(assembler, 100) == 0)
                {
                    assertThat(System.nanoTime()).as("every batch reaches the subscriber").isLessThan(deadline);
                    LockSupport.parkNanos(100_000);
                }
            }
        }
        System.out.println("BusIsolationTest: journaled " + (journaledAfter - journaledBefore) +
            " batches; published while stalled " + publishedWhileStalled + ", back pressure " + backPressure);

        final List<UnsafeBuffer> ours =
            journaledInputs.subList(journaledInputs.size() - INPUTS, journaledInputs.size());
        for (int i = 0; i < INPUTS; i++)
        {
            assertThat(ours.get(i)).as("journaled input %d", i).isEqualTo(sent.get(i));
        }
        assertThat(received.size()).as("batches on the bus").isGreaterThanOrEqualTo(INPUTS);
        for (int i = 1; i < received.size(); i++)
        {
            assertThat(received.get(i)[0]).as("bus batch %d follows %d", i, i - 1)
                .isEqualTo(received.get(i - 1)[0] + received.get(i - 1)[1]);
        }
        assertThat(lastSeq(received)).as("the subscriber got up to the journal's last seq").isEqualTo(scan.lastSeq());
    }

    private static long lastSeq(final List<long[]> received)
    {
        final long[] last = received.get(received.size() - 1);
        return last[0] + last[1] - 1;
    }
}
