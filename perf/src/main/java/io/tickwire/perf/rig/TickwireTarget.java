package io.tickwire.perf.rig;

import io.aeron.Publication;
import io.tickwire.codecs.sbe.FeedTradeEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.gateway.GatewayConfig;
import io.tickwire.gateway.GatewayServer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out rig's Tickwire target, run in its own process by {@link FanoutBench}: a real engine (new journal
 * in a temp dir, feed mode) and a real gateway, plus a feed bridge that reads the driver's tick records
 * ({@link TickStream}) from a local TCP connection and offers each as a {@code FeedTrade} input on the
 * engine's Aeron ingress, carrying the tick's intended time. The engine sequences and journals it, the bus
 * carries it, and the gateway encodes one trade message and fans it out, with the benchmark field
 * {@code "intended"} on.
 * <p>
 * Arguments: {@code --symbols K --clients N --bounds high|default|idle [--conflate-above B --close-above B]
 * [--book-levels L] [--max-sessions-per-ip P] [--ws-port P] [--feed-port F]}. With {@code high} the per-session
 * bounds are set so a client keeping up never meets them (conflation and slow-consumer closes off in effect, as the
 * peers have neither); {@code default} keeps the gateway's defaults (stall runs), or the byte bounds given;
 * {@code idle} ({@link IdleBench}) keeps every gateway default (the preallocated books' {@code maxLevelsPerSide}
 * too) except {@code maxSessions}, raised to N when N is above it, and, when given, {@code maxSessionsPerIp} = P
 * with {@code maxConnectionsPerIp} = P + 100. {@code --book-levels L} adds L bid and L ask levels and one trade per
 * symbol to the feed file, so books, tickers and trades have a state to snapshot. Prints
 * {@code READY ws=<port> feed=<port>}; on the line {@code stats} prints {@code STATS ...} (heap after a full GC,
 * direct buffers, RSS, threads, sessions, gateway counters); exits when stdin ends.
 */
