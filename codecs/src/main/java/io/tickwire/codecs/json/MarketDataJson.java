package io.tickwire.codecs.json;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;
import org.agrona.DirectBuffer;

/**
 * Writes the server's messages of the JSON protocol (see {@code docs/protocol.md}) from primitive
 * arguments, through a {@link JsonWriter}, allocating nothing. Each method writes one complete message at
 * the writer's position and returns its length in bytes; wrap or reset the writer before a message to send
 * it alone. Prices and quantities are fixed-point mantissas with their scale, written as decimal strings.
 * <p>
 * Messages with a list written by the caller go in steps, checked at run time ({@link IllegalStateException}
 * on a wrong order):
 * <pre>{@code
 * json.beginBook("BTC-USD", seq, prev, true, 2, 4);
 * json.level(10150, 20000);   // bids, best first
 * json.endSide();
 * json.level(10200, 10000);   // asks, best first
 * json.endSide();
 * final int length = json.endBook(checksum, false);
 * }</pre>
 * <p>
 * A request {@code id} is passed as the raw JSON text the client sent (see {@link ClientRequest#idBuffer()}),
 * written verbatim; an {@code idLength} of 0 omits {@code "id"}.
 * <p>
 * Not thread safe: one instance per writer.
 */
public final class MarketDataJson
{
    /** The schema's null {@code Price} (int64 min): the price is absent and written as {@code null}. */
    public static final long NULL_PRICE = Long.MIN_VALUE;

    static final JsonName TYPE = JsonName.of("type");
    static final JsonName ID = JsonName.of("id");
    static final JsonName SYMBOL = JsonName.of("symbol");
    static final JsonName INSTRUMENT_ID = JsonName.of("instrumentId");
    static final JsonName SYMBOLS = JsonName.of("symbols");
    static final JsonName CHANNEL = JsonName.of("channel");
    static final JsonName SEQ = JsonName.of("seq");
    static final JsonName PREV = JsonName.of("prev");
    static final JsonName PRICE = JsonName.of("price");
    static final JsonName QTY = JsonName.of("qty");
    static final JsonName SIDE = JsonName.of("side");
    static final JsonName TS = JsonName.of("ts");
    static final JsonName INTENDED = JsonName.of("intended");
    static final JsonName BID = JsonName.of("bid");
    static final JsonName BID_QTY = JsonName.of("bidQty");
    static final JsonName ASK = JsonName.of("ask");
    static final JsonName ASK_QTY = JsonName.of("askQty");
    static final JsonName LAST = JsonName.of("last");
    static final JsonName LAST_QTY = JsonName.of("lastQty");
    static final JsonName VOLUME = JsonName.of("volume");
    static final JsonName SNAPSHOT = JsonName.of("snapshot");
    static final JsonName BIDS = JsonName.of("bids");
    static final JsonName ASKS = JsonName.of("asks");
    static final JsonName CHECKSUM = JsonName.of("checksum");
    static final JsonName CONFLATED = JsonName.of("conflated");
    static final JsonName RECOVERED = JsonName.of("recovered");
    static final JsonName EPOCH = JsonName.of("epoch");
    static final JsonName DEPTH = JsonName.of("depth");
    static final JsonName MAX_HZ = JsonName.of("maxHz");
    static final JsonName CODE = JsonName.of("code");
    static final JsonName MESSAGE = JsonName.of("message");
    static final JsonName INSTRUMENTS = JsonName.of("instruments");
    static final JsonName PRICE_SCALE = JsonName.of("priceScale");
    static final JsonName QTY_SCALE = JsonName.of("qtyScale");
    static final JsonName TICK_SIZE = JsonName.of("tickSize");
    static final JsonName LOT_SIZE = JsonName.of("lotSize");
    static final JsonName MODE = JsonName.of("mode");
    static final JsonName REQUEST = JsonName.of("request");
    static final JsonName CLIENT_ORDER_ID = JsonName.of("clientOrderId");
    static final JsonName FILLED = JsonName.of("filled");
    static final JsonName LEAVES = JsonName.of("leaves");
    static final JsonName CANCELLED = JsonName.of("cancelled");
    static final JsonName MAKER = JsonName.of("maker");
    static final JsonName TRADE_SEQ = JsonName.of("tradeSeq");

