package io.tickwire.engine;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The single writer. Polls the ingress stream, applies each input to the {@link Engine}, and appends the
 * resulting batch to the journal before anything else can see it. It never waits for the bus: the
 * {@link BusPublisherAgent} tails the journal.
 * <p>
 * On start (on its own thread, before any input) it writes the {@code JournalStart} of a new journal and
 * applies the start-up inputs (instrument definitions missing from the journal).
 */
public final class EngineAgent implements Agent, FragmentHandler
{
    /** Inputs taken per duty cycle: bounds the time between two checks of anything else on the thread. */
    static final int FRAGMENT_LIMIT = 64;

    private final Engine engine;
    private final Journal journal;
    private final long newJournalId;
    private final List<UnsafeBuffer> startupInputs;
    private final Subscription ingress;
    private final EpochNanoClock clock;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final AtomicCounter batchesJournaled;
    private final AtomicCounter malformedInputs;
    private JournalWriter writer;
    private volatile boolean ready;

    /**
     * @param newJournalId non-zero to write a {@code JournalStart} with this id first (a new journal).
     */
    public EngineAgent(
        final Engine engine,
        final Journal journal,
        final long newJournalId,
        final List<UnsafeBuffer> startupInputs,
        final Subscription ingress,
        final EpochNanoClock clock,
        final AtomicCounter batchesJournaled,
        final AtomicCounter malformedInputs)
    {
        this.engine = engine;
        this.journal = journal;
        this.newJournalId = newJournalId;
        this.startupInputs = List.copyOf(startupInputs);
        this.ingress = ingress;
        this.clock = clock;
        this.batchesJournaled = batchesJournaled;
        this.malformedInputs = malformedInputs;
    }

    @Override
    public void onStart()
    {
        writer = journal.createWriter();
        if (newJournalId != 0)
        {
            final ByteBuffer start = ByteBuffer.allocateDirect(64);
            final JournalStartEncoder encoder = new JournalStartEncoder();
            encoder.wrapAndApplyHeader(new UnsafeBuffer(start), 0, new MessageHeaderEncoder())
                .journalId(newJournalId)
                .createdTime(clock.nanoTime())
                .schemaVersion(JournalStartEncoder.SCHEMA_VERSION);
            writer.source(start);
            writer.append(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        }
        writer.source(engine.batchByteBuffer());
        for (final UnsafeBuffer input : startupInputs)
        {
            apply(input, 0, input.capacity());
        }
        ready = true;
    }

    /**
     * @return true once the journal start and the start-up inputs are journaled.
     */
    public boolean ready()
    {
        return ready;
    }

    @Override
    public int doWork()
    {
        return ingress.poll(assembler, FRAGMENT_LIMIT);
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        apply(buffer, offset, length);
    }

    private void apply(final DirectBuffer buffer, final int offset, final int length)
    {
        final int batchLength = engine.apply(buffer, offset, length, clock.nanoTime());
        if (batchLength > 0)
        {
            writer.append(batchLength);
            batchesJournaled.incrementRelease();
        }
        else
        {
            malformedInputs.incrementRelease();
        }
    }

    @Override
    public String roleName()
    {
        return "tickwire-engine";
    }

    @Override
    public void onClose()
    {
        if (writer != null)
        {
            writer.close();
        }
    }
}
