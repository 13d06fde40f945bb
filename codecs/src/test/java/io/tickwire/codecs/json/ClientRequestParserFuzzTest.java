package io.tickwire.codecs.json;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tickwire.codecs.Symbols;
import io.tickwire.codecs.sbe.OrderType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Histogram;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and random input never makes the parser throw: every input yields either a complete, valid
 * request or a {@code BAD_REQUEST}/{@code UNKNOWN_OP} with a message, and an id that is safe to echo.
 */
class ClientRequestParserFuzzTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] FIELDS = {
        "op", "id", "channel", "symbols", "depth", "from", "maxHz", "policy", "symbol", "side", "type", "price", "qty",
        "clientOrderId",
    };
    private static final String[] WORDS = {
        "subscribe", "unsubscribe", "ping", "instruments", "resync", "order", "cancel", "trades", "book", "ticker",
        "conflate", "close", "buy", "sell", "limit", "market", "ioc", "BTC-USD", "ETH/EUR", "101.25", "0.5", "-1", "",
        "x".repeat(70), "bad symbol", "\u0000", "é", "\uD83D\uDE00", "\uD800",
    };
    private static final String[] NUMBERS = {
        "0", "1", "-1", "5", "1000", "1001", "0.5", "1e3", "1E-999", "1e999999999", "-0", "2.5", "0.0004",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1099511627775", "1099511627776",
        "123456789012345678901234567890123456789012345678901234567890", "1".repeat(65), "3.0",
    };

    private final ClientRequestParser parser = new ClientRequestParser();
    private final ClientRequest request = parser.newRequest();

    @Property(tries = 10_000)
    @StatisticsReport(format = Histogram.class)
    void neverThrowsOnAnything(@ForAll("anyInput") final byte[] input) throws Exception
    {
        parser.parse(input, 0, input.length, request);
        assertWellFormedResult(request);
        Statistics.collect(request.isValid() ? "valid" : request.errorCode().name());

        final String asText = new String(input, StandardCharsets.UTF_8);
        parser.parse(asText, request);
        assertWellFormedResult(request);

        Statistics.coverage(checker ->
        {
            // The generators must reach past the JSON syntax into the request rules.
            checker.check("valid").percentage(p -> p > 1);
            checker.check("UNKNOWN_OP").percentage(p -> p > 0.5);
        });
    }

    @Property(tries = 2000)
    void validRequestsRoundTrip(@ForAll("validRequests") final ObjectNode sent) throws Exception
    {
        final byte[] bytes = MAPPER.writeValueAsBytes(sent);
        parser.parse(bytes, 0, bytes.length, request);

        assertThat(request.isValid()).as("%s -> %s", sent, request).isTrue();
        assertThat(request.op().wireName()).isEqualTo(sent.get("op").textValue());
        assertThat(request.channel().wireName()).isEqualTo(sent.get("channel").textValue());
        final ArrayNode symbols = (ArrayNode)sent.get("symbols");
        assertThat(request.symbolCount()).isLessThanOrEqualTo(symbols.size());
        for (final JsonNode symbol : symbols)
        {
            assertThat(contains(request, symbol.textValue())).isTrue();
        }
        if (sent.has("id"))
        {
            assertThat(MAPPER.readTree(request.idJson())).isEqualTo(sent.get("id"));
        }
        assertThat(request.depth()).isEqualTo(sent.has("depth") ? sent.get("depth").intValue() : 0);
        assertThat(request.from()).isEqualTo(sent.has("from") ? sent.get("from").longValue() : -1);
    }

    @Provide
    Arbitrary<byte[]> anyInput()
    {
        return Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.strings().all().ofMaxLength(200).map(ClientRequestParserFuzzTest::utf8)),
            Tuple.of(1, Arbitraries.strings().withChars("{}[]\":,0123456789.-eE \\tnrufalsop").ofMaxLength(200)
                .map(ClientRequestParserFuzzTest::utf8)),
            Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
            Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(ClientRequestParserFuzzTest::withBrace)),
            Tuple.of(4, Arbitraries.longs().map(ClientRequestParserFuzzTest::nearlyValid)),
            Tuple.of(2, Arbitraries.longs().map(ClientRequestParserFuzzTest::mutated)),
            Tuple.of(1, Arbitraries.integers().between(1, 20_000).map(ClientRequestParserFuzzTest::deeplyNested)),
            Tuple.of(1, Arbitraries.integers().between(1, 20_000).map(ClientRequestParserFuzzTest::hugeNumber)));
    }

    @Provide
    Arbitrary<ObjectNode> validRequests()
    {
        return Arbitraries.longs().map(seed ->
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final ObjectNode node = MAPPER.createObjectNode();
            final String op = random.nextBoolean() ? "subscribe" : random.nextBoolean() ? "unsubscribe" : "resync";
            final String channel = pick(random, "trades", "book", "ticker");
            node.put("op", op).put("channel", channel);
            final ArrayNode symbols = node.putArray("symbols");
            for (int i = 0, n = 1 + random.nextInt(20); i < n; i++)
            {
                symbols.add(randomSymbol(random));
            }
            if (random.nextBoolean())
            {
                if (random.nextBoolean())
                {
                    node.put("id", random.nextLong());
                }
                else
                {
                    node.put("id", JsonWriterTest.withLoneSurrogatesReplaced(randomText(random, 64)));
                }
            }
            if (op.equals("subscribe") && channel.equals("book") && random.nextBoolean())
            {
                node.put("depth", 1 + random.nextInt(1000));
            }
            if (op.equals("subscribe") && random.nextBoolean())
            {
                node.put("from", random.nextLong(Long.MAX_VALUE));
            }
            if (random.nextBoolean())
            {
                node.put("unknownFutureField", randomText(random, 10));
            }
            return node;
        });
    }

    private static void assertWellFormedResult(final ClientRequest request) throws Exception
    {
        if (request.isValid())
        {
            assertThat(request.errorMessage()).isNull();
            assertThat(request.op()).isNotNull();
            switch (request.op())
            {
                case SUBSCRIBE:
                case UNSUBSCRIBE:
                case RESYNC:
                    assertThat(request.channel()).isNotNull();
                    assertThat(request.symbolCount()).isBetween(1, ClientRequestParser.DEFAULT_MAX_SYMBOLS);
                    for (int i = 0; i < request.symbolCount(); i++)
                    {
                        assertThat(Symbols.isValid(request.symbol(i))).isTrue();
                        for (int j = 0; j < i; j++)
                        {
                            assertThat(request.symbol(j)).isNotEqualTo(request.symbol(i));
                        }
                    }
                    break;
                case ORDER:
                    assertThat(Symbols.isValid(request.orderSymbol())).isTrue();
                    assertThat(request.side()).isNotNull();
                    assertThat(request.qty()).isNotNull();
                    assertThat(request.price() == null).isEqualTo(request.orderType() == OrderType.MARKET);
                    assertThat(request.clientOrderId()).isBetween(1L, ClientRequestParser.MAX_CLIENT_ORDER_ID);
                    break;
                case CANCEL:
                    assertThat(Symbols.isValid(request.orderSymbol())).isTrue();
                    assertThat(request.clientOrderId()).isBetween(1L, ClientRequestParser.MAX_CLIENT_ORDER_ID);
                    break;
                default:
                    break;
            }
            assertThat(request.depth()).isBetween(0, ClientRequestParser.MAX_BOOK_DEPTH);
            assertThat(request.maxHzMilli()).isBetween(0L, 1_000_000L);
        }
        else
        {
            assertThat(request.errorCode()).as("%s", request).isIn(ErrorCode.BAD_REQUEST, ErrorCode.UNKNOWN_OP);
            assertThat(request.errorMessage()).isNotBlank().hasSizeLessThan(300);
        }
        if (request.hasId())
        {
            final JsonNode id = MAPPER.readTree(request.idJson());
            assertThat(id.isNumber() || id.isTextual()).as("id %s", request.idJson()).isTrue();
        }
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withBrace(final byte[] bytes)
    {
        final byte[] result = new byte[bytes.length + 1];
        result[0] = '{';
        System.arraycopy(bytes, 0, result, 1, bytes.length);
        return result;
    }

    /**
     * Objects made of the real field names in any order, mostly with plausible values, sometimes with a value
     * of any type, an unknown field or a duplicate: they reach the request rules, not just the JSON syntax.
     */
    private static byte[] nearlyValid(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final String[] fields = FIELDS.clone();
        for (int i = fields.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final String swap = fields[i];
            fields[i] = fields[j];
            fields[j] = swap;
        }
        final StringBuilder json = new StringBuilder("{");
        for (final String name : fields)
        {
            if (name.equals("op") ? random.nextInt(20) == 0 : random.nextInt(3) != 0)
            {
                continue;
            }
            if (json.length() > 1)
            {
                json.append(',');
            }
            final int kind = random.nextInt(40);
            appendString(json, kind == 0 ? randomText(random, 5) : kind == 1 ? "op" : name);
            json.append(':');
            if (random.nextInt(5) == 0)
            {
                appendValue(json, random, 0);
            }
            else
            {
                appendPlausible(json, random, name);
            }
        }
        return utf8(json.append('}').toString());
    }

    private static void appendPlausible(final StringBuilder json, final SplittableRandom random, final String name)
    {
        switch (name)
        {
            case "op":
                appendString(json, random.nextInt(15) == 0 ? WORDS[random.nextInt(WORDS.length)] :
                    pick(random, "subscribe", "unsubscribe", "ping", "instruments", "resync", "order", "cancel"));
                break;
            case "id":
                if (random.nextBoolean())
                {
                    json.append(random.nextLong());
                }
                else
                {
                    appendString(json, randomText(random, 70));
                }
                break;
            case "channel":
                appendString(json, pick(random, "trades", "book", "ticker"));
                break;
            case "symbols":
                json.append('[');
                for (int i = 0, n = random.nextInt(6); i < n; i++)
                {
                    if (i > 0)
                    {
                        json.append(',');
                    }
                    appendString(json, random.nextInt(10) == 0 ? randomText(random, 18) : randomSymbol(random));
                }
                json.append(']');
                break;
            case "depth":
                json.append(random.nextInt(1100) - 50);
                break;
            case "from":
            case "clientOrderId":
                json.append(random.nextLong(1L << 41) - 5);
                break;
            case "maxHz":
                json.append(random.nextDouble() * 1100);
                break;
            case "policy":
                appendString(json, pick(random, "conflate", "close"));
                break;
            case "symbol":
                appendString(json, randomSymbol(random));
                break;
            case "side":
                appendString(json, pick(random, "buy", "sell"));
                break;
            case "type":
                appendString(json, pick(random, "limit", "market", "ioc"));
                break;
            default:
                appendString(json, pick(random, "101.25", "0.5", "3", "-0.001", "1.", ".5", "1e5", ""));
                break;
        }
    }

    /** A nearly valid request with a few bytes changed, inserted or cut. */
    private static byte[] mutated(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] bytes = nearlyValid(random.nextLong());
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++)
        {
            bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
        }
        return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
    }

    private static byte[] deeplyNested(final int depth)
    {
        final String open = depth % 2 == 0 ? "[" : "{\"a\":";
        final String close = depth % 2 == 0 ? "]" : "}";
        return utf8("{\"op\":\"ping\",\"x\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}");
    }

    private static byte[] hugeNumber(final int digits)
    {
        final String field = FIELDS[digits % FIELDS.length];
        final String number = (digits % 3 == 0 ? "-" : "") + "9".repeat(digits) + (digits % 2 == 0 ? "e" + digits : "");
        return utf8("{\"op\":\"subscribe\",\"" + field + "\":" + number + "}");
    }

    private static void appendValue(final StringBuilder json, final SplittableRandom random, final int depth)
    {
        switch (random.nextInt(depth > 4 ? 5 : 8))
        {
            case 0:
            case 1:
                appendString(json, WORDS[random.nextInt(WORDS.length)]);
                break;
            case 2:
                json.append(NUMBERS[random.nextInt(NUMBERS.length)]);
                break;
            case 3:
                json.append(pick(random, "true", "false", "null"));
                break;
            case 4:
                appendString(json, randomText(random, 20));
                break;
            case 5:
            case 6:
            {
                json.append('[');
                for (int i = 0, n = random.nextInt(5); i < n; i++)
                {
                    if (i > 0)
                    {
                        json.append(',');
                    }
                    if (random.nextBoolean())
                    {
                        appendString(json, random.nextBoolean() ? randomSymbol(random) : WORDS[random.nextInt(WORDS.length)]);
                    }
                    else
                    {
                        appendValue(json, random, depth + 1);
                    }
                }
                json.append(']');
                break;
            }
            default:
            {
                json.append('{');
                for (int i = 0, n = random.nextInt(3); i < n; i++)
                {
                    if (i > 0)
                    {
                        json.append(',');
                    }
                    appendString(json, FIELDS[random.nextInt(FIELDS.length)]);
                    json.append(':');
                    appendValue(json, random, depth + 1);
                }
                json.append('}');
                break;
            }
        }
    }

    private static void appendString(final StringBuilder json, final String value)
    {
        try
        {
            json.append(MAPPER.writeValueAsString(value));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String randomSymbol(final SplittableRandom random)
    {
        final String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0189.-_/";
        final StringBuilder symbol = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(16); i < n; i++)
        {
            symbol.append(chars.charAt(random.nextInt(chars.length())));
        }
        return symbol.toString();
    }

    private static String randomText(final SplittableRandom random, final int maxLength)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0, n = random.nextInt(maxLength + 1); i < n; i++)
        {
            final int kind = random.nextInt(4);
            text.append(kind == 0 ? (char)random.nextInt(0x20) : kind == 1 ? (char)random.nextInt(0x10000) :
                (char)(0x20 + random.nextInt(0x5f)));
        }
        return text.toString();
    }

    private static String pick(final SplittableRandom random, final String... values)
    {
        return values[random.nextInt(values.length)];
    }

    private static boolean contains(final ClientRequest request, final String symbol)
    {
        for (int i = 0; i < request.symbolCount(); i++)
        {
            if (request.symbol(i).equals(symbol))
            {
                return true;
            }
        }
        return false;
    }
}
