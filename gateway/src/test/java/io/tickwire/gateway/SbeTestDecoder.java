package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.client.BookMessageDecoder;
import io.tickwire.codecs.client.HeartbeatMessageDecoder;
import io.tickwire.codecs.client.MessageHeaderDecoder;
import io.tickwire.codecs.client.Side;
import io.tickwire.codecs.client.TickerMessageDecoder;
import io.tickwire.codecs.client.TradeMessageDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.HashMap;
import java.util.Map;

/**
 * A binary client's decoder, written from docs/protocol-sbe.md with the generated decoders of the client schema:
 * it learns each instrument's id and scales from the JSON {@code instruments} reply, then turns every binary
 * message into the JSON protocol's message with the same values (decimal strings from mantissa and scale), so
 * the JSON protocol's checkers ({@link StreamChecker}, {@link ClientBook}) verify binary sessions too, and a
 * binary and a JSON session can be compared message for message.
 */
public final class SbeTestDecoder
{
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
        new com.fasterxml.jackson.databind.ObjectMapper();
    private static final long NULL_PRICE = Long.MIN_VALUE;

    private record Instrument(String symbol, int priceScale, int qtyScale)
    {
    }

    private final Map<Integer, Instrument> instruments = new HashMap<>();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TradeMessageDecoder trade = new TradeMessageDecoder();
    private final BookMessageDecoder book = new BookMessageDecoder();
    private final TickerMessageDecoder ticker = new TickerMessageDecoder();
    private final HeartbeatMessageDecoder heartbeat = new HeartbeatMessageDecoder();

    /**
     * Learns instrument ids and scales from an {@code instruments} reply; ignores other text messages.
     */
    public synchronized void onText(final JsonNode message)
    {
        if ("instruments".equals(message.path("type").asText()))
        {
            for (final JsonNode i : message.path("instruments"))
            {
                instruments.put(i.path("instrumentId").asInt(), new Instrument(i.path("symbol").asText(),
                    i.path("priceScale").asInt(), i.path("qtyScale").asInt()));
            }
        }
    }

    /**
     * @return the JSON protocol's form of one binary message.
     * @throws AssertionError if the frame is not exactly one message of schema 7702 version 1.
     */
    public synchronized JsonNode decode(final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        if (frame.length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new AssertionError("binary frame of " + frame.length + " bytes");
        }
        header.wrap(buffer, 0);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID ||
            header.version() != MessageHeaderDecoder.SCHEMA_VERSION)
        {
            throw new AssertionError("schema " + header.schemaId() + " version " + header.version());
        }
        final int offset = MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        final ObjectNode m = NODES.objectNode();
        final int length;
        switch (header.templateId())
        {
            case TradeMessageDecoder.TEMPLATE_ID ->
            {
                trade.wrap(buffer, offset, blockLength, version);
                final long seq = trade.seq();
                final long prev = trade.prev();
                final long ts = trade.ts();
                final long price = trade.price();
                final long qty = trade.qty();
                final Instrument i = instrument(trade.instrumentId());
                final Side side = trade.side();
                m.put("type", "trade").put("symbol", i.symbol).put("seq", seq).put("prev", prev)
                    .put("price", Decimals.toString(price, i.priceScale)).put("qty", Decimals.toString(qty, i.qtyScale))
                    .put("side", side == Side.BUY ? "buy" : side == Side.SELL ? "sell" : "?" + side).put("ts", ts);
                length = offset + trade.encodedLength();
            }
            case BookMessageDecoder.TEMPLATE_ID ->
            {
                book.wrap(buffer, offset, blockLength, version);
                final long seq = book.seq();
                final long prev = book.prev();
                final Instrument i = instrument(book.instrumentId());
                final long checksum = book.checksum();
                final boolean snapshot = book.flags().snapshot();
                final boolean conflated = book.flags().conflated();
                final ArrayNode bids = NODES.arrayNode();
                for (final BookMessageDecoder.BidsDecoder level : book.bids())
                {
                    bids.addArray().add(Decimals.toString(level.price(), i.priceScale))
                        .add(Decimals.toString(level.qty(), i.qtyScale));
                }
                final ArrayNode asks = NODES.arrayNode();
                for (final BookMessageDecoder.AsksDecoder level : book.asks())
                {
                    asks.addArray().add(Decimals.toString(level.price(), i.priceScale))
                        .add(Decimals.toString(level.qty(), i.qtyScale));
                }
                m.put("type", "book").put("symbol", i.symbol).put("seq", seq).put("prev", prev)
                    .put("snapshot", snapshot);
                m.set("bids", bids);
                m.set("asks", asks);
                m.put("checksum", checksum);
                if (conflated)
                {
                    m.put("conflated", true);
                }
                length = book.limit();
            }
            case TickerMessageDecoder.TEMPLATE_ID ->
            {
                ticker.wrap(buffer, offset, blockLength, version);
                final long seq = ticker.seq();
                final long prev = ticker.prev();
                final long ts = ticker.ts();
                final long bid = ticker.bid();
                final long bidQty = ticker.bidQty();
                final long ask = ticker.ask();
                final long askQty = ticker.askQty();
                final long last = ticker.last();
                final long lastQty = ticker.lastQty();
                final long volume = ticker.volume();
                final Instrument i = instrument(ticker.instrumentId());
                m.put("type", "ticker").put("symbol", i.symbol).put("seq", seq).put("prev", prev);
                pair(m, "bid", "bidQty", bid, bidQty, i);
                pair(m, "ask", "askQty", ask, askQty, i);
                pair(m, "last", "lastQty", last, lastQty, i);
                m.put("volume", Decimals.toString(volume, i.qtyScale)).put("ts", ts);
                length = offset + ticker.encodedLength();
            }
            case HeartbeatMessageDecoder.TEMPLATE_ID ->
            {
                heartbeat.wrap(buffer, offset, blockLength, version);
                m.put("type", "heartbeat").put("seq", heartbeat.seq());
                length = offset + heartbeat.encodedLength();
            }
            default -> throw new AssertionError("template " + header.templateId());
        }
        if (length != frame.length)
        {
            throw new AssertionError("message of " + length + " bytes in a frame of " + frame.length + ": " + m);
        }
        try
        {
            return MAPPER.readTree(m.toString()); // the node types a JSON client's parser gives (int vs long)
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void pair(final ObjectNode m, final String price, final String qty, final long px, final long q,
        final Instrument i)
    {
        if (px == NULL_PRICE)
        {
            if (q != 0)
            {
                throw new AssertionError(qty + " " + q + " without a price");
            }
            m.putNull(price);
            m.putNull(qty);
        }
        else
        {
            m.put(price, Decimals.toString(px, i.priceScale));
            m.put(qty, Decimals.toString(q, i.qtyScale));
        }
    }

    private Instrument instrument(final int id)
    {
        final Instrument i = instruments.get(id);
        if (i == null)
        {
            throw new AssertionError("instrumentId " + id + " not in the instruments reply (send instruments first)");
        }
        return i;
    }
}
