package io.tickwire.gateway;

import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.CloseHelper;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A real engine (embedded media driver, Chronicle journal, simulator) and a real gateway (Jetty on an
 * ephemeral port) in this JVM.
 */
public final class TickwireFixture implements AutoCloseable
{
    public final EngineNode engine;
    public final GatewayServer gateway;
    public final Path journal;

    public TickwireFixture(final Path dir, final int instruments, final double rate, final long seed,
        final Consumer<GatewayConfig> customizer) throws Exception
    {
        this(dir, instruments, rate, seed, e -> { }, customizer);
    }

    /**
     * @param engineCustomizer adjusts the engine's configuration (a roll cycle for the journal, ...).
     */
    public TickwireFixture(final Path dir, final int instruments, final double rate, final long seed,
        final Consumer<EngineConfig> engineCustomizer, final Consumer<GatewayConfig> customizer) throws Exception
    {
        journal = dir.resolve("journal");
        final EngineConfig engineConfig = new EngineConfig()
            .journal(JournalConfig.of(journal))
            .instruments(InstrumentSpec.defaults(instruments))
            .simulatorRate(rate)
            .simulatorSeed(seed);
        engineCustomizer.accept(engineConfig);
        engine = EngineNode.launch(engineConfig);
        final GatewayConfig config = new GatewayConfig();
        config.port = 0;
        config.host = "127.0.0.1";
        config.aeronDirectory = engine.aeronDirectory();
        config.journalDirectory = journal;
        customizer.accept(config);
        GatewayServer started = null;
        try
        {
            started = GatewayServer.launch(config);
        }
        finally
        {
            if (started == null)
            {
                engine.close();
            }
        }
        gateway = started;
    }

    public URI streamUri()
    {
        return URI.create("ws://127.0.0.1:" + gateway.port() + "/stream");
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(gateway, engine);
    }
}