    static final JsonName TYPE_TRADE = JsonName.of("trade");
    static final JsonName TYPE_TICKER = JsonName.of("ticker");
    static final JsonName TYPE_BOOK = JsonName.of("book");
    static final JsonName TYPE_HEARTBEAT = JsonName.of("heartbeat");
    static final JsonName TYPE_SUBSCRIBED = JsonName.of("subscribed");
    static final JsonName TYPE_UNSUBSCRIBED = JsonName.of("unsubscribed");
    static final JsonName TYPE_PONG = JsonName.of("pong");
    static final JsonName TYPE_ERROR = JsonName.of("error");
    static final JsonName TYPE_INSTRUMENTS = JsonName.of("instruments");
    static final JsonName TYPE_ACK = JsonName.of("ack");
    static final JsonName TYPE_REJECT = JsonName.of("reject");
    static final JsonName TYPE_FILL = JsonName.of("fill");
    static final JsonName OP_ORDER = JsonName.of("order");
    static final JsonName OP_CANCEL = JsonName.of("cancel");
    static final JsonName SIDE_BUY = JsonName.of("buy");
    static final JsonName SIDE_SELL = JsonName.of("sell");
    static final JsonName MODE_MATCHING = JsonName.of("matching");
    static final JsonName MODE_FEED = JsonName.of("feed");

    private static final int IDLE = 0;
    private static final int BOOK_BIDS = 1;
    private static final int BOOK_ASKS = 2;
    private static final int BOOK_SIDES_DONE = 3;
    private static final int INSTRUMENT_LIST = 4;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final JsonWriter writer;
    private final byte[] epochText = new byte[2 + 16];
    private int state = IDLE;
    private int messageStart;
    private int bookPriceScale;
    private int bookQtyScale;

    /**
     * @param writer the writer to write through; wrap it before the first message.
     */
    public MarketDataJson(final JsonWriter writer)
    {
        this.writer = writer;
    }

    /**
     * @return the writer this instance writes through.
     */
    public JsonWriter writer()
    {
        return writer;
    }

    /**
     * Abandons an unfinished book or instruments message (after the writer threw because a fixed buffer was
     * full) and resets the writer.
     */
    public void reset()
    {
        state = IDLE;
        writer.reset();
    }

    /**
     * {@code {"type":"trade","symbol":..,"seq":..,"prev":..,"price":"..","qty":"..","side":"buy"|"sell","ts":..}}
     *
     * @param side the aggressor's side.
     * @param ts   engine time, epoch nanoseconds.
     * @return the message's length in bytes.
     */
    public int trade(
        final CharSequence symbol,
        final long seq,
        final long prev,
        final long price,
        final int priceScale,
        final long qty,
        final int qtyScale,
        final Side side,
        final long ts)
    {
        final int start = begin(TYPE_TRADE);
        tradeFields(symbol, seq, prev, price, priceScale, qty, qtyScale, side, ts);
        writer.endObject();
        return writer.position() - start;
    }

    /**
     * A trade with the opt-in benchmark field {@code "intended"} after {@code ts}: the intended time of the input
     * that caused it, copied from the batch header (see docs/protocol.md, "Benchmark field"). Only a gateway
     * configured for load rigs writes it.
     *
     * @param intended the batch's intended time, as the input carried it.
     * @return the message's length in bytes.
     */
    public int trade(
        final CharSequence symbol,
        final long seq,
        final long prev,
        final long price,
        final int priceScale,
        final long qty,
        final int qtyScale,
        final Side side,
        final long ts,
        final long intended)
    {
        final int start = begin(TYPE_TRADE);
        tradeFields(symbol, seq, prev, price, priceScale, qty, qtyScale, side, ts);
        writer.name(INTENDED).longValue(intended).endObject();
        return writer.position() - start;
    }

