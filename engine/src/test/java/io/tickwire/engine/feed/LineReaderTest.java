package io.tickwire.engine.feed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineReaderTest
{
    @Test
    @Timeout(10)
    void splitsOnLfAndCrLfAndKeepsALastLineWithoutTerminator() throws IOException
    {
        assertThat(lines("a\nbb\r\n\nccc", 8)).containsExactly("1:a", "2:bb", "3:", "4:ccc");
        assertThat(lines("a\n", 8)).containsExactly("1:a");
        assertThat(lines("", 8)).isEmpty();
        assertThat(lines("\uFEFFx\n", 8)).containsExactly("1:x");
        assertThat(lines("\r\n\r", 8)).containsExactly("1:", "2:");
    }

    @Test
    @Timeout(10)
    void boundsTheLineLengthAndResynchronisesAfterALongLine() throws IOException
    {
        final int max = 8;
        assertThat(lines("12345678\n123456789\n12345678\r\nabc", max))
            .containsExactly("1:12345678", "2:TOO LONG", "3:12345678", "4:abc");
        assertThat(lines("123456789\r\n", max)).containsExactly("1:TOO LONG");

        final String huge = "x".repeat(300_000);
        assertThat(lines(huge + "\nok\n" + huge, max)).containsExactly("1:TOO LONG", "2:ok", "3:TOO LONG");
    }

    @Test
    @Timeout(10)
    void handlesLinesSplitAcrossReadsOfOneByte() throws IOException
    {
        final byte[] bytes = "first\r\nsecond\nthird".getBytes(StandardCharsets.US_ASCII);
        final InputStream trickle = new InputStream()
        {
            private int position;

            @Override
            public int read()
            {
                return position < bytes.length ? bytes[position++] & 0xFF : -1;
            }

            @Override
            public int read(final byte[] b, final int off, final int len)
            {
                if (position == bytes.length)
                {
                    return -1;
                }
                b[off] = bytes[position++];
                return 1;
            }
        };
        assertThat(lines(trickle, 16)).containsExactly("1:first", "2:second", "3:third");
    }

    private static List<String> lines(final String text, final int max) throws IOException
    {
        return lines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }

    private static List<String> lines(final InputStream in, final int max) throws IOException
    {
        final List<String> result = new ArrayList<>();
        try (LineReader reader = new LineReader(in, max))
        {
            while (reader.readLine())
            {
                result.add(reader.lineNumber() + ":" + (reader.tooLong() ?
                    "TOO LONG" : new String(reader.line(), 0, reader.length(), StandardCharsets.UTF_8)));
            }
        }
        return result;
    }
}
