package io.tickwire.engine;

import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;

/**
 * Follows a journal being written and tracks the last seq seen.
 */
final class SeqFollower implements AutoCloseable
{
    private final JournalReader reader;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final BatchHeaderDecoder batch = new BatchHeaderDecoder();
    private long lastSeq;

    SeqFollower(final Journal journal)
    {
        reader = new JournalReader(journal);
    }

    boolean poll()
    {
        return reader.poll((buffer, length, index) ->
        {
            header.wrap(buffer, 0);
            if (header.templateId() == BatchHeaderDecoder.TEMPLATE_ID)
            {
                batch.wrapAndApplyHeader(buffer, 0, header);
                lastSeq = batch.firstSeq() + batch.eventCount() - 1;
            }
        });
    }

    long lastSeq()
    {
        return lastSeq;
    }

    @Override
    public void close()
    {
        reader.close();
    }
}