    /**
     * The same trade as {@link #trade(CharSequence, long, long, long, int, long, int, Side, long)}, byte for byte,
     * with the symbol pre-encoded ({@code JsonName.of(symbol)}): one copy instead of a per-character escape check,
     * for encoders that write many trades of the same few symbols (the gateway's replay).
     *
     * @return the message's length in bytes.
     */
    public int trade(
        final JsonName symbol,
        final long seq,
        final long prev,
        final long price,
        final int priceScale,
        final long qty,
        final int qtyScale,
        final Side side,
        final long ts)
    {
        final int start = begin(TYPE_TRADE);
        writer.name(SYMBOL).string(symbol);
        tradeFields(seq, prev, price, priceScale, qty, qtyScale, side, ts);
        writer.endObject();
        return writer.position() - start;
    }

    private void tradeFields(
        final CharSequence symbol,
        final long seq,
        final long prev,
        final long price,
        final int priceScale,
        final long qty,
        final int qtyScale,
        final Side side,
        final long ts)
    {
        writer.name(SYMBOL).string(symbol);
        tradeFields(seq, prev, price, priceScale, qty, qtyScale, side, ts);
    }

    private void tradeFields(
        final long seq,
        final long prev,
        final long price,
        final int priceScale,
        final long qty,
        final int qtyScale,
        final Side side,
        final long ts)
    {
        writer.name(SEQ).longValue(seq)
            .name(PREV).longValue(prev)
            .name(PRICE).decimal(price, priceScale)
            .name(QTY).decimal(qty, qtyScale)
            .name(SIDE).string(side(side))
            .name(TS).longValue(ts);
    }

    /**
     * {@code {"type":"ticker","symbol":..,"seq":..,"prev":..,"bid":..,"bidQty":..,"ask":..,"askQty":..,
     * "last":..,"lastQty":..,"volume":..,"ts":..}}. A price of {@link #NULL_PRICE} (no bid, no ask, no trade
     * yet) writes {@code null} for the price and its quantity.
     *
     * @return the message's length in bytes.
     */
    public int ticker(
        final CharSequence symbol,
        final long seq,
        final long prev,
        final int priceScale,
        final int qtyScale,
        final long bid,
        final long bidQty,
        final long ask,
        final long askQty,
        final long last,
        final long lastQty,
        final long volume,
        final long ts)
    {
        final int start = begin(TYPE_TICKER);
        writer.name(SYMBOL).string(symbol)
            .name(SEQ).longValue(seq)
            .name(PREV).longValue(prev);
        priceAndQty(BID, bid, BID_QTY, bidQty, priceScale, qtyScale);
        priceAndQty(ASK, ask, ASK_QTY, askQty, priceScale, qtyScale);
        priceAndQty(LAST, last, LAST_QTY, lastQty, priceScale, qtyScale);
        writer.name(VOLUME).decimal(volume, qtyScale)
            .name(TS).longValue(ts)
            .endObject();
        return writer.position() - start;
    }

    /**
     * Starts {@code {"type":"book","symbol":..,"seq":..,"prev":..,"snapshot":..,"bids":[}: then the bid levels
     * ({@link #level}), {@link #endSide()}, the ask levels, {@link #endSide()} and {@link #endBook}.
     *
     * @param snapshot   true when the message is the whole book (replacing the client's view), false when it
     *                   carries changed levels only (a quantity of 0 removes the level).
     * @param priceScale the scale of every level's price.
     * @param qtyScale   the scale of every level's quantity.
     */
    public void beginBook(
        final CharSequence symbol,
        final long seq,
        final long prev,
        final boolean snapshot,
        final int priceScale,
        final int qtyScale)
    {
        messageStart = begin(TYPE_BOOK);
        state = BOOK_BIDS;
        bookPriceScale = priceScale;
        bookQtyScale = qtyScale;
        writer.name(SYMBOL).string(symbol)
            .name(SEQ).longValue(seq)
            .name(PREV).longValue(prev)
            .name(SNAPSHOT).bool(snapshot)
            .name(BIDS).startArray();
    }

