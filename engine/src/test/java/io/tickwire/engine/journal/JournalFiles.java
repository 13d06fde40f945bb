package io.tickwire.engine.journal;

import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.MixedInputs;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers of the journal-writing tests: a seeded engine stream, and a byte-for-byte comparison of two journals'
 * cycle files.
 */
final class JournalFiles
{
    private JournalFiles()
    {
    }

    /**
     * An engine fed a seeded {@link MixedInputs} stream (matching and feed instruments), one batch at a time.
     */
    static final class SeededBatches
    {
        final Engine engine = new Engine(EngineLimits.defaults());
        private final MixedInputs inputs;
        private final List<UnsafeBuffer> definitions;
        private int next;
        private long time;

        SeededBatches(final long seed)
        {
            inputs = new MixedInputs(seed, true, true);
            definitions = inputs.definitions();
        }

        /**
         * Applies the next input.
         *
         * @return the length of its batch in {@link Engine#batchByteBuffer()}.
         */
        int nextBatch()
        {
            final UnsafeBuffer input = next < definitions.size() ? definitions.get(next) : inputs.next();
            next++;
            final int length = engine.apply(input, 0, input.capacity(), ++time);
            assertThat(length).isPositive();
            return length;
        }
    }

    /**
     * Asserts that both directories hold the same cycle files ({@code .cq4}), with the same bytes.
     *
     * @return the number of cycle files.
     */
    static int assertSameCycleFiles(final Path expected, final Path actual) throws IOException
    {
        final List<Path> expectedFiles = cycleFiles(expected);
        final List<Path> actualFiles = cycleFiles(actual);
        assertThat(actualFiles.stream().map(p -> p.getFileName().toString()))
            .containsExactlyElementsOf(expectedFiles.stream().map(p -> p.getFileName().toString()).toList());
        for (int i = 0; i < expectedFiles.size(); i++)
        {
            final long mismatch = Files.mismatch(expectedFiles.get(i), actualFiles.get(i));
            assertThat(mismatch).as("first differing byte of %s", actualFiles.get(i)).isEqualTo(-1L);
        }
        return expectedFiles.size();
    }

    private static List<Path> cycleFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }
}
