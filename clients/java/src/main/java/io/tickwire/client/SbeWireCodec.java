package io.tickwire.client;

import io.tickwire.codecs.client.BookFlagsDecoder;
import io.tickwire.codecs.client.BookMessageDecoder;
import io.tickwire.codecs.client.HeartbeatMessageDecoder;
import io.tickwire.codecs.client.MessageHeaderDecoder;
import io.tickwire.codecs.client.TickerMessageDecoder;
import io.tickwire.codecs.client.TradeMessageDecoder;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.sbe.Side;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The binary subprotocol {@code tickwire.sbe.v1} (docs/protocol-sbe.md): market data and heartbeats arrive as
 * binary SBE messages of the client schema (id 7702), decoded with the generated flyweights of
 * {@code io.tickwire.codecs.client}; requests and their replies stay JSON text, handled by a
 * {@link JsonWireCodec} (so a gateway that answered the upgrade without selecting this subprotocol, and speaks
 * JSON, is still understood).
 * <p>
 * Decoding a binary message allocates nothing: the frame is wrapped, not copied; the instrument (symbol and
 * scales) is found by {@code instrumentId} through the {@link WireHandler}, which learnt it from the
 * {@code instruments} reply; values go into the same reusable {@link Trade}, {@link BookUpdate} and
 * {@link Ticker} flyweights as with JSON, so the client's logic cannot tell the protocols apart. A ticker's
 * absent side (a null price, quantity 0 on the wire) is given as {@link Ticker#NULL_VALUE} for both, as JSON's
 * {@code null} pair is.
 * <p>
 * Versioning as docs/protocol-sbe.md asks: the schema id is checked on every message (another schema is a
 * protocol violation: the connection is dropped), root blocks and group entries are read through the lengths
 * the message gives (a later version's extra fields are skipped), an unknown template id is skipped, a higher
 * version is read as compatible. Every length is checked against the frame before it is used: a truncated
 * message is reported as malformed, never read past its end.
 */
final class SbeWireCodec implements WireCodec
{
    /** The subprotocol name offered at the upgrade. */
    static final String SUBPROTOCOL = "tickwire.sbe.v1";

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = BookMessageDecoder.BidsDecoder.HEADER_SIZE;
    private static final int NONE = 0;
    private static final int TRADE = 1;
    private static final int BOOK = 2;
    private static final int TICKER = 3;
    private static final int HEARTBEAT = 4;

    private final JsonWireCodec json = new JsonWireCodec();
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TradeMessageDecoder tradeDecoder = new TradeMessageDecoder();
    private final BookMessageDecoder bookDecoder = new BookMessageDecoder();
    private final TickerMessageDecoder tickerDecoder = new TickerMessageDecoder();
    private final HeartbeatMessageDecoder heartbeatDecoder = new HeartbeatMessageDecoder();
    private final Trade trade = new Trade();
    private final BookUpdate book = new BookUpdate();
    private final Ticker ticker = new Ticker();
    private long heartbeatSeq;

    @Override
    public String subprotocol()
    {
        return SUBPROTOCOL;
    }

    @Override
    public WireFrame subscribe(final long id, final Subscription subscription, final List<String> symbols,
        final long from, final String epoch)
    {
        return json.subscribe(id, subscription, symbols, from, epoch);
    }

    @Override
    public WireFrame unsubscribe(final long id, final Channel channel, final List<String> symbols)
    {
        return json.unsubscribe(id, channel, symbols);
    }

    @Override
    public WireFrame resync(final long id, final Channel channel, final List<String> symbols)
    {
        return json.resync(id, channel, symbols);
    }

    @Override
    public WireFrame ping(final long id)
    {
        return json.ping(id);
    }

    @Override
    public WireFrame instruments(final long id)
    {
        return json.instruments(id);
    }

    @Override
    public void decode(final CharSequence text, final WireHandler handler)
    {
        json.decode(text, handler);
    }

    @Override
    public void decode(final ByteBuffer binary, final WireHandler handler)
    {
        final int length = binary.remaining();
        final int kind;
        try
        {
            buffer.wrap(binary, binary.position(), length);
            kind = read(length, handler);
        }
        catch (final RuntimeException ex)
        {
            handler.onMalformed("cannot decode a binary message of " + length + " bytes: " + ex, ex);
            return;
        }
        // The handler is called outside the try: what it throws is not the message's fault.
        switch (kind)
        {
            case TRADE -> handler.onTrade(trade);
            case BOOK -> handler.onBook(book);
            case TICKER -> handler.onTicker(ticker);
            case HEARTBEAT -> handler.onHeartbeat(heartbeatSeq);
            default ->
            {
                // reported already, or a message this client does not know: skipped
            }
        }
    }

    /**
     * Reads one message into the flyweight of its kind.
     *
     * @return the kind, or {@link #NONE} if there is nothing to hand over (reported, or skipped).
     */
    private int read(final int length, final WireHandler handler)
    {
        if (length < HEADER_LENGTH)
        {
            handler.onMalformed("a binary message of " + length + " bytes, shorter than the SBE header", null);
            return NONE;
        }
        header.wrap(buffer, 0);
        final int blockLength = header.blockLength();
        final int templateId = header.templateId();
        final int schemaId = header.schemaId();
        final int version = header.version();
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            handler.onProtocolViolation("a binary message of SBE schema " + schemaId + ", not " +
                MessageHeaderDecoder.SCHEMA_ID + " (" + SUBPROTOCOL + ")");
            return NONE;
        }
        return switch (templateId)
        {
            case TradeMessageDecoder.TEMPLATE_ID ->
                fits(TradeMessageDecoder.BLOCK_LENGTH, blockLength, length, "trade", handler) ?
                readTrade(blockLength, version, handler) : NONE;
            case BookMessageDecoder.TEMPLATE_ID ->
                fits(BookMessageDecoder.BLOCK_LENGTH, blockLength, length, "book", handler) ?
                readBook(blockLength, version, length, handler) : NONE;
            case TickerMessageDecoder.TEMPLATE_ID ->
                fits(TickerMessageDecoder.BLOCK_LENGTH, blockLength, length, "ticker", handler) ?
                readTicker(blockLength, version, handler) : NONE;
            case HeartbeatMessageDecoder.TEMPLATE_ID ->
                fits(HeartbeatMessageDecoder.BLOCK_LENGTH, blockLength, length, "heartbeat", handler) ?
                readHeartbeat(blockLength, version) : NONE;
            default -> NONE; // a newer server's message: skipped (forward compatibility)
        };
    }

    private static boolean fits(final int minBlockLength, final int blockLength, final int length, final String what,
        final WireHandler handler)
    {
        if (blockLength < minBlockLength || HEADER_LENGTH + blockLength > length)
        {
            handler.onMalformed("a " + what + " message with a root block of " + blockLength + " bytes (at least " +
                minBlockLength + ") in " + length + " bytes", null);
            return false;
        }
        return true;
    }

    private int readTrade(final int blockLength, final int version, final WireHandler handler)
    {
        final TradeMessageDecoder d = tradeDecoder.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final long seq = d.seq();
        final long prev = d.prev();
        final long ts = d.ts();
        final long price = d.price();
        final long qty = d.qty();
        final int instrumentId = d.instrumentId();
        final short side = d.sideRaw();
        final Instrument instrument = instrument(instrumentId, handler);
        if (instrument == null)
        {
            return NONE;
        }
        if (side != io.tickwire.codecs.client.Side.BUY.value() && side != io.tickwire.codecs.client.Side.SELL.value())
        {
            handler.onMalformed("a trade with side " + side, null);
            return NONE;
        }
        trade.set(instrument.symbol(), seq, prev, price, instrument.priceScale(), qty, instrument.qtyScale(),
            side == io.tickwire.codecs.client.Side.BUY.value() ? Side.BUY : Side.SELL, ts);
        return TRADE;
    }

    private int readBook(final int blockLength, final int version, final int length, final WireHandler handler)
    {
        final BookMessageDecoder d = bookDecoder.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final long seq = d.seq();
        final long prev = d.prev();
        final int instrumentId = d.instrumentId();
        final long checksum = d.checksum();
        final BookFlagsDecoder flags = d.flags();
        final boolean snapshot = flags.snapshot();
        final boolean conflated = flags.conflated();
        final Instrument instrument = instrument(instrumentId, handler);
        if (instrument == null)
        {
            return NONE;
        }
        book.begin(instrument.symbol(), seq, prev, snapshot, conflated, checksum, instrument.priceScale(),
            instrument.qtyScale());
        if (!groupFits(d.limit(), length, handler))
        {
            return NONE;
        }
        final BookMessageDecoder.BidsDecoder bids = d.bids();
        if (!entriesFit(d.limit(), bids.actingBlockLength(), bids.count(), length, handler))
        {
            return NONE;
        }
        while (bids.hasNext())
        {
            bids.next();
            book.addBid(bids.price(), bids.qty());
        }
        if (!groupFits(d.limit(), length, handler))
        {
            return NONE;
        }
        final BookMessageDecoder.AsksDecoder asks = d.asks();
        if (!entriesFit(d.limit(), asks.actingBlockLength(), asks.count(), length, handler))
        {
            return NONE;
        }
        while (asks.hasNext())
        {
            asks.next();
            book.addAsk(asks.price(), asks.qty());
        }
        return BOOK;
    }

    private static boolean groupFits(final int limit, final int length, final WireHandler handler)
    {
        if (limit + GROUP_HEADER_LENGTH > length)
        {
            handler.onMalformed("a book message cut before a group header (" + length + " bytes)", null);
            return false;
        }
        return true;
    }

    private static boolean entriesFit(final int limit, final int entryLength, final int count, final int length,
        final WireHandler handler)
    {
        if (entryLength < BookMessageDecoder.BidsDecoder.sbeBlockLength() ||
            limit + (long)entryLength * count > length)
        {
            handler.onMalformed("a book message with " + count + " levels of " + entryLength + " bytes in " + length +
                " bytes", null);
            return false;
        }
        return true;
    }

    private int readTicker(final int blockLength, final int version, final WireHandler handler)
    {
        final TickerMessageDecoder d = tickerDecoder.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final long seq = d.seq();
        final long prev = d.prev();
        final long ts = d.ts();
        final long bid = d.bid();
        final long bidQty = d.bidQty();
        final long ask = d.ask();
        final long askQty = d.askQty();
        final long last = d.last();
        final long lastQty = d.lastQty();
        final long volume = d.volume();
        final Instrument instrument = instrument(d.instrumentId(), handler);
        if (instrument == null)
        {
            return NONE;
        }
        ticker.set(instrument.symbol(), seq, prev, instrument.priceScale(), instrument.qtyScale());
        ticker.values(bid, quantity(bid, bidQty), ask, quantity(ask, askQty), last, quantity(last, lastQty), volume,
            ts);
        return TICKER;
    }

    /**
     * @return the quantity of a price and quantity pair: absent with the price.
     */
    private static long quantity(final long price, final long qty)
    {
        return price == Ticker.NULL_VALUE ? Ticker.NULL_VALUE : qty;
    }

    private int readHeartbeat(final int blockLength, final int version)
    {
        heartbeatSeq = heartbeatDecoder.wrap(buffer, HEADER_LENGTH, blockLength, version).seq();
        return HEARTBEAT;
    }

    private static Instrument instrument(final int instrumentId, final WireHandler handler)
    {
        final Instrument instrument = handler.instrument(instrumentId);
        if (instrument == null)
        {
            handler.onMalformed("unknown instrumentId " + instrumentId + " (not in the instruments reply)", null);
        }
        return instrument;
    }
}