    /**
     * Writes one level {@code ["price","qty"]} of the current side, best price first.
     */
    public void level(final long price, final long qty)
    {
        if (state != BOOK_BIDS && state != BOOK_ASKS)
        {
            throw new IllegalStateException("level outside a book side");
        }
        writer.startArray().decimal(price, bookPriceScale).decimal(qty, bookQtyScale).endArray();
    }

    /**
     * Ends the bids (and starts the asks), or ends the asks.
     */
    public void endSide()
    {
        if (state == BOOK_BIDS)
        {
            writer.endArray().name(ASKS).startArray();
            state = BOOK_ASKS;
        }
        else if (state == BOOK_ASKS)
        {
            writer.endArray();
            state = BOOK_SIDES_DONE;
        }
        else
        {
            throw new IllegalStateException("endSide outside a book");
        }
    }

    /**
     * Ends the book message with {@code "checksum":..} and, when {@code conflated}, {@code "conflated":true}.
     *
     * @param checksum  the book checksum, an unsigned 32-bit value (see {@code io.tickwire.codecs.BookChecksum}).
     * @param conflated true when the message merges several book events.
     * @return the message's length in bytes.
     */
    public int endBook(final long checksum, final boolean conflated)
    {
        if (state != BOOK_SIDES_DONE)
        {
            throw new IllegalStateException("endBook before both sides ended");
        }
        state = IDLE;
        writer.name(CHECKSUM).longValue(checksum);
        if (conflated)
        {
            writer.name(CONFLATED).bool(true);
        }
        writer.endObject();
        return writer.position() - messageStart;
    }

    /**
     * {@code {"type":"heartbeat","seq":..}}
     *
     * @param seq the last seq the gateway has seen.
     * @return the message's length in bytes.
     */
    public int heartbeat(final long seq)
    {
        final int start = begin(TYPE_HEARTBEAT);
        writer.name(SEQ).longValue(seq).endObject();
        return writer.position() - start;
    }

    /**
     * {@code {"type":"subscribed","id":..,"channel":..,"symbols":[..],"seq":..}} and, when given,
     * {@code "recovered"}, {@code "depth"} and {@code "maxHz"}; no {@code "epoch"}.
     *
     * @return the message's length in bytes.
     * @see #subscribed(DirectBuffer, int, int, Channel, CharSequence[], int, long, long, ResumeResult, int, long)
     */
    public int subscribed(
        final DirectBuffer id,
        final int idOffset,
        final int idLength,
        final Channel channel,
        final CharSequence[] symbols,
        final int symbolCount,
        final long seq,
        final ResumeResult recovered,
        final int depth,
        final long maxHzMilli)
    {
        return subscribed(id, idOffset, idLength, channel, symbols, symbolCount, seq, 0, recovered, depth, maxHzMilli);
    }

    /**
     * {@code {"type":"subscribed","id":..,"channel":..,"symbols":[..],"seq":..}} and, when given,
     * {@code "epoch"}, {@code "recovered"}, {@code "depth"} and {@code "maxHz"}.
     *
     * @param epoch      the journal identity, written as 16 lower-case hex digits; 0 omits {@code "epoch"}.
     * @param recovered  the resume outcome; {@link ResumeResult#NONE} omits {@code "recovered"}.
     * @param depth      the book depth served, or 0 to omit it.
     * @param maxHzMilli the rate limit served in thousandths of Hz, or 0 to omit it.
     * @return the message's length in bytes.
     */
    public int subscribed(
        final DirectBuffer id,
        final int idOffset,
        final int idLength,
        final Channel channel,
        final CharSequence[] symbols,
        final int symbolCount,
        final long seq,
        final long epoch,
        final ResumeResult recovered,
        final int depth,
        final long maxHzMilli)
    {
        final int start = begin(TYPE_SUBSCRIBED);
        id(id, idOffset, idLength);
        writer.name(CHANNEL).string(channel.json());
        symbols(symbols, symbolCount);
        writer.name(SEQ).longValue(seq);
        epoch(epoch);
        if (recovered != ResumeResult.NONE)
        {
            writer.name(RECOVERED).bool(recovered == ResumeResult.RECOVERED);
        }
        if (depth > 0)
        {
            writer.name(DEPTH).longValue(depth);
        }
        if (maxHzMilli > 0)
        {
            writer.name(MAX_HZ).decimalNumber(maxHzMilli, 3);
        }
        writer.endObject();
        return writer.position() - start;
    }

