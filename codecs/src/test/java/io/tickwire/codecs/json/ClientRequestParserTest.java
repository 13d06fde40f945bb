package io.tickwire.codecs.json;

import java.nio.charset.StandardCharsets;

import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientRequestParserTest
{
    private final ClientRequestParser parser = new ClientRequestParser();
    private final ClientRequest request = parser.newRequest();

    // ---------------------------------------------------------------- valid requests

    @Test
    void minimalSubscribe()
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"BTC-USD\"]}");

        assertValid();
        assertThat(request.op()).isEqualTo(ClientOp.SUBSCRIBE);
        assertThat(request.channel()).isEqualTo(Channel.TRADES);
        assertThat(symbols()).containsExactly("BTC-USD");
        assertThat(request.hasId()).isFalse();
        assertThat(request.idLength()).isZero();
        assertThat(request.depth()).isZero();
        assertThat(request.hasFrom()).isFalse();
        assertThat(request.from()).isEqualTo(-1);
        assertThat(request.maxHzMilli()).isZero();
        assertThat(request.policy()).isNull();
    }

    @Test
    void subscribeWithEveryOption()
    {
        parse("{\"op\":\"subscribe\",\"id\":17,\"channel\":\"book\",\"symbols\":[\"BTC-USD\",\"ETH-USD\"],\"depth\":50," +
            "\"from\":123456,\"maxHz\":2.5,\"policy\":\"close\"}");

        assertValid();
        assertThat(request.idJson()).isEqualTo("17");
        assertThat(request.channel()).isEqualTo(Channel.BOOK);
        assertThat(symbols()).containsExactly("BTC-USD", "ETH-USD");
        assertThat(request.depth()).isEqualTo(50);
        assertThat(request.from()).isEqualTo(123456);
        assertThat(request.maxHzMilli()).isEqualTo(2500);
        assertThat(request.policy()).isEqualTo(SlowConsumerPolicy.CLOSE);
    }

    @Test
    void fieldsComeInAnyOrder()
    {
        parse("{\"symbols\":[\"X\"],\"channel\":\"ticker\",\"policy\":\"conflate\",\"op\":\"subscribe\",\"from\":0}");

        assertValid();
        assertThat(request.channel()).isEqualTo(Channel.TICKER);
        assertThat(request.from()).isZero();
        assertThat(request.hasFrom()).isTrue();
        assertThat(request.policy()).isEqualTo(SlowConsumerPolicy.CONFLATE);
    }

    @Test
    void symbolsAreDeduplicatedInFirstSeenOrder()
    {
        parse("{\"op\":\"unsubscribe\",\"channel\":\"book\",\"symbols\":[\"B\",\"A\",\"B\",\"C\",\"A\"]}");

        assertValid();
        assertThat(request.op()).isEqualTo(ClientOp.UNSUBSCRIBE);
        assertThat(symbols()).containsExactly("B", "A", "C");
    }

    @Test
    void pingAndInstruments()
    {
        parse("{\"op\":\"ping\",\"id\":\"p1\"}");
        assertValid();
        assertThat(request.op()).isEqualTo(ClientOp.PING);
        assertThat(request.idJson()).isEqualTo("\"p1\"");

        parse(" \n\t{ \"op\" : \"instruments\" }\r\n ");
        assertValid();
        assertThat(request.op()).isEqualTo(ClientOp.INSTRUMENTS);
        assertThat(request.hasId()).isFalse();
    }

    @Test
    void resync()
    {
        parse("{\"op\":\"resync\",\"channel\":\"book\",\"symbols\":[\"BTC-USD\"]}");

        assertValid();
        assertThat(request.op()).isEqualTo(ClientOp.RESYNC);
        assertThat(request.channel()).isEqualTo(Channel.BOOK);
    }

    @Test
    void limitOrder()
    {
        parse("{\"op\":\"order\",\"id\":9,\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"type\":\"limit\",\"price\":\"101.25\"," +
            "\"qty\":\"0.5\",\"clientOrderId\":1099511627775}");

        assertValid();
        assertThat(request.op()).isEqualTo(ClientOp.ORDER);
        assertThat(request.orderSymbol()).isEqualTo("BTC-USD");
        assertThat(request.side()).isEqualTo(Side.BUY);
        assertThat(request.orderType()).isEqualTo(OrderType.LIMIT);
        assertThat(request.price()).isEqualTo("101.25");
        assertThat(request.qty()).isEqualTo("0.5");
        assertThat(request.clientOrderId()).isEqualTo((1L << 40) - 1);
    }

    @Test
    void marketAndIocOrders()
    {
        parse("{\"op\":\"order\",\"symbol\":\"X\",\"side\":\"sell\",\"type\":\"market\",\"qty\":\"3\",\"clientOrderId\":1}");
        assertValid();
        assertThat(request.orderType()).isEqualTo(OrderType.MARKET);
        assertThat(request.side()).isEqualTo(Side.SELL);
        assertThat(request.price()).isNull();

        parse("{\"op\":\"order\",\"symbol\":\"X\",\"side\":\"sell\",\"type\":\"ioc\",\"price\":\"-0.5\",\"qty\":\"3.\"," +
            "\"clientOrderId\":2}");
        assertValid();
        assertThat(request.orderType()).isEqualTo(OrderType.IOC);
        assertThat(request.price()).isEqualTo("-0.5");
    }

    @Test
    void cancel()
    {
        parse("{\"op\":\"cancel\",\"symbol\":\"X\",\"clientOrderId\":77}");

        assertValid();
        assertThat(request.op()).isEqualTo(ClientOp.CANCEL);
        assertThat(request.orderSymbol()).isEqualTo("X");
        assertThat(request.clientOrderId()).isEqualTo(77);
    }

    @Test
    void unknownFieldsAreIgnored()
    {
        parse("{\"op\":\"ping\",\"future\":{\"x\":[1,{\"y\":null}]},\"flag\":true,\"n\":1e400,\"s\":\"\"}");

        assertValid();
    }

    @Test
    void fieldsTheOpDoesNotUseAreIgnored()
    {
        parse("{\"op\":\"ping\",\"channel\":\"book\",\"depth\":5}");

        assertValid();
    }

    @Test
    void parsesASliceOfAByteArray()
    {
        final byte[] bytes = "xx{\"op\":\"ping\",\"id\":1}yy".getBytes(StandardCharsets.UTF_8);
        parser.parse(bytes, 2, bytes.length - 4, request);

        assertValid();
        assertThat(request.idJson()).isEqualTo("1");
    }

    @Test
    void aRequestIsResetBetweenParses()
    {
        parse("{\"op\":\"subscribe\",\"id\":1,\"channel\":\"book\",\"symbols\":[\"A\",\"B\"],\"depth\":3,\"from\":4}");
        parse("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"C\"]}");

        assertValid();
        assertThat(symbols()).containsExactly("C");
        assertThat(request.hasId()).isFalse();
        assertThat(request.depth()).isZero();
        assertThat(request.hasFrom()).isFalse();
    }

    // ---------------------------------------------------------------- ids

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "12.50", "1E+3", "-0", "1e-7", "123456789012345678901234567890"})
    void numericIdsAreKeptExactlyAsSent(final String id)
    {
        parse("{\"op\":\"ping\",\"id\":" + id + "}");

        assertValid();
        assertThat(request.idJson()).isEqualTo(id);
    }

    @Test
    void stringIdsAreKeptAsTheSameJsonString()
    {
        parse("{\"op\":\"ping\",\"id\":\"a\\\"b\\\\c\\u00e9\\n\\/\"}");

        assertValid();
        assertThat(request.idJson()).isEqualTo("\"a\\\"b\\\\cé\\n/\"");
    }

    @Test
    void idsOfUpTo64Characters()
    {
        final String longest = "x".repeat(64);
        parse("{\"op\":\"ping\",\"id\":\"" + longest + "\"}");
        assertValid();
        assertThat(request.idJson()).isEqualTo("\"" + longest + "\"");

        parse("{\"op\":\"ping\",\"id\":\"" + longest + "x\"}");
        assertError(ErrorCode.BAD_REQUEST, "'id'");
        parse("{\"op\":\"ping\",\"id\":" + "1".repeat(64) + "}");
        assertValid();
        parse("{\"op\":\"ping\",\"id\":" + "1".repeat(65) + "}");
        assertError(ErrorCode.BAD_REQUEST, "limit");
    }

    @Test
    void theLongestIdFitsEvenWhenEscaped()
    {
        parse("{\"op\":\"ping\",\"id\":\"" + "\\u0001".repeat(64) + "\"}");

        assertValid();
        assertThat(request.idLength()).isEqualTo(ClientRequest.MAX_ID_BYTES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "true", "{}", "[1]", "{\"a\":1}"})
    void idsOfOtherTypesAreRefused(final String id)
    {
        parse("{\"op\":\"ping\",\"id\":" + id + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'id' must be a number or a string");
    }

    @Test
    void theIdIsKeptForTheErrorReplyWhereverItStands()
    {
        parse("{\"id\":5,\"op\":\"subscribe\",\"channel\":\"quotes\",\"symbols\":[\"X\"]}");
        assertError(ErrorCode.BAD_REQUEST, "'channel'");
        assertThat(request.idJson()).isEqualTo("5");

        parse("{\"op\":\"subscribe\",\"channel\":\"quotes\",\"symbols\":[\"X\"],\"id\":\"late\"}");
        assertError(ErrorCode.BAD_REQUEST, "'channel'");
        assertThat(request.idJson()).isEqualTo("\"late\"");

        parse("{\"op\":\"nope\",\"id\":6}");
        assertError(ErrorCode.UNKNOWN_OP, "nope");
        assertThat(request.idJson()).isEqualTo("6");

        parse("{\"id\":\"x\",\"op\":");
        assertError(ErrorCode.BAD_REQUEST, "malformed JSON");
        assertThat(request.idJson()).isEqualTo("\"x\"");
    }

    // ---------------------------------------------------------------- malformed input

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t "})
    void emptyInput(final String text)
    {
        parse(text);

        assertError(ErrorCode.BAD_REQUEST, "empty request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"op\"", "1", "null", "true", "[{\"op\":\"ping\"}]", "\uFEFF{\"op\":\"ping\"}"})
    void theRootMustBeAnObject(final String text)
    {
        parse(text);

        assertError(ErrorCode.BAD_REQUEST, "must be a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{", "{\"op\"", "{\"op\":}", "{\"op\":\"ping\",}", "{'op':'ping'}", "{op:\"ping\"}", "{\"op\":\"ping\"/*c*/}",
        "{\"op\":\"ping\",\"n\":NaN}", "{\"op\":\"ping\",\"n\":01}", "{\"op\":\"ping\",\"n\":+1}", "{\"op\":\"ping\" \"x\":1}",
        "{\"op\":\"pi\nng\"}", "{\"op\":\"ping\",\"s\":\"\\x\"}",
    })
    void malformedJson(final String text)
    {
        parse(text);

        assertError(ErrorCode.BAD_REQUEST, "malformed JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"op\":\"ping\"} x", "{\"op\":\"ping\"}{}", "{\"op\":\"ping\"}]", "{\"op\":\"ping\"},", "{}1"})
    void trailingDataIsRefused(final String text)
    {
        parse(text);

        assertError(ErrorCode.BAD_REQUEST, "malformed JSON");
    }

    @Test
    void duplicateKeysAreRefused()
    {
        parse("{\"op\":\"ping\",\"op\":\"ping\"}");
        assertError(ErrorCode.BAD_REQUEST, "op");
        assertThat(request.errorMessage()).containsIgnoringCase("duplicate");

        parse("{\"op\":\"ping\",\"x\":{\"a\":1,\"a\":2}}");
        assertError(ErrorCode.BAD_REQUEST, "uplicate");
    }

    @Test
    void nestingIsLimitedToFourLevels()
    {
        parse("{\"op\":\"ping\",\"x\":{\"y\":{\"z\":[1]}}}");
        assertValid();

        parse("{\"op\":\"ping\",\"x\":{\"y\":{\"z\":[[1]]}}}");
        assertError(ErrorCode.BAD_REQUEST, "request exceeds a limit");
        assertThat(request.errorMessage()).contains("nesting depth").doesNotContain("StreamReadConstraints");

        parse("{\"op\":\"ping\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertError(ErrorCode.BAD_REQUEST, "limit");
    }

    @Test
    void theRequestLengthIsLimited()
    {
        final ClientRequestParser small = new ClientRequestParser(100, 4);
        final String padded = "{\"op\":\"ping\",\"pad\":\"" + "x".repeat(100) + "\"}";

        small.parse(padded, request);
        assertThat(request.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(request.errorMessage()).isEqualTo("request longer than 100 characters");

        final byte[] bytes = padded.getBytes(StandardCharsets.UTF_8);
        small.parse(bytes, 0, bytes.length, request);
        assertThat(request.errorMessage()).isEqualTo("request longer than 100 bytes");

        small.parse(bytes, 0, 100, request);
        assertThat(request.errorMessage()).startsWith("malformed JSON");
    }

    @Test
    void invalidUtf8IsRefused()
    {
        final byte[] bytes = {'{', '"', 'o', 'p', '"', ':', '"', (byte)0xC3, (byte)0x28, '"', '}'};
        parser.parse(bytes, 0, bytes.length, request);

        assertError(ErrorCode.BAD_REQUEST, "malformed JSON");
    }

    @Test
    void otherEncodingsAreRefused()
    {
        final byte[] utf32 = "{\"op\":\"ping\"}".getBytes(java.nio.charset.Charset.forName("UTF-32LE"));
        parser.parse(utf32, 0, utf32.length, request);
        assertError(ErrorCode.BAD_REQUEST, "zero byte");

        final byte[] utf16 = "{\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_16);
        parser.parse(utf16, 0, utf16.length, request);
        assertError(ErrorCode.BAD_REQUEST, "must be a JSON object");
    }

    @Test
    void aBadSliceIsAProgrammingError()
    {
        final byte[] bytes = new byte[4];

        assertThatThrownBy(() -> parser.parse(bytes, 2, 3, request)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> parser.parse(bytes, -1, 1, request)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> parser.parse("{}", new ClientRequest(1))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- op

    @Test
    void opIsRequired()
    {
        parse("{\"channel\":\"quotes\"}");

        assertError(ErrorCode.BAD_REQUEST, "missing field 'op'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "null", "[\"ping\"]", "{}", "true"})
    void opMustBeAString(final String op)
    {
        parse("{\"op\":" + op + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'op' must be a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"subscribe2", "PING", "Subscribe", "", "login"})
    void unknownOps(final String op)
    {
        parse("{\"op\":\"" + op + "\"}");

        assertError(ErrorCode.UNKNOWN_OP, "unknown op '" + op + "'");
        assertThat(request.op()).isNull();
    }

    @Test
    void anUnknownOpOutranksBadFields()
    {
        parse("{\"depth\":0,\"op\":\"fly\",\"channel\":7}");

        assertError(ErrorCode.UNKNOWN_OP, "fly");
    }

    @Test
    void aLongUnknownOpIsCutInTheMessage()
    {
        parse("{\"op\":\"" + "z".repeat(1000) + "\"}");

        assertError(ErrorCode.UNKNOWN_OP, "zzz...");
        assertThat(request.errorMessage().length()).isLessThan(60);
    }

    // ---------------------------------------------------------------- subscribe fields

    @ParameterizedTest
    @ValueSource(strings = {"\"quotes\"", "\"Trades\"", "\"\"", "1", "null", "[\"book\"]"})
    void unknownChannelsAreBadRequests(final String channel)
    {
        parse("{\"op\":\"subscribe\",\"channel\":" + channel + ",\"symbols\":[\"X\"]}");

        assertError(ErrorCode.BAD_REQUEST, "field 'channel' must be \"trades\", \"book\" or \"ticker\"");
    }

    @Test
    void subscribeNeedsChannelAndSymbols()
    {
        parse("{\"op\":\"subscribe\",\"symbols\":[\"X\"]}");
        assertError(ErrorCode.BAD_REQUEST, "missing field 'channel'");

        parse("{\"op\":\"subscribe\",\"channel\":\"book\"}");
        assertError(ErrorCode.BAD_REQUEST, "missing field 'symbols'");

        parse("{\"op\":\"unsubscribe\",\"channel\":\"book\",\"symbols\":[]}");
        assertError(ErrorCode.BAD_REQUEST, "field 'symbols' must not be empty");

        parse("{\"op\":\"resync\",\"symbols\":[\"X\"]}");
        assertError(ErrorCode.BAD_REQUEST, "missing field 'channel'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"X\"", "null", "{}", "[1]", "[\"X\",null]", "[[\"X\"]]"})
    void symbolsMustBeAnArrayOfStrings(final String symbols)
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":" + symbols + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'symbols' must be an array of strings");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "BTC USD", "ABCDEFGHIJKLMNOPQ", "é", "a+b", "x\\u0000"})
    void symbolsMustBeWellFormed(final String symbol)
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"OK\",\"" + symbol + "\"]}");

        assertError(ErrorCode.BAD_REQUEST, "field 'symbols' has an invalid symbol at entry 1");
    }

    @Test
    void theNumberOfSymbolsIsLimited()
    {
        final ClientRequestParser three = new ClientRequestParser(1024, 3);
        final ClientRequest small = three.newRequest();

        three.parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"A\",\"B\",\"C\"]}", small);
        assertThat(small.isValid()).isTrue();

        three.parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"A\",\"B\",\"C\",\"D\"]}", small);
        assertThat(small.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(small.errorMessage()).isEqualTo("field 'symbols' has more than 3 entries");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1001", "1.5", "5.0", "\"5\"", "null", "4294967296", "1e2"})
    void depthMustBeAnIntegerFrom1To1000(final String depth)
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"depth\":" + depth + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'depth' must be an integer from 1 to 1000");
    }

    @Test
    void depthAppliesToTheBookOnly()
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"depth\":1000}");
        assertValid();
        parse("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"X\"],\"depth\":10}");
        assertError(ErrorCode.BAD_REQUEST, "field 'depth' applies to channel \"book\" only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.0", "\"1\"", "null", "9223372036854775808", "1e3"})
    void fromMustBeAnIntegerSeq(final String from)
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"from\":" + from + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'from'");
    }

    @Test
    void epochIsSixteenHexDigitsGivenWithFrom()
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"X\"],\"from\":5," +
            "\"epoch\":\"ffEEddccbbaa0019\"}");

        assertValid();
        assertThat(request.hasEpoch()).isTrue();
        assertThat(request.epoch()).isEqualTo(0xffeeddccbbaa0019L);
        assertThat(request.from()).isEqualTo(5);

        parse("{\"op\":\"subscribe\",\"channel\":\"trades\",\"symbols\":[\"X\"],\"from\":5}");
        assertValid();
        assertThat(request.hasEpoch()).isFalse();
        assertThat(request.epoch()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0123456789abcde\"", "\"0123456789abcdef0\"", "\"0123456789abcdeg\"",
        "\"\u0663123456789abcdef\"", "\"\"", "1234567890123456", "null", "[\"0123456789abcdef\"]"})
    void epochMustBeSixteenAsciiHexDigits(final String epoch)
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"from\":1,\"epoch\":" + epoch + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'epoch' must be a string of 16 hex digits");
    }

    @Test
    void epochWithoutFromIsRefused()
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"epoch\":\"0123456789abcdef\"}");

        assertError(ErrorCode.BAD_REQUEST, "field 'epoch' applies only with 'from'");
    }

    @Test
    void fromTakesTheWholeLongRange()
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"from\":9223372036854775807}");

        assertValid();
        assertThat(request.from()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1000.001", "1001", "0.0004", "1e999", "-1e999", "1e-999", "\"5\"", "null"})
    void maxHzMustBeFrom0001To1000(final String maxHz)
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"maxHz\":" + maxHz + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'maxHz' must be a number from 0.001 to 1000");
    }

    @Test
    void maxHzIsRoundedToThousandths()
    {
        final String[][] cases = {{"1000", "1000000"}, {"0.001", "1"}, {"0.0005", "1"}, {"1e2", "100000"}, {"0.3333", "333"}};
        for (final String[] c : cases)
        {
            parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"maxHz\":" + c[0] + "}");
            assertValid();
            assertThat(request.maxHzMilli()).as(c[0]).isEqualTo(Long.parseLong(c[1]));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"drop\"", "\"CLOSE\"", "1", "null"})
    void policyIsConflateOrClose(final String policy)
    {
        parse("{\"op\":\"subscribe\",\"channel\":\"book\",\"symbols\":[\"X\"],\"policy\":" + policy + "}");

        assertError(ErrorCode.BAD_REQUEST, "field 'policy' must be \"conflate\" or \"close\"");
    }

    @Test
    void theFirstBadFieldInDocumentOrderIsReported()
    {
        parse("{\"op\":\"subscribe\",\"depth\":0,\"channel\":\"x\",\"symbols\":[\"X\"]}");
        assertError(ErrorCode.BAD_REQUEST, "'depth'");

        parse("{\"channel\":\"x\",\"depth\":0,\"op\":\"subscribe\",\"symbols\":[\"X\"]}");
        assertError(ErrorCode.BAD_REQUEST, "'channel'");
    }

    // ---------------------------------------------------------------- order and cancel fields

    @Test
    void orderNeedsItsFields()
    {
        final String all = "\"op\":\"order\",\"symbol\":\"X\",\"side\":\"buy\",\"type\":\"limit\",\"price\":\"1\"," +
            "\"qty\":\"1\",\"clientOrderId\":1";
        parse("{" + all + "}");
        assertValid();

        for (final String field : new String[]{"symbol", "side", "type", "price", "qty", "clientOrderId"})
        {
            final String without = all.replaceAll(",\"" + field + "\":(\"[^\"]*\"|[0-9]+)", "");
            parse("{" + without + "}");
            assertError(ErrorCode.BAD_REQUEST, "missing field '" + field + "'");
        }
    }

    @Test
    void aMarketOrderHasNoPrice()
    {
        parse("{\"op\":\"order\",\"symbol\":\"X\",\"side\":\"buy\",\"type\":\"market\",\"price\":\"1\",\"qty\":\"1\"," +
            "\"clientOrderId\":1}");

        assertError(ErrorCode.BAD_REQUEST, "field 'price' must not be given for a market order");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"side\":\"bid\"", "\"type\":\"stop\"", "\"price\":101.25", "\"price\":\"1e5\"", "\"price\":\"\"", "\"qty\":\"-\"",
        "\"qty\":\"1.2.3\"", "\"qty\":\"0x10\"", "\"clientOrderId\":0", "\"clientOrderId\":1099511627776",
        "\"clientOrderId\":\"5\"", "\"symbol\":\"not valid\"", "\"symbol\":[\"X\"]",
    })
    void badOrderFields(final String field)
    {
        final String name = field.substring(1, field.indexOf('"', 1));
        final String valid = "{\"op\":\"order\",\"symbol\":\"X\",\"side\":\"buy\",\"type\":\"limit\"," +
            "\"price\":\"1\",\"qty\":\"1\",\"clientOrderId\":1}";
        parse(valid.replace("\"" + name + "\":", "\"ignored\":").replace("{", "{" + field + ","));

        assertError(ErrorCode.BAD_REQUEST, "field '" + name + "'");
    }

    @Test
    void cancelNeedsSymbolAndClientOrderId()
    {
        parse("{\"op\":\"cancel\",\"clientOrderId\":1}");
        assertError(ErrorCode.BAD_REQUEST, "missing field 'symbol'");

        parse("{\"op\":\"cancel\",\"symbol\":\"X\"}");
        assertError(ErrorCode.BAD_REQUEST, "missing field 'clientOrderId'");
    }

    // ---------------------------------------------------------------- helpers

    private void parse(final String text)
    {
        parser.parse(text, request);
        final ClientRequest fromBytes = parser.newRequest();
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        parser.parse(bytes, 0, bytes.length, fromBytes);
        assertThat(fromBytes.errorCode()).as("byte[] and String parse alike: %s", text).isEqualTo(request.errorCode());
        assertThat(fromBytes.idJson()).isEqualTo(request.idJson());
        if (request.isValid())
        {
            assertThat(fromBytes.toString()).isEqualTo(request.toString());
        }
    }

    private void assertValid()
    {
        assertThat(request.isValid()).as("%s", request).isTrue();
        assertThat(request.errorCode()).isNull();
        assertThat(request.errorMessage()).isNull();
    }

    private void assertError(final ErrorCode code, final String messagePart)
    {
        assertThat(request.errorCode()).as("%s", request).isEqualTo(code);
        assertThat(request.errorMessage()).contains(messagePart);
        assertThat(request.isValid()).isFalse();
    }

    private String[] symbols()
    {
        final String[] symbols = new String[request.symbolCount()];
        for (int i = 0; i < symbols.length; i++)
        {
            symbols[i] = request.symbol(i);
        }
        return symbols;
    }
}
