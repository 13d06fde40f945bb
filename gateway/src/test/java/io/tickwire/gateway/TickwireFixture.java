package io.tickwire.gateway;

import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.sim.InstrumentSpec;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.net.DatagramSocket;
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

    /**
     * An engine (its own embedded media driver) publishing the bus over Aeron UDP to a gateway on another media
     * driver, as on two hosts: the caller runs that driver at {@code gatewayAeronDirectory}, launched before this.
     * The gateway has the engine's journal and no ingress unless {@code customizer} says otherwise.
     */
    public static TickwireFixture overUdp(final Path dir, final int instruments, final double rate, final long seed,
        final String gatewayAeronDirectory, final Consumer<EngineConfig> engineCustomizer,
        final Consumer<GatewayConfig> customizer) throws Exception
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort();
        return new TickwireFixture(dir, instruments, rate, seed,
            e ->
            {
                e.marketDataChannel(channel);
                engineCustomizer.accept(e);
            },
            c ->
            {
                c.aeronDirectory = gatewayAeronDirectory;
                c.busChannel = channel;
                c.ingressChannel = null;
                customizer.accept(c);
            });
    }

    /**
     * @return a UDP port free on 127.0.0.1 now.
     */
    public static int freeUdpPort() throws IOException
    {
        try (DatagramSocket probe = new DatagramSocket(0))
        {
            return probe.getLocalPort();
        }
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