    /**
     * Writes {@code "epoch":"<16 lower-case hex digits>"}, or nothing for 0.
     */
    private void epoch(final long epoch)
    {
        if (epoch == 0)
        {
            return;
        }
        epochText[0] = '"';
        for (int i = 0; i < 16; i++)
        {
            epochText[1 + i] = HEX[(int)(epoch >>> (60 - 4 * i)) & 0xF];
        }
        epochText[17] = '"';
        writer.name(EPOCH).raw(epochText, 0, epochText.length);
    }

    /**
     * {@code {"type":"unsubscribed","id":..,"channel":..,"symbols":[..]}}
     *
     * @return the message's length in bytes.
     */
    public int unsubscribed(
        final DirectBuffer id,
        final int idOffset,
        final int idLength,
        final Channel channel,
        final CharSequence[] symbols,
        final int symbolCount)
    {
        final int start = begin(TYPE_UNSUBSCRIBED);
        id(id, idOffset, idLength);
        writer.name(CHANNEL).string(channel.json());
        symbols(symbols, symbolCount);
        writer.endObject();
        return writer.position() - start;
    }

    /**
     * {@code {"type":"pong","id":..,"seq":..}}
     *
     * @param seq the last seq the gateway has seen.
     * @return the message's length in bytes.
     */
    public int pong(final DirectBuffer id, final int idOffset, final int idLength, final long seq)
    {
        return pong(id, idOffset, idLength, seq, 0);
    }

    /**
     * {@code {"type":"pong","id":..,"seq":..,"epoch":".."}}
     *
     * @param seq   the last seq the gateway has seen.
     * @param epoch the journal identity (16 lower-case hex digits); 0 omits {@code "epoch"}.
     * @return the message's length in bytes.
     */
    public int pong(final DirectBuffer id, final int idOffset, final int idLength, final long seq, final long epoch)
    {
        final int start = begin(TYPE_PONG);
        id(id, idOffset, idLength);
        writer.name(SEQ).longValue(seq);
        epoch(epoch);
        writer.endObject();
        return writer.position() - start;
    }

    /**
     * {@code {"type":"error","id":..,"code":"..","message":".."}}
     *
     * @param message for people; escaped, so it may contain anything.
     * @return the message's length in bytes.
     */
    public int error(
        final DirectBuffer id, final int idOffset, final int idLength, final ErrorCode code, final CharSequence message)
    {
        final int start = begin(TYPE_ERROR);
        id(id, idOffset, idLength);
        writer.name(CODE).string(code.json())
            .name(MESSAGE).string(message)
            .endObject();
        return writer.position() - start;
    }

    /**
     * Starts {@code {"type":"instruments","id":..,"instruments":[}: then one {@link #instrument} per
     * instrument and {@link #endInstruments()}.
     */
    public void beginInstruments(final DirectBuffer id, final int idOffset, final int idLength)
    {
        messageStart = begin(TYPE_INSTRUMENTS);
        state = INSTRUMENT_LIST;
        id(id, idOffset, idLength);
        writer.name(INSTRUMENTS).startArray();
    }

