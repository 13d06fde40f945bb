package io.tickwire.engine.feed;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a byte stream line by line into a fixed buffer, never holding more than one chunk and one line. Lines
 * end with {@code \n} or {@code \r\n} (the terminator is not part of the line); the last line may lack one. A
 * line longer than the bound is consumed up to its end but not stored: {@link #tooLong()} says so. A UTF-8
 * byte order mark at the start of the stream is dropped.
 */
final class LineReader implements Closeable
{
    private static final int CHUNK_SIZE = 64 * 1024;

    private final InputStream in;
    private final byte[] chunk = new byte[CHUNK_SIZE];
    private final byte[] line;
    private final int maxLength;
    private int chunkPosition;
    private int chunkLimit;
    private int length;
    private long rawLength;
    private long lineNumber;
    private boolean endOfStream;

    LineReader(final InputStream in, final int maxLength)
    {
        this.in = in;
        this.maxLength = maxLength;
        this.line = new byte[maxLength + 1]; // room for a '\r' before the '\n'
    }

    /**
     * @return false at the end of the stream, else true with the next line in {@link #line()}.
     * @throws IOException from the stream.
     */
    boolean readLine() throws IOException
    {
        if (endOfStream)
        {
            return false;
        }
        length = 0;
        rawLength = 0;
        boolean sawBytes = false;
        while (true)
        {
            if (chunkPosition == chunkLimit)
            {
                final int read = in.read(chunk, 0, CHUNK_SIZE);
                if (read < 0)
                {
                    endOfStream = true;
                    if (!sawBytes)
                    {
                        return false;
                    }
                    return endLine();
                }
                chunkPosition = 0;
                chunkLimit = read;
                if (lineNumber == 0 && !sawBytes)
                {
                    skipByteOrderMark();
                }
                continue;
            }
            sawBytes = true;
            int end = chunkPosition;
            while (end < chunkLimit && chunk[end] != '\n')
            {
                end++;
            }
            append(chunkPosition, end - chunkPosition);
            if (end < chunkLimit)
            {
                chunkPosition = end + 1;
                return endLine();
            }
            chunkPosition = chunkLimit;
        }
    }

    /**
     * @return the line's bytes, valid in {@code [0, length())} until the next {@link #readLine()}.
     */
    byte[] line()
    {
        return line;
    }

    int length()
    {
        return length;
    }

    /**
     * @return true if the last line was longer than the bound (its content is then truncated and unusable).
     */
    boolean tooLong()
    {
        return rawLength > maxLength;
    }

    /**
     * @return the 1-based number of the last line read.
     */
    long lineNumber()
    {
        return lineNumber;
    }

    @Override
    public void close() throws IOException
    {
        in.close();
    }

    private void append(final int from, final int count)
    {
        final int room = line.length - length;
        final int copy = Math.min(room, count);
        System.arraycopy(chunk, from, line, length, copy);
        length += copy;
        rawLength += count;
    }

    private boolean endLine()
    {
        lineNumber++;
        if (rawLength > 0 && rawLength <= line.length && line[length - 1] == '\r')
        {
            length--;
            rawLength--;
        }
        if (rawLength > maxLength)
        {
            length = 0;
        }
        return true;
    }

    private void skipByteOrderMark()
    {
        if (chunkLimit >= 3 && (chunk[0] & 0xFF) == 0xEF && (chunk[1] & 0xFF) == 0xBB && (chunk[2] & 0xFF) == 0xBF)
        {
            chunkPosition = 3;
        }
    }
}
