package io.tickwire.client;

import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.ResumeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes the server examples of docs/protocol.md (and variants with other field orders) into whole event lists,
 * and writes the requests the protocol documents.
 */
@Timeout(10)
class JsonWireCodecTest
{
    private final JsonWireCodec codec = new JsonWireCodec();
    private final RecordingWireHandler handler = new RecordingWireHandler();
    private final List<String> events = handler.events;

    @Test
    void decodesEveryServerMessage()
    {
        codec.decode("{\"type\":\"instruments\",\"id\":2,\"instruments\":[" +
            "{\"symbol\":\"BTC-USD\",\"instrumentId\":1,\"priceScale\":2,\"qtyScale\":4,\"tickSize\":\"0.01\"," +
                "\"lotSize\":\"0.0001\",\"mode\":\"matching\"}]}",
            handler);
        handler.know(new Instrument("BTC-USD", 1, 2, 4, 1, 1, "matching"));
        codec.decode("{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"seq\":5121,\"prev\":5117," +
            "\"price\":\"101.25\",\"qty\":\"0.5\"," +
            "\"side\":\"sell\",\"ts\":1700000000123456789}", handler);
        // Fields in another order, an unknown field, an unknown type: still read, ignored, ignored.
        codec.decode("{\"ts\":1,\"qty\":\"2\",\"price\":\"3\",\"side\":\"buy\",\"future\":{\"x\":[1]}," +
            "\"prev\":1,\"seq\":2," +
            "\"symbol\":\"BTC-USD\",\"type\":\"trade\"}", handler);
        codec.decode("{\"type\":\"news\",\"seq\":1}", handler);
        codec.decode("{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"seq\":5124,\"prev\":5120,\"snapshot\":false," +
            "\"bids\":[[\"101\",\"0\"]],\"asks\":[],\"checksum\":1971836496,\"conflated\":true}", handler);
        codec.decode("{\"type\":\"ticker\",\"symbol\":\"BTC-USD\",\"seq\":5120,\"prev\":5120,\"bid\":null," +
            "\"bidQty\":null," +
            "\"ask\":\"101.3\",\"askQty\":\"1.5\",\"last\":null,\"lastQty\":null,\"volume\":\"0\",\"ts\":1}", handler);
        codec.decode("{\"type\":\"heartbeat\",\"seq\":5124}", handler);
        codec.decode("{\"type\":\"subscribed\",\"id\":3,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]," +
            "\"seq\":5120," +
            "\"recovered\":true,\"epoch\":\"00000000000000ff\"}", handler);
        codec.decode("{\"type\":\"pong\",\"id\":42,\"seq\":5120}", handler);
        codec.decode("{\"type\":\"unsubscribed\",\"id\":7,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]}", handler);
        codec.decode("{\"type\":\"error\",\"code\":\"RATE_LIMITED\",\"message\":\"over 50 requests/s\"}", handler);
        codec.decode("{\"type\":\"trade\",\"symbol\":\"DOGE-USD\",\"seq\":1,\"prev\":0,\"price\":\"1\",\"qty\":\"1\"," +
            "\"side\":\"buy\",\"ts\":1}", handler);
        codec.decode("{\"type\":\"trade\",", handler);

        assertThat(events).hasSize(12);
        assertThat(events.get(11)).startsWith("malformed cannot decode {\"type\":\"trade\",: Unexpected end-of-input");
        assertThat(events.subList(0, 11)).containsExactly(
            "instruments 2 [Instrument[symbol=BTC-USD, instrumentId=1, priceScale=2, qtyScale=4, tickSize=1," +
                " lotSize=1, mode=matching]]",
            "Trade{BTC-USD seq=5121 prev=5117 0.5 @ 101.25 SELL ts=1700000000123456789}",
            "Trade{BTC-USD seq=2 prev=1 2 @ 3 BUY ts=1}",
            "BookUpdate{BTC-USD seq=5124 prev=5120 conflated bids=1 asks=0 checksum=1971836496} bids 10100x0 asks",
            "Ticker{BTC-USD seq=5120 prev=5120 bid=null@null ask=1.5@101.3 last=null volume=0} raw " +
                Long.MIN_VALUE + "x" + Long.MIN_VALUE + " 10130x15000 " + Long.MIN_VALUE + "x" + Long.MIN_VALUE +
                " ts=1",
            "heartbeat 5124",
            "subscribed 3 " + new Subscribed(Channel.TRADES, List.of("BTC-USD"), 5120, 0, ResumeResult.RECOVERED,
                "00000000000000ff"),
            "pong 42 5120",
            "unsubscribed 7",
            "error -1 RATE_LIMITED over 50 requests/s",
            "malformed cannot decode {\"type\":\"trade\",\"symbol\":\"DOGE-USD\",\"seq\":1,\"prev\":0," +
                "\"price\":\"1\",\"qty\":\"1\",\"side\":\"buy\",\"ts\":1}: unknown instrument 'DOGE-USD'");
    }

    @Test
    void writesRequests()
    {
        final Subscription book = Subscription.book("BTC-USD", "ETH-USD", "BTC-USD").depth(10).maxHz(2.5);
        assertThat(codec.subscribe(1, book, book.symbols(), -1, null).text()).isEqualTo(
            "{\"op\":\"subscribe\",\"id\":1,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"]," +
                "\"depth\":10,\"maxHz\":2.5}");
        final Subscription trades = Subscription.trades("BTC-USD");
        assertThat(codec.subscribe(3, trades, trades.symbols(), 5000, "00000000000000ff").text()).isEqualTo(
            "{\"op\":\"subscribe\",\"id\":3,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"],\"from\":5000," +
                "\"epoch\":\"00000000000000ff\"}");
        assertThat(codec.resync(9, Channel.BOOK, List.of("BTC-USD")).text())
            .isEqualTo("{\"op\":\"resync\",\"id\":9,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"]}");
        assertThat(codec.unsubscribe(7, Channel.TRADES, List.of("BTC-USD")).text())
            .isEqualTo("{\"op\":\"unsubscribe\",\"id\":7,\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]}");
        assertThat(codec.ping(42).text()).isEqualTo("{\"op\":\"ping\",\"id\":42}");
        assertThat(codec.instruments(2).text()).isEqualTo("{\"op\":\"instruments\",\"id\":2}");
    }
}