    /**
     * Writes {@code {"symbol":..,"instrumentId":..,"priceScale":..,"qtyScale":..,"tickSize":"..","lotSize":"..",
     * "mode":..}}.
     *
     * @param instrumentId the engine's id of the instrument (the {@code instrumentId} of binary messages).
     * @param tickSize the price increment's mantissa (at {@code priceScale}).
     * @param lotSize  the quantity increment's mantissa (at {@code qtyScale}).
     * @param mode     {@code "matching"} or {@code "feed"}.
     */
    public void instrument(
        final CharSequence symbol,
        final int instrumentId,
        final int priceScale,
        final int qtyScale,
        final long tickSize,
        final long lotSize,
        final InstrumentMode mode)
    {
        if (state != INSTRUMENT_LIST)
        {
            throw new IllegalStateException("instrument outside an instruments list");
        }
        writer.startObject()
            .name(SYMBOL).string(symbol)
            .name(INSTRUMENT_ID).longValue(instrumentId)
            .name(PRICE_SCALE).longValue(priceScale)
            .name(QTY_SCALE).longValue(qtyScale)
            .name(TICK_SIZE).decimal(tickSize, priceScale)
            .name(LOT_SIZE).decimal(lotSize, qtyScale)
            .name(MODE).string(mode == InstrumentMode.FEED ? MODE_FEED : MODE_MATCHING)
            .endObject();
    }

    /**
     * Ends the instruments list.
     *
     * @return the message's length in bytes.
     */
    public int endInstruments()
    {
        if (state != INSTRUMENT_LIST)
        {
            throw new IllegalStateException("endInstruments outside an instruments list");
        }
        state = IDLE;
        writer.endArray().endObject();
        return writer.position() - messageStart;
    }

    /**
     * The engine accepted an order: {@code {"type":"ack","id":..,"request":"order","symbol":..,"clientOrderId":..,
     * "filled":"..","leaves":"..","seq":..,"ts":..}}.
     *
     * @param filled quantity the order traded on entry (its {@code fill} messages follow).
     * @param leaves quantity left resting in the book (0: nothing rests).
     * @param seq    the last seq of the batch that holds the engine's decision (the seq before it when the
     *               batch has no market-data event).
     * @param ts     engine time of that batch, epoch nanoseconds.
     * @return the message's length in bytes.
     */
    public int orderAck(
        final DirectBuffer id,
        final int idOffset,
        final int idLength,
        final CharSequence symbol,
        final long clientOrderId,
        final long filled,
        final long leaves,
        final int qtyScale,
        final long seq,
        final long ts)
    {
        final int start = execution(TYPE_ACK, id, idOffset, idLength, OP_ORDER, symbol, clientOrderId);
        writer.name(FILLED).decimal(filled, qtyScale)
            .name(LEAVES).decimal(leaves, qtyScale)
            .name(SEQ).longValue(seq)
            .name(TS).longValue(ts)
            .endObject();
        return writer.position() - start;
    }

    /**
     * The engine cancelled an order on request: {@code {"type":"ack","id":..,"request":"cancel","symbol":..,
     * "clientOrderId":..,"cancelled":"..","seq":..,"ts":..}}; see {@link #orderAck} for {@code seq} and
     * {@code ts}.
     *
     * @param cancelled the open quantity the cancel took out of the book.
     * @return the message's length in bytes.
     */
    public int cancelAck(
        final DirectBuffer id,
        final int idOffset,
        final int idLength,
        final CharSequence symbol,
        final long clientOrderId,
        final long cancelled,
        final int qtyScale,
        final long seq,
        final long ts)
    {
        final int start = execution(TYPE_ACK, id, idOffset, idLength, OP_CANCEL, symbol, clientOrderId);
        writer.name(CANCELLED).decimal(cancelled, qtyScale)
            .name(SEQ).longValue(seq)
            .name(TS).longValue(ts)
            .endObject();
        return writer.position() - start;
    }

