package io.tickwire.perf.rig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The fan-out rig's {@code floor} target: the ceiling of this machine for the same bytes. One thread, one NIO
 * selector, no WebSocket framing, no protocol state: a client sends one line (the subscribe JSON, symbols
 * {@code SYMnnnn}) and gets {@code {"type":"subscribed"}} then newline-terminated messages. Each feed record's
 * JSON is copied with its newline into the output buffer of every subscriber of its symbol; after each feed
 * read every connection with output gets one {@code write()} (many messages per call). A buffer grows to
 * 64 MiB; past that the connection is closed (the client then reports missing messages).
 * <p>
 * Arguments: {@code --symbols K [--ws-port P] [--feed-port F]}; prints {@code READY ws=<port> feed=<port>};
 * exits when stdin ends.
 */
public final class FloorPeer
{
    private static final int MAX_BUFFER = 64 << 20;

    private FloorPeer()
    {
    }

    /** One subscriber connection. */
    private static final class Conn
    {
        final SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
        boolean subscribed;
        boolean dirty;

        Conn(final SocketChannel channel)
        {
            this.channel = channel;
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final Args a = new Args(args);
        final int symbols = a.intValue("--symbols", 100);
        final List<List<Conn>> subscribers = new ArrayList<>();
        for (int s = 0; s < symbols; s++)
        {
            subscribers.add(new ArrayList<>());
        }
        final List<Conn> dirty = new ArrayList<>();
        final Selector selector = Selector.open();
        final ServerSocketChannel clientServer = ServerSocketChannel.open();
        clientServer.bind(new InetSocketAddress("127.0.0.1", a.intValue("--ws-port", 0)), 4096);
        clientServer.configureBlocking(false);
        clientServer.register(selector, SelectionKey.OP_ACCEPT, "clients");
        final ServerSocketChannel feedServer = ServerSocketChannel.open();
        feedServer.bind(new InetSocketAddress("127.0.0.1", a.intValue("--feed-port", 0)));
        feedServer.configureBlocking(false);
        feedServer.register(selector, SelectionKey.OP_ACCEPT, "feed");
        System.out.println("READY ws=" + ((InetSocketAddress)clientServer.getLocalAddress()).getPort() +
            " feed=" + ((InetSocketAddress)feedServer.getLocalAddress()).getPort());
        System.out.flush();
        final Thread exitOnEof = new Thread(() ->
        {
            try
            {
                while (System.in.read() >= 0)
                {
                    continue;
                }
            }
            catch (final IOException ignored)
            {
                // exit below
            }
            System.exit(0);
        }, "stdin");
        exitOnEof.setDaemon(true);
        exitOnEof.start();
        final ByteBuffer feedIn = ByteBuffer.allocateDirect(1 << 20);
        final byte[] subscribed = "{\"type\":\"subscribed\"}\n".getBytes(StandardCharsets.US_ASCII);
        while (true)
        {
            selector.select();
            final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext())
            {
                final SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid())
                {
                    continue;
                }
                if (key.isAcceptable())
                {
                    final SocketChannel channel = ((ServerSocketChannel)key.channel()).accept();
                    if (channel == null)
                    {
                        continue;
                    }
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    if ("feed".equals(key.attachment()))
                    {
                        channel.register(selector, SelectionKey.OP_READ, "feed-conn");
                    }
                    else
                    {
                        channel.register(selector, SelectionKey.OP_READ, new Conn(channel));
                    }
                    continue;
                }
                if ("feed-conn".equals(key.attachment()))
                {
                    final SocketChannel feed = (SocketChannel)key.channel();
                    if (feed.read(feedIn) < 0)
                    {
                        key.cancel();
                        feed.close();
                        continue;
                    }
                    feedIn.flip();
                    while (feedIn.remaining() >= 4 && feedIn.remaining() >= 4 + feedIn.getInt(feedIn.position()))
                    {
                        final int start = feedIn.position();
                        final int length = feedIn.getInt(start);
                        final int symbol = feedIn.getInt(start + 4);
                        final int jsonStart = start + TickStream.RECORD_HEADER;
                        final int jsonLength = length + 4 - TickStream.RECORD_HEADER;
                        for (final Conn conn : subscribers.get(symbol))
                        {
                            append(conn, feedIn, jsonStart, jsonLength, dirty);
                        }
                        feedIn.position(start + 4 + length);
                    }
                    feedIn.compact();
                    for (final Conn conn : dirty)
                    {
                        flush(conn, selector);
                    }
                    dirty.clear();
                    continue;
                }
                final Conn conn = (Conn)key.attachment();
                try
                {
                    if (key.isWritable())
                    {
                        flush(conn, selector);
                    }
                    if (key.isValid() && key.isReadable())
                    {
                        if (conn.channel.read(conn.in) < 0)
                        {
                            close(conn, subscribers);
                            continue;
                        }
                        if (!conn.subscribed && indexOf(conn.in, (byte)'\n') >= 0)
                        {
                            conn.subscribed = true;
                            final String line =
                                new String(conn.in.array(), 0, conn.in.position(), StandardCharsets.UTF_8);
                            int at = 0;
                            while ((at = line.indexOf("SYM", at)) >= 0)
                            {
                                final int s = Integer.parseInt(line.substring(at + 3, at + 7));
                                if (s < symbols)
                                {
                                    subscribers.get(s).add(conn);
                                }
                                at += 7;
                            }
                            conn.out.put(subscribed);
                            flush(conn, selector);
                        }
                        conn.in.clear();
                    }
                }
                catch (final IOException ex)
                {
                    close(conn, subscribers);
                }
            }
        }
    }

    private static int indexOf(final ByteBuffer buffer, final byte b)
    {
        for (int i = 0; i < buffer.position(); i++)
        {
            if (buffer.get(i) == b)
            {
                return i;
            }
        }
        return -1;
    }

    private static void append(
        final Conn conn, final ByteBuffer feed, final int start, final int length, final List<Conn> dirty)
    {
        if (!conn.channel.isOpen())
        {
            return;
        }
        if (conn.out.remaining() < length + 1)
        {
            final int needed = conn.out.position() + length + 1;
            if (needed > MAX_BUFFER)
            {
                try
                {
                    conn.channel.close();
                }
                catch (final IOException ignored)
                {
                    // closed anyway
                }
                return;
            }
            final ByteBuffer bigger =
                ByteBuffer.allocateDirect(Math.min(MAX_BUFFER, Math.max(needed, conn.out.capacity() * 2)));
            conn.out.flip();
            bigger.put(conn.out);
            conn.out = bigger;
        }
        conn.out.put(conn.out.position(), feed, start, length);
        conn.out.position(conn.out.position() + length);
        conn.out.put((byte)'\n');
        if (!conn.dirty)
        {
            conn.dirty = true;
            dirty.add(conn);
        }
    }

    private static void flush(final Conn conn, final Selector selector) throws IOException
    {
        conn.dirty = false;
        if (!conn.channel.isOpen())
        {
            return;
        }
        conn.out.flip();
        try
        {
            conn.channel.write(conn.out);
        }
        catch (final IOException ex)
        {
            conn.channel.close();
            return;
        }
        conn.out.compact();
        final SelectionKey key = conn.channel.keyFor(selector);
        if (key != null && key.isValid())
        {
            key.interestOps(
                conn.out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    private static void close(final Conn conn, final List<List<Conn>> subscribers) throws IOException
    {
        conn.channel.close();
        for (final List<Conn> list : subscribers)
        {
            list.remove(conn);
        }
    }
}
