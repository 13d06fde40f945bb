package io.tickwire.gateway;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.ext.DebugReceiveChannelEndpoint;
import io.aeron.driver.ext.RandomLossGenerator;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A gateway in its own JVM with its own embedded media driver, as on another host: the bus arrives over UDP.
 * The driver's receive endpoints run Aeron's debug loss generator: incoming data frames and outgoing control
 * frames (status messages, NAKs) are dropped at the given rates, seeded. Args: aeron dir, bus channel, data
 * loss rate, control loss rate, seed, and optionally the engine's journal directory ({@code -} for none, the
 * default: what reaches its clients came over the bus only), the replay service's request channel and this
 * gateway's response channel for it ({@code -} for none: no replay service). Prints {@code READY <httpPort>}; on a
 * {@code STOP} line (or end of stdin) closes and prints {@code STOPPED}.
 */
public final class GatewayChild
{
    private GatewayChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final String aeronDir = args[0];
        final double dataLoss = Double.parseDouble(args[2]);
        final double controlLoss = Double.parseDouble(args[3]);
        final long seed = Long.parseLong(args[4]);
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 100_000))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        if (dataLoss > 0 || controlLoss > 0)
        {
            driverContext.receiveChannelEndpointSupplier((udpChannel, dispatcher, statusIndicator, context) ->
                new DebugReceiveChannelEndpoint(udpChannel, dispatcher, statusIndicator, context,
                    new RandomLossGenerator(dataLoss, seed), new RandomLossGenerator(controlLoss, seed + 1)));
        }
        final MediaDriver driver = MediaDriver.launchEmbedded(driverContext);
        GatewayServer gateway = null;
        try
        {
            final GatewayConfig config = new GatewayConfig();
            config.port = 0;
            config.host = "127.0.0.1";
            config.aeronDirectory = aeronDir;
            config.busChannel = args[1];
            config.ingressChannel = null;
            if (args.length > 5 && !"-".equals(args[5]))
            {
                config.journalDirectory = java.nio.file.Path.of(args[5]);
            }
            if (args.length > 7 && !"-".equals(args[6]))
            {
                config.replayChannel = args[6];
                config.replayResponseChannel = args[7];
            }
            gateway = GatewayServer.launch(config);
            System.out.println("READY " + gateway.port());
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            do
            {
                line = in.readLine();
            }
            while (line != null && !"STOP".equals(line));
        }
        finally
        {
            CloseHelper.closeAll(gateway, driver);
        }
        System.out.println("STOPPED");
        System.out.flush();
    }
}
