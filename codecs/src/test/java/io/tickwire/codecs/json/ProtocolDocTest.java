package io.tickwire.codecs.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/protocol.md honest: every JSON example parses, every request example is valid, and every
 * server example is exactly what {@link MarketDataJson} writes for the same values.
 */
class ProtocolDocTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path DOC = Path.of("..", "docs", "protocol.md");
    private static final UnsafeBuffer NO_ID = new UnsafeBuffer(new byte[0]);
    private static final long EPOCH = 0x5c47bad96995cd1fL;

    private static final List<JsonNode> EXAMPLES = new ArrayList<>();

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final JsonWriter writer = new JsonWriter();
    private final MarketDataJson json = new MarketDataJson(writer);

    @BeforeAll
    static void readExamples() throws IOException
    {
        final String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        final Matcher blocks = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        while (blocks.find())
        {
            try (MappingIterator<JsonNode> values = MAPPER.readerFor(JsonNode.class).readValues(blocks.group(1)))
            {
                while (values.hasNext())
                {
                    EXAMPLES.add(values.next());
                }
            }
        }
    }

    @BeforeEach
    void wrap()
    {
        writer.wrap(buffer, 0);
    }

    @Test
    void theDocHasExamplesOfEveryRequestAndMessage()
    {
        final List<String> kinds = new ArrayList<>();
        for (final JsonNode example : EXAMPLES)
        {
            kinds.add(example.has("op") ? "op:" + example.get("op").textValue() : "type:" + example.get("type").textValue());
        }

        assertThat(kinds).contains(
            "op:subscribe", "op:unsubscribe", "op:ping", "op:instruments", "op:order",
            "type:subscribed", "type:unsubscribed", "type:pong", "type:instruments", "type:error",
            "type:trade", "type:ticker", "type:book", "type:heartbeat");
    }

    @Test
    void everyRequestExampleIsValid() throws IOException
    {
        final ClientRequestParser parser = new ClientRequestParser();
        final ClientRequest request = parser.newRequest();
        for (final JsonNode example : EXAMPLES)
        {
            if (example.has("op"))
            {
                parser.parse(MAPPER.writeValueAsString(example), request);
                assertThat(request.isValid()).as("%s: %s", example, request).isTrue();
            }
        }
    }

    @Test
    void serverExamplesAreWhatTheCodecWrites() throws IOException
    {
        json.subscribed(ascii("1"), 0, 1, Channel.BOOK, new String[]{"BTC-USD", "ETH-USD"}, 2, 5120, ResumeResult.NONE, 10, 0);
        assertDocumented();
        json.subscribed(ascii("3"), 0, 1, Channel.TRADES, new String[]{"BTC-USD"}, 1, 5120, EPOCH,
            ResumeResult.RECOVERED, 0, 0);
        assertDocumented();
        json.subscribed(ascii("3"), 0, 1, Channel.TRADES, new String[]{"BTC-USD"}, 1, 5120, EPOCH,
            ResumeResult.NOT_RECOVERED, 0, 0);
        assertDocumented();
        json.unsubscribed(ascii("\"u7\""), 0, 4, Channel.TRADES, new String[]{"BTC-USD"}, 1);
        assertDocumented();
        json.pong(ascii("42"), 0, 2, 5120, EPOCH);
        assertDocumented();
        json.beginInstruments(ascii("2"), 0, 1);
        json.instrument("BTC-USD", 1, 2, 4, 1, 1, InstrumentMode.MATCHING);
        json.instrument("EUR/USD", 7, 5, 0, 5, 1000, InstrumentMode.FEED);
        json.endInstruments();
        assertDocumented();
        json.trade("BTC-USD", 5121, 5117, 10125, 2, 5, 1, Side.SELL, 1_700_000_000_123_456_789L);
        assertDocumented();
        json.trade("BTC-USD", 5017, 5000, 10125, 2, 5, 1, Side.SELL, 1_700_000_000_123_456_789L);
        assertDocumented();
        json.trade("SYM0003", 207, 199, 10037, 2, 4, 4, Side.BUY, 1_764_115_200_123_456_789L, 9_876_543_210_123L);
        assertDocumented();
        json.ticker("BTC-USD", 5123, 5101, 2, 1, 10120, 30, 10130, 15, 10125, 5, 12345, 1_700_000_000_123_456_789L);
        assertDocumented();
        json.heartbeat(5124);
        assertDocumented();
    }

    @Test
    void orderEntryExamplesAreWhatTheCodecWrites() throws IOException
    {
        final List<String> kinds = new ArrayList<>();
        for (final JsonNode example : EXAMPLES)
        {
            kinds.add(example.has("op") ? "op:" + example.get("op").textValue() : "type:" + example.get("type").textValue());
        }
        assertThat(kinds).contains("op:order", "op:cancel", "type:ack", "type:reject", "type:fill");

        final long ts = 1_700_000_000_123_456_789L;
        json.orderAck(ascii("9"), 0, 1, "BTC-USD", 1001, 2000, 3000, 4, 5131, ts);
        assertDocumented();
        json.fill("BTC-USD", 1001, Side.BUY, 10125, 2, 2000, 3000, 4, false, 5130, ts);
        assertDocumented();
        json.fill("BTC-USD", 1001, Side.BUY, 10125, 2, 3000, 0, 4, true, 5135, ts + 100_000_000L);
        assertDocumented();
        json.cancelAck(ascii("10"), 0, 2, "BTC-USD", 1003, 5000, 4, 5140, ts + 200_000_000L);
        assertDocumented();
        json.reject(ascii("11"), 0, 2, false, "BTC-USD", 1002, JsonName.of("BAD_TICK_SIZE"),
            "price is not a multiple of the tick size 0.01", 5140, ts + 300_000_000L);
        assertDocumented();
        json.reject(ascii("12"), 0, 2, true, "BTC-USD", 1001, JsonName.of("UNKNOWN_ORDER"),
            "no live order with this clientOrderId on BTC-USD", 5140, ts + 400_000_000L);
        assertDocumented();
    }

    @Test
    void bookExamplesCarryTheirTrueChecksums() throws IOException
    {
        final BookChecksum checksum = new BookChecksum();
        json.beginBook("BTC-USD", 5120, 5120, true, 1, 1);
        json.level(1015, 20);
        json.level(1010, 5);
        json.endSide();
        json.level(1020, 10);
        json.endSide();
        json.endBook(checksum.reset().bid(1015, 1, 20, 1).bid(1010, 1, 5, 1).ask(1020, 1, 10, 1).value(), false);
        assertDocumented();

        json.beginBook("BTC-USD", 5124, 5120, false, 0, 0);
        json.level(101, 0);
        json.endSide();
        json.endSide();
        json.endBook(checksum.reset().bid(1015, 1, 20, 1).ask(1020, 1, 10, 1).value(), true);
        assertDocumented();
    }

    @Test
    void theErrorExampleIsTheParsersOwnReply() throws IOException
    {
        final ClientRequestParser parser = new ClientRequestParser();
        final ClientRequest request = parser.parse(
            "{\"op\":\"subscribe\",\"id\":1,\"channel\":\"quotes\",\"symbols\":[\"BTC-USD\"]}", parser.newRequest());
        json.error(request.idBuffer(), 0, request.idLength(), request.errorCode(), request.errorMessage());

        assertDocumented();
    }

    private void assertDocumented() throws IOException
    {
        final JsonNode written = MAPPER.readTree(buffer.getStringWithoutLengthUtf8(0, writer.length()));
        assertThat(EXAMPLES).as("docs/protocol.md has an example equal to %s", written).contains(written);
        writer.reset();
    }

    private static UnsafeBuffer ascii(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
