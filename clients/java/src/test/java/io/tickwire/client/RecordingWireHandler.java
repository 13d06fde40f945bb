package io.tickwire.client;

import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link WireHandler} for codec tests: every decoded message becomes one line of text in {@link #events}, so
 * tests assert whole event lists. Instruments are known once {@link #know} was called.
 */
final class RecordingWireHandler implements WireHandler
{
    final List<String> events = new ArrayList<>();
    private final Map<String, Instrument> bySymbol = new HashMap<>();
    private final Int2ObjectHashMap<Instrument> byId = new Int2ObjectHashMap<>();
    private OrderBook book;

    RecordingWireHandler know(final Instrument instrument)
    {
        bySymbol.put(instrument.symbol(), instrument);
        byId.put(instrument.instrumentId(), instrument);
        return this;
    }

    /**
     * Book messages are also applied to {@code book}.
     */
    RecordingWireHandler applyBooksTo(final OrderBook book)
    {
        this.book = book;
        return this;
    }

    @Override
    public Instrument instrument(final CharSequence symbol)
    {
        return bySymbol.get(symbol);
    }

    @Override
    public Instrument instrument(final int instrumentId)
    {
        return byId.get(instrumentId);
    }

    @Override
    public void onTrade(final Trade trade)
    {
        events.add(trade.toString());
    }

    @Override
    public void onBook(final BookUpdate u)
    {
        if (book != null)
        {
            book.apply(u);
        }
        final StringBuilder b = new StringBuilder(u.toString()).append(" bids");
        for (int i = 0; i < u.bidCount(); i++)
        {
            b.append(' ').append(u.bidPrice(i)).append('x').append(u.bidQty(i));
        }
        b.append(" asks");
        for (int i = 0; i < u.askCount(); i++)
        {
            b.append(' ').append(u.askPrice(i)).append('x').append(u.askQty(i));
        }
        events.add(b.toString());
    }

    @Override
    public void onTicker(final Ticker t)
    {
        events.add(t.toString() + " raw " + t.bid() + "x" + t.bidQty() + " " + t.ask() + "x" + t.askQty() + " " +
            t.last() + "x" + t.lastQty() + " ts=" + t.ts());
    }

    @Override
    public void onHeartbeat(final long seq)
    {
        events.add("heartbeat " + seq);
    }

    @Override
    public void onSubscribed(final long id, final Subscribed reply)
    {
        events.add("subscribed " + id + " " + reply);
    }

    @Override
    public void onUnsubscribed(final long id)
    {
        events.add("unsubscribed " + id);
    }

    @Override
    public void onPong(final long id, final long seq)
    {
        events.add("pong " + id + " " + seq);
    }

    @Override
    public void onInstruments(final long id, final List<Instrument> list)
    {
        events.add("instruments " + id + " " + list);
    }

    @Override
    public void onErrorReply(final long id, final String code, final String message)
    {
        events.add("error " + id + " " + code + " " + message);
    }

    @Override
    public void onMalformed(final String description, final Throwable cause)
    {
        events.add("malformed " + description);
    }

    @Override
    public void onProtocolViolation(final String description)
    {
        events.add("violation " + description);
    }
}
