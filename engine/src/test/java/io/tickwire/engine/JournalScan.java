package io.tickwire.engine;

import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a whole journal and checks its sequence: batch N+1 starts where batch N ended, from seq 1.
 */
public final class JournalScan
{
    /** Result of a scan. */
    public record Result(long batches, long lastSeq, long journalId, long lastBatchFirstSeq)
    {
    }

    private JournalScan()
    {
    }

    /**
     * @param inputs receives a copy of each batch's input message (header included), or null.
     */
    public static Result scan(final Journal journal, final Consumer<UnsafeBuffer> inputs)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final BatchHeaderDecoder batch = new BatchHeaderDecoder();
        final long[] next = {1};
        final long[] lastFirst = {0};
        final long[] batches = {0};
        final long journalId = journal.readJournalId();
        try (JournalReader reader = new JournalReader(journal))
        {
            boolean more = true;
            while (more)
            {
                more = reader.poll((buffer, length, index) ->
                {
                    header.wrap(buffer, 0);
                    if (header.templateId() != BatchHeaderDecoder.TEMPLATE_ID)
                    {
                        return;
                    }
                    batch.wrapAndApplyHeader(buffer, 0, header);
                    assertThat(batch.firstSeq()).as("firstSeq of batch %d", batches[0]).isEqualTo(next[0]);
                    assertThat(batch.eventCount()).isNotNegative();
                    lastFirst[0] = batch.firstSeq();
                    next[0] += batch.eventCount();
                    batches[0]++;
                    if (inputs != null)
                    {
                        final int inputOffset = MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.BLOCK_LENGTH;
                        header.wrap(buffer, inputOffset);
                        final int inputLength = MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength();
                        final UnsafeBuffer copy = new UnsafeBuffer(new byte[inputLength]);
                        copy.putBytes(0, buffer, inputOffset, inputLength);
                        inputs.accept(copy);
                    }
                });
            }
        }
        return new Result(batches[0], next[0] - 1, journalId, lastFirst[0]);
    }

    /**
     * Checks a journal after a run with faults against an uninterrupted engine: feeds every journaled input
     * to a fresh engine and compares its next seq and state hash with the {@code HASH <stateHash> <nextSeq>}
     * line of the engine that wrote the journal last (see {@link EngineChild}).
     */
    public static void assertSameAsUninterrupted(final JournalConfig config,
        final String hashLine)
    {
        final java.util.List<UnsafeBuffer> inputs = new java.util.ArrayList<>();
        final Result scan;
        try (Journal journal = Journal.open(config.asReadOnly()))
        {
            scan = scan(journal, inputs::add);
        }
        final Engine uninterrupted = new Engine(EngineLimits.defaults());
        for (final UnsafeBuffer input : inputs)
        {
            assertThat(uninterrupted.apply(input, 0, input.capacity(), 0)).isPositive();
        }
        final String[] parts = hashLine.split(" ");
        assertThat(uninterrupted.nextSeq()).isEqualTo(scan.lastSeq() + 1).isEqualTo(Long.parseLong(parts[2]));
        assertThat(uninterrupted.stateHash()).isEqualTo(Long.parseLong(parts[1]));
        assertThat(scan.journalId()).isNotZero();
    }

    /**
     * Follows the journal until it holds {@code target} (waiting with a deadline).
     *
     * @return the last journaled seq seen, at least {@code target}.
     * @throws AssertionError if the journal does not reach it within {@code timeout}.
     */
    public static long awaitJournaledSeq(final JournalConfig config, final long target, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Journal journal = Journal.open(config.asReadOnly()); SeqFollower follower = new SeqFollower(journal))
        {
            while (follower.lastSeq() < target)
            {
                if (!follower.poll())
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw new AssertionError("journal reached only seq " + follower.lastSeq() + " of " + target);
                    }
                    LockSupport.parkNanos(1_000_000);
                }
            }
            return follower.lastSeq();
        }
    }
}
