package io.tickwire.codecs;

import io.tickwire.codecs.client.BookMessageEncoder;
import io.tickwire.codecs.client.HeartbeatMessageEncoder;
import io.tickwire.codecs.client.MessageHeaderEncoder;
import io.tickwire.codecs.client.TickerMessageEncoder;
import io.tickwire.codecs.client.TradeMessageEncoder;
import io.tickwire.codecs.sbe.Side;
import org.agrona.MutableDirectBuffer;

/**
 * Writes the server-to-client market-data messages of the binary WebSocket subprotocol
 * {@code tickwire.sbe.v1} (docs/protocol-sbe.md, schema {@code tickwire-client-schema.xml}, id 7702): each
 * message is a message header and its body, the whole content of one binary frame. The counterpart of
 * {@link io.tickwire.codecs.json.MarketDataJson} with the same values: {@code seq}/{@code prev} as given,
 * prices and quantities as mantissas, the book checksum as computed by {@link BookChecksum}.
 * <p>
 * A book is written in schema order because the bid and ask groups carry their counts up front:
 * {@link #beginBook} (with the bid count), {@link #level} for each bid, {@link #beginAsks} (with the ask
 * count), {@link #level} for each ask, {@link #endBook()}. Reuses its flyweights: allocation free. Not
 * thread safe.
 */
public final class MarketDataSbe
{
    /** Schema id of the client schema, checked by clients in every message header. */
    public static final int SCHEMA_ID = MessageHeaderEncoder.SCHEMA_ID;
    /** Schema version written in every message header. */
    public static final int SCHEMA_VERSION = MessageHeaderEncoder.SCHEMA_VERSION;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TradeMessageEncoder trade = new TradeMessageEncoder();
    private final BookMessageEncoder book = new BookMessageEncoder();
    private final TickerMessageEncoder ticker = new TickerMessageEncoder();
    private final HeartbeatMessageEncoder heartbeat = new HeartbeatMessageEncoder();
    private BookMessageEncoder.BidsEncoder bids;
    private BookMessageEncoder.AsksEncoder asks;
    private int bookOffset;
    private boolean inAsks;

    /**
     * Writes a {@code TradeMessage}.
     *
     * @return the message's length (header included).
     */
    public int trade(
        final MutableDirectBuffer buffer,
        final int offset,
        final int instrumentId,
        final long seq,
        final long prev,
        final long price,
        final long qty,
        final Side side,
        final long ts)
    {
        trade.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq)
            .prev(prev)
            .ts(ts)
            .price(price)
            .qty(qty)
            .instrumentId(instrumentId)
            .side(side == Side.BUY ? io.tickwire.codecs.client.Side.BUY : io.tickwire.codecs.client.Side.SELL);
        return MessageHeaderEncoder.ENCODED_LENGTH + trade.encodedLength();
    }

    /**
     * Writes a {@code TickerMessage}. A side without a price ({@code Long.MIN_VALUE}) gets quantity 0, as does
     * {@code lastQty} before the first trade.
     *
     * @return the message's length (header included).
     */
    public int ticker(
        final MutableDirectBuffer buffer,
        final int offset,
        final int instrumentId,
        final long seq,
        final long prev,
        final long bid,
        final long bidQty,
        final long ask,
        final long askQty,
        final long last,
        final long lastQty,
        final long volume,
        final long ts)
    {
        ticker.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq)
            .prev(prev)
            .ts(ts)
            .bid(bid)
            .bidQty(bid == TickerMessageEncoder.bidNullValue() ? 0 : bidQty)
            .ask(ask)
            .askQty(ask == TickerMessageEncoder.askNullValue() ? 0 : askQty)
            .last(last)
            .lastQty(last == TickerMessageEncoder.lastNullValue() ? 0 : lastQty)
            .volume(volume)
            .instrumentId(instrumentId);
        return MessageHeaderEncoder.ENCODED_LENGTH + ticker.encodedLength();
    }

    /**
     * Writes a {@code HeartbeatMessage}.
     *
     * @return the message's length (header included).
     */
    public int heartbeat(final MutableDirectBuffer buffer, final int offset, final long seq)
    {
        heartbeat.wrapAndApplyHeader(buffer, offset, header).seq(seq);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
    }

    /**
     * Starts a {@code BookMessage}; {@link #level} follows {@code bidCount} times.
     *
     * @param checksum the checksum of the client's view after the message (unsigned 32-bit).
     */
    public void beginBook(
        final MutableDirectBuffer buffer,
        final int offset,
        final int instrumentId,
        final long seq,
        final long prev,
        final long checksum,
        final boolean snapshot,
        final boolean conflated,
        final int bidCount)
    {
        bookOffset = offset;
        book.wrapAndApplyHeader(buffer, offset, header)
            .seq(seq)
            .prev(prev)
            .instrumentId(instrumentId)
            .checksum(checksum);
        book.flags().clear().snapshot(snapshot).conflated(conflated);
        bids = book.bidsCount(bidCount);
        asks = null;
        inAsks = false;
    }

    /**
     * Ends the bids; {@link #level} follows {@code askCount} times.
     */
    public void beginAsks(final int askCount)
    {
        asks = book.asksCount(askCount);
        inAsks = true;
    }

    /**
     * Writes the next level of the current side (bids after {@link #beginBook}, asks after {@link #beginAsks}).
     */
    public void level(final long price, final long qty)
    {
        if (inAsks)
        {
            asks.next().price(price).qty(qty);
        }
        else
        {
            bids.next().price(price).qty(qty);
        }
    }

    /**
     * @return the book message's length (header included).
     */
    public int endBook()
    {
        if (!inAsks)
        {
            throw new IllegalStateException("endBook before beginAsks");
        }
        inAsks = false;
        return book.limit() - bookOffset;
    }
}