public final class TickwireTarget
{
    private TickwireTarget()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        final Args a = new Args(args);
        final int symbols = a.intValue("--symbols", 100);
        final int clients = a.intValue("--clients", 100);
        final String bounds = a.value("--bounds", "high");
        final boolean high = "high".equals(bounds);
        final boolean idle = "idle".equals(bounds);
        final int bookLevels = a.intValue("--book-levels", 0);
        final Path dir = Files.createTempDirectory("tickwire-rig");
        final Path feedFile = dir.resolve("instruments.ndjson");
        final StringBuilder defs = new StringBuilder();
        for (int s = 0; s < symbols; s++)
        {
            defs.append("{\"type\":\"instrument\",\"symbol\":\"").append(TickStream.symbol(s))
                .append("\",\"priceScale\":").append(TickStream.PRICE_SCALE)
                .append(",\"qtyScale\":").append(TickStream.QTY_SCALE).append("}\n");
        }
        final int records = symbols + appendBooks(defs, symbols, bookLevels);
        Files.writeString(feedFile, defs);
        try (EngineNode engine = EngineNode.launch(new EngineConfig()
            .journal(JournalConfig.of(dir.resolve("journal")))
            .feedFile(feedFile)))
        {
            awaitJournaled(engine, records);
            final GatewayConfig config = new GatewayConfig();
            config.port = a.intValue("--ws-port", 0);
            config.host = "127.0.0.1";
            config.aeronDirectory = engine.aeronDirectory();
            config.journalDirectory = dir.resolve("journal");
            if (idle)
            {
                // the gateway's defaults, but for the session limits the measured connection count needs
                config.maxSessions = Math.max(config.maxSessions, clients);
                final int perIp = a.intValue("--max-sessions-per-ip", 0);
                if (perIp > 0)
                {
                    config.maxSessionsPerIp = perIp;
                    config.maxConnectionsPerIp = perIp + 100;
                }
            }
            else
            {
                config.maxSessions = clients + 100;
                config.maxSessionsPerIp = clients + 100;
                config.benchIntendedTime = true;
                // feed trades make no book levels: keep the preallocated books small (2 MiB per instrument by default)
                config.maxLevelsPerSide = 1_024;
            }
            if (high)
            {
                config.conflateAboveBytes = 64 << 20;
                config.closeAboveBytes = 128 << 20;
                config.maxFramesInFlight = clients > 4_000 ? 8_192 : 32_768;
                config.stuckTimeout = Duration.ofMinutes(10);
            }
            else
            {
                config.conflateAboveBytes = a.intValue("--conflate-above", config.conflateAboveBytes);
                config.closeAboveBytes = a.intValue("--close-above", config.closeAboveBytes);
            }
            try (GatewayServer gateway = GatewayServer.launch(config);
                ServerSocketChannel feedServer = ServerSocketChannel.open())
            {
                feedServer.bind(new InetSocketAddress("127.0.0.1", a.intValue("--feed-port", 0)));
                final Publication ingress = engine.aeron().addPublication(
                    engine.config().ingressChannel(), engine.config().ingressStreamId());
                final HeapSampler heap = new HeapSampler();
                final Thread bridge = new Thread(() -> bridge(feedServer, ingress), "tickwire-feed-bridge");
                bridge.setDaemon(true);
                bridge.start();
                heap.start();
                System.out.println("READY ws=" + gateway.port() + " feed=" +
                    ((InetSocketAddress)feedServer.getLocalAddress()).getPort());
                System.out.flush();
                final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null)
                {
                    if ("stats".equals(line.trim()))
                    {
                        final long sampledMax = heap.maxUsedAndReset();
                        System.gc();
                        System.gc(); // a second pass frees what the first one's finalisation and cleaners released
                        final BufferPoolMXBean direct = bufferPool("direct");
                        System.out.println("STATS heapMaxUsedSampled=" + sampledMax +
                            " heapUsedAfterFullGc=" + heapUsed() +
                            " heapMax=" + Runtime.getRuntime().maxMemory() +
                            " directUsed=" + (direct == null ? -1 : direct.getMemoryUsed()) +
                            " directCount=" + (direct == null ? -1 : direct.getCount()) +
                            " rss=" + rssBytes() +
                            " threads=" + ManagementFactory.getThreadMXBean().getThreadCount() +
                            " openSessions=" + gateway.openConnections() +
                            " activeSessions=" + gateway.counters().activeSessions.get() +
                            " tcpConnections=" + gateway.openTcpConnections() +
                            " sessionsOpened=" + gateway.counters().sessionsOpened.get() +
                            " sessionsClosed=" + gateway.counters().sessionsClosed.get() +
                            " sessionsRefused=" + gateway.counters().sessionsRefused.get() +
                            " upgradesRefused=" + (gateway.counters().upgradesRefusedGatewayFull.get() +
                            gateway.counters().upgradesRefusedIpLimit.get() +
                            gateway.counters().connectionsRefusedIpLimit.get()) +
                            " messagesSent=" + gateway.counters().messagesSent.get() +
                            " conflated=" + gateway.counters().conflatedMessages.get() +
                            " slowConsumerCloses=" + gateway.counters().slowConsumerCloses.get() +
                            " maxSessionBytesInFlight=" + gateway.counters().maxSessionBytesInFlight.get() +
                            " jsonEncodingsShared=" + gateway.counters().encodingsShared[0].get() +
                            " jsonEncodingsRebased=" + gateway.counters().encodingsRebased[0].get());
                        System.out.flush();
                    }
                }
                heap.interrupt();
            }
        }
        finally
        {
            FanoutBench.deleteTree(dir);
        }
    }

    /**
     * Appends {@code levels} bid and ask levels and one trade per symbol (prices around 100.00, one tick apart).
     *
     * @return the records appended (each is one engine input and one journaled batch).
     */
    static int appendBooks(final StringBuilder defs, final int symbols, final int levels)
    {
        if (levels <= 0)
        {
            return 0;
        }
        int records = 0;
        for (int s = 0; s < symbols; s++)
        {
            final String symbol = TickStream.symbol(s);
            for (int l = 0; l < levels; l++)
            {
                defs.append(level(symbol, "bid", 9_999 - l, l + 1)).append(level(symbol, "ask", 10_001 + l, l + 1));
                records += 2;
            }
            defs.append("{\"type\":\"trade\",\"symbol\":\"").append(symbol)
                .append("\",\"side\":\"buy\",\"price\":\"100.01\",\"qty\":\"0.5\"}\n");
            records++;
        }
        return records;
    }

    private static String level(final String symbol, final String side, final int cents, final int qty)
    {
        return String.format(java.util.Locale.ROOT,
            "{\"type\":\"book\",\"symbol\":\"%s\",\"side\":\"%s\",\"price\":\"%d.%02d\",\"qty\":\"%d\"}\n",
            symbol, side, cents / 100, cents % 100, qty);
    }

    static BufferPoolMXBean bufferPool(final String name)
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if (name.equals(pool.getName()))
            {
                return pool;
            }
        }
        return null;
    }

    /** This process's resident set size ({@code VmRSS} of {@code /proc/self/status}), in bytes; -1 if unknown. */
    static long rssBytes()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // not Linux
        }
        return -1;
    }

    private static void awaitJournaled(final EngineNode engine, final int records)
    {
        final CountersReader counters = engine.aeron().countersReader();
        final int[] id = {-1};
        counters.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == EngineNode.COUNTER_BATCHES_JOURNALED)
            {
                id[0] = counterId;
            }
        });
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (id[0] < 0 || counters.getCounterValue(id[0]) < records)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the engine did not journal the " + records + " feed records in 60 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Reads feed records and offers one FeedTrade per record; blocks in read when the driver pauses. */
    private static void bridge(final ServerSocketChannel server, final Publication ingress)
    {
        final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final FeedTradeEncoder trade = new FeedTradeEncoder();
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + FeedTradeEncoder.BLOCK_LENGTH;
        try (SocketChannel feed = server.accept())
        {
            feed.socket().setTcpNoDelay(true);
            while (feed.read(in) >= 0)
            {
                in.flip();
                while (in.remaining() >= 4 && in.remaining() >= 4 + in.getInt(in.position()))
                {
                    final int start = in.position();
                    final int recordLength = in.getInt();
                    final int symbol = in.getInt();
                    final long intended = in.getLong();
                    final long price = in.getLong();
                    final long qty = in.getLong();
                    final byte side = in.get();
                    in.position(start + 4 + recordLength);
                    trade.wrapAndApplyHeader(out, 0, header)
                        .intendedTime(intended)
                        .instrumentId(symbol + 1)
                        .price(price)
                        .quantity(qty)
                        .aggressorSide(side == 0 ? Side.BUY : Side.SELL)
                        .sourceTime(0);
                    long result;
                    while ((result = ingress.offer(out, 0, length)) < 0)
                    {
                        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                        {
                            throw new IllegalStateException("ingress " + Publication.errorString(result));
                        }
                        Thread.yield(); // back pressure: the engine is behind; the tick keeps its intended time
                    }
                }
                in.compact();
            }
        }
        catch (final IOException ex)
        {
            System.err.println("feed bridge: " + ex);
        }
    }

    static long heapUsed()
    {
        long used = 0;
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
        {
            if (pool.getType() == MemoryType.HEAP)
            {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    /** Samples heap use every 20 ms and keeps the maximum since the last {@link #maxUsedAndReset()}. */
    static final class HeapSampler extends Thread
    {
        private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();

        HeapSampler()
        {
            super("tickwire-heap-sampler");
            setDaemon(true);
        }

        long maxUsedAndReset()
        {
            return max.getAndSet(0);
        }

        @Override
        public void run()
        {
            final List<MemoryPoolMXBean> pools = new ArrayList<>(ManagementFactory.getMemoryPoolMXBeans());
            while (!isInterrupted())
            {
                long used = 0;
                for (final MemoryPoolMXBean pool : pools)
                {
                    if (pool.getType() == MemoryType.HEAP)
                    {
                        used += pool.getUsage().getUsed();
                    }
                }
                max.accumulateAndGet(used, Math::max);
                LockSupport.parkNanos(20_000_000L);
            }
        }
    }
}
