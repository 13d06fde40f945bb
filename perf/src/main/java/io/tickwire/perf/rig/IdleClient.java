package io.tickwire.perf.rig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle-connections rig's client process ({@link IdleBench}): opens real WebSocket connections to the gateway
 * (the lean client's RFC 6455 helpers of {@link FanoutClient}), subscribes each as a typical screen would, and then
 * only reads: heartbeats, and nothing else while the market is quiet. A few threads hold every connection, each
 * with its own NIO selector.
 * <p>
 * Connection {@code i} subscribes to trades and ticker of {@code M} symbols ({@code (i + j) % K}, j in [0, M)) and
 * to the book of symbol {@code i % K} at depth {@code D}: three requests, answered by three {@code subscribed}
 * replies, M ticker snapshots and one book snapshot, which must hold D bids and D asks (the target's books are
 * deeper than D). Connection {@code i} binds its local end to source address {@code i % S} of {@code --sources}
 * (loopback addresses: 127.0.0.0/8 is all local on Linux), so S addresses share the connections evenly, which keeps
 * each address under the gateway's per-address limits.
 * <p>
 * Commands on stdin, one answer line each on stdout:
 * <ul>
 *     <li>{@code OPEN n}: opens connections up to {@code n} in all and waits until every new one has its replies and
 *     snapshots (at most 300 s); prints {@code OPENED connections=<n> ok=true seconds=<s>}, or
 *     {@code OPENED connections=<open> ok=false reason: ...}.</li>
 *     <li>{@code MARK}: remembers each connection's heartbeat count; prints {@code MARKED}.</li>
 *     <li>{@code CHECK}: prints {@code CHECK key=value ...}: connections, open, closed, replies, snapshots, the fewest
 *     and most heartbeats any connection received since {@code MARK}, the longest any connection waited for one
 *     since then (up to now), other messages, errors; then up to 5 {@code ERROR} samples.</li>
 * </ul>
 * When stdin ends it closes every connection and exits.
 */
public final class IdleClient
{
    private static final byte[] SUBSCRIBED = "\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = "{\"type\":\"heartbeat\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TICKER = "{\"type\":\"ticker\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BOOK = "{\"type\":\"book\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SNAPSHOT = "\"snapshot\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEVEL = "[\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "{\"type\":\"error\"".getBytes(StandardCharsets.US_ASCII);

    /** Subscribe requests per connection (trades, ticker, book), each answered by one {@code subscribed}. */
    static final int REQUESTS = 3;

    private final String host;
    private final int port;
    private final int symbols;
    private final int connSymbols;
    private final int depth;
    private final String[] sources;
    private final List<Conn> conns = new ArrayList<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final Reader[] readers;

    /** One connection; its counters are written by its reader thread only. */
    static final class Conn extends InboundBytes
    {
        final int index;
        final SocketChannel channel;
        volatile int replies;
        volatile int tickers;
        volatile int books;
        volatile int heartbeats;
        volatile int others;
        volatile int closeCode = FanoutClient.CLOSE_NONE;
        volatile boolean eof;
        int heartbeatMark;
        /** When the last heartbeat since {@code MARK} came (or the mark), and the longest wait for one since. */
        volatile long lastBeat;
        volatile long maxGap;

        Conn(final int index, final SocketChannel channel)
        {
            super(4096);
            this.index = index;
            this.channel = channel;
        }

        boolean open()
        {
            return closeCode == FanoutClient.CLOSE_NONE && !eof;
        }
    }

    IdleClient(final Args a) throws IOException
    {
        host = a.value("--host", "127.0.0.1");
        port = a.intValue("--port", 8080);
        symbols = a.intValue("--symbols", 8);
        connSymbols = Math.min(symbols, a.intValue("--conn-symbols", 4));
        depth = a.intValue("--depth", 10);
        sources = a.value("--sources", "127.0.0.1").split(",");
        final int threads = Math.max(1, a.intValue("--threads", 2));
        readers = new Reader[threads];
        for (int t = 0; t < threads; t++)
        {
            readers[t] = new Reader(this, t);
            readers[t].start();
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final IdleClient client = new IdleClient(new Args(args));
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            final String[] command = line.trim().split(" ");
            switch (command[0])
            {
                case "OPEN" -> client.open(Integer.parseInt(command[1]));
                case "MARK" ->
                {
                    final long now = System.nanoTime();
                    for (final Conn conn : client.conns)
                    {
                        conn.heartbeatMark = conn.heartbeats;
                        conn.maxGap = 0;
                        conn.lastBeat = now;
                    }
                    System.out.println("MARKED");
                }
                case "CHECK" -> client.check();
                default -> System.out.println("ERROR unknown command " + line);
            }
            System.out.flush();
        }
        for (final Conn conn : client.conns)
        {
            conn.channel.close();
        }
    }

    private void open(final int total) throws Exception
    {
        final long started = System.nanoTime();
        final int first = conns.size();
        final int threads = readers.length;
        final Conn[] made = new Conn[Math.max(0, total - first)];
        final Thread[] workers = new Thread[threads];
        final Exception[] failure = new Exception[1];
        for (int t = 0; t < threads; t++)
        {
            final int worker = t;
            workers[t] = new Thread(() ->
            {
                try
                {
                    for (int c = first + worker; c < total; c += threads)
                    {
                        made[c - first] = connect(c);
                        readers[c % threads].handOver(made[c - first]);
                    }
                }
                catch (final Exception ex)
                {
                    synchronized (failure)
                    {
                        failure[0] = ex;
                    }
                }
            }, "idle-connect-" + t);
            workers[t].start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        for (final Conn conn : made)
        {
            if (conn != null)
            {
                conns.add(conn);
            }
        }
        if (failure[0] != null)
        {
            System.out.println("OPENED connections=" + conns.size() + " ok=false reason: connecting failed: " +
                failure[0]);
            return;
        }
        final long deadline = System.nanoTime() + 300_000_000_000L;
        while (!settled(first))
        {
            if (System.nanoTime() > deadline)
            {
                System.out.println("OPENED connections=" + conns.size() + " ok=false reason: not every " +
                    "connection got its replies and snapshots in 300 s");
                return;
            }
            LockSupport.parkNanos(5_000_000);
        }
        System.out.println("OPENED connections=" + conns.size() + " ok=true seconds=" +
            String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
    }

    private boolean settled(final int from)
    {
        for (int i = from; i < conns.size(); i++)
        {
            final Conn conn = conns.get(i);
            if (conn.open() && (conn.replies < REQUESTS || conn.tickers < connSymbols || conn.books < 1))
            {
                return false;
            }
        }
        return true;
    }

    private Conn connect(final int index) throws IOException
    {
        final SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress(sources[index % sources.length], 0));
        channel.connect(new InetSocketAddress(host, port));
        final Conn conn = new Conn(index, channel);
        final FanoutClient.Upgraded upgraded =
            FanoutClient.upgrade(channel, host, port, conn.buf, "connection " + index);
        conn.start = upgraded.start();
        conn.end = upgraded.end();
        final StringBuilder list = new StringBuilder();
        for (int j = 0; j < connSymbols; j++)
        {
            list.append(j == 0 ? "" : ",").append('"').append(TickStream.symbol((index + j) % symbols)).append('"');
        }
        FanoutClient.writeFully(channel, FanoutClient.maskedText(
            "{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[" + list + "]}"));
        FanoutClient.writeFully(channel, FanoutClient.maskedText(
            "{\"op\":\"subscribe\",\"id\":2,\"channel\":\"ticker\",\"symbols\":[" + list + "]}"));
        FanoutClient.writeFully(channel, FanoutClient.maskedText("{\"op\":\"subscribe\",\"id\":3," +
            "\"channel\":\"book\",\"symbols\":[\"" + TickStream.symbol(index % symbols) + "\"],\"depth\":" + depth +
            "}"));
        return conn;
    }

    private void check()
    {
        int open = 0;
        int closed = 0;
        long replies = 0;
        long tickers = 0;
        long books = 0;
        long others = 0;
        long heartbeats = 0;
        int minHeartbeats = Integer.MAX_VALUE;
        int maxHeartbeats = 0;
        int settled = 0;
        long maxGap = 0;
        final long now = System.nanoTime();
        for (final Conn conn : conns)
        {
            if (conn.lastBeat != 0)
            {
                maxGap = Math.max(maxGap, Math.max(conn.maxGap, now - conn.lastBeat));
            }
            if (conn.open())
            {
                open++;
            }
            else
            {
                closed++;
            }
            replies += conn.replies;
            tickers += conn.tickers;
            books += conn.books;
            others += conn.others;
            final int since = conn.heartbeats - conn.heartbeatMark;
            heartbeats += since;
            minHeartbeats = Math.min(minHeartbeats, since);
            maxHeartbeats = Math.max(maxHeartbeats, since);
            if (conn.replies == REQUESTS && conn.tickers == connSymbols && conn.books == 1)
            {
                settled++;
            }
        }
        System.out.println("CHECK connections=" + conns.size() + " open=" + open + " closed=" + closed +
            " settled=" + settled + " replies=" + replies + " tickers=" + tickers + " books=" + books +
            " heartbeats=" + heartbeats + " minHeartbeats=" + (conns.isEmpty() ? 0 : minHeartbeats) +
            " maxHeartbeats=" + maxHeartbeats + " maxHeartbeatGapMs=" + maxGap / 1_000_000 + " others=" + others +
            " errors=" + errors.get());
        for (final String sample : errorSamples)
        {
            System.out.println("ERROR " + sample);
        }
    }

    void error(final String what)
    {
        if (errors.incrementAndGet() <= 5)
        {
            errorSamples.add(what);
        }
    }

    /** Parses every complete frame in the connection's buffer. */
    private void parse(final Conn conn) throws IOException
    {
        final byte[] b = conn.buf;
        while (true)
        {
            final int available = conn.end - conn.start;
            final int header = FanoutClient.headerLength(b, conn.start, available);
            if (header == 0)
            {
                break;
            }
            final int b0 = b[conn.start] & 0xff;
            final int b1 = b[conn.start + 1] & 0xff;
            final long length = FanoutClient.payloadLength(b, conn.start, header);
            if (available < header + length)
            {
                break;
            }
            final int payload = conn.start + header;
            final int payloadEnd = (int)(payload + length);
            final int opcode = b0 & 0x0f;
            if ((b1 & 0x80) != 0 || (b0 & 0x80) == 0 || opcode == 0)
            {
                error("connection " + conn.index + ": a masked or fragmented frame (not expected from the gateway)");
            }
            else if (opcode == 0x1)
            {
                onText(conn, b, payload, payloadEnd);
            }
            else if (opcode == 0x8)
            {
                conn.closeCode = length >= 2 ? ((b[payload] & 0xff) << 8) | (b[payload + 1] & 0xff) : 1005;
                error("connection " + conn.index + " closed by the gateway: " + conn.closeCode + " " +
                    (length > 2 ? new String(b, payload + 2, (int)length - 2, StandardCharsets.UTF_8) : ""));
                conn.channel.close();
                conn.start = conn.end;
                return;
            }
            else if (opcode == 0x9)
            {
                FanoutClient.writeFully(conn.channel,
                    FanoutClient.maskedFrame(0xA, java.util.Arrays.copyOfRange(b, payload, payloadEnd)));
            }
            conn.start = payloadEnd;
        }
        if (conn.start == conn.end)
        {
            conn.start = 0;
            conn.end = 0;
        }
    }

    private void onText(final Conn conn, final byte[] b, final int from, final int to)
    {
        if (FanoutClient.startsWith(b, from, to, HEARTBEAT))
        {
            conn.heartbeats++;
            final long now = System.nanoTime();
            if (conn.lastBeat != 0)
            {
                conn.maxGap = Math.max(conn.maxGap, now - conn.lastBeat);
            }
            conn.lastBeat = now;
        }
        else if (FanoutClient.startsWith(b, from, to, TICKER))
        {
            conn.tickers++;
        }
        else if (FanoutClient.startsWith(b, from, to, BOOK))
        {
            int levels = 0;
            for (int at = FanoutClient.find(b, from, to, LEVEL); at >= 0; at = FanoutClient.find(b, at + 1, to, LEVEL))
            {
                levels++;
            }
            if (FanoutClient.find(b, from, to, SNAPSHOT) < 0 || levels != 2 * depth)
            {
                error("connection " + conn.index + ": a book message that is not a snapshot of " + depth +
                    " levels a side: " + new String(b, from, Math.min(300, to - from), StandardCharsets.UTF_8));
            }
            conn.books++;
        }
        else if (FanoutClient.find(b, from, to, SUBSCRIBED) >= 0)
        {
            conn.replies++;
        }
        else
        {
            conn.others++;
            if (FanoutClient.startsWith(b, from, to, ERROR) || conn.others == 1)
            {
                error("connection " + conn.index + ": unexpected message: " +
                    new String(b, from, Math.min(300, to - from), StandardCharsets.UTF_8));
            }
        }
    }

    /** One reader thread: a selector over its connections. */
    static final class Reader extends Thread
    {
        private final IdleClient client;
        private final Selector selector;
        private final ConcurrentLinkedQueue<Conn> incoming = new ConcurrentLinkedQueue<>();
        private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);

        Reader(final IdleClient client, final int index) throws IOException
        {
            super("idle-reader-" + index);
            this.client = client;
            this.selector = Selector.open();
            setDaemon(true);
        }

        void handOver(final Conn conn)
        {
            incoming.add(conn);
            selector.wakeup();
        }

        @Override
        public void run()
        {
            try
            {
                while (true)
                {
                    Conn conn;
                    while ((conn = incoming.poll()) != null)
                    {
                        conn.channel.configureBlocking(false);
                        conn.channel.register(selector, SelectionKey.OP_READ, conn);
                        if (conn.end > conn.start)
                        {
                            client.parse(conn); // bytes read with the handshake response
                        }
                    }
                    if (selector.select(100) == 0)
                    {
                        continue;
                    }
                    final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext())
                    {
                        final SelectionKey key = keys.next();
                        keys.remove();
                        if (key.isValid() && key.isReadable())
                        {
                            read((Conn)key.attachment(), key);
                        }
                    }
                }
            }
            catch (final IOException ex)
            {
                client.error("reader: " + ex);
            }
        }

        private void read(final Conn conn, final SelectionKey key) throws IOException
        {
            readBuffer.clear();
            int n;
            try
            {
                n = conn.channel.read(readBuffer);
            }
            catch (final IOException ex)
            {
                n = -1;
            }
            if (n < 0)
            {
                if (conn.open())
                {
                    client.error("connection " + conn.index + " reset or ended by the gateway");
                }
                conn.eof = true;
                key.cancel();
                conn.channel.close();
                return;
            }
            conn.append(readBuffer);
            client.parse(conn);
        }
    }
}
