package io.tickwire.perf.rig;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out rig's client process: N connections held by a few threads, each thread with its own NIO selector
 * and its own HdrHistograms. It speaks just enough WebSocket (RFC 6455 client: handshake, masked text frames out,
 * unmasked frames in, ping/pong, close) or, for the {@code floor} target, newline-delimited JSON over TCP.
 * <p>
 * Each connection subscribes to trades of its symbols ({@code all}, or {@code 1-in-10}: the symbols {@code s}
 * with {@code s % 10 == connection % 10}). For each trade it reads {@code symbol}, {@code seq}, {@code prev} and
 * the benchmark field {@code intended} and records {@code receive - intended} in nanoseconds, where
 * {@code receive} is {@link System#nanoTime()} taken when the read that completed the message returned, and
 * {@code intended} is when the tick was due on the driver's fixed schedule (the same clock: CLOCK_MONOTONIC).
 * Only ticks intended inside the measurement window are recorded, however late they arrive, so a target that
 * falls behind shows it in the percentiles (no coordinated omission). Per stream it checks the {@code prev}
 * chain: {@code seq <= last} is a duplicate, {@code prev != last} a gap; per connection it counts the window's
 * ticks against the count the schedule implies (missing).
 * <p>
 * Protocol with the driver: prints {@code READY} once every connection has its {@code subscribed} replies; then
 * reads {@code START t0 periodNanos totalTicks fromTick toTick stallStart stallEnd} on stdin; runs until every
 * connection has every expected tick or {@code drain} seconds after the last tick's intended time; prints
 * {@code RESULT key=value ...} lines, writes {@code <out>/<label>.hgrm} (and {@code -stalled.hgrm}), and
 * {@code DONE}.
 */
public final class FanoutClient
{
    static final int CLOSE_NONE = -1;

    private final String host;
    private final int port;
    private final boolean raw;
    private final int symbols;
    private final boolean oneInTen;
    private final double stallFraction;
    /** SO_RCVBUF of stalled connections, set before connecting (fixes it: no autotuning); 0: the kernel's. */
    private final int stallRcvbuf;
    private final List<Conn> conns = new ArrayList<>();
    private final AtomicInteger subscribedReplies = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private volatile long stallStart = Long.MAX_VALUE;
    private volatile long stallEnd = Long.MAX_VALUE;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MIN_VALUE;
    private volatile boolean running = true;

    /** One connection's state; touched only by its thread after set-up. */
    static final class Conn extends InboundBytes
    {
        final int index;
        final SocketChannel channel;
        final long[] lastSeq;
        final boolean[] subscribed;
        final boolean stalled;
        long received;
        long inWindow;
        long expected;
        long gaps;
        long duplicates;
        int closeCode = CLOSE_NONE;
        /** The N of a {@code slow consumer; resume from N} close reason; -1 for none. */
        long resumeFrom = -1;
        boolean eof;
        boolean paused;

        Conn(final int index, final SocketChannel channel, final int symbols, final boolean stalled)
        {
            super(16 * 1024);
            this.index = index;
            this.channel = channel;
            this.lastSeq = new long[symbols];
            java.util.Arrays.fill(lastSeq, -1);
            this.subscribed = new boolean[symbols];
            this.stalled = stalled;
        }
    }

    FanoutClient(final Args a)
    {
        host = a.value("--host", "127.0.0.1");
        port = a.intValue("--port", 8080);
        raw = "raw".equals(a.value("--protocol", "ws"));
        symbols = a.intValue("--symbols", 100);
        oneInTen = "1-in-10".equals(a.value("--subscription", "all"));
        stallFraction = a.doubleValue("--stall-fraction", 0);
        stallRcvbuf = a.intValue("--stall-rcvbuf", 0);
        if (oneInTen && symbols < 10)
        {
            throw new IllegalArgumentException("--subscription 1-in-10 needs at least 10 symbols");
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final Args a = new Args(args);
        final FanoutClient client = new FanoutClient(a);
        final int clients = a.intValue("--clients", 100);
        final int threads = Math.max(1, Math.min(a.intValue("--threads", 2), clients));
        final Path out = Path.of(a.value("--out", "."));
        final String label = a.value("--label", "run");
        final double drainSeconds = a.doubleValue("--drain", 5);
        client.connectAll(clients, threads);
        final Reader[] readers = new Reader[threads];
        for (int t = 0; t < threads; t++)
        {
            readers[t] = new Reader(client, t);
        }
        for (int i = 0; i < client.conns.size(); i++)
        {
            readers[i % threads].add(client.conns.get(i));
        }
        for (final Reader reader : readers)
        {
            reader.start();
        }
        final int expectedReplies = clients * client.subscribeMessages();
        final long readyDeadline = System.nanoTime() + 120_000_000_000L;
        while (client.subscribedReplies.get() < expectedReplies)
        {
            if (System.nanoTime() > readyDeadline)
            {
                throw new IllegalStateException("only " + client.subscribedReplies.get() + " of " + expectedReplies +
                    " subscribed replies in 120 s; errors " + client.errorSamples);
            }
            LockSupport.parkNanos(1_000_000);
        }
        System.out.println("READY connections=" + clients);
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        final String start = in.readLine();
        if (start == null || !start.startsWith("START "))
        {
            throw new IllegalStateException("expected START, got " + start);
        }
        final String[] f = start.split(" ");
        final long t0 = Long.parseLong(f[1]);
        final long period = Long.parseLong(f[2]);
        final long total = Long.parseLong(f[3]);
        final long from = Long.parseLong(f[4]);
        final long to = Long.parseLong(f[5]);
        client.expect(from, to);
        client.stallStart = Long.parseLong(f[6]);
        client.stallEnd = Long.parseLong(f[7]);
        client.windowEnd = t0 + to * period;
        client.windowStart = t0 + from * period;
        final long lastIntended = t0 + (total - 1) * period;
        final long drainEnd = lastIntended + (long)(drainSeconds * 1e9);
        while (System.nanoTime() < drainEnd && !client.complete())
        {
            LockSupport.parkNanos(10_000_000);
        }
        client.running = false;
        for (final Reader reader : readers)
        {
            reader.join(10_000);
        }
        client.report(readers, out, label, (to - from) * period / 1e9, System.out);
        for (final Conn conn : client.conns)
        {
            conn.channel.close();
        }
        System.out.println("DONE");
        System.out.flush();
    }

    private boolean subscribes(final int conn, final int symbol)
    {
        return !oneInTen || symbol % 10 == conn % 10;
    }

    int subscribeMessages()
    {
        return raw ? 1 : (symbolsPerConn() + 199) / 200;
    }

    private int symbolsPerConn()
    {
        return oneInTen ? (symbols + 9) / 10 : symbols;
    }

    private void expect(final long from, final long to)
    {
        final long[] perSymbol = new long[symbols];
        final long n = to - from;
        for (int s = 0; s < symbols; s++)
        {
            // ticks i in [from, to) with i % symbols == s
            final long first = from + Math.floorMod(s - from, symbols);
            perSymbol[s] = first >= to ? 0 : 1 + (to - 1 - first) / symbols;
        }
        for (final Conn conn : conns)
        {
            long e = 0;
            for (int s = 0; s < symbols; s++)
            {
                if (conn.subscribed[s])
                {
                    e += perSymbol[s];
                }
            }
            conn.expected = e;
        }
        if (n < 0)
        {
            throw new IllegalArgumentException("empty window");
        }
    }

    private boolean complete()
    {
        for (final Conn conn : conns)
        {
            if (conn.inWindow < conn.expected && conn.closeCode == CLOSE_NONE && !conn.eof)
            {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ set-up

    private void connectAll(final int clients, final int threads) throws Exception
    {
        final int stalledEvery = stallFraction > 0 ? (int)Math.max(1, Math.round(1 / stallFraction)) : 0;
        final Conn[] made = new Conn[clients];
        final Thread[] workers = new Thread[threads];
        final Exception[] failure = new Exception[1];
        for (int t = 0; t < threads; t++)
        {
            final int first = t;
            workers[t] = new Thread(() ->
            {
                try
                {
                    for (int c = first; c < clients; c += threads)
                    {
                        final boolean stalled = stalledEvery > 0 && c % stalledEvery == 0;
                        made[c] = connect(c, stalled);
                    }
                }
                catch (final Exception ex)
                {
                    failure[0] = ex;
                }
            }, "connect-" + t);
            workers[t].start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        if (failure[0] != null)
        {
            throw failure[0];
        }
        conns.addAll(List.of(made));
    }

    private Conn connect(final int index, final boolean stalled) throws IOException
    {
        final SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (stalled && stallRcvbuf > 0)
        {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, stallRcvbuf);
        }
        channel.connect(new InetSocketAddress(host, port));
        final Conn conn = new Conn(index, channel, symbols, stalled);
        for (int s = 0; s < symbols; s++)
        {
            conn.subscribed[s] = subscribes(index, s);
        }
        if (raw)
        {
            final String line = subscribeJson(conn, 0, symbols) + "\n";
            writeFully(channel, ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            return conn;
        }
        final Upgraded upgraded = upgrade(channel, host, port, conn.buf, "connection " + index);
        conn.start = upgraded.start();
        conn.end = upgraded.end();
        // subscribe in requests of at most 200 symbols (the gateway takes 256 per request)
        int chunkStart = 0;
        int inChunk = 0;
        for (int s = 0; s < symbols; s++)
        {
            if (conn.subscribed[s])
            {
                inChunk++;
            }
            if (inChunk == 200 || (s == symbols - 1 && inChunk > 0))
            {
                writeFully(channel, maskedText(subscribeJson(conn, chunkStart, s + 1)));
                chunkStart = s + 1;
                inChunk = 0;
            }
        }
        return conn;
    }

    /**
     * What the upgrade left in the read buffer: the first frame bytes are {@code [start, end)}.
     */
    public record Upgraded(int start, int end)
    {
    }

    /**
     * Upgrades a connected channel to a WebSocket on {@code /stream} (blocking), reading the response into
     * {@code buf}.
     *
     * @param what names the connection in errors.
     * @return where the bytes after the response's headers are in {@code buf}.
     */
    public static Upgraded upgrade(
        final SocketChannel channel, final String host, final int port, final byte[] buf, final String what)
        throws IOException
    {
        final byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        final String request = "GET /stream HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n" +
            "Connection: Upgrade\r\nSec-WebSocket-Key: " + java.util.Base64.getEncoder().encodeToString(key) +
            "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        writeFully(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        final ByteBuffer response = ByteBuffer.wrap(buf);
        int headerEnd = -1;
        while (headerEnd < 0)
        {
            if (channel.read(response) < 0)
            {
                throw new IOException(what + " closed during the handshake");
            }
            headerEnd = indexOf(buf, response.position(), "\r\n\r\n");
        }
        final String head = new String(buf, 0, headerEnd, StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 101"))
        {
            throw new IOException(what + ": upgrade refused: " + head.lines().findFirst().orElse(""));
        }
        return new Upgraded(headerEnd + 4, response.position());
    }

    private String subscribeJson(final Conn conn, final int fromSymbol, final int toSymbol)
    {
        final StringBuilder sb =
            new StringBuilder("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"trades\",\"symbols\":[");
        boolean first = true;
        for (int s = fromSymbol; s < toSymbol; s++)
        {
            if (conn.subscribed[s])
            {
                sb.append(first ? "" : ",").append('"').append(TickStream.symbol(s)).append('"');
                first = false;
            }
        }
        return sb.append("]}").toString();
    }

    public static ByteBuffer maskedText(final String text)
    {
        return maskedFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    public static ByteBuffer maskedFrame(final int opcode, final byte[] payload)
    {
        final ByteBuffer frame = ByteBuffer.allocate(payload.length + 14);
        frame.put((byte)(0x80 | opcode));
        if (payload.length < 126)
        {
            frame.put((byte)(0x80 | payload.length));
        }
        else if (payload.length < 65_536)
        {
            frame.put((byte)(0x80 | 126)).putShort((short)payload.length);
        }
        else
        {
            frame.put((byte)(0x80 | 127)).putLong(payload.length);
        }
        final byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++)
        {
            frame.put((byte)(payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }

    public static void writeFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.write(buffer) == 0)
            {
                Thread.onSpinWait();
            }
        }
    }

    public static int indexOf(final byte[] bytes, final int limit, final String what)
    {
        outer:
        for (int i = 0; i + what.length() <= limit; i++)
        {
            for (int j = 0; j < what.length(); j++)
            {
                if (bytes[i + j] != what.charAt(j))
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------ reading

    /** One reader thread: a selector over its connections and its own histograms. */
    static final class Reader extends Thread
    {
        private static final long HIGHEST = 600_000_000_000L;

        final FanoutClient client;
        final List<Conn> mine = new ArrayList<>();
        final Histogram others = new Histogram(HIGHEST, 3);
        final Histogram stalled = new Histogram(HIGHEST, 3);
        private final Selector selector;
        private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
        private boolean stallApplied;
        private boolean stallLifted;

        Reader(final FanoutClient client, final int index) throws IOException
        {
            super("fanout-reader-" + index);
            this.client = client;
            this.selector = Selector.open();
            setDaemon(true);
        }

        void add(final Conn conn) throws IOException
        {
            conn.channel.configureBlocking(false);
            conn.channel.register(selector, SelectionKey.OP_READ, conn);
            mine.add(conn);
        }

        @Override
        public void run()
        {
            try
            {
                // bytes already read with the handshake response
                for (final Conn conn : mine)
                {
                    if (conn.end > conn.start)
                    {
                        client.parse(conn, this, System.nanoTime());
                    }
                }
                while (client.running)
                {
                    stallControl();
                    if (selector.select(50) == 0)
                    {
                        continue;
                    }
                    final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext())
                    {
                        final SelectionKey key = keys.next();
                        keys.remove();
                        final Conn conn = (Conn)key.attachment();
                        if (key.isValid() && key.isReadable())
                        {
                            read(conn, key);
                        }
                    }
                }
            }
            catch (final IOException ex)
            {
                client.error("reader: " + ex);
            }
        }

        private void stallControl()
        {
            if (client.stallFraction <= 0)
            {
                return;
            }
            final long now = System.nanoTime();
            if (!stallApplied && now >= client.stallStart)
            {
                stallApplied = true;
                for (final Conn conn : mine)
                {
                    if (conn.stalled && conn.channel.isOpen())
                    {
                        conn.paused = true;
                        conn.channel.keyFor(selector).interestOps(0);
                    }
                }
            }
            if (stallApplied && !stallLifted && now >= client.stallEnd)
            {
                stallLifted = true;
                for (final Conn conn : mine)
                {
                    if (conn.paused && conn.channel.isOpen())
                    {
                        conn.paused = false;
                        conn.channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
                    }
                }
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
            final long now = System.nanoTime();
            if (n < 0)
            {
                conn.eof = true;
                key.cancel();
                conn.channel.close();
                return;
            }
            if (n == 0)
            {
                return;
            }
            conn.append(readBuffer);
            client.parse(conn, this, now);
        }
    }

    /** Parses every complete message in the connection's buffer. */
    void parse(final Conn conn, final Reader reader, final long now) throws IOException
    {
        final byte[] b = conn.buf;
        while (conn.end > conn.start)
        {
            if (raw)
            {
                int nl = -1;
                for (int i = conn.start; i < conn.end; i++)
                {
                    if (b[i] == '\n')
                    {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0)
                {
                    break;
                }
                onText(conn, reader, b, conn.start, nl, now);
                conn.start = nl + 1;
                continue;
            }
            final int available = conn.end - conn.start;
            final int header = headerLength(b, conn.start, available);
            if (header == 0)
            {
                break;
            }
            final int b0 = b[conn.start] & 0xff;
            final int b1 = b[conn.start + 1] & 0xff;
            final long length = payloadLength(b, conn.start, header);
            if ((b1 & 0x80) != 0)
            {
                error("masked frame from the server");
            }
            if (available < header + length)
            {
                break;
            }
            final int payload = conn.start + header;
            final int payloadEnd = (int)(payload + length);
            final int opcode = b0 & 0x0f;
            if ((b0 & 0x80) == 0 || opcode == 0)
            {
                error("fragmented message (not handled by this client)");
            }
            else if (opcode == 0x1)
            {
                onText(conn, reader, b, payload, payloadEnd, now);
            }
            else if (opcode == 0x8)
            {
                conn.closeCode = length >= 2 ? ((b[payload] & 0xff) << 8) | (b[payload + 1] & 0xff) : 1005;
                final String reason = length > 2 ?
                    new String(b, payload + 2, (int)length - 2, StandardCharsets.UTF_8) : "";
                if (reason.startsWith(RESUME_FROM))
                {
                    conn.resumeFrom = Long.parseLong(reason.substring(RESUME_FROM.length()).trim());
                }
                try
                {
                    writeFully(conn.channel, maskedFrame(0x8, java.util.Arrays.copyOfRange(b, payload, payloadEnd)));
                }
                catch (final IOException ignored)
                {
                    // the server may have gone already
                }
                conn.channel.close();
                conn.start = conn.end;
                return;
            }
            else if (opcode == 0x9)
            {
                writeFully(conn.channel, maskedFrame(0xA, java.util.Arrays.copyOfRange(b, payload, payloadEnd)));
            }
            conn.start = payloadEnd;
        }
        if (conn.start == conn.end)
        {
            conn.start = 0;
            conn.end = 0;
        }
    }

    private static final String RESUME_FROM = "slow consumer; resume from ";
    private static final byte[] TYPE_TRADE = "{\"type\":\"trade\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SYMBOL = "\"symbol\":\"SYM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV = "\"prev\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INTENDED = "\"intended\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBED = "\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = "\"type\":\"heartbeat\"".getBytes(StandardCharsets.US_ASCII);

    private void onText(
        final Conn conn, final Reader reader, final byte[] b, final int from, final int to, final long now)
    {
        if (!startsWith(b, from, to, TYPE_TRADE))
        {
            if (find(b, from, to, SUBSCRIBED) >= 0)
            {
                subscribedReplies.incrementAndGet();
            }
            else if (find(b, from, to, HEARTBEAT) < 0)
            {
                error("unexpected message: " + new String(b, from, Math.min(200, to - from), StandardCharsets.UTF_8));
            }
            return;
        }
        final int sym = find(b, from, to, SYMBOL);
        final int seqAt = find(b, from, to, SEQ);
        final int prevAt = find(b, from, to, PREV);
        final int intendedAt = find(b, from, to, INTENDED);
        if (sym < 0 || seqAt < 0 || prevAt < 0 || intendedAt < 0)
        {
            error("trade without symbol, seq, prev or intended: " +
                new String(b, from, to - from, StandardCharsets.UTF_8));
            return;
        }
        final int symbol = (int)number(b, sym + SYMBOL.length, to);
        final long seq = number(b, seqAt + SEQ.length, to);
        final long prev = number(b, prevAt + PREV.length, to);
        final long intended = number(b, intendedAt + INTENDED.length, to);
        conn.received++;
        if (symbol < 0 || symbol >= symbols || !conn.subscribed[symbol])
        {
            error("trade on a symbol not subscribed: " + symbol);
            return;
        }
        final long last = conn.lastSeq[symbol];
        if (last >= 0)
        {
            if (seq <= last)
            {
                conn.duplicates++;
                return;
            }
            if (prev != last)
            {
                conn.gaps++;
            }
        }
        conn.lastSeq[symbol] = seq;
        if (intended >= windowStart && intended < windowEnd)
        {
            conn.inWindow++;
            final long latency = Math.max(0, now - intended);
            (conn.stalled ? reader.stalled : reader.others).recordValue(Math.min(latency, Reader.HIGHEST));
        }
    }

    /**
     * @return the header length (2, 4 or 10) of the frame starting at {@code b[start]}, or 0 if fewer than
     * {@code available} bytes hold its whole header.
     */
    static int headerLength(final byte[] b, final int start, final int available)
    {
        if (available < 2)
        {
            return 0;
        }
        final int len7 = b[start + 1] & 0x7f;
        final int header = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
        return available < header ? 0 : header;
    }

    /**
     * @return the payload length of the frame starting at {@code b[start]}, whose header of {@code header} bytes
     * ({@link #headerLength}) is all there.
     */
    static long payloadLength(final byte[] b, final int start, final int header)
    {
        if (header == 2)
        {
            return b[start + 1] & 0x7f;
        }
        long length = 0;
        for (int i = 2; i < header; i++)
        {
            length = (length << 8) | (b[start + i] & 0xff);
        }
        return length;
    }

    public static boolean startsWith(final byte[] b, final int from, final int to, final byte[] prefix)
    {
        if (to - from < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (b[from + i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    public static int find(final byte[] b, final int from, final int to, final byte[] what)
    {
        outer:
        for (int i = from; i + what.length <= to; i++)
        {
            for (int j = 0; j < what.length; j++)
            {
                if (b[i + j] != what[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * @return the smallest last seq over the connection's streams (what a 4008 reason must name), or -2 if a stream
     *         got nothing (its subscription's seq is not kept here).
     */
    private static long lowestLastSeq(final Conn conn)
    {
        long lowest = Long.MAX_VALUE;
        for (int s = 0; s < conn.subscribed.length; s++)
        {
            if (conn.subscribed[s])
            {
                if (conn.lastSeq[s] < 0)
                {
                    return -2;
                }
                lowest = Math.min(lowest, conn.lastSeq[s]);
            }
        }
        return lowest;
    }

    public static long number(final byte[] b, final int from, final int to)
    {
        long v = 0;
        int i = from;
        while (i < to && b[i] >= '0' && b[i] <= '9')
        {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        return i == from ? -1 : v;
    }

    void error(final String what)
    {
        if (errors.incrementAndGet() <= 5)
        {
            errorSamples.add(what);
        }
    }

    // ------------------------------------------------------------------ results

    private void report(final Reader[] readers, final Path out, final String label, final double windowSeconds,
        final PrintStream print) throws IOException
    {
        final Histogram others = new Histogram(Reader.HIGHEST, 3);
        final Histogram stalled = new Histogram(Reader.HIGHEST, 3);
        for (final Reader reader : readers)
        {
            others.add(reader.others);
            stalled.add(reader.stalled);
        }
        long gaps = 0;
        long duplicates = 0;
        long missing = 0;
        long expected = 0;
        long inWindowOthers = 0;
        long received = 0;
        int closed = 0;
        int closed4008 = 0;
        int stalledCount = 0;
        int stalledCorrect = 0;
        int stalled4008 = 0;
        int stalled4008SeqOk = 0;
        for (final Conn conn : conns)
        {
            gaps += conn.gaps;
            duplicates += conn.duplicates;
            expected += conn.expected;
            received += conn.received;
            missing += Math.max(0, conn.expected - conn.inWindow);
            if (!conn.stalled)
            {
                inWindowOthers += conn.inWindow;
            }
            if (conn.closeCode != CLOSE_NONE || conn.eof)
            {
                closed++;
                if (conn.closeCode == 4008)
                {
                    closed4008++;
                }
            }
            if (conn.stalled)
            {
                stalledCount++;
                if (conn.closeCode == 4008)
                {
                    stalled4008++;
                    if (conn.gaps == 0 && conn.duplicates == 0 && conn.resumeFrom >= 0 &&
                        conn.resumeFrom == lowestLastSeq(conn))
                    {
                        stalled4008SeqOk++;
                    }
                }
                else if (conn.gaps == 0 && conn.duplicates == 0 && conn.inWindow == conn.expected)
                {
                    stalledCorrect++;
                }
            }
        }
        Files.createDirectories(out);
        try (PrintStream hgrm = new PrintStream(Files.newOutputStream(out.resolve(label + ".hgrm"))))
        {
            others.outputPercentileDistribution(hgrm, 1000.0);
        }
        if (stalledCount > 0)
        {
            try (PrintStream hgrm = new PrintStream(Files.newOutputStream(out.resolve(label + "-stalled.hgrm"))))
            {
                stalled.outputPercentileDistribution(hgrm, 1000.0);
            }
        }
        print.println("RESULT connections=" + conns.size() + " stalled=" + stalledCount +
            " expected=" + expected + " received=" + received + " missing=" + missing +
            " gaps=" + gaps + " duplicates=" + duplicates + " closed=" + closed + " closed4008=" + closed4008 +
            " stalledCorrect=" + stalledCorrect + " stalled4008=" + stalled4008 +
            " stalled4008SeqOk=" + stalled4008SeqOk + " errors=" + errors.get() +
            " othersInWindow=" + inWindowOthers + " windowSeconds=" + windowSeconds +
            " count=" + others.getTotalCount() +
            " p50=" + others.getValueAtPercentile(50) + " p90=" + others.getValueAtPercentile(90) +
            " p99=" + others.getValueAtPercentile(99) + " p999=" + others.getValueAtPercentile(99.9) +
            " p9999=" + others.getValueAtPercentile(99.99) + " max=" + others.getMaxValue() +
            " stalledCount=" + stalled.getTotalCount() + " stalledP99=" + stalled.getValueAtPercentile(99));
        for (final String sample : errorSamples)
        {
            print.println("ERROR " + sample);
        }
    }
}
