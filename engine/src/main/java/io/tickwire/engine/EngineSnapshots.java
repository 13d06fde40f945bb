package io.tickwire.engine;

import io.tickwire.codecs.sbe.EngineSnapshotDecoder;
import io.tickwire.codecs.sbe.EngineSnapshotEncoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.engine.book.StateHash;
import io.tickwire.engine.book.StateReader;
import io.tickwire.engine.book.StateWriter;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalReader;
import io.tickwire.engine.journal.JournalWriter;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine state snapshots in the journal (docs/architecture.md, "Snapshots"). A snapshot is the engine's
 * {@link Engine#writeState state} cut into {@code EngineSnapshot} excerpts of at most {@link #PART_BYTES} state
 * bytes each, written by the engine thread between two batches, so the batch after it starts at its
 * {@code snapshotSeq}. Recovery restores the newest whole snapshot and re-executes only the batches after it;
 * retention may delete every cycle before the one holding it.
 * <p>
 * A snapshot is <em>whole</em> when parts {@code 0..n} of one {@code snapshotSeq} follow each other with no other
 * excerpt between them and part {@code n} is marked last. A crash while writing one leaves its first parts only:
 * they are ignored. A restore checks the checksum of the last part and every bound of the state.
 */
public final class EngineSnapshots
{
    /** The most state bytes in one excerpt. */
    public static final int PART_BYTES = 1 << 20;
    /** Version of the state layout written by {@link Engine#writeState}. */
    public static final short FORMAT_VERSION = 1;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /**
     * A whole snapshot found in a journal.
     *
     * @param snapshotSeq the engine's next seq when it was written.
     * @param engineTime  the engine time of the last batch before it.
     * @param journalId   the journal's identity it carries.
     * @param firstIndex  the Chronicle index of its first part.
     * @param lastIndex   the Chronicle index of its last part: recovery goes on after it.
     * @param parts       its number of parts.
     */
    public record Found(long snapshotSeq, long engineTime, long journalId, long firstIndex, long lastIndex, int parts)
    {
    }

    private EngineSnapshots()
    {
    }

    /**
     * @return true if the excerpt is a snapshot part (template {@code EngineSnapshot} of the Tickwire schema).
     */
    public static boolean isSnapshotPart(final DirectBuffer buffer, final int length)
    {
        return length >= MessageHeaderDecoder.ENCODED_LENGTH &&
            buffer.getShort(2, ORDER) == EngineSnapshotDecoder.TEMPLATE_ID &&
            buffer.getShort(4, ORDER) == EngineSnapshotDecoder.SCHEMA_ID;
    }

    /**
     * @return null if the excerpt frames as a snapshot part (its state data exactly fills it), else what is wrong.
     */
    public static String frameError(final DirectBuffer buffer, final int length)
    {
        final int dataOffset = MessageHeaderDecoder.ENCODED_LENGTH + (buffer.getShort(0, ORDER) & 0xFFFF) +
            EngineSnapshotDecoder.stateHeaderLength();
        if (length < dataOffset)
        {
            return "EngineSnapshot part of " + length + " bytes";
        }
        final long dataLength =
            buffer.getInt(dataOffset - EngineSnapshotDecoder.stateHeaderLength(), ORDER) & 0xFFFF_FFFFL;
        return dataOffset + dataLength == length ? null :
            "EngineSnapshot part of " + length + " bytes holding " + dataLength + " state bytes";
    }

    /**
     * Restores the newest whole snapshot of the journal into {@code engine} (a new one). A snapshot that fails its
     * checks is reported on stderr and the next older one is tried. See {@link #newest} for what is read.
     *
     * @return the snapshot restored, or null if the journal has no usable one (the engine is still new).
     */
    public static Found restoreNewest(final Journal journal, final Engine engine)
    {
        return search(journal, snapshot ->
        {
            try
            {
                restore(journal, snapshot, engine);
                return true;
            }
            catch (final IllegalStateException ex)
            {
                System.err.println("tickwire engine: snapshot at seq " + snapshot.snapshotSeq() + " (index " +
                    Long.toHexString(snapshot.firstIndex()) + ") is unusable, trying an older one: " + ex.getMessage());
                return false;
            }
        });
    }

    /**
     * @return the newest whole snapshot of the journal (not checked beyond its framing), or null if it has none.
     * Finds the newest cycle that opens with a snapshot (reading the first excerpts of each cycle, newest
     * first), then reads forward from there to the journal's end for later ones: the excerpts read are those
     * recovery re-executes anyway (reading costs a fraction of re-executing). A journal with no cycle opening with
     * a snapshot is read from its start.
     */
    public static Found newest(final Journal journal)
    {
        return search(journal, snapshot -> true);
    }

    /**
     * Offers each whole snapshot, newest first, until {@code accept} takes one.
     */
    private static Found search(final Journal journal, final java.util.function.Predicate<Found> accept)
    {
        final int[] cycles = journal.cycles();
        int from = 0;
        for (int i = cycles.length - 1; i > 0; i--)
        {
            if (opensWithSnapshot(journal, cycles[i]))
            {
                from = i;
                break;
            }
        }
        for (int i = from; i >= 0; i--)
        {
            final List<Found> found = cycles.length == 0 ? List.of() : scan(journal, cycles[i], i == from);
            for (int j = found.size() - 1; j >= 0; j--)
            {
                if (accept.test(found.get(j)))
                {
                    return found.get(j);
                }
            }
        }
        return null;
    }

    /**
     * @return true if one of the first excerpts of {@code cycle} is the first part of a snapshot (the engine writes
     * one before the first batch of each new cycle; at most a batch can come before it).
     */
    private static boolean opensWithSnapshot(final Journal journal, final int cycle)
    {
        final RollCycle rollCycle = journal.rollCycle();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        try (ExcerptTailer tailer = journal.createTailer())
        {
            if (!tailer.moveToCycle(cycle))
            {
                return false;
            }
            for (int k = 0; k < 4; k++)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || rollCycle.toCycle(dc.index()) != cycle)
                    {
                        return false;
                    }
                    final int length = JournalReader.wrap(dc, view);
                    if (isSnapshotPart(view, length) && frameError(view, length) == null &&
                        view.getInt(MessageHeaderDecoder.ENCODED_LENGTH + EngineSnapshotDecoder.partEncodingOffset(),
                            ORDER) == 0)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * @return the whole snapshots of one cycle, oldest first. Reads every excerpt header of the cycle.
     */
    public static List<Found> wholeSnapshotsIn(final Journal journal, final int cycle)
    {
        return scan(journal, cycle, false);
    }

    /**
     * @return the whole snapshots from the start of {@code cycle} to its end, or with {@code toEnd} to the
     * journal's end, oldest first.
     */
    private static List<Found> scan(final Journal journal, final int cycle, final boolean toEnd)
    {
        final List<Found> found = new ArrayList<>();
        final RollCycle rollCycle = journal.rollCycle();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final EngineSnapshotDecoder decoder = new EngineSnapshotDecoder();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        long seq = 0;
        long time = 0;
        long journalId = 0;
        long firstIndex = -1;
        int nextPart = 0;
        try (ExcerptTailer tailer = journal.createTailer())
        {
            if (!tailer.moveToCycle(cycle))
            {
                return found;
            }
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || (!toEnd && rollCycle.toCycle(dc.index()) != cycle && firstIndex < 0))
                    {
                        break; // a snapshot started in this cycle may end in the next one
                    }
                    final int length = JournalReader.wrap(dc, view);
                    if (!isSnapshotPart(view, length) || frameError(view, length) != null)
                    {
                        firstIndex = -1;
                        continue;
                    }
                    header.wrap(view, 0);
                    decoder.wrapAndApplyHeader(view, 0, header);
                    final int part = decoder.part();
                    if (part == 0)
                    {
                        seq = decoder.snapshotSeq();
                        time = decoder.engineTime();
                        journalId = decoder.journalId();
                        firstIndex = dc.index();
                        nextPart = 0;
                    }
                    if (firstIndex < 0 || part != nextPart || decoder.snapshotSeq() != seq)
                    {
                        firstIndex = -1;
                        continue;
                    }
                    nextPart++;
                    if (decoder.last() == 1)
                    {
                        found.add(new Found(seq, time, journalId, firstIndex, dc.index(), nextPart));
                        firstIndex = -1;
                    }
                }
            }
        }
        return found;
    }

    /**
     * Restores one snapshot into {@code engine} (a new one).
     *
     * @throws IllegalStateException if the snapshot cannot be read whole, its checksum or format version differs,
     *                               or its state is malformed or exceeds the engine's limits (the engine is new
     *                               again then).
     */
    public static void restore(final Journal journal, final Found snapshot, final Engine engine)
    {
        try (PartReader reader = new PartReader(journal, snapshot))
        {
            engine.restoreState(snapshot.snapshotSeq(), snapshot.engineTime(), reader);
            try
            {
                reader.finish();
            }
            catch (final IllegalStateException ex)
            {
                engine.clearState();
                throw ex;
            }
        }
    }

    /**
     * Reads one snapshot as a market view (instruments, tickers, aggregated levels) without building an engine,
     * so without the engine's limits: for readers that keep a view of the market (the gateway's warm start).
     * The visitor sees the state as it is read: it must keep what it gets aside until this returns, because the
     * checksum is checked only at the end.
     *
     * @throws IllegalStateException if the snapshot cannot be read whole, its checksum or format version differs,
     *                               or its state is malformed.
     */
    public static void visit(final Journal journal, final Found snapshot, final SnapshotVisitor visitor)
    {
        try (PartReader reader = new PartReader(journal, snapshot))
        {
            try
            {
                Engine.visitState(snapshot.snapshotSeq(), reader, visitor);
            }
            catch (final RuntimeException ex)
            {
                throw ex instanceof IllegalStateException ? ex :
                    new IllegalStateException("malformed snapshot: " + ex, ex);
            }
            reader.finish();
        }
    }

    /**
     * @return the whole snapshots (not checked beyond their framing) of the journal's first cycle that holds any,
     * oldest first, or an empty list. Reads the excerpt headers of that cycle and of the cycles before it.
     */
    public static List<Found> oldestCycleSnapshots(final Journal journal)
    {
        for (final int cycle : journal.cycles())
        {
            final List<Found> found = wholeSnapshotsIn(journal, cycle);
            if (!found.isEmpty())
            {
                return found;
            }
        }
        return List.of();
    }

    /**
     * Writes snapshots of one engine into its journal. Owned by the engine thread; the part buffer
     * ({@link #PART_BYTES} plus a header, direct) is allocated once.
     */
    public static final class Writer implements StateWriter
    {
        private static final int DATA_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH +
            EngineSnapshotEncoder.BLOCK_LENGTH + EngineSnapshotEncoder.stateHeaderLength();

        private final JournalWriter journal;
        private final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(DATA_OFFSET + PART_BYTES);
        private final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final EngineSnapshotEncoder encoder = new EngineSnapshotEncoder();
        private long journalId;
        private long seq;
        private long engineTime;
        private int part;
        private int position;
        private long checksum;
        private long firstIndex;
        private long lastIndex;

        /**
         * @param journal the engine's journal writer.
         */
        public Writer(final JournalWriter journal)
        {
            this.journal = journal;
        }

        /**
         * Appends a snapshot of {@code engine} (between two inputs). Its engine time is that of the engine's last
         * batch, so engine time never decreases in journal order (time lookups rely on it).
         *
         * @param journalId the journal's identity, carried by every part.
         * @return the snapshot written.
         */
        public Found write(final Engine engine, final long journalId)
        {
            this.journalId = journalId;
            this.seq = engine.nextSeq();
            this.engineTime = engine.lastEngineTime();
            part = 0;
            position = 0;
            checksum = StateHash.INITIAL;
            firstIndex = -1;
            engine.writeState(this);
            flush(true);
            return new Found(seq, engineTime, journalId, firstIndex, lastIndex, part);
        }

        @Override
        public void putInt(final int value)
        {
            if (position + Integer.BYTES > PART_BYTES)
            {
                flush(false);
            }
            buffer.putInt(DATA_OFFSET + position, value, ORDER);
            position += Integer.BYTES;
            checksum = StateHash.mix(checksum, value);
        }

        @Override
        public void putLong(final long value)
        {
            if (position + Long.BYTES > PART_BYTES)
            {
                flush(false);
            }
            buffer.putLong(DATA_OFFSET + position, value, ORDER);
            position += Long.BYTES;
            checksum = StateHash.mix(checksum, value);
        }

        private void flush(final boolean last)
        {
            encoder.wrapAndApplyHeader(buffer, 0, header)
                .snapshotSeq(seq)
                .journalId(journalId)
                .engineTime(engineTime)
                .part(part)
                .last((short)(last ? 1 : 0))
                .formatVersion(FORMAT_VERSION)
                .checksum(last ? checksum : 0);
            buffer.putInt(DATA_OFFSET - EngineSnapshotEncoder.stateHeaderLength(), position, ORDER);
            final long index = journal.append(byteBuffer, DATA_OFFSET + position);
            if (part == 0)
            {
                firstIndex = index;
            }
            lastIndex = index;
            part++;
            position = 0;
        }
    }

    /**
     * Reads the state bytes of one snapshot across its parts, pulling them from a tailer; each part's excerpt
     * stays open (zero copy) while its bytes are read.
     */
    private static final class PartReader implements StateReader, AutoCloseable
    {
        private final ExcerptTailer tailer;
        private final Found snapshot;
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final EngineSnapshotDecoder decoder = new EngineSnapshotDecoder();
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        private DocumentContext dc;
        private int part = -1;
        private boolean last;
        private int position;
        private int end;
        private long checksum = StateHash.INITIAL;
        private long expectedChecksum;

        PartReader(final Journal journal, final Found snapshot)
        {
            this.snapshot = snapshot;
            tailer = journal.createTailer();
            if (!tailer.moveToIndex(snapshot.firstIndex()))
            {
                tailer.close();
                throw new IllegalStateException("journal has no index " + Long.toHexString(snapshot.firstIndex()));
            }
            try
            {
                nextPart();
            }
            catch (final RuntimeException ex)
            {
                close();
                throw ex;
            }
        }

        private void nextPart()
        {
            if (last)
            {
                throw new IllegalStateException("state runs past the snapshot's last part");
            }
            closePart();
            dc = tailer.readingDocument();
            if (!dc.isPresent())
            {
                throw new IllegalStateException("part " + (part + 1) + " is missing");
            }
            final int length = JournalReader.wrap(dc, view);
            if (!isSnapshotPart(view, length) || frameError(view, length) != null)
            {
                throw new IllegalStateException("excerpt " + Long.toHexString(dc.index()) + " is not a snapshot part");
            }
            header.wrap(view, 0);
            decoder.wrapAndApplyHeader(view, 0, header);
            if (decoder.snapshotSeq() != snapshot.snapshotSeq() || decoder.part() != part + 1)
            {
                throw new IllegalStateException("excerpt " + Long.toHexString(dc.index()) + " is part " +
                    decoder.part() + " of seq " + decoder.snapshotSeq() + ", not part " + (part + 1));
            }
            if (decoder.formatVersion() != FORMAT_VERSION)
            {
                throw new IllegalStateException("snapshot format version " + decoder.formatVersion() + ", this " +
                    "engine reads " + FORMAT_VERSION);
            }
            part++;
            last = decoder.last() == 1;
            expectedChecksum = decoder.checksum();
            end = length;
            position = end - decoder.stateLength();
        }

        private void need(final int bytes)
        {
            while (position == end)
            {
                nextPart();
            }
            if (end - position < bytes)
            {
                throw new IllegalStateException("part " + part + " ends inside a value");
            }
        }

        @Override
        public int getInt()
        {
            need(Integer.BYTES);
            final int value = view.getInt(position, ORDER);
            position += Integer.BYTES;
            checksum = StateHash.mix(checksum, value);
            return value;
        }

        @Override
        public long getLong()
        {
            need(Long.BYTES);
            final long value = view.getLong(position, ORDER);
            position += Long.BYTES;
            checksum = StateHash.mix(checksum, value);
            return value;
        }

        void finish()
        {
            if (!last || position != end)
            {
                throw new IllegalStateException("state ends before the snapshot's end (part " + part + " of " +
                    snapshot.parts() + ")");
            }
            if (checksum != expectedChecksum)
            {
                throw new IllegalStateException("checksum " + Long.toHexString(checksum) + " differs from the " +
                    "snapshot's " + Long.toHexString(expectedChecksum));
            }
        }

        private void closePart()
        {
            if (dc != null)
            {
                dc.close();
                dc = null;
            }
        }

        @Override
        public void close()
        {
            closePart();
            tailer.close();
        }
    }
}
