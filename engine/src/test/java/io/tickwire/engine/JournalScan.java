package io.tickwire.engine;

import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a whole journal and checks its sequence: batch N+1 starts where batch N ended, from seq 1.
 */
public final class JournalScan
{
    /** Result of a scan. */
    public record Result(long batches, long lastSeq, long journalId)
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
        return new Result(batches[0], next[0] - 1, journalId);
    }
}
