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
 * loss rate, control loss rate, seed. Prints {@code READY <httpPort>}; on a {@code STOP} line (or end of stdin)
 * closes and prints {@code STOPPED}. No journal: what reaches its clients came over the lossy bus only.
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
