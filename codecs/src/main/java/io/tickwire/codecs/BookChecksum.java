package io.tickwire.codecs;

import java.util.zip.CRC32;

import io.tickwire.codecs.sbe.Side;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The {@code checksum} of a {@code book} message (docs/protocol.md, "Book checksum"): CRC-32 (IEEE, as
 * {@link CRC32}) over the ASCII text of the client's whole book view after applying the message. The text
 * is each bid level best first, then each ask level best first, as {@code price:qty} in the canonical
 * decimal text of {@link Decimals#format}, levels joined by {@code ,} and the two sides separated by
 * {@code |}: bids 101.5 x 2 and 101 x 0.5 with one ask 102 x 1 give {@code "101.5:2,101:0.5|102:1"}; an
 * empty book gives {@code "|"}. The checksum is the unsigned 32-bit value.
 * <p>
 * Computed incrementally, without building the text and without allocating:
 * <pre>{@code
 * checksum.reset();
 * for each bid, best first:  checksum.bid(price, priceScale, qty, qtyScale);
 * for each ask, best first:  checksum.ask(price, priceScale, qty, qtyScale);
 * final long value = checksum.value();
 * }</pre>
 * Not thread safe: one instance per thread.
 */
public final class BookChecksum
{
    private static final int BIDS = 0;
    private static final int ASKS = 1;

    private final CRC32 crc = new CRC32();
    /** Room for {@code ,price:qty}. */
    private final byte[] scratch = new byte[2 * Decimals.MAX_LENGTH + 2];
    private final UnsafeBuffer scratchBuffer = new UnsafeBuffer(scratch);
    private int side = BIDS;
    private boolean firstOfSide = true;

    /**
     * Starts a new book text.
     *
     * @return this.
     */
    public BookChecksum reset()
    {
        crc.reset();
        side = BIDS;
        firstOfSide = true;
        return this;
    }

    /**
     * Appends the next bid level (bids come first, best price first).
     *
     * @return this.
     * @throws IllegalStateException if an ask or {@link #value()} came before.
     */
    public BookChecksum bid(final long price, final int priceScale, final long qty, final int qtyScale)
    {
        if (side != BIDS)
        {
            throw new IllegalStateException("bid after the asks started");
        }
        return append(price, priceScale, qty, qtyScale);
    }

    /**
     * Appends the next ask level (after every bid, best price first).
     *
     * @return this.
     */
    public BookChecksum ask(final long price, final int priceScale, final long qty, final int qtyScale)
    {
        startAsks();
        return append(price, priceScale, qty, qtyScale);
    }

    /**
     * Appends the next level of {@code side}: {@link #bid} for {@link Side#BUY}, {@link #ask} for
     * {@link Side#SELL}.
     *
     * @return this.
     */
    public BookChecksum level(final Side side, final long price, final int priceScale, final long qty, final int qtyScale)
    {
        if (side == Side.BUY)
        {
            return bid(price, priceScale, qty, qtyScale);
        }
        if (side == Side.SELL)
        {
            return ask(price, priceScale, qty, qtyScale);
        }
        throw new IllegalArgumentException("side " + side);
    }

    /**
     * @return the checksum of the levels appended since {@link #reset()}, as an unsigned 32-bit value
     * (0 .. 2^32-1). It ends the bids: more asks may follow, no more bids.
     */
    public long value()
    {
        startAsks();
        return crc.getValue();
    }

    private void startAsks()
    {
        if (side == BIDS)
        {
            crc.update('|');
            side = ASKS;
            firstOfSide = true;
        }
    }

    private BookChecksum append(final long price, final int priceScale, final long qty, final int qtyScale)
    {
        int length = 0;
        if (!firstOfSide)
        {
            scratch[length++] = ',';
        }
        firstOfSide = false;
        length += Decimals.format(price, priceScale, scratchBuffer, length);
        scratch[length++] = ':';
        length += Decimals.format(qty, qtyScale, scratchBuffer, length);
        crc.update(scratch, 0, length);
        return this;
    }
}
