package io.tickwire.replay;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Historical replay on real Aeron streams (embedded media driver) from a real journal whose batches were
 * stamped with a controlled engine time: the batches that arrive are exactly the journal's, and at 10x each
 * arrives at its recorded time / 10 from the first, within a tolerance (docs/operations.md states it; the
 * figures are in BENCHMARKS.md).
 */
@Timeout(120)
class ReplayPublisherTest
{
    /*
     * The documented tolerance (docs/operations.md) is p99 |deviation| of 5 ms with a free core. Asserted
     * generously here: on a box shared with other builds a thread waits tens of ms for a core now and then,
     * which delays the few batches due meanwhile (they then catch up: no drift). So the test bounds the median
     * and p75, the closest batch of the second half (cumulative drift) and the effective speed; the figures go to BENCHMARKS.md.
     */
    private static final long P50_BOUND_NANOS = 10_000_000L;
    private static final long P75_BOUND_NANOS = 50_000_000L;
    private static final long DRIFT_BOUND_NANOS = 25_000_000L;

    @TempDir
    Path dir;

    private String aeronDir;
    private MediaDriver driver;
    private Aeron aeron;
    private AgentRunner runner;

    @BeforeEach
    void driver()
    {
        aeronDir = AeronSupport.uniqueAeronDirectory();
        driver = AeronSupport.launchEmbeddedDriver(aeronDir, EngineConfig.Idle.BACKOFF);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(runner, aeron, driver);
    }

    /**
     * A journal of about {@code seconds} of recorded history: gaps of 0 to 2 * meanGap between batches (some
     * ties), so the schedule has bursts and pauses.
     */
    private JournalFixture journal(final Random random, final int batches, final long meanGapNanos)
    {
        final JournalFixture fixture = new JournalFixture(dir.resolve("journal"), random);
        fixture.start(0x5EED_0000_0000_0002L);
        fixture.addInstrument();
        fixture.addInstrument();
        fixture.addInstrument();
        for (int i = 0; i < batches; i++)
        {
            fixture.engineTime += random.nextInt(5) == 0 ? 0 : (long)(random.nextDouble() * 2 * meanGapNanos);
            fixture.appendRandom();
        }
        return fixture;
    }

    /** A batch as it arrived: its bytes, engine time and arrival time. */
    private record Arrival(String bytes, long lastSeq, long engineTime, long nanos)
    {
    }

    /**
     * Receives on the test thread. The callback only stamps the time and copies the bytes into preallocated
     * memory (so a cold or slow consumer does not show as replay lateness); the prefix is taken in full
     * before the range may start (the start gate), as the replay gateway does.
     */
    private static final class Receiver
    {
        private final Subscription subscription;
        private final UnsafeBuffer store = new UnsafeBuffer(new byte[64 << 20]);
        private final long[] nanos = new long[200_000];
        private final int[] offsets = new int[200_001];
        private final int prefixBatches;
        private final FragmentAssembler assembler;
        private int count;
        private volatile boolean prefixReceived;

        Receiver(final Subscription subscription, final int prefixBatches)
        {
            this.subscription = subscription;
            this.prefixBatches = prefixBatches;
            this.prefixReceived = prefixBatches == 0;
            this.assembler = new FragmentAssembler((buffer, offset, length, header) ->
            {
                nanos[count] = System.nanoTime();
                store.putBytes(offsets[count], buffer, offset, length);
                offsets[count + 1] = offsets[count] + length;
                count++;
                if (count == prefixBatches)
                {
                    prefixReceived = true;
                }
            });
        }

        boolean prefixReceived()
        {
            return prefixReceived;
        }

