package io.tickwire.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The seeded generator of {@link HostileInputTest}: hostile (and some valid) inputs, each with the exact outcome
 * the gateway documents for it. Text requests are checked against a small reference model of the
 * connection's subscriptions, so valid requests and TOO_MANY_SUBSCRIPTIONS are predicted exactly too.
 * <p>
 * The gateway under test: {@link #MAX_BYTES} inbound, {@link #MAX_SUBS} streams per session, max depth 100,
 * the lane token entitled to {@code ["BTC-*","ETH-USD","SOL-USD","Z*"]}, and instruments
 * {@code BTC-USD, ETH-USD, SOL-USD, BNB-USD, LTC-USD, AVAX-USD, LINK-USD, AAPL}.
 */
final class HostileCases
{
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_BYTES = 8192;
    static final int MAX_SUBS = 8;
    static final int MAX_DEPTH = 100;
    static final int MAX_ID = io.tickwire.codecs.json.ClientRequest.MAX_ID_LENGTH;
    static final String LANE_SYM = "[\"BTC-*\",\"ETH-USD\",\"SOL-USD\",\"Z*\"]";

    static final List<String> ENTITLED_KNOWN = List.of("BTC-USD", "ETH-USD", "SOL-USD");
    static final List<String> ENTITLED_UNKNOWN = List.of("Z1", "ZZ-TOP", "BTC-NOPE", "Z.Q/1", "BTC-");
    static final List<String> UNENTITLED_KNOWN = List.of("BNB-USD", "LTC-USD", "AVAX-USD", "LINK-USD", "AAPL");
    static final List<String> UNENTITLED_UNKNOWN = List.of("QQQ", "X-1", "MSFT", "btc-usd", "ETH-USDT");
    static final List<String> CHANNELS = List.of("trades", "book", "ticker");
    static final Set<String> KNOWN_FIELDS = Set.of("op", "id", "channel", "symbols", "depth", "from", "maxHz", "policy",
        "symbol", "side", "type", "price", "qty", "clientOrderId");
    static final Set<String> KNOWN_OPS = Set.of("subscribe", "unsubscribe", "ping", "instruments", "resync", "order", "cancel");

    /** What a text request must get back: one reply, checked field by field. */
    record Expect(String type, String code, JsonNode id, boolean anyId, List<String> symbols, String messageContains)
    {
        static Expect of(final String type, final String idJson)
        {
            return new Expect(type, null, node(idJson), false, null, null);
        }

        static Expect error(final String code, final String idJson)
        {
            return new Expect("error", code, node(idJson), false, null, null);
        }

        static Expect errorAnyId(final String code)
        {
            return new Expect("error", code, null, true, null, null);
        }

        Expect symbols(final List<String> list)
        {
            return new Expect(type, code, id, anyId, list, messageContains);
        }

        Expect mentioning(final String text)
        {
            return new Expect(type, code, id, anyId, symbols, text);
        }

        /**
         * @return null if {@code reply} matches, else what differs.
         */
        String mismatch(final JsonNode reply)
        {
            final List<String> problems = new ArrayList<>();
            if (!type.equals(reply.path("type").asText()))
            {
                problems.add("type");
            }
            if (code != null && !code.equals(reply.path("code").asText()))
            {
                problems.add("code");
            }
            if (!anyId && !java.util.Objects.equals(id, reply.get("id")))
            {
                problems.add("id");
            }
            if (symbols != null)
            {
                final List<String> got = new ArrayList<>();
                reply.path("symbols").forEach(s -> got.add(s.asText()));
                if (!symbols.equals(got))
                {
                    problems.add("symbols");
                }
            }
            if (messageContains != null && !reply.path("message").asText().contains(messageContains))
            {
                problems.add("message");
            }
            return problems.isEmpty() ? null : "mismatch in " + problems + ": expected " + this + ", got " + reply;
        }
    }

    sealed interface Case permits Reply, CloseCase, RawCase, UpgradeCase, FloodCase
    {
        String kind();
    }

    /** A text request on the lane's shared connection, answered by exactly one reply. */
    record Reply(String kind, String text, Expect expect) implements Case
    {
    }

    /** How a {@link CloseCase} is sent. */
    enum Send
    {
        TEXT, PARTS, BINARY
    }

    /** Something that makes the gateway close the lane's connection with {@code code}. */
    record CloseCase(String kind, Send send, List<String> parts, byte[] binary, int code) implements Case
    {
    }

    /** Frames sent on a raw socket of its own; {@code code} is the close code expected, or 0 for a pong reply. */
    record RawCase(String kind, List<RawFrame> frames, int code) implements Case
    {
    }

    record RawFrame(int firstByte, boolean masked, byte[] payload)
    {
    }

    /** An upgrade attempt of its own; {@code status} is the HTTP status expected (101 = upgraded). */
    record UpgradeCase(String kind, String query, Map<String, String> headers, int status) implements Case
    {
    }

    /** A flood on a fresh connection of its own: RATE (RATE_LIMITED), CLOSE (4029) or SUBS (TOO_MANY_SUBSCRIPTIONS). */
    record FloodCase(String kind) implements Case
    {
    }

    /** The reference model of one connection: its subscribed streams ("channel/symbol"). */
    static final class Model
    {
        final Set<String> streams = new HashSet<>();
    }

    private final Random random;
    private final byte[] secret;
    private final String laneToken;
    private final String appOrigin;

    HostileCases(final Random random, final byte[] secret, final String laneToken, final String appOrigin)
    {
        this.random = random;
        this.secret = secret;
        this.laneToken = laneToken;
        this.appOrigin = appOrigin;
    }

    static JsonNode node(final String json)
    {
        if (json == null)
        {
            return null;
        }
        try
        {
            return MAPPER.readTree(json);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException(json, ex);
        }
    }

    static String quote(final String text)
    {
        try
        {
            return MAPPER.writeValueAsString(text);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private <T> T pick(final List<T> items)
    {
        return items.get(random.nextInt(items.size()));
    }

    private boolean chance(final int percent)
    {
        return random.nextInt(100) < percent;
    }

    // ------------------------------------------------------------------ the mix

    Case next(final Model model)
    {
        final int roll = random.nextInt(10_000);
        if (roll < 250)
        {
            return closeCase();
        }
        if (roll < 400)
        {
            return rawCase();
        }
        if (roll < 650)
        {
            return upgradeCase();
        }
        if (roll < 662)
        {
            return new FloodCase("flood-rate");
        }
        if (roll < 674)
        {
            return new FloodCase("flood-4029");
        }
        if (roll < 700)
        {
            return new FloodCase("flood-subs");
        }
        return reply(model);
    }

    Reply reply(final Model model)
    {
        final int roll = random.nextInt(100);
        if (roll < 10)
        {
            return ping();
        }
        if (roll < 13)
        {
            return instruments();
        }
        if (roll < 27)
        {
            return subscribe(model);
        }
        if (roll < 33)
        {
            return unsubscribe(model);
        }
        if (roll < 37)
        {
            return resync(model);
        }
        if (roll < 50)
        {
            return wrongType();
        }
        if (roll < 57)
        {
            return unknownOp();
        }
        if (roll < 61)
        {
            return opNotAString();
        }
        if (roll < 63)
        {
            return disabledOp();
        }
        if (roll < 78)
        {
            return malformed();
        }
        if (roll < 84)
        {
            return deep();
        }
        if (roll < 90)
        {
            return numbers(model);
        }
        if (roll < 96)
        {
            return limits(model);
        }
        return unicode();
    }

    // ------------------------------------------------------------------ JSON pieces

    /** Builds an object from name/raw-value pairs, the id (if any) first. */
    private static String object(final String idJson, final List<String[]> fields)
    {
        final StringBuilder b = new StringBuilder("{");
        if (idJson != null)
        {
            b.append("\"id\":").append(idJson);
        }
        for (final String[] field : fields)
        {
            if (b.length() > 1)
            {
                b.append(',');
            }
            b.append(quote(field[0])).append(':').append(field[1]);
        }
        return b.append('}').toString();
    }

    private static List<String[]> fields(final String[]... fields)
    {
        return new ArrayList<>(java.util.Arrays.asList(fields));
    }

    private static String[] field(final String name, final String raw)
    {
        return new String[]{name, raw};
    }

    private static String array(final List<String> symbols)
    {
        final StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < symbols.size(); i++)
        {
            b.append(i > 0 ? "," : "").append(quote(symbols.get(i)));
        }
        return b.append(']').toString();
    }

    /** A valid id, or null for none. */
    private String idOrNone()
    {
        return chance(15) ? null : validId();
    }

    String validId()
    {
        return switch (random.nextInt(9))
        {
            case 0, 1, 2 -> String.valueOf(random.nextInt(1_000_000));
            case 3 -> String.valueOf(random.nextLong());
            case 4 -> quote(randomText(1 + random.nextInt(20), false));
            case 5 -> quote(cut(randomText(MAX_ID, true), MAX_ID));
            case 6 -> digits(64);
            case 7 -> (random.nextBoolean() ? "-" : "") + random.nextInt(1000) + "." + random.nextInt(1000) + "e" + (random.nextInt(600) - 300);
            default -> quote("");
        };
    }

    /** An id the parser refuses: the error then carries no id. */
    private String invalidId()
    {
        return switch (random.nextInt(7))
        {
            case 0 -> "{}";
            case 1 -> "[1]";
            case 2 -> "true";
            case 3 -> "null";
            case 4 -> quote("x".repeat(MAX_ID + 1 + random.nextInt(100)));
            case 5 -> quote("é".repeat(MAX_ID + 1));
            default -> "{\"a\":[1,2]}";
        };
    }

    /** The first {@code length} chars of {@code text}, one fewer if that would split a surrogate pair. */
    static String cut(final String text, final int length)
    {
        if (text.length() <= length)
        {
            return text;
        }
        if (length == 0)
        {
            return "";
        }
        return Character.isHighSurrogate(text.charAt(length - 1)) ? text.substring(0, length - 1) : text.substring(0, length);
    }

    private String digits(final int count)
    {
        final StringBuilder b = new StringBuilder().append((char)('1' + random.nextInt(9)));
        while (b.length() < count)
        {
            b.append((char)('0' + random.nextInt(10)));
        }
        return b.toString();
    }

    private static final String[] UNICODE = {"é", "ß", "€", "中", "日本", "🚀", "𝄞", "\u0000", "\u001f", "\"", "\\", "/",
        "\u2028", "\uFEFF", "ﷺ", "\t", "\n"};

    private String randomText(final int length, final boolean unicode)
    {
        final StringBuilder b = new StringBuilder();
        while (b.length() < length)
        {
            if (unicode && chance(30))
            {
                b.append(UNICODE[random.nextInt(UNICODE.length)]);
            }
            else
            {
                b.append((char)(' ' + random.nextInt(95)));
            }
        }
        return b.toString();
    }

    /** A valid JSON value of at most {@code depth} levels of arrays/objects. */
    private String value(final int depth)
    {
        final int kind = random.nextInt(depth > 0 ? 10 : 8);
        return switch (kind)
        {
            case 0 -> String.valueOf(random.nextInt());
            case 1 -> (random.nextBoolean() ? "-" : "") + digits(1 + random.nextInt(63));
            case 2 -> random.nextInt(100) + "." + digits(1 + random.nextInt(20)) + (random.nextBoolean() ? "E" + (random.nextInt(2_000_000) - 1_000_000) : "");
            case 3 -> quote(randomText(random.nextInt(30), true));
            case 4 -> random.nextBoolean() ? "true" : "false";
            case 5 -> "null";
            case 6 -> "-0.0";
            case 7 -> quote("");
            case 8 ->
            {
                final StringBuilder b = new StringBuilder("[");
                final int n = random.nextInt(4);
                for (int i = 0; i < n; i++)
                {
                    b.append(i > 0 ? "," : "").append(value(depth - 1));
                }
                yield b.append(']').toString();
            }
            default ->
            {
                final StringBuilder b = new StringBuilder("{");
                final int n = random.nextInt(4);
                for (int i = 0; i < n; i++)
                {
                    b.append(i > 0 ? "," : "").append(quote("k" + i + randomText(random.nextInt(5), true)))
                        .append(':').append(value(depth - 1));
                }
                yield b.append('}').toString();
            }
        };
    }

    /** Zero to two unknown fields with valid values that keep the request within nesting depth 4. */
    private List<String[]> extras()
    {
        final List<String[]> extras = new ArrayList<>();
        final int n = chance(60) ? 0 : 1 + random.nextInt(2);
        for (int i = 0; i < n; i++)
        {
            extras.add(field("x_" + i + randomText(random.nextInt(6), true), value(3)));
        }
        return extras;
    }

    private static String excerpt(final String text)
    {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    // ------------------------------------------------------------------ valid requests

    private Reply ping()
    {
        final String id = idOrNone();
        final List<String[]> fields = new ArrayList<>(extras());
        fields.add(random.nextInt(fields.size() + 1), field("op", quote("ping")));
        return new Reply("ping", object(id, fields), Expect.of("pong", id));
    }

    private Reply instruments()
    {
        final String id = idOrNone();
        final List<String[]> fields = new ArrayList<>(extras());
        fields.add(0, field("op", quote("instruments")));
        return new Reply("instruments", object(id, fields), Expect.of("instruments", id));
    }

    private List<String> symbolsForStreams()
    {
        final List<String> symbols = new ArrayList<>();
        final int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++)
        {
            final int roll = random.nextInt(100);
            symbols.add(roll < 70 ? pick(ENTITLED_KNOWN) : roll < 80 ? pick(ENTITLED_UNKNOWN) :
                roll < 92 ? pick(UNENTITLED_KNOWN) : pick(UNENTITLED_UNKNOWN));
        }
        return symbols;
    }

    /** The parser drops repeated symbols: replies list each once, in first-seen order. */
    private static List<String> distinct(final List<String> symbols)
    {
        return new ArrayList<>(new LinkedHashSet<>(symbols));
    }

    private static boolean entitled(final String symbol)
    {
        return symbol.startsWith("BTC-") || symbol.equals("ETH-USD") || symbol.equals("SOL-USD") || symbol.startsWith("Z");
    }

    private static boolean known(final String symbol)
    {
        return ENTITLED_KNOWN.contains(symbol) || UNENTITLED_KNOWN.contains(symbol);
    }

    /** NOT_ENTITLED (checked first, over every symbol), then UNKNOWN_SYMBOL, naming the first offender; or null. */
    private static Expect symbolError(final List<String> symbols, final String id, final boolean checkEntitlement)
    {
        if (checkEntitlement)
        {
            for (final String symbol : symbols)
            {
                if (!entitled(symbol))
                {
                    return Expect.error("NOT_ENTITLED", id).mentioning("'" + symbol + "'");
                }
            }
        }
        for (final String symbol : symbols)
        {
            if (!known(symbol))
            {
                return Expect.error("UNKNOWN_SYMBOL", id).mentioning("'" + symbol + "'");
            }
        }
        return null;
    }

    Reply subscribe(final Model model)
    {
        return subscribe(model, pick(CHANNELS), symbolsForStreams(), false);
    }

    /**
     * @param plain no optional fields (depth, maxHz, from, policy, unknown ones).
     */
    private Reply subscribe(final Model model, final String channel, final List<String> symbols, final boolean plain)
    {
        final String id = idOrNone();
        final List<String[]> fields = new ArrayList<>();
        fields.add(field("op", quote("subscribe")));
        fields.add(field("channel", quote(channel)));
        fields.add(field("symbols", array(symbols)));
        int depth = 0;
        if (!plain && channel.equals("book") && chance(40))
        {
            depth = chance(80) ? 1 + random.nextInt(MAX_DEPTH) : MAX_DEPTH + 1 + random.nextInt(900);
            fields.add(field("depth", String.valueOf(depth)));
        }
        final boolean maxHz = !plain && chance(15);
        if (maxHz)
        {
            fields.add(field("maxHz", chance(50) ? String.valueOf(1 + random.nextInt(1000)) : "0.5"));
        }
        if (!plain && chance(10))
        {
            fields.add(field("from", chance(50) ? String.valueOf(random.nextInt(1000)) : String.valueOf(Long.MAX_VALUE)));
        }
        if (!plain && chance(10))
        {
            fields.add(field("policy", quote(random.nextBoolean() ? "conflate" : "close")));
        }
        if (!plain)
        {
            fields.addAll(extras());
        }
        Collections.shuffle(fields.subList(1, fields.size()), random);
        final String text = object(id, fields);

        final Expect expect;
        final Expect symbolError = symbolError(symbols, id, true);
        if (depth > MAX_DEPTH)
        {
            expect = Expect.error("BAD_REQUEST", id).mentioning("depth");
        }
        else if (channel.equals("trades") && maxHz)
        {
            expect = Expect.error("BAD_REQUEST", id).mentioning("maxHz");
        }
        else if (symbolError != null)
        {
            expect = symbolError;
        }
        else
        {
            final Set<String> added = new LinkedHashSet<>();
            for (final String symbol : symbols)
            {
                if (!model.streams.contains(channel + "/" + symbol))
                {
                    added.add(channel + "/" + symbol);
                }
            }
            if (model.streams.size() + added.size() > MAX_SUBS)
            {
                expect = Expect.error("TOO_MANY_SUBSCRIPTIONS", id);
            }
            else
            {
                model.streams.addAll(added);
                expect = Expect.of("subscribed", id).symbols(distinct(symbols));
            }
        }
        return new Reply("subscribe", text, expect);
    }

    private Reply unsubscribe(final Model model)
    {
        final String id = idOrNone();
        final String channel = pick(CHANNELS);
        final List<String> symbols = symbolsForStreams();
        if (!model.streams.isEmpty() && chance(60))
        {
            final String stream = pick(new ArrayList<>(model.streams));
            symbols.set(0, stream.substring(stream.indexOf('/') + 1));
        }
        final String text = object(id, fields(field("op", quote("unsubscribe")), field("channel", quote(channel)),
            field("symbols", array(symbols))));
        final Expect error = symbolError(symbols, id, false);
        if (error != null)
        {
            return new Reply("unsubscribe", text, error);
        }
        for (final String symbol : symbols)
        {
            model.streams.remove(channel + "/" + symbol);
        }
        return new Reply("unsubscribe", text, Expect.of("unsubscribed", id).symbols(distinct(symbols)));
    }

    /** Resync only where it fails (a successful resync sends snapshots but no reply). */
    private Reply resync(final Model model)
    {
        while (true)
        {
            final String id = idOrNone();
            final String channel = pick(CHANNELS);
            final List<String> symbols = symbolsForStreams();
            final String text = object(id, fields(field("op", quote("resync")), field("channel", quote(channel)),
                field("symbols", array(symbols))));
            if ("trades".equals(channel))
            {
                // Trades have no snapshot: resync on them is refused before anything else is looked at.
                return new Reply("resync", text, Expect.error("BAD_REQUEST", id).mentioning("resync applies to book and ticker"));
            }
            final Expect error = symbolError(symbols, id, true);
            if (error != null)
            {
                return new Reply("resync", text, error);
            }
            for (final String symbol : symbols)
            {
                if (!model.streams.contains(channel + "/" + symbol))
                {
                    return new Reply("resync", text, Expect.error("NOT_SUBSCRIBED", id).mentioning(symbol));
                }
            }
        }
    }

    // ------------------------------------------------------------------ invalid requests

    private static final List<String[]> WRONG_VALUES = List.of(
        new String[]{"channel", "1"}, new String[]{"channel", "true"}, new String[]{"channel", "null"},
        new String[]{"channel", "[]"}, new String[]{"channel", "{}"}, new String[]{"channel", "\"TRADES\""},
        new String[]{"channel", "\"orders\""}, new String[]{"channel", "\"\""}, new String[]{"channel", "\"book \""},
        new String[]{"symbols", "\"BTC-USD\""}, new String[]{"symbols", "[1]"}, new String[]{"symbols", "[null]"},
        new String[]{"symbols", "{}"}, new String[]{"symbols", "[[\"BTC-USD\"]]"},
        new String[]{"symbols", "[\"BTC USD\"]"}, new String[]{"symbols", "[\"ABCDEFGHIJKLMNOPQ\"]"},
        new String[]{"symbols", "[\"\"]"}, new String[]{"symbols", "[\"BTC-USD\",\"é\"]"}, new String[]{"symbols", "null"},
        new String[]{"depth", "\"5\""}, new String[]{"depth", "5.0"}, new String[]{"depth", "-1"}, new String[]{"depth", "0"},
        new String[]{"depth", "1001"}, new String[]{"depth", "2147483648"}, new String[]{"depth", "1e3"},
        new String[]{"depth", "99999999999999999999"}, new String[]{"depth", "null"},
        new String[]{"from", "-1"}, new String[]{"from", "\"1\""}, new String[]{"from", "1.5"},
        new String[]{"from", "18446744073709551616"}, new String[]{"from", "[]"},
        new String[]{"maxHz", "0"}, new String[]{"maxHz", "-1"}, new String[]{"maxHz", "1001"}, new String[]{"maxHz", "\"1\""},
        new String[]{"maxHz", "1e999999"}, new String[]{"maxHz", "0.0001"}, new String[]{"maxHz", "null"},
        new String[]{"policy", "\"drop\""}, new String[]{"policy", "1"},
        new String[]{"clientOrderId", "0"}, new String[]{"clientOrderId", "1099511627776"}, new String[]{"clientOrderId", "\"7\""},
        new String[]{"side", "\"BUY\""}, new String[]{"price", "101.25"}, new String[]{"price", "\"1e5\""},
        new String[]{"qty", "\"-\""}, new String[]{"symbol", "[]"}, new String[]{"type", "\"stop\""});

    private Reply wrongType()
    {
        if (chance(15))
        {
            // a bad id: BAD_REQUEST and no id to echo
            final String text = object(invalidId(), fields(field("op", quote("ping"))));
            return new Reply("wrongType-id", text, Expect.error("BAD_REQUEST", null));
        }
        final String id = idOrNone();
        final String op = pick(List.of("subscribe", "unsubscribe", "resync", "ping", "instruments"));
        final List<String[]> fields = new ArrayList<>();
        fields.add(field("op", quote(op)));
        final String[] wrong = pick(WRONG_VALUES);
        if (!wrong[0].equals("channel"))
        {
            fields.add(field("channel", quote(pick(List.of("book", "ticker")))));
        }
        if (!wrong[0].equals("symbols"))
        {
            fields.add(field("symbols", array(List.of(pick(ENTITLED_KNOWN)))));
        }
        fields.add(field(wrong[0], wrong[1]));
        fields.addAll(extras());
        Collections.shuffle(fields, random);
        return new Reply("wrongType-" + wrong[0], object(id, fields), Expect.error("BAD_REQUEST", id));
    }

    private Reply unknownOp()
    {
        final String id = idOrNone();
        String op;
        do
        {
            op = switch (random.nextInt(6))
            {
                case 0 -> pick(List.of("PING", "Ping", " ping", "ping ", "subscribe\u0000", "unsubscribe!", "ordr", ""));
                case 1 -> "x".repeat(1 + random.nextInt(4000));
                case 2 -> randomText(1 + random.nextInt(40), true);
                default -> randomText(1 + random.nextInt(12), false);
            };
        }
        while (KNOWN_OPS.contains(op));
        final List<String[]> fields = new ArrayList<>();
        fields.add(field("op", quote(op)));
        if (chance(30))
        {
            final String[] wrong = pick(WRONG_VALUES);
            fields.add(field(wrong[0], wrong[1])); // an unknown op takes precedence over a bad field
        }
        fields.addAll(extras());
        Collections.shuffle(fields, random);
        return new Reply("unknownOp", object(id, fields), Expect.error("UNKNOWN_OP", id));
    }

    private Reply opNotAString()
    {
        final String id = idOrNone();
        final List<String[]> fields = new ArrayList<>(extras());
        if (chance(75))
        {
            fields.add(field("op", pick(List.of("1", "null", "true", "[]", "{}", "[\"ping\"]", "{\"op\":\"ping\"}", "-0.5"))));
        }
        fields.add(field("channel", quote("book")));
        Collections.shuffle(fields, random);
        return new Reply("opNotAString", object(id, fields), Expect.error("BAD_REQUEST", id));
    }

    private Reply disabledOp()
    {
        final String id = idOrNone();
        if (random.nextBoolean())
        {
            return new Reply("disabledOp", object(id, fields(field("op", quote("cancel")),
                field("symbol", quote("BTC-USD")), field("clientOrderId", String.valueOf(1 + random.nextInt(1000))))),
                Expect.error("NOT_ENTITLED", id).mentioning("may not trade"));
        }
        return new Reply("disabledOp", object(id, fields(field("op", quote("order")), field("symbol", quote("ETH-USD")),
            field("side", quote("buy")), field("type", quote("limit")), field("price", quote("100.5")),
            field("qty", quote("1")), field("clientOrderId", "7"))), Expect.error("NOT_ENTITLED", id).mentioning("may not trade"));
    }

    private Reply malformed()
    {
        final String valid = random.nextBoolean() ? ping().text() : subscribe(new Model()).text();
        final String text = switch (random.nextInt(12))
        {
            case 0 -> cut(valid, random.nextInt(valid.length())); // every proper prefix is incomplete
            case 1 -> valid + pick(List.of("x", "}", "{}", ",", "]", "\"", "0", "null", "/", "{\"op\":\"ping\"}"));
            case 2 -> pick(List.of("[]", "\"ping\"", "42", "null", "true", "[{\"op\":\"ping\"}]", "-1e5", ""));
            case 3 -> pick(List.of("{'op':'ping'}", "{\"op\":\"ping\"/*c*/}", "{\"op\":\"ping\",\"x\":NaN}",
                "{\"op\":\"ping\",\"x\":007}", "{\"op\":\"ping\",}", "{op:\"ping\"}", "{\"op\":\"ping\",\"x\":0x10}",
                "{\"op\":\"ping\",\"x\":Infinity}", "{\"op\":\"ping\" \"id\":1}", "{\"op\"::\"ping\"}",
                "{\"op\":\"ping\",\"x\":.5}", "{\"op\":\"ping\",\"x\":+1}", "{\"op\":\"ping\",\"x\":1.}",
                "{\"op\":\"ping\",\"x\":tru}", "{\"op\":\"pi\nng\"}", "{\"op\":\"ping\",\"x\":\"\\q\"}",
                "{\"op\":\"ping\",\"x\":\"\\u12\"}", "{\"op\":\"ping\"}}", "{{\"op\":\"ping\"}", "{\"op\":\"ping\"]",
                "\uFEFF{\"op\":\"ping\"}", "{\"op\":\"ping\",\"x\":--1}"));
            case 4 -> (char)('!' + random.nextInt(90)) + randomText(random.nextInt(200), true); // never '{' first
            case 5 -> "{\"op\":\"ping\",\"x\":\"" + (char)random.nextInt(0x20) + "\"}"; // raw control character
            case 6 -> "  \t\r\n ";
            case 7 -> "{\"op\":\"ping\",\"x\":\"" + "a".repeat(1 + random.nextInt(100)); // unterminated string
            case 8 -> "\u0000{\"op\":\"ping\"}";
            case 9 -> "{\"op\":\"ping\",\"op\":\"ping\"}"; // duplicate key
            case 10 -> "{\"op\":\"ping\",\"x\":\"\\uD800\"}x";
            default -> "{" + "\"a\":1,".repeat(random.nextInt(50)) + "\"op\":\"ping\"";
        };
        if (text.startsWith("{") && isActuallyValidObject(text))
        {
            throw new IllegalStateException("generator bug: a 'malformed' case is valid JSON: " + text);
        }
        return new Reply("malformed", text, Expect.errorAnyId("BAD_REQUEST"));
    }

    /** Guards the generator: true if {@code text} is one well-formed JSON object (so not "malformed"). */
    private static boolean isActuallyValidObject(final String text)
    {
        try (com.fasterxml.jackson.core.JsonParser parser = MAPPER.getFactory().createParser(text))
        {
            parser.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT)
            {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    private Reply deep()
    {
        final String id = idOrNone();
        final int roll = random.nextInt(5);
        if (roll == 0)
        {
            // exactly the deepest allowed: root (1) + 3 levels
            final String nested = random.nextBoolean() ? "[[[1]]]" : "{\"a\":{\"b\":{\"c\":1}}}";
            return new Reply("deep-ok", object(id, fields(field("op", quote("ping")), field("x_deep", nested))),
                Expect.of("pong", id));
        }
        final boolean arrays = random.nextBoolean();
        final int levels = 4 + random.nextInt(roll == 1 ? 5 : arrays ? 3000 : 1000); // within MAX_BYTES
        final StringBuilder nested = new StringBuilder();
        for (int i = 0; i < levels; i++)
        {
            nested.append(arrays ? "[" : "{\"a\":");
        }
        nested.append('1');
        for (int i = 0; i < levels; i++)
        {
            nested.append(arrays ? "]" : "}");
        }
        if (roll == 2)
        {
            return new Reply("deep-root", nested.toString(), Expect.errorAnyId("BAD_REQUEST"));
        }
        return new Reply("deep", object(id, fields(field("op", quote("ping")), field("x_deep", nested.toString()))),
            Expect.error("BAD_REQUEST", id).mentioning("nesting depth"));
    }

    private Reply numbers(final Model model)
    {
        final String id = idOrNone();
        return switch (random.nextInt(6))
        {
            case 0 -> new Reply("numbers-64digits", object(id, fields(field("op", quote("ping")),
                field("x_n", digits(64)))), Expect.of("pong", id));
            case 1 -> new Reply("numbers-65digits", object(id, fields(field("op", quote("ping")),
                field("x_n", digits(65 + random.nextInt(1000))))), Expect.error("BAD_REQUEST", id).mentioning("exceeds a limit"));
            case 2 -> new Reply("numbers-exponent", object(id, fields(field("op", quote("ping")),
                field("x_n", "1e" + digits(1 + random.nextInt(9))))), Expect.of("pong", id));
            case 3 -> new Reply("numbers-id65", object(null, fields(field("id", digits(65)), field("op", quote("ping")))),
                Expect.error("BAD_REQUEST", null));
            case 4 -> subscribeWith(model, field("from", String.valueOf(Long.MAX_VALUE)));
            default -> new Reply("numbers-depth", object(id, fields(field("op", quote("subscribe")),
                field("channel", quote("book")), field("symbols", "[\"BTC-USD\"]"),
                field("depth", pick(List.of("99999999999", "-2147483649", "1.0e2", "100.5"))))), Expect.error("BAD_REQUEST", id));
        };
    }

    private Reply subscribeWith(final Model model, final String[] extra)
    {
        // a valid subscribe to a stream the model knows, with an absurd but valid field
        final Reply base = subscribe(model, "ticker", List.of(pick(ENTITLED_KNOWN)), true);
        final String text = base.text().substring(0, base.text().length() - 1) + "," + quote(extra[0]) + ":" + extra[1] + "}";
        return new Reply("numbers-" + extra[0], text, base.expect());
    }

    private Reply limits(final Model model)
    {
        final String id = idOrNone();
        switch (random.nextInt(6))
        {
            case 0:
            {
                final List<String> many = new ArrayList<>();
                for (int i = 0; i < 257; i++)
                {
                    many.add(pick(ENTITLED_KNOWN));
                }
                return new Reply("limits-257symbols", object(id, fields(field("op", quote("subscribe")),
                    field("channel", quote("trades")), field("symbols", array(many)))),
                    Expect.error("BAD_REQUEST", id).mentioning("more than 256"));
            }
            case 1:
            {
                final String symbol = pick(ENTITLED_KNOWN);
                return subscribe(model, "trades", Collections.nCopies(256, symbol), false);
            }
            case 2:
                return new Reply("limits-longName", object(id, fields(field("op", quote("ping")),
                    field("x".repeat(257 + random.nextInt(500)), "1"))), Expect.error("BAD_REQUEST", id));
            case 3:
                return new Reply("limits-longString", object(id, fields(field("op", quote("ping")),
                    field("x_s", quote(randomText(1000 + random.nextInt(5000), false))))), Expect.of("pong", id));
            case 4:
            {
                // exactly MAX_BYTES bytes of UTF-8, multi-byte characters included
                final String head = object(id, fields(field("op", quote("ping")))).replaceFirst("\\}$", ",\"x_pad\":\"");
                final StringBuilder text = new StringBuilder(head);
                int bytes = head.getBytes(StandardCharsets.UTF_8).length + 2;
                while (bytes < MAX_BYTES)
                {
                    final String c = MAX_BYTES - bytes >= 3 && chance(30) ? "€" : "a";
                    text.append(c);
                    bytes += c.getBytes(StandardCharsets.UTF_8).length;
                }
                text.append("\"}");
                return new Reply("limits-exactSize", text.toString(), Expect.of("pong", id));
            }
            default:
                return new Reply("limits-manyFields", object(id, manyFields()), Expect.of("pong", id));
        }
    }

    private List<String[]> manyFields()
    {
        final List<String[]> fields = new ArrayList<>();
        fields.add(field("op", quote("ping")));
        for (int i = 0; i < 200; i++)
        {
            fields.add(field("x" + i, String.valueOf(i)));
        }
        return fields;
    }

    private Reply unicode()
    {
        final String id = chance(50) ? quote(randomText(1 + random.nextInt(30), true)) : idOrNone();
        return new Reply("unicode", "\n\t {" + (id != null ? "\"id\" : " + id + " ,\r\n" : "") + "\"op\"\t:\"ping\", " +
            quote("x_" + randomText(5, true)) + ": " + quote(randomText(random.nextInt(200), true)) + "}\n ",
            Expect.of("pong", id));
    }

    // ------------------------------------------------------------------ connection-level cases

    CloseCase closeCase()
    {
        switch (random.nextInt(4))
        {
            case 0:
                return new CloseCase("oversize-whole", Send.TEXT,
                    List.of("{\"op\":\"ping\",\"x\":\"" + "o".repeat(MAX_BYTES + random.nextInt(MAX_BYTES)) + "\"}"), null, 1009);
            case 1:
            {
                final List<String> parts = new ArrayList<>();
                int total = 0;
                while (total <= MAX_BYTES)
                {
                    final String part = "p".repeat(1 + random.nextInt(MAX_BYTES / 2));
                    parts.add(part);
                    total += part.length();
                }
                return new CloseCase("oversize-fragmented", Send.PARTS, parts, null, 1009);
            }
            default:
            {
                final byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                return new CloseCase("binary", Send.BINARY, List.of(), bytes, 1003);
            }
        }
    }

    private static byte[] bytes(final int... values)
    {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++)
        {
            b[i] = (byte)values[i];
        }
        return b;
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static RawFrame frame(final boolean fin, final int opcode, final byte[] payload)
    {
        return new RawFrame((fin ? 0x80 : 0) | opcode, true, payload);
    }

    private static final byte[][] INVALID_UTF8 = {
        bytes(0xFF), bytes(0xFE), bytes(0xC0, 0xAF), bytes(0xE0, 0x80, 0xAF), bytes(0xED, 0xA0, 0x80),
        bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF8, 0x88, 0x80, 0x80, 0x80), bytes(0x80), bytes(0xC3),
        bytes(0xE2, 0x82), bytes(0xC3, 0x28), bytes(0xF0, 0x9F, 0x9A)};

    RawCase rawCase()
    {
        final byte[] bad = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        final byte[] prefix = utf8("{\"op\":\"ping\",\"x\":\"" + randomText(random.nextInt(20), false));
        switch (random.nextInt(12))
        {
            case 0, 1, 2:
                return new RawCase("utf8-whole", List.of(frame(true, RawWsClient.TEXT, concat(concat(prefix, bad), utf8("\"}")))), 1007);
            case 3:
                // invalid bytes in the second fragment
                return new RawCase("utf8-fragmented", List.of(frame(false, RawWsClient.TEXT, prefix),
                    frame(true, RawWsClient.CONTINUATION, concat(bad, utf8("\"}")))), 1007);
            case 4:
                // a message ending inside a multi-byte character
                return new RawCase("utf8-truncated", List.of(frame(true, RawWsClient.TEXT, concat(prefix, bytes(0xE2, 0x82)))), 1007);
            case 5:
            {
                // a valid multi-byte character split across fragments: fine
                final byte[] whole = utf8("{\"op\":\"ping\",\"x\":\"€🚀\"}");
                final int split = whole.length - 5;
                return new RawCase("utf8-validSplit", List.of(
                    frame(false, RawWsClient.TEXT, java.util.Arrays.copyOfRange(whole, 0, split)),
                    frame(true, RawWsClient.CONTINUATION, java.util.Arrays.copyOfRange(whole, split, whole.length))), 0);
            }
            case 6:
                return new RawCase("raw-binary", List.of(frame(true, RawWsClient.BINARY, bad)), 1003);
            case 7:
                return new RawCase("protocol-unmasked", List.of(new RawFrame(0x80 | RawWsClient.TEXT, false, utf8("{\"op\":\"ping\"}"))), 1002);
            case 8:
                return new RawCase("protocol-rsv", List.of(new RawFrame(0x80 | 0x40 | RawWsClient.TEXT, true, utf8("{\"op\":\"ping\"}"))), 1002);
            case 9:
                return new RawCase("protocol-opcode", List.of(frame(true, 0x3 + random.nextInt(5), utf8("x"))), 1002);
            case 10:
                return new RawCase("protocol-continuation", List.of(frame(true, RawWsClient.CONTINUATION, utf8("{}"))), 1002);
            default:
                return new RawCase("protocol-control", List.of(random.nextBoolean() ?
                    frame(false, RawWsClient.PING, utf8("x")) : frame(true, RawWsClient.PING, new byte[126])), 1002);
        }
    }

    UpgradeCase upgradeCase()
    {
        final long now = System.currentTimeMillis() / 1000;
        final Map<String, String> noHeaders = Map.of();
        final String[] parts = laneToken.split("\\.");
        switch (random.nextInt(11))
        {
            case 0:
                return new UpgradeCase("token-missing", "", chance(50) ? noHeaders : Map.of("Origin", appOrigin), 401);
            case 1:
                return new UpgradeCase("token-expired", "", bearer(Tokens.sign(secret,
                    "{\"sub\":\"lane\",\"exp\":" + (now - 1 - random.nextInt(100_000)) + ",\"sym\":" + LANE_SYM + "}")), 401);
            case 2:
                return new UpgradeCase("token-expired-query", "?token=" + Tokens.sign(secret,
                    "{\"sub\":\"lane\",\"exp\":" + (now - 1) + "}"), noHeaders, 401);
            case 3:
                return new UpgradeCase("token-forged", "", bearer(Tokens.valid(
                    Tokens.secret("attacker-secret-" + random.nextLong() + "-0123456789abcdef"), "lane", null)), 401);
            case 4:
                return new UpgradeCase("token-widened", "", bearer(parts[0] + "." +
                    Tokens.b64("{\"sub\":\"lane\",\"exp\":" + (now + 3600) + "}") + "." + parts[2]), 401);
            case 5:
                return new UpgradeCase("token-algNone", "", bearer(Tokens.b64("{\"alg\":\"none\"}") + "." + parts[1] + "."), 401);
            case 6:
            {
                final String garbage = random.nextBoolean() ? randomText(1 + random.nextInt(300), false).replaceAll("[^!-~]", "x") :
                    parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10);
                return new UpgradeCase("token-garbage", "", bearer(garbage), 401);
            }
            case 7:
                return new UpgradeCase("token-basic", "", Map.of("Authorization", "Basic " + Tokens.b64("lane:secret")), 401);
            case 8:
                return new UpgradeCase("origin-foreign", "", withOrigin(bearer(laneToken),
                    pick(List.of("https://evil.example", "http://app.example.com", "https://app.example.com:8443", "null",
                        "https://app.example.com.evil.io"))), 403);
            case 9:
                return new UpgradeCase("origin-foreign-noToken", "", Map.of("Origin", "https://evil.example"), 403);
            default:
                return new UpgradeCase("upgrade-ok", random.nextBoolean() ? "?token=" + laneToken : "",
                    random.nextBoolean() ? withOrigin(bearer(laneToken), appOrigin) : bearer(laneToken), 101);
        }
    }

    static Map<String, String> bearer(final String token)
    {
        return Map.of("Authorization", "Bearer " + token);
    }

    static Map<String, String> withOrigin(final Map<String, String> headers, final String origin)
    {
        final Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Origin", origin);
        return all;
    }

    static String describe(final Case c)
    {
        if (c instanceof Reply r)
        {
            return r.kind() + " " + excerpt(r.text());
        }
        if (c instanceof UpgradeCase uc)
        {
            return uc.kind() + " " + uc.query() + " " + excerpt(uc.headers().toString());
        }
        return c.kind();
    }
}
