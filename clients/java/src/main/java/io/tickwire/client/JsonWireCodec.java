package io.tickwire.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.ResumeResult;
import io.tickwire.codecs.sbe.Side;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON protocol of docs/protocol.md: requests written as text, server messages read with Jackson's
 * streaming parser. Fields may come in any order (the protocol does not promise one), so a message's values
 * are collected first (decimal strings as character ranges in a reusable arena, parsed to fixed-point once the
 * symbol, and so the instrument's scales, is known), then handed to the {@link WireHandler} in one call.
 * Market-data messages make no Strings: the symbol is looked up through a {@link CharView}. Unknown fields and
 * unknown message types are ignored (forward compatibility).
 */
final class JsonWireCodec implements WireCodec
{
    private static final int SYMBOL = 0;
    private static final int CHANNEL = 1;
    private static final int PRICE = 2;
    private static final int QTY = 3;
    private static final int SIDE = 4;
    private static final int BID = 5;
    private static final int BID_QTY = 6;
    private static final int ASK = 7;
    private static final int ASK_QTY = 8;
    private static final int LAST = 9;
    private static final int LAST_QTY = 10;
    private static final int VOLUME = 11;
    private static final int TYPE = 12;
    private static final int SPANS = 13;

    private final JsonFactory factory = new JsonFactory();
    private final Trade trade = new Trade();
    private final Ticker ticker = new Ticker();
    private final BookUpdate book = new BookUpdate();
    private final CharView view = new CharView();
    private final int[] start = new int[SPANS];
    private final int[] length = new int[SPANS];
    private char[] arena = new char[1024];
    private int arenaUsed;
    private int[] bidSpans = new int[64]; // price start, price length, qty start, qty length
    private int[] askSpans = new int[64];
    private int bidCount;
    private int askCount;
    private long id;
    private long seq;
    private long prev;
    private long ts;
    private long checksum;
    private int depth;
    private boolean snapshot;
    private boolean conflated;
    private ResumeResult recovered;
    private String epoch;
    private String code;
    private String message;
    private List<String> symbols;
    private List<Instrument> instruments;

    @Override
    public String subprotocol()
    {
        return "json";
    }

    @Override
    public WireFrame subscribe(final long id, final Subscription subscription, final List<String> symbols,
        final long from, final String epoch)
    {
        final StringBuilder b = request("subscribe", id);
        b.append(",\"channel\":\"").append(subscription.channel().wireName()).append('"');
        symbols(b, symbols);
        if (subscription.depth() > 0)
        {
            b.append(",\"depth\":").append(subscription.depth());
        }
        if (subscription.maxMilliHz() > 0)
        {
            b.append(",\"maxHz\":").append(Decimals.toString(subscription.maxMilliHz(), 3));
        }
        if (subscription.policy() != null)
        {
            b.append(",\"policy\":\"").append(subscription.policy().wireName()).append('"');
        }
        if (from >= 0)
        {
            b.append(",\"from\":").append(from);
            if (epoch != null)
            {
                b.append(",\"epoch\":");
                string(b, epoch);
            }
        }
        return WireFrame.text(b.append('}').toString());
    }

    @Override
    public WireFrame unsubscribe(final long id, final Channel channel, final List<String> symbols)
    {
        return streams("unsubscribe", id, channel, symbols);
    }

    @Override
    public WireFrame resync(final long id, final Channel channel, final List<String> symbols)
    {
        return streams("resync", id, channel, symbols);
    }

    @Override
    public WireFrame ping(final long id)
    {
        return WireFrame.text(request("ping", id).append('}').toString());
    }

    @Override
    public WireFrame instruments(final long id)
    {
        return WireFrame.text(request("instruments", id).append('}').toString());
    }

    private static WireFrame streams(final String op, final long id, final Channel channel, final List<String> symbols)
    {
        final StringBuilder b = request(op, id);
        b.append(",\"channel\":\"").append(channel.wireName()).append('"');
        symbols(b, symbols);
        return WireFrame.text(b.append('}').toString());
    }

    private static StringBuilder request(final String op, final long id)
    {
        return new StringBuilder(96).append("{\"op\":\"").append(op).append("\",\"id\":").append(id);
    }

    private static void symbols(final StringBuilder b, final List<String> symbols)
    {
        b.append(",\"symbols\":[");
        for (int i = 0; i < symbols.size(); i++)
        {
            b.append(i > 0 ? ",\"" : "\"").append(symbols.get(i)).append('"'); // valid symbols need no escaping
        }
        b.append(']');
    }

    private static void string(final StringBuilder b, final String text)
    {
        b.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                b.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                b.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                b.append(c);
            }
        }
        b.append('"');
    }

    @Override
    public void decode(final ByteBuffer binary, final WireHandler handler)
    {
        handler.onMalformed("a binary message on the JSON protocol (" + binary.remaining() + " bytes)", null);
    }

    @Override
    public void decode(final CharSequence text, final WireHandler handler)
    {
        reset();
        try (JsonParser parser = factory.createParser(text.toString()))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                throw new IOException("not a JSON object");
            }
            readFields(parser);
            dispatch(handler, text);
        }
        catch (final IOException | RuntimeException ex)
        {
            handler.onMalformed("cannot decode " + abbreviate(text) + ": " + ex.getMessage(), ex);
        }
    }

    private void reset()
    {
        Arrays.fill(length, -1);
        arenaUsed = 0;
        bidCount = 0;
        askCount = 0;
        id = WireHandler.NO_ID;
        seq = -1;
        prev = -1;
        ts = 0;
        checksum = -1;
        depth = 0;
        snapshot = false;
        conflated = false;
        recovered = ResumeResult.NONE;
        epoch = null;
        code = null;
        message = null;
        symbols = null;
        instruments = null;
    }

    private void readFields(final JsonParser parser) throws IOException
    {
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            token = parser.nextToken();
            switch (name)
            {
                case "type" -> span(parser, TYPE, token);
                case "symbol" -> span(parser, SYMBOL, token);
                case "channel" -> span(parser, CHANNEL, token);
                case "price" -> span(parser, PRICE, token);
                case "qty" -> span(parser, QTY, token);
                case "side" -> span(parser, SIDE, token);
                case "bid" -> span(parser, BID, token);
                case "bidQty" -> span(parser, BID_QTY, token);
                case "ask" -> span(parser, ASK, token);
                case "askQty" -> span(parser, ASK_QTY, token);
                case "last" -> span(parser, LAST, token);
                case "lastQty" -> span(parser, LAST_QTY, token);
                case "volume" -> span(parser, VOLUME, token);
                case "id" -> id = token == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : WireHandler.NO_ID;
                case "seq" -> seq = parser.getLongValue();
                case "prev" -> prev = parser.getLongValue();
                case "ts" -> ts = parser.getLongValue();
                case "checksum" -> checksum = parser.getLongValue();
                case "depth" -> depth = parser.getIntValue();
                case "snapshot" -> snapshot = token == JsonToken.VALUE_TRUE;
                case "conflated" -> conflated = token == JsonToken.VALUE_TRUE;
                case "recovered" ->
                    recovered = token == JsonToken.VALUE_TRUE ? ResumeResult.RECOVERED : ResumeResult.NOT_RECOVERED;
                case "epoch" -> epoch = token == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                case "code" -> code = parser.getValueAsString();
                case "message" -> message = parser.getValueAsString();
                case "bids" -> bidCount = levels(parser, token, true);
                case "asks" -> askCount = levels(parser, token, false);
                case "symbols" -> symbols = strings(parser, token);
                case "instruments" -> instruments = instrumentList(parser, token);
                default -> parser.skipChildren(); // unknown field: ignored
            }
        }
        if (token != JsonToken.END_OBJECT)
        {
            throw new IOException("unexpected " + token);
        }
    }

    private void span(final JsonParser parser, final int field, final JsonToken token) throws IOException
    {
        if (token == JsonToken.VALUE_NULL)
        {
            length[field] = -1;
            return;
        }
        if (token != JsonToken.VALUE_STRING)
        {
            throw new IOException("field #" + field + " must be a string, not " + token);
        }
        start[field] = copy(parser);
        length[field] = parser.getTextLength();
    }

    /**
     * Copies the current string into the arena.
     *
     * @return where it starts.
     */
    private int copy(final JsonParser parser) throws IOException
    {
        final int n = parser.getTextLength();
        if (arenaUsed + n > arena.length)
        {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + n));
        }
        System.arraycopy(parser.getTextCharacters(), parser.getTextOffset(), arena, arenaUsed, n);
        final int at = arenaUsed;
        arenaUsed += n;
        return at;
    }

    private int levels(final JsonParser parser, final JsonToken token, final boolean bids) throws IOException
    {
        if (token != JsonToken.START_ARRAY)
        {
            throw new IOException("levels must be an array");
        }
        int count = 0;
        while (parser.nextToken() == JsonToken.START_ARRAY)
        {
            int[] spans = bids ? bidSpans : askSpans;
            if (4 * count + 4 > spans.length)
            {
                spans = Arrays.copyOf(spans, spans.length * 2);
                if (bids)
                {
                    bidSpans = spans;
                }
                else
                {
                    askSpans = spans;
                }
            }
            for (int k = 0; k < 2; k++)
            {
                if (parser.nextToken() != JsonToken.VALUE_STRING)
                {
                    throw new IOException("a level is [price, qty] as strings");
                }
                spans[4 * count + 2 * k] = copy(parser);
                spans[4 * count + 2 * k + 1] = parser.getTextLength();
            }
            if (parser.nextToken() != JsonToken.END_ARRAY)
            {
                throw new IOException("a level has two entries");
            }
            count++;
        }
        if (parser.currentToken() != JsonToken.END_ARRAY)
        {
            throw new IOException("levels must be arrays");
        }
        return count;
    }

    private static List<String> strings(final JsonParser parser, final JsonToken token) throws IOException
    {
        if (token != JsonToken.START_ARRAY)
        {
            throw new IOException("symbols must be an array");
        }
        final List<String> list = new ArrayList<>();
        while (parser.nextToken() == JsonToken.VALUE_STRING)
        {
            list.add(parser.getText());
        }
        return list;
    }

    private static List<Instrument> instrumentList(final JsonParser parser, final JsonToken token) throws IOException
    {
        if (token != JsonToken.START_ARRAY)
        {
            throw new IOException("instruments must be an array");
        }
        final List<Instrument> list = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT)
        {
            String symbol = null;
            int instrumentId = -1;
            int priceScale = -1;
            int qtyScale = -1;
            String tick = null;
            String lot = null;
            String mode = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                parser.nextToken();
                switch (name)
                {
                    case "symbol" -> symbol = parser.getValueAsString();
                    case "instrumentId" -> instrumentId = parser.getIntValue();
                    case "priceScale" -> priceScale = parser.getIntValue();
                    case "qtyScale" -> qtyScale = parser.getIntValue();
                    case "tickSize" -> tick = parser.getValueAsString();
                    case "lotSize" -> lot = parser.getValueAsString();
                    case "mode" -> mode = parser.getValueAsString();
                    default -> parser.skipChildren();
                }
            }
            if (symbol == null || priceScale < 0 || qtyScale < 0 || tick == null || lot == null)
            {
                throw new IOException("an instrument lacks symbol, scales, tickSize or lotSize");
            }
            list.add(new Instrument(symbol, instrumentId, priceScale, qtyScale, Decimals.parse(tick, priceScale),
                Decimals.parse(lot, qtyScale), mode));
        }
        return list;
    }

    private boolean typeIs(final String type)
    {
        return length[TYPE] >= 0 && view.wrap(arena, start[TYPE], length[TYPE]).contentEquals(type);
    }

    private void dispatch(final WireHandler handler, final CharSequence text) throws IOException
    {
        if (length[TYPE] < 0)
        {
            throw new IOException("no type");
        }
        if (typeIs("book"))
        {
            final Instrument instrument = instrument(handler);
            book.begin(instrument.symbol(), seq, prev, snapshot, conflated, checksum, instrument.priceScale(),
                instrument.qtyScale());
            for (int i = 0; i < bidCount; i++)
            {
                book.addBid(decimal(bidSpans, i, 0, instrument.priceScale()),
                    decimal(bidSpans, i, 2, instrument.qtyScale()));
            }
            for (int i = 0; i < askCount; i++)
            {
                book.addAsk(decimal(askSpans, i, 0, instrument.priceScale()),
                    decimal(askSpans, i, 2, instrument.qtyScale()));
            }
            handler.onBook(book);
        }
        else if (typeIs("trade"))
        {
            final Instrument instrument = instrument(handler);
            final Side side;
            if (field(SIDE).contentEquals("buy"))
            {
                side = Side.BUY;
            }
            else if (field(SIDE).contentEquals("sell"))
            {
                side = Side.SELL;
            }
            else
            {
                throw new IOException("side must be buy or sell");
            }
            trade.set(instrument.symbol(), seq, prev, decimal(PRICE, instrument.priceScale()), instrument.priceScale(),
                decimal(QTY, instrument.qtyScale()), instrument.qtyScale(), side, ts);
            handler.onTrade(trade);
        }
        else if (typeIs("ticker"))
        {
            final Instrument instrument = instrument(handler);
            final int ps = instrument.priceScale();
            final int qs = instrument.qtyScale();
            ticker.set(instrument.symbol(), seq, prev, ps, qs);
            ticker.values(nullable(BID, ps), nullable(BID_QTY, qs), nullable(ASK, ps), nullable(ASK_QTY, qs),
                nullable(LAST, ps), nullable(LAST_QTY, qs), decimal(VOLUME, qs), ts);
            handler.onTicker(ticker);
        }
        else if (typeIs("heartbeat"))
        {
            handler.onHeartbeat(seq);
        }
        else if (typeIs("subscribed"))
        {
            final Channel channel = Channel.fromWireName(field(CHANNEL).toString());
            if (channel == null || symbols == null)
            {
                throw new IOException("subscribed without a channel or symbols");
            }
            handler.onSubscribed(id, new Subscribed(channel, List.copyOf(symbols), seq, depth, recovered, epoch));
        }
        else if (typeIs("unsubscribed"))
        {
            handler.onUnsubscribed(id);
        }
        else if (typeIs("pong"))
        {
            handler.onPong(id, seq);
        }
        else if (typeIs("instruments"))
        {
            handler.onInstruments(id, instruments == null ? List.of() : instruments);
        }
        else if (typeIs("error"))
        {
            handler.onErrorReply(id, code == null ? "INTERNAL" : code, message == null ? "" : message);
        }
        // other types: a newer server's message this client does not know, ignored
    }

    private Instrument instrument(final WireHandler handler) throws IOException
    {
        if (length[SYMBOL] < 0 || seq < 0 || prev < 0)
        {
            throw new IOException("market data without symbol, seq or prev");
        }
        final Instrument instrument = handler.instrument(field(SYMBOL));
        if (instrument == null)
        {
            throw new IOException("unknown instrument '" + field(SYMBOL) + "'");
        }
        return instrument;
    }

    private CharView field(final int field) throws IOException
    {
        if (length[field] < 0)
        {
            throw new IOException("missing field #" + field);
        }
        return view.wrap(arena, start[field], length[field]);
    }

    private long decimal(final int field, final int scale) throws IOException
    {
        return Decimals.parse(field(field), scale);
    }

    private long nullable(final int field, final int scale)
    {
        return length[field] < 0 ? Ticker.NULL_VALUE :
            Decimals.parse(view.wrap(arena, start[field], length[field]), scale);
    }

    private long decimal(final int[] spans, final int level, final int which, final int scale)
    {
        return Decimals.parse(view.wrap(arena, spans[4 * level + which], spans[4 * level + which + 1]), scale);
    }

    private static String abbreviate(final CharSequence text)
    {
        return text.length() <= 200 ? text.toString() : text.subSequence(0, 200) + "...";
    }
}
