package io.tickwire.perf.gateway;

import io.tickwire.perf.rig.FanoutClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A lean resuming client for {@link ResumeProbe}: one blocking socket on its own thread, speaking just enough
 * WebSocket (the rig's {@link FanoutClient} helpers), so the probe measures the gateway's catch-up and not a
 * client library's per-message cost. It sends one {@code subscribe} with {@code from} to the trades of the given
 * symbols (JSON), then reads every frame: for each trade it parses {@code symbol}, {@code seq} and {@code prev}
 * from the bytes (no {@code String} per message) and checks each symbol's chain (the first {@code prev} is
 * {@code from}; a {@code prev} that is not the symbol's last seq is a gap, a seq at or below it a duplicate). It
 * notes when it has received the trade of {@code untilSeq} (the catch-up target); in {@code follow} mode it then
 * keeps reading live trades until {@link #stop()}.
 */
final class CatchUpClient implements Runnable
{
    private static final byte[] TYPE_TRADE = "{\"type\":\"trade\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SYMBOL = "\"symbol\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV = "\"prev\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBED = "\"type\":\"subscribed\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECOVERED = "\"recovered\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = "\"type\":\"heartbeat\"".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private final byte[][] symbols;
    private final long from;
    private final long untilSeq;
    private final boolean follow;
    private final long[] last;
    private final byte[] buf = new byte[1 << 20];
    private volatile SocketChannel channel;
    private volatile boolean stopped;

    /** Trades received (read after joining the client's thread). */
    long trades;
    /** Trades received up to and including the one of {@code untilSeq} (idem). */
    long caughtUpTrades;
    long gaps;
    long duplicates;
    /** {@link System#nanoTime()} just before the {@code subscribe} was written. */
    volatile long subscribeNanos;
    /** When the trade of {@code untilSeq} arrived; 0 before. */
    volatile long caughtUpNanos;
    volatile boolean recovered;
    /** Why the client stopped early (a close, an I/O error, an unexpected message); null if it did not. */
    volatile String error;

    /**
     * @param from     the resume point ({@code from} of the subscribe).
     * @param untilSeq the seq of the last trade to catch up to.
     * @param follow   keep reading after catching up, until {@link #stop()}.
     */
    CatchUpClient(final String host, final int port, final String[] symbols, final long from, final long untilSeq,
        final boolean follow)
    {
        this.host = host;
        this.port = port;
        this.symbols = new byte[symbols.length][];
        for (int i = 0; i < symbols.length; i++)
        {
            this.symbols[i] = (symbols[i] + "\"").getBytes(StandardCharsets.US_ASCII);
        }
        this.from = from;
        this.untilSeq = untilSeq;
        this.follow = follow;
        this.last = new long[symbols.length];
        java.util.Arrays.fill(last, from);
    }

    /**
     * @return true once the trade of {@code untilSeq} arrived, or the client stopped.
     */
    boolean finished()
    {
        return caughtUpNanos != 0 || error != null;
    }

    /**
     * Closes the connection (any thread); the reading thread ends.
     */
    void stop()
    {
        stopped = true;
        final SocketChannel c = channel;
        if (c != null)
        {
            try
            {
                c.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
    }

    @Override
    public void run()
    {
        try (SocketChannel c = SocketChannel.open())
        {
            channel = c;
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            c.connect(new InetSocketAddress(host, port));
            final FanoutClient.Upgraded upgraded = FanoutClient.upgrade(c, host, port, buf, "catch-up client");
            final StringBuilder subscribe =
                new StringBuilder("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[");
            for (int i = 0; i < symbols.length; i++)
            {
                subscribe.append(i == 0 ? "\"" : ",\"").append(new String(symbols[i], StandardCharsets.US_ASCII));
            }
            subscribe.append("],\"from\":").append(from).append('}');
            subscribeNanos = System.nanoTime();
            FanoutClient.writeFully(c, FanoutClient.maskedText(subscribe.toString()));
            read(c, upgraded.start(), upgraded.end());
        }
        catch (final IOException ex)
        {
            if (!stopped)
            {
                error = "I/O: " + ex;
            }
        }
    }

    private void read(final SocketChannel c, final int firstStart, final int firstEnd) throws IOException
    {
        final ByteBuffer in = ByteBuffer.wrap(buf);
        int start = firstStart;
        int end = firstEnd;
        while (!stopped && error == null)
        {
            start = parse(start, end);
            if (caughtUpNanos != 0 && !follow)
            {
                return;
            }
            if (start == end)
            {
                start = 0;
                end = 0;
            }
            else if (end == buf.length)
            {
                System.arraycopy(buf, start, buf, 0, end - start); // a frame straddles the end: move it down
                end -= start;
                start = 0;
            }
            in.limit(buf.length).position(end);
            final int n = c.read(in);
            if (n < 0)
            {
                error = "connection closed by the gateway";
                return;
            }
            end += n;
        }
    }

    /**
     * Handles the whole frames in {@code buf[start, end)}.
     *
     * @return where the first incomplete frame starts.
     */
    private int parse(final int startAt, final int end)
    {
        int start = startAt;
        while (end - start >= 2)
        {
            final int b0 = buf[start] & 0xff;
            final int b1 = buf[start + 1] & 0x7f;
            int header = 2;
            int length = b1;
            if (b1 == 126)
            {
                if (end - start < 4)
                {
                    break;
                }
                length = ((buf[start + 2] & 0xff) << 8) | (buf[start + 3] & 0xff);
                header = 4;
            }
            else if (b1 == 127)
            {
                error = "frame larger than 64 KiB";
                return start;
            }
            if (end - start < header + length)
            {
                break;
            }
            final int payload = start + header;
            final int opcode = b0 & 0x0f;
            if (opcode == 0x1)
            {
                onText(payload, payload + length);
            }
            else if (opcode == 0x8)
            {
                final int code = length >= 2 ? ((buf[payload] & 0xff) << 8) | (buf[payload + 1] & 0xff) : 1005;
                error = "closed by the gateway: " + code + " " +
                    new String(buf, payload + 2, Math.max(0, length - 2), StandardCharsets.UTF_8);
                return start;
            }
            else if (opcode != 0x9 && opcode != 0xA)
            {
                error = "unexpected frame opcode " + opcode;
                return start;
            }
            start = payload + length;
        }
        return start;
    }

    private void onText(final int from, final int to)
    {
        if (!FanoutClient.startsWith(buf, from, to, TYPE_TRADE))
        {
            if (FanoutClient.find(buf, from, to, SUBSCRIBED) >= 0)
            {
                recovered = FanoutClient.find(buf, from, to, RECOVERED) >= 0;
                if (!recovered)
                {
                    error = "not recovered: " + new String(buf, from, to - from, StandardCharsets.UTF_8);
                }
            }
            else if (FanoutClient.find(buf, from, to, HEARTBEAT) < 0)
            {
                error = "unexpected message: " +
                    new String(buf, from, Math.min(200, to - from), StandardCharsets.UTF_8);
            }
            return;
        }
        final int symbolAt = FanoutClient.find(buf, from, to, SYMBOL) + SYMBOL.length;
        final int seqAt = FanoutClient.find(buf, symbolAt, to, SEQ);
        final int prevAt = FanoutClient.find(buf, seqAt, to, PREV);
        final int symbol = symbol(symbolAt, to);
        if (symbol < 0 || seqAt < 0 || prevAt < 0)
        {
            error = "trade without a known symbol, seq or prev: " +
                new String(buf, from, to - from, StandardCharsets.UTF_8);
            return;
        }
        final long seq = FanoutClient.number(buf, seqAt + SEQ.length, to);
        final long prev = FanoutClient.number(buf, prevAt + PREV.length, to);
        final long lastSeq = last[symbol];
        if (seq <= lastSeq)
        {
            duplicates++;
            return;
        }
        if (prev != lastSeq)
        {
            gaps++;
        }
        last[symbol] = seq;
        trades++;
        if (seq >= untilSeq && caughtUpNanos == 0)
        {
            caughtUpTrades = trades;
            caughtUpNanos = System.nanoTime();
        }
    }

    private int symbol(final int at, final int to)
    {
        for (int s = 0; s < symbols.length; s++)
        {
            if (FanoutClient.startsWith(buf, at, to, symbols[s]))
            {
                return s;
            }
        }
        return -1;
    }
}
