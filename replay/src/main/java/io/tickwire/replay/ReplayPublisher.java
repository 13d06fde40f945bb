package io.tickwire.replay;

import io.aeron.Publication;
import io.tickwire.codecs.MarketDataDecoder;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import org.agrona.DirectBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Historical replay (what {@code tickwire replay} runs): publishes a journal range on Aeron streams at a chosen
 * speed, keeping the recorded inter-batch timing, so that an unchanged gateway (whose bus is the replay stream)
 * serves history over the WebSocket protocol exactly like live.
 *
 * <h2>Phases</h2>
 * <ol>
 *   <li><b>Connect</b>: waits until every output has a subscriber.</li>
 *   <li><b>Prefix</b>: publishes every batch before the range, from the start of the journal, at full speed,
 *   so that consumers hold the instruments and the books as of the range's start.</li>
 *   <li><b>Gate</b>: waits until {@code startGate} says go (e.g. the gateway applied the prefix and a client
 *   asked for something), so the range's first batch is the time origin for everyone.</li>
 *   <li><b>Range</b>: publishes the batches from {@code rangeStartIndex} up to the one holding {@code toSeq},
 *   batch {@code i} at {@code t0 + (engineTime(i) - engineTime(0)) / speed} on this host's monotonic clock.
 *   Each deadline is computed from the range's origin, not from the previous batch, so lateness (a stall, back
 *   pressure) never accumulates: a late batch is published at once and the next ones keep their schedule. It
 *   parks (the idle strategy) while a deadline is far and busy-spins only in the last
 *   {@link #SPIN_NANOS}. Speed 0 means as fast as the outputs take it. Engine time that steps back publishes
 *   at once.</li>
 * </ol>
 * Batches are published whole and unchanged (journal seqs); batches without events (rejected inputs) are not
 * published. An output with {@code filtered} set gets only the batches holding an event of the selected
 * symbols (its consumers see seq jumps between them); the others get every batch. Back pressure on an output
 * keeps the batch and retries on the next duty cycle (the batch's timing slips, later ones do not).
 * One thread; nothing allocated per batch.
 */
public final class ReplayPublisher implements Agent, MarketDataListener
{
    /** Busy-spin when the next deadline is this close (the backoff idle strategy parks up to 100 us). */
    public static final long SPIN_NANOS = 200_000;

    private static final int BATCHES_PER_CYCLE = 256;
    private static final int CONNECTING = 0;
    private static final int PREFIX = 1;
    private static final int GATE = 2;
    private static final int RANGE = 3;
    private static final int DONE = 4;

    /**
     * Where batches go.
     *
     * @param publication the Aeron publication.
     * @param filtered    true: only batches holding an event of the selected symbols.
     */
    public record Output(Publication publication, boolean filtered)
    {
    }

    /**
     * What was replayed, once done.
     *
     * @param prefixBatches  batches published before the range.
     * @param batches        batches of the range published.
     * @param events         events in those batches.
     * @param firstSeq       first seq of the range's first batch (0 if none).
     * @param lastSeq        last seq of the range's last batch (0 if none).
     * @param recordedNanos  engine time from the range's first batch to its last.
     * @param wallNanos      wall time from publishing the first batch of the range to the last.
     * @param maxLateNanos   the latest a batch was published after its deadline.
     */
    public record Summary(long prefixBatches, long batches, long events, long firstSeq, long lastSeq,
        long recordedNanos, long wallNanos, long maxLateNanos)
    {
        /**
         * @return recorded time over wall time (0 when nothing took time).
         */
        public double effectiveSpeed()
        {
            return wallNanos > 0 ? (double)recordedNanos / wallNanos : 0;
        }
    }

    private final Journal journal;
    private final long rangeStartIndex;
    private final long toSeq;
    private final double speed;
    private final Output[] outputs;
    private final boolean[] sent;
    private final BooleanSupplier startGate;
    private final NanoClock clock;
    private final Set<String> symbols;
    private final IntHashSet selectedIds = new IntHashSet();
    private final MarketDataDecoder decoder = new MarketDataDecoder();
    private final UnsafeBuffer pending;
    private final JournalReader.ExcerptHandler handler = this::onExcerpt;
    private JournalReader reader;
    private int state = CONNECTING;
    private int pendingLength;
    private boolean pendingInRange;
    private boolean pendingSelected;
    private long pendingTime;
    private long pendingFirstSeq;
    private int pendingEvents;
    private boolean selectedInBatch;
    private boolean endOfJournalRange;
    private long originTime;
    private long originNanos;
    private long lastPublishNanos;
    private long prefixBatches;
    private long batches;
    private long events;
    private long firstSeq;
    private long lastSeq;
    private long lastTime;
    private long maxLate;
    private volatile Summary summary;

    /**
     * @param journal         the journal (a reader is created on the agent's thread).
     * @param rangeStartIndex Chronicle index of the range's first batch ({@link JournalIndex}); batches before it
     *                        are the prefix. {@link JournalIndex#AFTER_END}: the range is empty.
     * @param toSeq           the range ends with the batch holding this seq.
     * @param speed           recorded time per wall time (1, 10, ...); 0 for as fast as possible.
     * @param outputs         where to publish.
     * @param symbols         the selected symbols for filtered outputs (empty: every batch passes).
     * @param startGate       polled after the prefix until it says true; then the range starts.
     * @param maxBatchLength  the largest batch in the journal.
     */
    public ReplayPublisher(
        final Journal journal,
        final long rangeStartIndex,
        final long toSeq,
        final double speed,
        final List<Output> outputs,
        final Set<String> symbols,
        final BooleanSupplier startGate,
        final NanoClock clock,
        final int maxBatchLength)
    {
        if (speed < 0 || Double.isNaN(speed) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("speed must be 0 (max) or positive, got " + speed);
        }
        if (outputs.isEmpty())
        {
            throw new IllegalArgumentException("no output");
        }
        this.journal = journal;
        this.rangeStartIndex = rangeStartIndex < 0 ? Long.MAX_VALUE : rangeStartIndex;
        this.toSeq = rangeStartIndex < 0 ? -1 : toSeq;
        this.speed = speed;
        this.outputs = outputs.toArray(new Output[0]);
        this.sent = new boolean[this.outputs.length];
        this.symbols = Set.copyOf(symbols);
        this.startGate = startGate;
        this.clock = clock;
        this.pending = new UnsafeBuffer(new byte[maxBatchLength]);
    }

    @Override
    public void onStart()
    {
        reader = new JournalReader(journal);
    }

    @Override
    public int doWork()
    {
        switch (state)
        {
            case CONNECTING:
                for (final Output output : outputs)
                {
                    if (!output.publication().isConnected())
                    {
                        return 0;
                    }
                }
                state = PREFIX;
                return 1;
            case PREFIX:
            case RANGE:
                return publish();
            case GATE:
                if (!startGate.getAsBoolean())
                {
                    return 0;
                }
                state = RANGE;
                return 1;
            default:
                return 0;
        }
    }

    private int publish()
    {
        int work = 0;
        while (work < BATCHES_PER_CYCLE)
        {
            if (pendingLength == 0 && !readNext())
            {
                return work;
            }
            if (pendingInRange && state == PREFIX)
            {
                state = GATE; // the prefix is out; the first batch of the range waits for the gate
                return work + 1;
            }
            if (pendingInRange && speed > 0)
            {
                final long now = clock.nanoTime();
                if (batches == 0 && originNanos == 0)
                {
                    originNanos = now;
                    originTime = pendingTime;
                }
                final long deadline = deadline();
                long wait = deadline - now;
                if (wait > SPIN_NANOS)
                {
                    return work; // idle (park) until close to the deadline
                }
                while (wait > 0)
                {
                    Thread.onSpinWait();
                    wait = deadline - clock.nanoTime();
                }
            }
            if (!offerPending())
            {
                return work;
            }
            work++;
        }
        return work;
    }

    private long deadline()
    {
        final long recorded = pendingTime - originTime;
        return recorded <= 0 ? originNanos : originNanos + (long)(recorded / speed);
    }

    /**
     * Reads the next batch with events into {@code pending}.
     *
     * @return false when there is none yet, or the range is done.
     */
    private boolean readNext()
    {
        while (!endOfJournalRange)
        {
            if (!reader.poll(handler))
            {
                if (rangeStartIndex == Long.MAX_VALUE)
                {
                    finish(); // an empty range: the prefix was the whole journal
                }
                return false;
            }
            if (pendingLength > 0)
            {
                return true;
            }
        }
        finish();
        return false;
    }

    private void onExcerpt(final DirectBuffer buffer, final int length, final long index)
    {
        if (!BatchFields.isBatch(buffer, length))
        {
            return;
        }
        final int eventCount = BatchFields.eventCount(buffer);
        final long first = BatchFields.firstSeq(buffer);
        final boolean inRange = index >= rangeStartIndex;
        if (inRange && first > toSeq)
        {
            endOfJournalRange = true;
            return;
        }
        if (eventCount == 0)
        {
            return;
        }
        selectedInBatch = symbols.isEmpty();
        if (!symbols.isEmpty())
        {
            decoder.decode(buffer, 0, length, this);
        }
        pending.putBytes(0, buffer, 0, length);
        pendingLength = length;
        pendingInRange = inRange;
        pendingSelected = selectedInBatch;
        pendingTime = BatchFields.engineTime(buffer);
        pendingFirstSeq = first;
        pendingEvents = eventCount;
        java.util.Arrays.fill(sent, false);
        if (inRange && first + eventCount - 1 >= toSeq)
        {
            endOfJournalRange = true; // this is the last batch: publish it, then finish
        }
    }

    private boolean offerPending()
    {
        for (int i = 0; i < outputs.length; i++)
        {
            if (sent[i])
            {
                continue;
            }
            if (outputs[i].filtered() && !pendingSelected)
            {
                sent[i] = true;
                continue;
            }
            final Publication publication = outputs[i].publication();
            final long result = publication.offer(pending, 0, pendingLength);
            if (result < 0)
            {
                if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION ||
                    result == Publication.NOT_CONNECTED)
                {
                    return false; // retry on the next duty cycle (a consumer that left may come back)
                }
                throw new IllegalStateException("replay publication: " + Publication.errorString(result));
            }
            sent[i] = true;
        }
        final long now = clock.nanoTime();
        if (pendingInRange)
        {
            if (batches == 0)
            {
                firstSeq = pendingFirstSeq;
                if (originNanos == 0)
                {
                    originNanos = now;
                    originTime = pendingTime;
                }
            }
            if (speed > 0)
            {
                maxLate = Math.max(maxLate, now - deadline());
            }
            batches++;
            events += pendingEvents;
            lastSeq = pendingFirstSeq + pendingEvents - 1;
            lastTime = pendingTime;
            lastPublishNanos = now;
        }
        else
        {
            prefixBatches++;
        }
        pendingLength = 0;
        return true;
    }

    private void finish()
    {
        if (state != DONE)
        {
            state = DONE;
            summary = new Summary(prefixBatches, batches, events, firstSeq, lastSeq,
                batches > 0 ? lastTime - originTime : 0, batches > 0 ? lastPublishNanos - originNanos : 0, maxLate);
        }
    }

    /**
     * @return true once the range's last batch was published (or the range was empty).
     */
    public boolean done()
    {
        return summary != null;
    }

    /**
     * @return what was replayed; null until {@link #done()}.
     */
    public Summary summary()
    {
        return summary;
    }

    /**
     * @return true once the prefix is published and the publisher waits for (or passed) its start gate.
     */
    public boolean prefixDone()
    {
        return state >= GATE;
    }

    @Override
    public String roleName()
    {
        return "tickwire-replay-publisher";
    }

    @Override
    public void onClose()
    {
        if (reader != null)
        {
            reader.close();
        }
    }

    // ------------------------------------------------------------------ symbol filter (filtered outputs only)

    @Override
    public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
    {
    }

    @Override
    public void onInstrument(final InstrumentDefinitionDecoder definition)
    {
        if (symbols.contains(definition.symbol().trim()))
        {
            selectedIds.add(definition.instrumentId());
            selectedInBatch = true;
        }
    }

    @Override
    public void onTrade(final TradeDecoder trade)
    {
        selectedInBatch |= selectedIds.contains(trade.instrumentId());
    }

    @Override
    public void onBookLevel(final BookLevelDecoder level)
    {
        selectedInBatch |= selectedIds.contains(level.instrumentId());
    }

    @Override
    public void onTicker(final TickerDecoder ticker)
    {
        selectedInBatch |= selectedIds.contains(ticker.instrumentId());
    }

    @Override
    public void onBatchEnd(final long firstSeq, final int eventCount)
    {
    }
}
