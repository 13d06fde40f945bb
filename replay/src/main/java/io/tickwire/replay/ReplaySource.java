package io.tickwire.replay;

import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.Channel;

import java.util.Set;

/**
 * Where a reader (a gateway resuming a client) gets the events it missed, by seq: the journal in this process
 * ({@link JournalReplaySource}) or the replay service on the journal's host reached over Aeron
 * ({@link AeronReplaySource}). The reader sees the same thing either way: the journal's identity, the oldest seq
 * still kept, and streams of events after a seq that follow the journal as it grows. A remote source may be
 * unavailable ({@link #available()}) and its streams may fail ({@link ReplayStream#failure()}).
 * <p>
 * Not thread safe: one thread uses a source and the streams it opens.
 */
public interface ReplaySource extends AutoCloseable
{
    /**
     * @return the journal's identity ({@code JournalStart.journalId}, the resume epoch), or 0 if unknown.
     */
    long journalId();

    /**
     * @return the first seq the source still has: every seq from here to the end can be replayed. 1 for a
     * journal with no events.
     */
    long firstSeq();

    /**
     * Opens a stream of the events after {@code afterSeq}, in journal order, following the journal as it grows.
     *
     * @param afterSeq      the last seq the reader has.
     * @param instrumentIds the instruments wanted (never empty).
     * @param channels      the channels wanted (never empty).
     * @param listener      receives, for each batch with at least one wanted event, {@code onBatchStart}, the wanted
     *                      events and {@code onBatchEnd}; a batch may also be reported with none of them.
     * @return the stream; {@link ReplayStream#truncated()} says whether {@code afterSeq + 1} was still there.
     */
    ReplayStream open(long afterSeq, int[] instrumentIds, Set<Channel> channels, MarketDataListener listener);

    /**
     * Does the source's own work (a remote source runs its Aeron client and its status probes here); the reader
     * calls it every duty cycle.
     *
     * @return work done.
     */
    default int doWork()
    {
        return 0;
    }

    /**
     * @return false while the source cannot serve a replay now (a replay service that did not answer in time):
     * a reader should not promise one. A local journal is always available.
     */
    default boolean available()
    {
        return true;
    }

    /**
     * @return true while the source is still learning {@link #journalId()} and {@link #firstSeq()} (a remote
     * source before its service's first answer, at most its timeout).
     */
    default boolean starting()
    {
        return false;
    }

    @Override
    void close();
}
