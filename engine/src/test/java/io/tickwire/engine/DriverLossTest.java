package io.tickwire.engine;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's media driver stalls past the engine's {@code driverTimeout} while the simulator feeds it: the
 * engine's Aeron client closes itself, and the engine must halt with the documented reason instead of touching
 * the buffers the client unmaps (a SIGSEGV, which would kill this JVM). Its journal stays whole and a restart
 * recovers everything it had journaled.
 */
class DriverLossTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void theEngineHaltsWhenItsDriverIsLostAndItsJournalRecovers() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("DriverLossTest seed=" + seed);
        final String aeronDir = AeronSupport.uniqueAeronDirectory();
        final JournalConfig journalConfig = JournalConfig.of(dir.resolve("journal"));
        final AtomicBoolean stalled = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();
        final MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .timerIntervalNs(TimeUnit.MILLISECONDS.toNanos(100)) // it heartbeats at this interval
            .threadingMode(ThreadingMode.INVOKER)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        final Thread duty = new Thread(() ->
        {
            final BackoffIdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            while (!stop.get())
            {
                idle.idle(stalled.get() ? 0 : driver.sharedAgentInvoker().invoke());
            }
        }, "test-stalling-driver");
        duty.start();
        final long journaledBeforeStall;
        try
        {
            try (EngineNode engine = EngineNode.launch(new EngineConfig()
                .journal(journalConfig)
                .instruments(InstrumentSpec.defaults(2))
                .simulatorRate(2_000)
                .simulatorSeed(seed)
                .aeronDirectory(aeronDir)
                .embeddedMediaDriver(false)
                .driverTimeout(Duration.ofMillis(500))))
            {
                journaledBeforeStall = JournalScan.awaitJournaledSeq(journalConfig, 1_000, Duration.ofSeconds(30));
                assertThat(engine.state()).isEqualTo(EngineState.RUNNING);
                stalled.set(true);
                Awaitility.await("the engine halts").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> engine.state() == EngineState.HALTED);
                assertThat(engine.haltReason()).isEqualTo("media driver lost (the Aeron client closed)");
                assertThat(engine.aeron().isClosed()).isTrue();
                stalled.set(false);
            }
        }
        finally
        {
            stop.set(true);
            duty.join(10_000);
            driver.close();
        }
        final JournalScan.Result scan;
        try (Journal journal = Journal.open(journalConfig))
        {
            scan = JournalScan.scan(journal, null); // contiguous seqs, or it fails
        }
        assertThat(scan.lastSeq()).isGreaterThanOrEqualTo(journaledBeforeStall);
        try (EngineNode restarted = EngineNode.launch(new EngineConfig().journal(journalConfig)
            .instruments(InstrumentSpec.defaults(2))))
        {
            assertThat(restarted.recovery().nextSeq()).isEqualTo(scan.lastSeq() + 1);
            assertThat(restarted.state()).isEqualTo(EngineState.RUNNING);
        }
        System.out.println("DriverLossTest: halted after the driver stalled; journal whole up to seq " + scan.lastSeq() +
            ", recovered by a restart");
    }
}
