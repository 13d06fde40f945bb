package io.tickwire.gateway;

import io.tickwire.engine.sim.InstrumentSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.tickwire.gateway.BusLossTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse at and around the WebSocket handshake and in close frames (docs/reliability.md, docs/security.md), with
 * a well-behaved client on the same gateway that must see no gap: header floods (one huge header, many headers:
 * HTTP 431), slow-loris handshakes (closed within the handshake timeout, never holding a session slot),
 * connections that send nothing, a TCP connection flood and an upgrade flood from one IP (closed at accept
 * over {@code maxConnectionsPerIp}; 429 over {@code maxSessionsPerIp}), close frames with an invalid UTF-8
 * reason (1007), fragmented control frames, a one-byte close payload and reserved close codes (1002). The heap
 * used after a full GC must not grow by more than 32 MiB across the floods.
 */
class HandshakeAbuseTest
{
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_CONNECTIONS_PER_IP = 50;
    private static final int MAX_SESSIONS_PER_IP = 30;
    private static final long HEAP_BOUND = 32L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void handshakeAndCloseFrameAbuseGetTheDocumentedOutcomesWhileAGoodClientSeesNoGap() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("HandshakeAbuseTest seed=" + seed);
        try (TickwireFixture fixture = new TickwireFixture(dir, 2, 2_000, seed, c ->
        {
            c.handshakeTimeout = HANDSHAKE_TIMEOUT;
            c.maxConnectionsPerIp = MAX_CONNECTIONS_PER_IP;
            c.maxSessionsPerIp = MAX_SESSIONS_PER_IP;
        }))
        {
            final GatewayServer gateway = fixture.gateway;
            final int port = gateway.port();
            final List<String> symbols = InstrumentSpec.defaults(2).stream().map(InstrumentSpec::symbol).toList();
            final BusLossTest.Reader good = new BusLossTest.Reader(new JdkClient(fixture.streamUri()), symbols);
            try
            {
                good.awaitSubscribed();
                final long heapBefore = usedHeapAfterGc();

                // Header floods at the upgrade: HTTP 431, nothing opened.
                assertThat(statusOf(port, upgrade(port, "X-Flood: " + "a".repeat(20_000) + "\r\n")))
                    .as("one huge header").isEqualTo(431);
                final StringBuilder many = new StringBuilder();
                for (int i = 0; i < 1_000; i++)
                {
                    many.append("X-H").append(i).append(": v\r\n");
                }
                assertThat(statusOf(port, upgrade(port, many.toString()))).as("1,000 headers").isEqualTo(431);
                good.drain();

                // Slow-loris: upgrades dribbled a byte every 100 ms, plus connections that send nothing.
                final byte[] request = upgrade(port, "").getBytes(StandardCharsets.ISO_8859_1);
                final List<Socket> loris = new ArrayList<>();
                final long openedAt = System.nanoTime();
                for (int i = 0; i < 10; i++)
                {
                    loris.add(open(port));
                }
                final long[] cutAfter = new long[loris.size()];
                int position = 0;
                while (position < request.length && anyOpen(cutAfter))
                {
                    for (int i = 0; i < loris.size(); i++)
                    {
                        if (cutAfter[i] == 0 && (i % 2 == 1 || !sendByte(loris.get(i), request[position])))
                        {
                            if (closedByPeer(loris.get(i)))
                            {
                                cutAfter[i] = System.nanoTime() - openedAt;
                            }
                        }
                    }
                    assertThat(gateway.openConnections()).as("slow handshakes hold no session slot").isEqualTo(1);
                    good.drain();
                    position++;
                    Thread.sleep(100); // the attack's pace: a byte every 100 ms
                }
                for (int i = 0; i < loris.size(); i++)
                {
                    assertThat(cutAfter[i]).as("slow-loris %d cut", i).isPositive();
                    assertThat(Duration.ofNanos(cutAfter[i])).as("slow-loris %d cut within the timeout", i)
                        .isLessThan(HANDSHAKE_TIMEOUT.plusSeconds(2));
                    loris.get(i).close();
                }
                assertThat(gateway.counters().handshakeTimeouts.get()).isEqualTo(loris.size());

                // A TCP connection flood from one IP: over maxConnectionsPerIp closed at accept, the rest at the
                // handshake timeout; the good client and a new one are not affected.
                // Wait for every earlier connection but the good client's to be gone: one still closing while the
                // flood arrives would free a slot and make the refused count differ from the expected one.
                await("loris and header-flood connections gone", Duration.ofSeconds(20),
                    () -> gateway.openTcpConnections() == 1);
                final int baseline = gateway.openTcpConnections();
                final long refusedBefore = gateway.counters().connectionsRefusedIpLimit.get();
                final long timeoutsBefore = gateway.counters().handshakeTimeouts.get();
                final List<Socket> flood = new ArrayList<>();
                for (int i = 0; i < 2 * MAX_CONNECTIONS_PER_IP; i++)
                {
                    flood.add(open(port));
                }
                // Every flood connection ends one of the two documented ways: closed at accept over the limit, or
                // cut at the handshake timeout. How many go each way depends on how fast the flood opens: a
                // connection cut at the 1 s timeout while later ones still arrive frees a slot for one of them.
                await("every flood connection closed at accept or at the handshake timeout", Duration.ofSeconds(20),
                    () -> gateway.counters().connectionsRefusedIpLimit.get() - refusedBefore +
                        gateway.counters().handshakeTimeouts.get() - timeoutsBefore == 2L * MAX_CONNECTIONS_PER_IP);
                final long refusedAtAccept = gateway.counters().connectionsRefusedIpLimit.get() - refusedBefore;
                assertThat(refusedAtAccept).as("closed at accept: at least the flood over the limit, less what " +
                    "timeouts freed meanwhile").isPositive().isLessThanOrEqualTo(MAX_CONNECTIONS_PER_IP + baseline);
                await("flood within the limit cut at the handshake timeout", Duration.ofSeconds(10),
                    () -> gateway.openTcpConnections() == baseline);
                for (final Socket s : flood)
                {
                    assertThat(closedByPeer(s)).isTrue();
                    s.close();
                }
                good.drain();

                // An upgrade flood from one IP: sessions over maxSessionsPerIp refused with 429.
                final List<RawWsClient> upgrades = new ArrayList<>();
                int accepted = 0;
                int refused = 0;
                for (int i = 0; i < MAX_SESSIONS_PER_IP + 5; i++)
                {
                    final RawWsClient ws = RawWsClient.connect(port, null, "/stream", Map.of());
                    upgrades.add(ws);
                    if (ws.status == 101)
                    {
                        accepted++;
                    }
                    else
                    {
                        assertThat(ws.status).isEqualTo(429);
                        refused++;
                    }
                }
                assertThat(accepted).isEqualTo(MAX_SESSIONS_PER_IP - 1); // the good client holds one
                assertThat(refused).isEqualTo(6);
                upgrades.forEach(RawWsClient::close);
                await("upgrades released", Duration.ofSeconds(10), () -> gateway.openConnections() == 1);

                // Close and control frame abuse on upgraded connections.
                final byte[] badReason = ByteBuffer.allocate(4).putShort((short)1000).put((byte)0xC3).put((byte)0x28)
                    .array();
                assertThat(closeCodeAfter(port, 0x80 | RawWsClient.CLOSE, badReason)).as("invalid UTF-8 reason")
                    .isEqualTo(1007);
                assertThat(closeCodeAfter(port, RawWsClient.CLOSE, new byte[]{0x03, (byte)0xE8}))
                    .as("fragmented close").isEqualTo(1002);
                assertThat(closeCodeAfter(port, 0x80 | RawWsClient.CLOSE, new byte[]{0x03})).as("1-byte close payload")
                    .isEqualTo(1002);
                for (final int reserved : new int[]{999, 1004, 1005, 1006, 1015, 2000})
                {
                    assertThat(closeCodeAfter(port, 0x80 | RawWsClient.CLOSE,
                        new byte[]{(byte)(reserved >> 8), (byte)reserved})).as("close code %d", reserved).isEqualTo(1002);
                }
                assertThat(closeCodeAfter(port, 0x0A, new byte[]{1})).as("fragmented pong").isEqualTo(1002);
                assertThat(closeCodeAfter(port, 0x80 | 0x0A, new byte[126])).as("126-byte pong").isEqualTo(1002);
                good.drain();

                final long heapAfter = usedHeapAfterGc();
                System.out.println("HandshakeAbuseTest: used heap after GC " + heapBefore / 1024 + " KiB before, " +
                    heapAfter / 1024 + " KiB after; refused at accept " +
                    gateway.counters().connectionsRefusedIpLimit.get() + ", handshake timeouts " +
                    gateway.counters().handshakeTimeouts.get());
                assertThat(heapAfter - heapBefore).as("heap growth across the floods").isLessThan(HEAP_BOUND);

                // The good client saw every trade, in one unbroken chain per stream.
                good.finish();
                final JournalTruth truth = JournalTruth.replay(fixture.journal, null);
                for (final String symbol : symbols)
                {
                    final long from = good.checker.subscribedAt.get("trades/" + symbol);
                    assertThat(good.trades(symbol)).isEqualTo(truth.trades.stream()
                        .filter(t -> t.symbol().equals(symbol) && t.seq() > from && t.seq() <= good.checker.pongSeq)
                        .toList());
                }
            }
            finally
            {
                good.close();
            }
        }
    }

    private static long usedHeapAfterGc()
    {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String upgrade(final int port, final String extraHeaders)
    {
        return "GET /stream HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n" +
            "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    private static Socket open(final int port) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }

    /**
     * @return the HTTP status answering {@code request}.
     */
    private static int statusOf(final int port, final String request) throws IOException
    {
        try (Socket socket = open(port))
        {
            socket.setSoTimeout(10_000);
            try
            {
                final OutputStream out = socket.getOutputStream();
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            catch (final IOException ex)
            {
                // the gateway may answer and close before the whole flood is written
            }
            final InputStream in = socket.getInputStream();
            final StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n')
            {
                line.append((char)b);
            }
            return Integer.parseInt(line.toString().split(" ")[1]);
        }
    }

    private static boolean sendByte(final Socket socket, final byte b)
    {
        try
        {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * @return true if the peer closed the connection (end of stream or reset), false if it is open and silent.
     */
    private static boolean closedByPeer(final Socket socket)
    {
        try
        {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() < 0;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    private static boolean anyOpen(final long[] cutAfter)
    {
        for (final long cut : cutAfter)
        {
            if (cut == 0)
            {
                return true;
            }
        }
        return false;
    }

    private static int closeCodeAfter(final int port, final int firstByte, final byte[] payload) throws IOException
    {
        try (RawWsClient ws = RawWsClient.connect(port, null, "/stream", Map.of()))
        {
            assertThat(ws.status).isEqualTo(101);
            ws.sendFrame(firstByte, true, payload);
            return ws.awaitClose(Duration.ofSeconds(10));
        }
    }
}
