package io.tickwire.engine;

import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An engine in a child JVM, for crash tests. Args: journal dir, simulator rate, simulator seed, and optionally
 * minFreeDiskBytes (default 0: no free-space check), the market-data channel (default {@code aeron:ipc}), the
 * embedded media driver's directory (default, or {@code -}: a unique one; give one to delete it after a kill), the
 * journal's roll cycle (a {@code RollCycles} name or {@code TEST_SECONDLY}; default {@code FAST_HOURLY}) and
 * {@code snapshotEveryBatches} (default 0). Prints
 * {@code READY <nextSeq>} once running, then {@code STATE <EngineState>} whenever its state changes; on a
 * {@code STOP} line (or end of stdin) it stops cleanly and prints {@code HASH <stateHash> <nextSeq>}. The parent
 * kills it with SIGKILL at random moments.
 */
public final class EngineChild
{
    private EngineChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final RollCycle rollCycle = args.length <= 6 ? RollCycles.FAST_HOURLY :
            "TEST_SECONDLY".equals(args[6]) ? TestRollCycles.TEST_SECONDLY : JournalConfig.parseRollCycle(args[6]);
        final EngineConfig config = new EngineConfig()
            .journal(JournalConfig.of(Path.of(args[0])).withRollCycle(rollCycle))
            .snapshotEveryBatches(args.length > 7 ? Long.parseLong(args[7]) : 0)
            .instruments(InstrumentSpec.defaults(4))
            .simulatorRate(Double.parseDouble(args[1]))
            .simulatorSeed(Long.parseLong(args[2]))
            .minFreeDiskBytes(args.length > 3 ? Long.parseLong(args[3]) : 0);
        if (args.length > 4)
        {
            config.marketDataChannel(args[4]);
        }
        if (args.length > 5 && !"-".equals(args[5]))
        {
            config.aeronDirectory(args[5]);
        }
        final EngineNode node = EngineNode.launch(config);
        System.out.println("READY " + node.recovery().nextSeq());
        System.out.flush();
        final Thread watch = new Thread(() ->
        {
            EngineState last = EngineState.RUNNING;
            while (!Thread.currentThread().isInterrupted())
            {
                final EngineState now = node.state();
                if (now != last)
                {
                    System.out.println("STATE " + now);
                    System.out.flush();
                    last = now;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        }, "state-watch");
        watch.setDaemon(true);
        watch.start();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        do
        {
            line = in.readLine();
        }
        while (line != null && !"STOP".equals(line));
        watch.interrupt();
        watch.join();
        node.close();
        System.out.println("HASH " + node.engine().stateHash() + " " + node.engine().nextSeq());
        System.out.flush();
    }
}
