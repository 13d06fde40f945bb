package io.tickwire.engine;

import io.aeron.Publication;
import io.tickwire.codecs.BatchReader;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Tails the journal and publishes each batch, unchanged, on the Aeron market-data stream. So a batch is
 * on the bus only after it is journaled, and the engine never waits for the bus.
 * <p>
 * The journal reader is created in {@link #onStart()} on the agent's thread (Chronicle tailers are
 * single-threaded).
 * <p>
 * At the bound: when Aeron back-pressures (a subscriber lags by a whole term window) the batch is kept and
 * offered again on the next duty cycle; the journal holds everything meanwhile. When no subscriber is
 * connected, batches are skipped (counted): subscribers that join later catch up from the journal.
 */
public final class BusPublisherAgent implements Agent, JournalReader.ExcerptHandler
{
    static final int BATCHES_PER_CYCLE = 256;

    private final java.util.function.Supplier<JournalReader> readerFactory;
    private JournalReader reader;
    private final Publication publication;
    private final UnsafeBuffer pending;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final AtomicCounter published;
    private final AtomicCounter backPressured;
    private final AtomicCounter skippedNotConnected;
    private static final BatchReader.Handler NO_MESSAGES = (templateId, buffer, offset, blockLength, version) ->
    {
    };

    private final BatchReader batchReader = new BatchReader();
    private final AtomicCounter failures;
    private boolean stopped;
    private int pendingLength;

    public BusPublisherAgent(
        final java.util.function.Supplier<JournalReader> readerFactory,
        final Publication publication,
        final int maxBatchLength,
        final AtomicCounter published,
        final AtomicCounter backPressured,
        final AtomicCounter skippedNotConnected,
        final AtomicCounter failures)
    {
        this.readerFactory = readerFactory;
        this.publication = publication;
        this.pending = new UnsafeBuffer(new byte[maxBatchLength]);
        this.published = published;
        this.backPressured = backPressured;
        this.skippedNotConnected = skippedNotConnected;
        this.failures = failures;
    }

    @Override
    public void onStart()
    {
        reader = readerFactory.get();
    }

    @Override
    public int doWork()
    {
        if (stopped)
        {
            return 0;
        }
        if (pendingLength > 0)
        {
            if (!offer(pending, 0, pendingLength))
            {
                return 0;
            }
            pendingLength = 0;
        }
        int work = 0;
        while (work < BATCHES_PER_CYCLE && pendingLength == 0 && !stopped && reader.poll(this))
        {
            work++;
        }
        return work;
    }

    @Override
    public void onExcerpt(final DirectBuffer buffer, final int length, final long index)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        header.wrap(buffer, 0);
        if (header.templateId() != BatchHeaderDecoder.TEMPLATE_ID)
        {
            return; // JournalStart and any non-batch record stay in the journal only
        }
        if (!wellFramed(buffer, length))
        {
            return;
        }
        if (!offer(buffer, 0, length))
        {
            if (length > pending.capacity())
            {
                throw new IllegalStateException("batch of " + length + " bytes exceeds " + pending.capacity());
            }
            pending.putBytes(0, buffer, 0, length);
            pendingLength = length;
        }
    }

    /**
     * A batch whose messages do not exactly fill it is a torn record (an append that failed on a full disk can
     * leave one, see docs/reliability.md): it is never published, and nothing after it either.
     */
    private boolean wellFramed(final DirectBuffer buffer, final int length)
    {
        try
        {
            batchReader.read(buffer, 0, length, NO_MESSAGES);
            return true;
        }
        catch (final BatchReader.MalformedBatchException ex)
        {
            stop("malformed batch in the journal (" + ex.getMessage() + ")");
            return false;
        }
    }

    /**
     * Publishes nothing more, for good (its thread only): one line on stderr, a failure counted.
     */
    void stop(final String reason)
    {
        if (!stopped)
        {
            stopped = true;
            failures.incrementRelease();
            System.err.println("tickwire bus publisher: STOPPED: " + reason +
                "; publishing nothing more. Restart the engine: it repairs the journal's torn tail.");
        }
    }

    /**
     * @return true once {@link #stop(String)} ran (its thread only).
     */
    boolean stopped()
    {
        return stopped;
    }

    private boolean offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            published.incrementRelease();
            return true;
        }
        if (result == Publication.NOT_CONNECTED)
        {
            skippedNotConnected.incrementRelease();
            return true;
        }
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            backPressured.incrementRelease();
            return false;
        }
        throw new IllegalStateException("market-data publication failed: " + Publication.errorString(result));
    }

    @Override
    public String roleName()
    {
        return "tickwire-bus-publisher";
    }

    @Override
    public void onClose()
    {
        if (reader != null)
        {
            reader.close();
        }
    }
}
