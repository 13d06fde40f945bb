package io.tickwire.gateway;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A WebSocket client on a plain {@link Socket} that speaks RFC 6455 framing itself, so tests can send what
 * real clients refuse to: invalid UTF-8, protocol violations, upgrades from a chosen source address, and read
 * the exact HTTP refusal (status, headers, body).
 */
public final class RawWsClient implements AutoCloseable
{
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;

    /** A server frame. */
    public record Frame(boolean fin, int opcode, byte[] payload)
    {
        public int closeCode()
        {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        public String text()
        {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    public final int status;
    public final Map<String, String> headers;
    public final String body;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Random maskRandom = new Random(42);

    private RawWsClient(final Socket socket, final int status, final Map<String, String> headers, final String body)
        throws IOException
    {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects (from {@code bindHost}, or any local address if null) and sends the upgrade for {@code pathAndQuery}.
     * The result's {@link #status} is 101 when upgraded; otherwise {@link #body} holds the refusal's body.
     */
    public static RawWsClient connect(
        final int port, final String bindHost, final String pathAndQuery, final Map<String, String> extraHeaders)
        throws IOException
    {
        return connect(port, bindHost, pathAndQuery, extraHeaders, 0);
    }

    /**
     * As {@link #connect(int, String, String, Map)}, with the socket's receive buffer set to
     * {@code receiveBufferBytes} before connecting (0: the system's default), so that a client that stops reading
     * fills the server's socket sooner.
     */
    public static RawWsClient connect(
        final int port,
        final String bindHost,
        final String pathAndQuery,
        final Map<String, String> extraHeaders,
        final int receiveBufferBytes)
        throws IOException
    {
        final Socket socket = new Socket();
        try
        {
            if (receiveBufferBytes > 0)
            {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            if (bindHost != null)
            {
                socket.bind(new InetSocketAddress(bindHost, 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            final StringBuilder request = new StringBuilder()
                .append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(new byte[16])).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
            extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            final InputStream in = socket.getInputStream();
            final String statusLine = readLine(in);
            final String[] parts = statusLine.split(" ", 3);
            final int status = Integer.parseInt(parts[1]);
            final Map<String, String> headers = new LinkedHashMap<>();
            String line;
            while (!(line = readLine(in)).isEmpty())
            {
                final int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String body = "";
            if (status != 101)
            {
                final int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
            return new RawWsClient(socket, status, headers, body);
        }
        catch (final IOException | RuntimeException ex)
        {
            socket.close();
            throw ex;
        }
    }

    private static String readLine(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n')
        {
            if (b < 0)
            {
                throw new EOFException("connection closed in the HTTP response");
            }
            if (b != '\r')
            {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends one masked frame.
     */
    public void sendFrame(final boolean fin, final int opcode, final byte[] payload) throws IOException
    {
        sendFrame((fin ? 0x80 : 0) | opcode, true, payload);
    }

    /**
     * Sends one frame with the given first byte (FIN, RSV bits, opcode) and masking, which may break the rules.
     */
    public void sendFrame(final int firstByte, final boolean masked, final byte[] payload) throws IOException
    {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(firstByte);
        final int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126)
        {
            frame.write(maskBit | payload.length);
        }
        else if (payload.length < 65_536)
        {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        }
        else
        {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                frame.write((int)((long)payload.length >>> shift));
            }
        }
        if (masked)
        {
            final byte[] mask = new byte[4];
            maskRandom.nextBytes(mask);
            frame.write(mask, 0, 4);
            for (int i = 0; i < payload.length; i++)
            {
                frame.write(payload[i] ^ mask[i & 3]);
            }
        }
        else
        {
            frame.write(payload, 0, payload.length);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * @return the next frame from the server (unmasked).
     */
    public Frame readFrame() throws IOException
    {
        final int b0 = read();
        final int b1 = read();
        long length = b1 & 0x7F;
        if (length == 126)
        {
            length = ((long)read() << 8) | read();
        }
        else if (length == 127)
        {
            length = 0;
            for (int i = 0; i < 8; i++)
            {
                length = (length << 8) | read();
            }
        }
        if ((b1 & 0x80) != 0)
        {
            throw new IOException("server frames must not be masked");
        }
        if (length > 16 * 1024 * 1024)
        {
            throw new IOException("frame too long: " + length);
        }
        final byte[] payload = in.readNBytes((int)length);
        if (payload.length != length)
        {
            throw new EOFException("connection closed in a frame");
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    private int read() throws IOException
    {
        final int b = in.read();
        if (b < 0)
        {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /**
     * Reads frames until the server's close frame (text frames are collected into {@code texts}).
     *
     * @return the close code, or -1 if the connection ended without a close frame.
     */
    public int awaitClose(final Duration timeout, final List<String> texts) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new AssertionError("no close frame within " + timeout);
            }
            socket.setSoTimeout((int)Math.max(1, left / 1_000_000));
            final Frame frame;
            try
            {
                frame = readFrame();
            }
            catch (final EOFException ex)
            {
                return -1;
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("no close frame within " + timeout, ex);
            }
            if (frame.opcode() == CLOSE)
            {
                return frame.closeCode();
            }
            if (frame.opcode() == TEXT)
            {
                texts.add(frame.text());
            }
        }
    }

    public int awaitClose(final Duration timeout) throws IOException
    {
        return awaitClose(timeout, new ArrayList<>());
    }

    /**
     * @return the next text message that is not market data or a heartbeat (replies), waiting up to {@code timeout}.
     */
    public String nextReply(final Duration timeout) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new AssertionError("no reply within " + timeout);
            }
            socket.setSoTimeout((int)Math.max(1, left / 1_000_000));
            final Frame frame = readFrame();
            if (frame.opcode() == CLOSE)
            {
                throw new AssertionError("closed " + frame.closeCode() + " while waiting for a reply");
            }
            if (frame.opcode() == TEXT && !frame.text().contains("\"type\":\"heartbeat\""))
            {
                return frame.text();
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Drops the connection with a TCP reset (SO_LINGER 0) rather than a FIN.
     */
    public void reset()
    {
        try
        {
            socket.setSoLinger(true, 0);
            socket.close();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