    /**
     * The engine refused an order or a cancel: {@code {"type":"reject","id":..,"request":"order"|"cancel",
     * "symbol":..,"clientOrderId":..,"code":"..","message":"..","seq":..,"ts":..}}; see {@link #orderAck}
     * for {@code seq} and {@code ts}.
     *
     * @param code the engine's reason, written by name (UPPER_SNAKE).
     * @return the message's length in bytes.
     */
    public int reject(
        final DirectBuffer id,
        final int idOffset,
        final int idLength,
        final boolean cancel,
        final CharSequence symbol,
        final long clientOrderId,
        final JsonName code,
        final CharSequence message,
        final long seq,
        final long ts)
    {
        final int start = execution(TYPE_REJECT, id, idOffset, idLength, cancel ? OP_CANCEL : OP_ORDER, symbol,
            clientOrderId);
        writer.name(CODE).string(code)
            .name(MESSAGE).string(message)
            .name(SEQ).longValue(seq)
            .name(TS).longValue(ts)
            .endObject();
        return writer.position() - start;
    }

    /**
     * One of the connection's orders traded: {@code {"type":"fill","symbol":..,"clientOrderId":..,
     * "side":..,"price":"..","qty":"..","leaves":"..","maker":..,"tradeSeq":..,"ts":..}}.
     *
     * @param side     the order's side.
     * @param leaves   the order's open quantity after this fill.
     * @param maker    true if the order was resting, false if it was the aggressor.
     * @param tradeSeq the seq of the trade (the {@code trade} message on the trades stream).
     * @return the message's length in bytes.
     */
    public int fill(
        final CharSequence symbol,
        final long clientOrderId,
        final Side side,
        final long price,
        final int priceScale,
        final long qty,
        final long leaves,
        final int qtyScale,
        final boolean maker,
        final long tradeSeq,
        final long ts)
    {
        final int start = begin(TYPE_FILL);
        writer.name(SYMBOL).string(symbol)
            .name(CLIENT_ORDER_ID).longValue(clientOrderId)
            .name(SIDE).string(side(side))
            .name(PRICE).decimal(price, priceScale)
            .name(QTY).decimal(qty, qtyScale)
            .name(LEAVES).decimal(leaves, qtyScale)
            .name(MAKER).bool(maker)
            .name(TRADE_SEQ).longValue(tradeSeq)
            .name(TS).longValue(ts)
            .endObject();
        return writer.position() - start;
    }

    private int execution(
        final JsonName type,
        final DirectBuffer id,
        final int idOffset,
        final int idLength,
        final JsonName op,
        final CharSequence symbol,
        final long clientOrderId)
    {
        final int start = begin(type);
        id(id, idOffset, idLength);
        writer.name(REQUEST).string(op)
            .name(SYMBOL).string(symbol)
            .name(CLIENT_ORDER_ID).longValue(clientOrderId);
        return start;
    }

    private int begin(final JsonName type)
    {
        if (state != IDLE)
        {
            throw new IllegalStateException("a book or instruments message is not finished");
        }
        final int start = writer.position();
        writer.startObject().name(TYPE).string(type);
        return start;
    }

    private void id(final DirectBuffer id, final int idOffset, final int idLength)
    {
        if (idLength > 0)
        {
            writer.name(ID).raw(id, idOffset, idLength);
        }
    }

    private void symbols(final CharSequence[] symbols, final int symbolCount)
    {
        writer.name(SYMBOLS).startArray();
        for (int i = 0; i < symbolCount; i++)
        {
            writer.string(symbols[i]);
        }
        writer.endArray();
    }

    private void priceAndQty(
        final JsonName priceName,
        final long price,
        final JsonName qtyName,
        final long qty,
        final int priceScale,
        final int qtyScale)
    {
        if (price == NULL_PRICE)
        {
            writer.name(priceName).nullValue().name(qtyName).nullValue();
        }
        else
        {
            writer.name(priceName).decimal(price, priceScale).name(qtyName).decimal(qty, qtyScale);
        }
    }

    private static JsonName side(final Side side)
    {
        if (side == Side.BUY)
        {
            return SIDE_BUY;
        }
        if (side == Side.SELL)
        {
            return SIDE_SELL;
        }
        throw new IllegalArgumentException("side " + side);
    }
}
