package io.tickwire.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a client has done so far, readable from any thread (each counter is written by the client's lane only,
 * with a release store, and read with a volatile load).
 */
public final class ClientCounters
{
    final AtomicLong messages = new AtomicLong();
    final AtomicLong trades = new AtomicLong();
    final AtomicLong books = new AtomicLong();
    final AtomicLong tickers = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLong disconnects = new AtomicLong();
    final AtomicLong resumesRecovered = new AtomicLong();
    final AtomicLong resumesNotRecovered = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final AtomicLong checksumMismatches = new AtomicLong();
    final AtomicLong resyncs = new AtomicLong();
    final AtomicLong duplicatesDropped = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();

    static void increment(final AtomicLong counter)
    {
        counter.lazySet(counter.get() + 1);
    }

    /** @return messages received (every text or binary message). */
    public long messages()
    {
        return messages.get();
    }

    /** @return trades delivered to the listener. */
    public long trades()
    {
        return trades.get();
    }

    /** @return book messages delivered (verified). */
    public long books()
    {
        return books.get();
    }

    /** @return tickers delivered. */
    public long tickers()
    {
        return tickers.get();
    }

    /** @return connections opened. */
    public long connects()
    {
        return connects.get();
    }

    /** @return connections lost or failed to open. */
    public long disconnects()
    {
        return disconnects.get();
    }

    /** @return streams resumed with {@code "recovered":true}. */
    public long resumesRecovered()
    {
        return resumesRecovered.get();
    }

    /** @return streams whose resume was answered {@code "recovered":false}. */
    public long resumesNotRecovered()
    {
        return resumesNotRecovered.get();
    }

    /** @return gaps reported to the listener. */
    public long gaps()
    {
        return gaps.get();
    }

    /** @return book messages whose checksum did not match the client's view. */
    public long checksumMismatches()
    {
        return checksumMismatches.get();
    }

    /** @return resync requests sent. */
    public long resyncs()
    {
        return resyncs.get();
    }

    /** @return messages dropped because the application already had them (after a resume or a failover). */
    public long duplicatesDropped()
    {
        return duplicatesDropped.get();
    }

    /** @return messages that could not be decoded. */
    public long malformed()
    {
        return malformed.get();
    }

    @Override
    public String toString()
    {
        return "ClientCounters{messages=" + messages() + ", trades=" + trades() + ", books=" + books() + ", tickers=" +
            tickers() + ", connects=" + connects() + ", disconnects=" + disconnects() + ", resumesRecovered=" +
            resumesRecovered() + ", resumesNotRecovered=" + resumesNotRecovered() + ", gaps=" + gaps() +
            ", checksumMismatches=" + checksumMismatches() + ", resyncs=" + resyncs() + ", duplicatesDropped=" +
            duplicatesDropped() + ", malformed=" + malformed() + "}";
    }
}