        List<Arrival> receive(final ReplayPublisher publisher, final int batches)
        {
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (count < batches)
            {
                assertThat(System.nanoTime()).as("replay arrives").isLessThan(deadline);
                subscription.poll(assembler, 64);
            }
            final long doneBy = System.nanoTime() + 10_000_000_000L;
            while (!publisher.done())
            {
                assertThat(System.nanoTime()).as("publisher done").isLessThan(doneBy);
                Thread.yield();
            }
            final List<Arrival> arrivals = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                final UnsafeBuffer view = new UnsafeBuffer(store, offsets[i], offsets[i + 1] - offsets[i]);
                final byte[] bytes = new byte[view.capacity()];
                view.getBytes(0, bytes);
                arrivals.add(new Arrival(HexFormat.of().formatHex(bytes), BatchFields.endSeq(view) - 1,
                    BatchFields.engineTime(view), nanos[i]));
            }
            return arrivals;
        }
    }

    /**
     * The reference: the journal's batches with events, read linearly, split at {@code bounds}.
     */
    private static List<String> expected(final JournalFixture fixture, final ReplayBounds bounds, final boolean range,
        final Set<Integer> instruments)
    {
        final List<String> batches = new ArrayList<>();
        final MarketDataDecoder decoder = new MarketDataDecoder();
        final boolean[] hit = new boolean[1];
        final MarketDataListener ids = new MarketDataListener()
        {
            @Override
            public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long it)
            {
            }

            @Override
            public void onInstrument(final InstrumentDefinitionDecoder d)
            {
                hit[0] |= instruments.contains(d.instrumentId());
            }

            @Override
            public void onTrade(final TradeDecoder t)
            {
                hit[0] |= instruments.contains(t.instrumentId());
            }

            @Override
            public void onBookLevel(final BookLevelDecoder b)
            {
                hit[0] |= instruments.contains(b.instrumentId());
            }

            @Override
            public void onTicker(final TickerDecoder t)
            {
                hit[0] |= instruments.contains(t.instrumentId());
            }

            @Override
            public void onBatchEnd(final long firstSeq, final int eventCount)
            {
            }
        };
        try (JournalReader reader = new JournalReader(fixture.journal))
        {
            while (reader.poll((buffer, length, index) ->
            {
                if (!BatchFields.isBatch(buffer, length) || BatchFields.eventCount(buffer) == 0 ||
                    (index >= bounds.startIndex()) != range || BatchFields.firstSeq(buffer) > bounds.toSeq())
                {
                    return;
                }
                hit[0] = instruments.isEmpty();
                if (!instruments.isEmpty())
                {
                    decoder.decode(buffer, 0, length, ids);
                }
                if (hit[0])
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(0, bytes);
                    batches.add(HexFormat.of().formatHex(bytes));
                }
            }))
            {
                // scanning
            }
        }
        return batches;
    }

    private ReplayPublisher start(final JournalFixture fixture, final ReplayBounds bounds, final double speed,
        final List<ReplayPublisher.Output> outputs, final Set<String> symbols, final Receiver receiver)
    {
        final ReplayPublisher publisher = new ReplayPublisher(fixture.journal, bounds.startIndex(), bounds.toSeq(),
            speed, outputs, symbols, receiver::prefixReceived, new SystemNanoClock(), EngineLimits.defaults().maxBatchLength());
        runner = new AgentRunner(AeronSupport.idleStrategy(EngineConfig.Idle.BACKOFF), Throwable::printStackTrace,
            null, publisher);
        AgentRunner.startOnThread(runner);
        return publisher;
    }

    private static List<String> bytes(final List<Arrival> arrivals)
    {
        return arrivals.stream().map(Arrival::bytes).toList();
    }

    @Test
    void atTenTimesEachBatchArrivesAtItsRecordedTimeOverTen()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ReplayPublisherTest seed=" + seed);
        final Random random = new Random(seed);
        // about 4 s of recorded history: 800 batches 5 ms apart on average; 0.4 s at 10x
        try (JournalFixture fixture = journal(random, 800, 5_000_000L);
            JournalIndex index = new JournalIndex(fixture.journal);
            Subscription subscription = aeron.addSubscription("aeron:ipc", 90);
            Publication publication = aeron.addPublication("aeron:ipc", 90))
        {
            final long from = index.lastSeq() / 5;
            final ReplayBounds bounds = ReplayBounds.resolve(index, from, ReplayBounds.NONE, ReplayBounds.NONE,
                ReplayBounds.NONE);
            final List<String> prefix = expected(fixture, bounds, false, Set.of());
            final List<String> range = expected(fixture, bounds, true, Set.of());
            final Receiver receiver = new Receiver(subscription, prefix.size());
            final double speed = Double.parseDouble(System.getProperty("tickwire.replay.speed", "10"));
            final ReplayPublisher publisher = start(fixture, bounds, speed,
                List.of(new ReplayPublisher.Output(publication, false)), Set.of(), receiver);
            final List<Arrival> arrivals = receiver.receive(publisher, prefix.size() + range.size());

            assertThat(bytes(arrivals)).as("seed %d", seed)
                .isEqualTo(java.util.stream.Stream.concat(prefix.stream(), range.stream()).toList());

            final List<Arrival> paced = arrivals.subList(prefix.size(), arrivals.size());
            final long[] deviation = deviations(paced, speed);
            final long[] sorted = Arrays.stream(deviation).map(Math::abs).sorted().toArray();
            final long p50 = sorted[sorted.length / 2];
            final long p99 = sorted[(int)(sorted.length * 0.99)];
            // After a stall the schedule resumes (deadlines come from the origin): some batch of the second half
            // is on time again unless something accumulated.
            final long drift = Arrays.stream(deviation, deviation.length / 2, deviation.length).map(Math::abs).min()
                .orElseThrow();
            final ReplayPublisher.Summary summary = publisher.summary();
            System.out.printf("%.1fx: %d batches over %.3f s recorded; |deviation| p50 %.3f ms p99 %.3f ms max %.3f ms;" +
                    " second half min %.3f ms; effective speed %.2fx%n", speed, paced.size(),
                (paced.get(paced.size() - 1).engineTime() - paced.get(0).engineTime()) / 1e9,
                p50 / 1e6, p99 / 1e6, sorted[sorted.length - 1] / 1e6, drift / 1e6, summary.effectiveSpeed());
            assertThat(summary.batches()).isEqualTo(range.size());
            assertThat(summary.prefixBatches()).isEqualTo(prefix.size());
            final long p75 = sorted[(int)(sorted.length * 0.75)];
            assertThat(p50).as("p50 |deviation| (seed %d)", seed).isLessThan(P50_BOUND_NANOS);
            assertThat(p75).as("p75 |deviation| (seed %d)", seed).isLessThan(P75_BOUND_NANOS);
            assertThat(drift).as("no cumulative drift: the best of the second half").isLessThan(DRIFT_BOUND_NANOS);
            assertThat(summary.effectiveSpeed()).as("never ahead of the recording").isLessThan(1.05 * speed);
        }
    }

    /**
     * @return for each arrival: (arrival - first arrival) - (engine time - first engine time) / speed.
     */
    static long[] deviations(final List<Arrival> arrivals, final double speed)
    {
        final long a0 = arrivals.get(0).nanos();
        final long e0 = arrivals.get(0).engineTime();
        final long[] deviation = new long[arrivals.size()];
        for (int i = 0; i < deviation.length; i++)
        {
            final Arrival a = arrivals.get(i);
            deviation[i] = (a.nanos() - a0) - (long)((a.engineTime() - e0) / speed);
        }
        return deviation;
    }

    @Test
    void atMaxSpeedEverythingArrivesAndAFilteredOutputGetsOnlyItsSymbolsBatches()
    {
        final Random random = new Random(3);
        try (JournalFixture fixture = journal(random, 1_500, 1_000_000L);
            JournalIndex index = new JournalIndex(fixture.journal);
            Subscription all = aeron.addSubscription("aeron:ipc", 91);
            Publication allPublication = aeron.addPublication("aeron:ipc", 91);
            Subscription onlyB = aeron.addSubscription("aeron:ipc", 92);
            Publication onlyBPublication = aeron.addPublication("aeron:ipc", 92))
        {
            final long t = fixture.engineTime;
            final ReplayBounds bounds = ReplayBounds.resolve(index, ReplayBounds.NONE, JournalFixture.T0 + (t - JournalFixture.T0) / 3,
                ReplayBounds.NONE, JournalFixture.T0 + 2 * (t - JournalFixture.T0) / 3);
            assertThat(bounds.empty()).isFalse();
            final List<String> everything = new ArrayList<>(expected(fixture, bounds, false, Set.of()));
            everything.addAll(expected(fixture, bounds, true, Set.of()));
            final Receiver receiver = new Receiver(all, 0);
            final ReplayPublisher publisher = start(fixture, bounds, 0, List.of(
                new ReplayPublisher.Output(allPublication, false), new ReplayPublisher.Output(onlyBPublication, true)),
                Set.of("B"), receiver);
            final List<Arrival> arrivals = receiver.receive(publisher, everything.size());
            final ReplayPublisher.Summary summary = publisher.summary();
            System.out.printf("max: %d events in %d batches in %.3f s: %.0f events/s, %.0f batches/s%n",
                summary.events(), summary.batches(), summary.wallNanos() / 1e9,
                summary.events() / (summary.wallNanos() / 1e9), summary.batches() / (summary.wallNanos() / 1e9));
            assertThat(bytes(arrivals)).isEqualTo(everything);

            final List<String> bOnly = new ArrayList<>(expected(fixture, bounds, false, Set.of(2)));
            bOnly.addAll(expected(fixture, bounds, true, Set.of(2)));
            final List<String> received = new ArrayList<>();
            final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                received.add(HexFormat.of().formatHex(bytes));
            });
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.size() < bOnly.size())
            {
                assertThat(System.nanoTime()).as("filtered output arrives").isLessThan(deadline);
                onlyB.poll(assembler, 64);
            }
            assertThat(received).isEqualTo(bOnly).hasSizeLessThan(everything.size());
        }
    }

}
