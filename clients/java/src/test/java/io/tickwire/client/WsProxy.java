package io.tickwire.client;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A WebSocket-aware TCP proxy between a client and a gateway, for fault injection: it forwards the upgrade,
 * then parses the frames in both directions. It can cut every connection ({@link #cutAll()}), stop forwarding
 * from the server on the connections open now ({@link #freeze()}: TCP stays up, nothing arrives), and rewrite
 * the next server text or binary message a function chooses to change ({@link #corruptNext},
 * {@link #corruptNextBinary}). It records every client text message (unmasked) in {@link #clientMessages}.
 */
final class WsProxy implements Closeable
{
    private static final int TEXT = 1;
    private static final int BINARY = 2;

    private record Corrupter(int opcode, UnaryOperator<byte[]> change)
    {
    }

    /** The client's text messages, in order, across connections. */
    final List<String> clientMessages = new CopyOnWriteArrayList<>();
    /** The server messages the proxy changed: {original, changed} (binary ones in hex). */
    final List<String[]> corrupted = new CopyOnWriteArrayList<>();

    private final int upstreamPort;
    private final ServerSocket server;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    /** Each closed link: the client's port, and who closed it (diagnostics). */
    private final List<String> closedLinks = new CopyOnWriteArrayList<>();
    private final AtomicReference<Corrupter> corrupter = new AtomicReference<>();
    private volatile boolean closed;

    WsProxy(final int upstreamPort) throws IOException
    {
        this.upstreamPort = upstreamPort;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::accept, "ws-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri()
    {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/stream");
    }

    /**
     * The next server text message for which {@code change} returns non-null is replaced by what it returns.
     */
    void corruptNext(final UnaryOperator<String> change)
    {
        corrupter.set(new Corrupter(TEXT, bytes ->
        {
            final String changed = change.apply(new String(bytes, StandardCharsets.UTF_8));
            return changed == null ? null : changed.getBytes(StandardCharsets.UTF_8);
        }));
    }

    /**
     * The next server binary message for which {@code change} returns non-null is replaced by what it returns.
     */
    void corruptNextBinary(final UnaryOperator<byte[]> change)
    {
        corrupter.set(new Corrupter(BINARY, change));
    }

    private static String show(final int opcode, final byte[] payload)
    {
        return opcode == TEXT ? new String(payload, StandardCharsets.UTF_8) :
            HexFormat.ofDelimiter(" ").formatHex(payload);
    }

    /**
     * Closes every connection open now (both sockets): the client sees the TCP connection end.
     */
    void cutAll()
    {
        for (final Link link : links)
        {
            link.close();
        }
    }

    /**
     * Stops forwarding server data on every connection open now, keeping them open.
     */
    void freeze()
    {
        for (final Link link : links)
        {
            link.frozen = true;
        }
    }

    int connections()
    {
        return links.size();
    }

    /**
     * @return for a failure message: each open link's age, bytes forwarded each way, and what its server-to-client
     * pump is doing (a pump blocked writing means the client stopped reading; one reading, that the server sent
     * nothing).
     */
    String describe()
    {
        final long now = System.nanoTime();
        final StringBuilder out = new StringBuilder("proxy links " + links.size() + ":");
        for (final Link link : links)
        {
            out.append(" [client port ").append(link.client.getPort()).append(", age ")
                .append((now - link.createdNanos) / 1_000_000).append(" ms, s2c ")
                .append(link.s2cBytes).append(" B (last ").append((now - link.lastS2cNanos) / 1_000_000)
                .append(" ms ago, ").append(link.s2cState).append("), c2s ").append(link.c2sBytes).append(" B]");
        }
        out.append("; closed:");
        for (final String closed : closedLinks)
        {
            out.append(' ').append(closed);
        }
        return out.toString();
    }

    @Override
    public void close()
    {
        closed = true;
        try
        {
            server.close();
        }
        catch (final IOException ignore)
        {
            // closing
        }
        cutAll();
    }

    private void accept()
    {
        while (!closed)
        {
            try
            {
                final Socket client = server.accept();
                final Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                final Link link = new Link(client, upstream);
                links.add(link);
                link.start();
            }
            catch (final IOException ex)
            {
                if (!closed)
                {
                    System.err.println("proxy accept: " + ex);
                }
            }
        }
    }

    private final class Link
    {
        final Socket client;
        final Socket upstream;
        final long createdNanos = System.nanoTime();
        volatile boolean frozen;
        /** Opened when the link is closed. */
        final java.util.concurrent.CountDownLatch cut = new java.util.concurrent.CountDownLatch(1);
        volatile long s2cBytes;
        volatile long c2sBytes;
        volatile long lastS2cNanos = createdNanos;
        volatile String s2cState = "starting";

        Link(final Socket client, final Socket upstream)
        {
            this.client = client;
            this.upstream = upstream;
        }

        void start()
        {
            thread(() -> pump(client, upstream, true), "ws-proxy-c2s");
            thread(() -> pump(upstream, client, false), "ws-proxy-s2c");
        }

        private void thread(final Runnable r, final String name)
        {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        }

        void close()
        {
            cut.countDown();
            if (links.contains(this))
            {
                closedLinks.add("[client port " + client.getPort() + " by " + Thread.currentThread().getName() + " at " +
                    System.nanoTime() / 1_000_000 + " ms, s2c " + s2cBytes + " B]");
            }
            try
            {
                client.close();
            }
            catch (final IOException ignore)
            {
                // closing
            }
            try
            {
                upstream.close();
            }
            catch (final IOException ignore)
            {
                // closing
            }
            links.remove(this);
        }

        private void pump(final Socket from, final Socket to, final boolean fromClient)
        {
            try
            {
                final InputStream in = from.getInputStream();
                final OutputStream out = to.getOutputStream();
                // The HTTP upgrade request or response, up to the blank line.
                final ByteArrayOutputStream head = new ByteArrayOutputStream();
                int matched = 0;
                while (matched < 4)
                {
                    final int b = in.read();
                    if (b < 0)
                    {
                        throw new IOException("eof in the HTTP head");
                    }
                    head.write(b);
                    matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                out.write(head.toByteArray());
                out.flush();
                while (true)
                {
                    if (!fromClient)
                    {
                        s2cState = "reading";
                    }
                    final int b0 = in.read();
                    final int b1 = in.read();
                    if (b0 < 0 || b1 < 0)
                    {
                        break;
                    }
                    long length = b1 & 0x7F;
                    final ByteArrayOutputStream header = new ByteArrayOutputStream();
                    header.write(b0);
                    header.write(b1);
                    if (length >= 126)
                    {
                        final int extra = length == 126 ? 2 : 8;
                        length = 0;
                        for (int i = 0; i < extra; i++)
                        {
                            final int b = in.read();
                            header.write(b);
                            length = (length << 8) | b;
                        }
                    }
                    final boolean masked = (b1 & 0x80) != 0;
                    final byte[] mask = masked ? in.readNBytes(4) : null;
                    if (masked)
                    {
                        header.write(mask);
                    }
                    final byte[] payload = in.readNBytes((int)length);
                    final int opcode = b0 & 0x0F;
                    if (fromClient)
                    {
                        c2sBytes += header.size() + length;
                    }
                    else
                    {
                        s2cBytes += header.size() + length;
                        lastS2cNanos = System.nanoTime();
                        s2cState = "writing";
                    }
                    final boolean fin = (b0 & 0x80) != 0;
                    if (fromClient)
                    {
                        if (opcode == 1 && fin)
                        {
                            final byte[] plain = payload.clone();
                            for (int i = 0; i < plain.length; i++)
                            {
                                plain[i] ^= mask[i % 4];
                            }
                            clientMessages.add(new String(plain, StandardCharsets.UTF_8));
                        }
                        write(out, header.toByteArray(), payload);
                        continue;
                    }
                    if (frozen)
                    {
                        while (!cut.await(1, java.util.concurrent.TimeUnit.SECONDS))
                        {
                            continue; // a frozen link forwards nothing more: it only waits to be cut
                        }
                        return;
                    }
                    final Corrupter change = corrupter.get();
                    if (change != null && opcode == change.opcode() && fin)
                    {
                        final byte[] replaced = change.change().apply(payload);
                        if (replaced != null && corrupter.compareAndSet(change, null))
                        {
                            corrupted.add(new String[] {show(opcode, payload), show(opcode, replaced)});
                            write(out, unmaskedHeader(opcode, replaced.length), replaced);
                            continue;
                        }
                    }
                    write(out, header.toByteArray(), payload);
                }
            }
            catch (final IOException | InterruptedException ex)
            {
                // the link ends
            }
            finally
            {
                close();
            }
        }

        private void write(final OutputStream out, final byte[] header, final byte[] payload) throws IOException
        {
            synchronized (out)
            {
                out.write(header);
                out.write(payload);
                out.flush();
            }
        }

        private byte[] unmaskedHeader(final int opcode, final int length)
        {
            if (length < 126)
            {
                return new byte[] {(byte)(0x80 | opcode), (byte)length};
            }
            return new byte[] {(byte)(0x80 | opcode), 126, (byte)(length >>> 8), (byte)length};
        }
    }
}
