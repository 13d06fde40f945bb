package io.tickwire.codecs.json;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarketDataJsonTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final UnsafeBuffer NO_ID = new UnsafeBuffer(new byte[0]);

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
    private final JsonWriter writer = new JsonWriter();
    private final MarketDataJson json = new MarketDataJson(writer);

    @BeforeEach
    void wrap()
    {
        writer.wrap(buffer, 0);
    }

    @Test
    void trade()
    {
        final int length = json.trade("BTC-USD", 42, 40, 10125, 2, 5000, 4, Side.SELL, 1_700_000_000_123_456_789L);

        assertThat(length).isEqualTo(writer.length());
        assertThat(text()).isEqualTo("{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"seq\":42,\"prev\":40,\"price\":\"101.25\"," +
            "\"qty\":\"0.5\",\"side\":\"sell\",\"ts\":1700000000123456789}");
        assertJson("{'type':'trade','symbol':'BTC-USD','seq':42,'prev':40,'price':'101.25','qty':'0.5','side':'sell'," +
            "'ts':1700000000123456789}");
    }

    @Test
    void tradeBuySide()
    {
        json.trade("ETH/EUR", 1, 0, 3, 0, 7, 0, Side.BUY, 5);

        assertJson("{'type':'trade','symbol':'ETH/EUR','seq':1,'prev':0,'price':'3','qty':'7','side':'buy','ts':5}");
    }

    @Test
    void tradeWithAPreEncodedSymbolWritesTheSameBytes()
    {
        for (final String symbol : new String[] {"BTC-USD", "ETH/EUR", "a.b_c-9", "SYMBOL0123456789"})
        {
            writer.wrap(buffer, 0);
            json.trade(symbol, 123_456_789_012L, 7, -10125, 2, 5, 8, Side.BUY, Long.MAX_VALUE);
            final String byText = text();
            writer.wrap(buffer, 0);
            final int length = json.trade(JsonName.of(symbol), 123_456_789_012L, 7, -10125, 2, 5, 8, Side.BUY,
                Long.MAX_VALUE);

            assertThat(length).isEqualTo(writer.length());
            assertThat(text()).isEqualTo(byText);
        }
    }

    @Test
    void tradeRefusesTheNullSide()
    {
        assertThatThrownBy(() -> json.trade("X", 1, 0, 1, 0, 1, 0, Side.NULL_VAL, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tickerWithEverySide()
    {
        json.ticker("BTC-USD", 100, 90, 2, 3, 10150, 2000, 10200, 1500, 10175, 250, 123456, 77);

        assertJson("{'type':'ticker','symbol':'BTC-USD','seq':100,'prev':90,'bid':'101.5','bidQty':'2','ask':'102'," +
            "'askQty':'1.5','last':'101.75','lastQty':'0.25','volume':'123.456','ts':77}");
        assertThat(text()).startsWith("{\"type\":\"ticker\",\"symbol\":\"BTC-USD\",\"seq\":100,\"prev\":90,\"bid\":");
    }

    @Test
    void tickerWritesNullForAbsentPrices()
    {
        json.ticker("X", 3, 0, 2, 0, MarketDataJson.NULL_PRICE, 0, 500, 9, MarketDataJson.NULL_PRICE, 0, 0, 1);

        assertJson("{'type':'ticker','symbol':'X','seq':3,'prev':0,'bid':null,'bidQty':null,'ask':'5','askQty':'9'," +
            "'last':null,'lastQty':null,'volume':'0','ts':1}");
    }

    @Test
    void bookSnapshot()
    {
        json.beginBook("BTC-USD", 10, 7, true, 1, 1);
        json.level(1015, 20);
        json.level(1010, 5);
        json.endSide();
        json.level(1020, 10);
        json.endSide();
        final int length = json.endBook(3_000_000_000L, false);

        assertThat(length).isEqualTo(writer.length());
        assertThat(text()).isEqualTo("{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"seq\":10,\"prev\":7,\"snapshot\":true," +
            "\"bids\":[[\"101.5\",\"2\"],[\"101\",\"0.5\"]],\"asks\":[[\"102\",\"1\"]],\"checksum\":3000000000}");
    }

    @Test
    void conflatedBookUpdateWithARemovedLevelAndAnEmptySide()
    {
        json.beginBook("X", 12, 10, false, 2, 0);
        json.endSide();
        json.level(10200, 0);
        json.endSide();
        json.endBook(17, true);

        assertJson("{'type':'book','symbol':'X','seq':12,'prev':10,'snapshot':false,'bids':[],'asks':[['102','0']]," +
            "'checksum':17,'conflated':true}");
    }

    @Test
    void bookStepsAreChecked()
    {
        assertThatThrownBy(() -> json.level(1, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(json::endSide).isInstanceOf(IllegalStateException.class);
        json.beginBook("X", 1, 0, true, 0, 0);
        assertThatThrownBy(() -> json.endBook(0, false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> json.heartbeat(1)).isInstanceOf(IllegalStateException.class);
        json.endSide();
        json.endSide();
        assertThatThrownBy(() -> json.level(1, 1)).isInstanceOf(IllegalStateException.class);
        json.endBook(0, false);
        assertThatThrownBy(() -> json.endBook(0, false)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resetAbandonsAnUnfinishedMessage()
    {
        json.beginBook("X", 1, 0, true, 0, 0);
        json.reset();
        json.heartbeat(5);

        assertJson("{'type':'heartbeat','seq':5}");
    }

    @Test
    void heartbeat()
    {
        json.heartbeat(981);

        assertThat(text()).isEqualTo("{\"type\":\"heartbeat\",\"seq\":981}");
    }

    @Test
    void subscribedWithEveryOption()
    {
        final UnsafeBuffer id = ascii("\"sub-1\"");
        json.subscribed(id, 0, id.capacity(), Channel.BOOK, new String[]{"BTC-USD", "ETH-USD", "unused"}, 2, 500,
            ResumeResult.NOT_RECOVERED, 50, 2500);

        assertJson("{'type':'subscribed','id':'sub-1','channel':'book','symbols':['BTC-USD','ETH-USD'],'seq':500," +
            "'recovered':false,'depth':50,'maxHz':2.5}");
        assertThat(text()).startsWith("{\"type\":\"subscribed\",\"id\":\"sub-1\",\"channel\":\"book\",\"symbols\":");
    }

    @Test
    void subscribedMinimalOmitsIdAndOptions()
    {
        json.subscribed(NO_ID, 0, 0, Channel.TRADES, new String[]{"X"}, 1, 0, ResumeResult.NONE, 0, 0);

        assertThat(text()).isEqualTo("{\"type\":\"subscribed\",\"channel\":\"trades\",\"symbols\":[\"X\"],\"seq\":0}");
    }

    @Test
    void subscribedAfterASuccessfulResume()
    {
        final UnsafeBuffer id = ascii("7");
        json.subscribed(id, 0, 1, Channel.TICKER, new String[]{"A", "B"}, 2, 99, ResumeResult.RECOVERED, 0, 0);

        assertJson("{'type':'subscribed','id':7,'channel':'ticker','symbols':['A','B'],'seq':99,'recovered':true}");
    }

    @Test
    void subscribedAndPongCarryTheEpochAsSixteenLowerCaseHexDigits()
    {
        final UnsafeBuffer id = ascii("7");
        json.subscribed(id, 0, 1, Channel.TRADES, new String[]{"A"}, 1, 99, 0x00ab_cdef_0123_4567L,
            ResumeResult.RECOVERED, 0, 0);

        assertThat(text()).isEqualTo("{\"type\":\"subscribed\",\"id\":7,\"channel\":\"trades\",\"symbols\":[\"A\"]," +
            "\"seq\":99,\"epoch\":\"00abcdef01234567\",\"recovered\":true}");
        writer.reset();

        json.pong(id, 0, 1, 99, -1L);
        assertThat(text()).isEqualTo("{\"type\":\"pong\",\"id\":7,\"seq\":99,\"epoch\":\"ffffffffffffffff\"}");
        writer.reset();

        json.pong(id, 0, 1, 99, 0);
        assertThat(text()).isEqualTo("{\"type\":\"pong\",\"id\":7,\"seq\":99}");
    }

    @Test
    void unsubscribed()
    {
        final UnsafeBuffer id = ascii("xx12.5e3xx");
        json.unsubscribed(id, 2, 6, Channel.BOOK, new String[]{"BTC-USD"}, 1);

        assertThat(text()).isEqualTo("{\"type\":\"unsubscribed\",\"id\":12.5e3,\"channel\":\"book\",\"symbols\":[\"BTC-USD\"]}");
    }

    @Test
    void pong()
    {
        final UnsafeBuffer id = ascii("\"p\"");
        json.pong(id, 0, 3, 1234);

        assertThat(text()).isEqualTo("{\"type\":\"pong\",\"id\":\"p\",\"seq\":1234}");
    }

    @Test
    void pongWithoutId()
    {
        json.pong(NO_ID, 0, 0, 0);

        assertJson("{'type':'pong','seq':0}");
    }

    @Test
    void errorEscapesTheMessage()
    {
        final UnsafeBuffer id = ascii("3");
        json.error(id, 0, 1, ErrorCode.BAD_REQUEST, "field 'channel' must be \"trades\"\n");

        assertJsonExactly("{\"type\":\"error\",\"id\":3,\"code\":\"BAD_REQUEST\"," +
            "\"message\":\"field 'channel' must be \\\"trades\\\"\\n\"}");
        assertThat(tree().get("message").textValue()).isEqualTo("field 'channel' must be \"trades\"\n");
    }

    @Test
    void everyErrorCodeIsItsName()
    {
        for (final ErrorCode code : ErrorCode.values())
        {
            writer.reset();
            json.error(NO_ID, 0, 0, code, "m");
            assertThat(tree().get("code").textValue()).isEqualTo(code.name()).matches("[A-Z]+(_[A-Z]+)*");
            assertThat(code.description()).isNotBlank();
        }
    }

    @Test
    void instruments()
    {
        final UnsafeBuffer id = ascii("1");
        json.beginInstruments(id, 0, 1);
        json.instrument("BTC-USD", 1, 2, 4, 1, 10, InstrumentMode.MATCHING);
        json.instrument("EUR/USD", 7, 5, 0, 5, 1000, InstrumentMode.FEED);
        final int length = json.endInstruments();

        assertThat(length).isEqualTo(writer.length());
        assertJson("{'type':'instruments','id':1,'instruments':[" +
            "{'symbol':'BTC-USD','instrumentId':1,'priceScale':2,'qtyScale':4,'tickSize':'0.01','lotSize':'0.001'," +
            "'mode':'matching'}," +
            "{'symbol':'EUR/USD','instrumentId':7,'priceScale':5,'qtyScale':0,'tickSize':'0.00005','lotSize':'1000'," +
            "'mode':'feed'}]}");
    }

    @Test
    void emptyInstruments()
    {
        json.beginInstruments(NO_ID, 0, 0);
        json.endInstruments();

        assertThat(text()).isEqualTo("{\"type\":\"instruments\",\"instruments\":[]}");
        assertThatThrownBy(json::endInstruments).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> json.instrument("X", 1, 0, 0, 1, 1, InstrumentMode.MATCHING))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void messagesFollowEachOtherInOneBuffer()
    {
        final int first = json.heartbeat(1);
        final int second = json.heartbeat(2);

        assertThat(text()).isEqualTo("{\"type\":\"heartbeat\",\"seq\":1}{\"type\":\"heartbeat\",\"seq\":2}");
        assertThat(first + second).isEqualTo(writer.length());
    }

    @Test
    void echoesTheIdAsTheParserKeptIt()
    {
        final ClientRequestParser parser = new ClientRequestParser();
        final ClientRequest request = parser.parse("{\"op\":\"ping\",\"id\":\"a\\\"b\\u00e9\"}", parser.newRequest());
        json.pong(request.idBuffer(), 0, request.idLength(), 8);

        assertThat(tree().get("id").textValue()).isEqualTo("a\"bé");
    }

    /**
     * Compares whole trees; the expected text uses single quotes for readability.
     */
    private void assertJson(final String expectedWithSingleQuotes)
    {
        assertJsonExactly(expectedWithSingleQuotes.replace('\'', '"'));
    }

    private void assertJsonExactly(final String expectedJson)
    {
        try
        {
            final JsonNode expected = MAPPER.readTree(expectedJson);
            assertThat(tree()).isEqualTo(expected);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private JsonNode tree()
    {
        try
        {
            return MAPPER.readTree(text());
        }
        catch (final Exception ex)
        {
            throw new AssertionError("not JSON: " + text(), ex);
        }
    }

    private String text()
    {
        return buffer.getStringWithoutLengthUtf8(writer.offset(), writer.length());
    }

    private static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
