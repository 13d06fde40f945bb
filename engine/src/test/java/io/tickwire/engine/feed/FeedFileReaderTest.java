package io.tickwire.engine.feed;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.DecodedInput;
import io.tickwire.engine.DecodedInput.AddInstrument;
import io.tickwire.engine.DecodedInput.FeedBookLevel;
import io.tickwire.engine.DecodedInput.FeedTrade;
import io.tickwire.engine.feed.FeedFileReader.ErrorPolicy;
import io.tickwire.engine.feed.FeedFileReader.Format;
import io.tickwire.engine.feed.FeedFormatException.Kind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FeedFileReaderTest
{
    private static final long TS = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FeedFileReader.MAX_MESSAGE_LENGTH + 8]);

    @Test
    @Timeout(10)
    void ndjsonBecomesTheExactSequenceOfInputs() throws IOException
    {
        final Path file = write("ticks.ndjson",
            "{\"type\":\"instrument\",\"symbol\":\"BTC-USD\",\"priceScale\":2,\"qtyScale\":4,\"tickSize\":\"0.01\"," +
                "\"lotSize\":\"0.0001\"}",
            "{\"type\":\"instrument\",\"symbol\":\"ETH-USD\"}",
            "",
            "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"bid\",\"price\":\"101.00\",\"qty\":\"2\"}",
            "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"ask\",\"price\":\"101.50\",\"qty\":\"1.25\",\"ts\":1700000000000000000}",
            "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"price\":\"101.25\",\"qty\":\"0.5\",\"side\":\"buy\",\"ts\":1700000000000000000}",
            "  {\"qty\":0.0100, \"price\":101.2500, \"side\":\"SELL\", \"symbol\":\"BTC-USD\", \"type\":\"Trade\", " +
                "\"venue\":{\"id\":[1,2]}, \"ts\":null}  ",
            "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"bid\",\"price\":\"101.00\",\"qty\":\"0\"}",
            "{\"type\":\"trade\",\"symbol\":\"ETH-USD\",\"price\":\"3500.01\",\"qty\":\"1.2345\",\"side\":\"sell\",\"ts\":\"42\"}");

        try (FeedFileReader reader = new FeedFileReader(file))
        {
            assertThat(reader.format()).isEqualTo(Format.NDJSON);
            assertThat(readAll(reader)).containsExactly(
                new AddInstrument(0, 1, "BTC-USD", 2, 4, 1, 1, InstrumentMode.FEED),
                new AddInstrument(0, 2, "ETH-USD", 2, 4, 1, 1, InstrumentMode.FEED),
                new FeedBookLevel(0, 1, Side.BUY, 10100, 20000, 0),
                new FeedBookLevel(0, 1, Side.SELL, 10150, 12500, TS),
                new FeedTrade(0, 1, 10125, 5000, Side.BUY, TS),
                new FeedTrade(0, 1, 10125, 100, Side.SELL, 0),
                new FeedBookLevel(0, 1, Side.BUY, 10100, 0, 0),
                new FeedTrade(0, 2, 350001, 12345, Side.SELL, 42));
            assertThat(reader.messageCount()).isEqualTo(8);
            assertThat(reader.lineNumber()).isEqualTo(9);
            assertThat(reader.instrumentCount()).isEqualTo(2);
            assertThat(reader.skippedLineCount()).isZero();
            assertThat(reader.read(buffer, 0)).isZero();
            assertThat(reader.next(buffer, 0)).isFalse();
        }
    }

    @Test
    @Timeout(10)
    void csvBecomesTheExactSequenceOfInputs() throws IOException
    {
        final Path minimal = write("minimal.csv",
            "type,symbol,side,price,qty,ts",
            "instrument,BTC-USD,,,,",
            "trade,BTC-USD,buy,101.25,0.5,1700000000000000000",
            "book,BTC-USD,bid,101.00,2,",
            "book , BTC-USD , ASK , 101.5 , 0 ");
        try (FeedFileReader reader = new FeedFileReader(minimal))
        {
            assertThat(reader.format()).isEqualTo(Format.CSV);
            assertThat(readAll(reader)).containsExactly(
                new AddInstrument(0, 1, "BTC-USD", 2, 4, 1, 1, InstrumentMode.FEED),
                new FeedTrade(0, 1, 10125, 5000, Side.BUY, TS),
                new FeedBookLevel(0, 1, Side.BUY, 10100, 20000, 0),
                new FeedBookLevel(0, 1, Side.SELL, 10150, 0, 0));
        }

        final Path full = write("full.CSV",
            "type,symbol,side,price,qty,ts,priceScale,qtyScale,tickSize,lotSize",
            "instrument,BTC-USD,,,,,2,4,0.01,0.0001",
            "instrument,ETH-USD,,,,,2,3,0.05,0.001",
            "book,ETH-USD,ask,3500.05,1.5,1700000000000000001",
            "trade,ETH-USD,sell,3500.00,0.25,1700000000000000002",
            "trade,BTC-USD,buy,65000,0.0001");
        try (FeedFileReader reader = new FeedFileReader(full))
        {
            assertThat(readAll(reader)).containsExactly(
                new AddInstrument(0, 1, "BTC-USD", 2, 4, 1, 1, InstrumentMode.FEED),
                new AddInstrument(0, 2, "ETH-USD", 2, 3, 5, 1, InstrumentMode.FEED),
                new FeedBookLevel(0, 2, Side.SELL, 350005, 1500, TS + 1),
                new FeedTrade(0, 2, 350000, 250, Side.SELL, TS + 2),
                new FeedTrade(0, 1, 6500000, 1, Side.BUY, 0));
        }

        // Columns in another order, mixed case, a BOM and CRLF line ends, no final newline.
        final Path reordered = dir.resolve("reordered.csv");
        Files.write(reordered, ("\uFEFFQty,Price,Side,Symbol,Type,TickSize\r\n" +
            ",,,X.Y,instrument,0.25\r\n" +
            "\r\n" +
            "3,7.75,sell,X.Y,trade").getBytes(StandardCharsets.UTF_8));
        try (FeedFileReader reader = new FeedFileReader(reordered))
        {
            assertThat(readAll(reader)).containsExactly(
                new AddInstrument(0, 1, "X.Y", 2, 4, 25, 1, InstrumentMode.FEED),
                new FeedTrade(0, 1, 775, 30000, Side.SELL, 0));
            assertThat(reader.lineNumber()).isEqualTo(4);
        }
    }

    @Test
    @Timeout(10)
    void formatComesFromTheFileNameUnlessGiven() throws IOException
    {
        assertThat(Format.fromFileName(Path.of("a/b.jsonl"))).isEqualTo(Format.NDJSON);
        assertThat(Format.fromFileName(Path.of("b.JSON"))).isEqualTo(Format.NDJSON);
        assertThat(Format.fromFileName(Path.of("b.ndjson"))).isEqualTo(Format.NDJSON);
        assertThat(Format.fromFileName(Path.of("b.csv"))).isEqualTo(Format.CSV);
        final Path text = write("ticks.txt", "type,symbol,side,price,qty", "instrument,A,,,");
        assertThatThrownBy(() -> new FeedFileReader(text))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ticks.txt");
        try (FeedFileReader reader = new FeedFileReader(text, Format.CSV, ErrorPolicy.FAIL_FAST))
        {
            assertThat(readAll(reader)).containsExactly(new AddInstrument(0, 1, "A", 2, 4, 1, 1, InstrumentMode.FEED));
        }
        assertThatThrownBy(() -> new FeedFileReader(dir.resolve("missing.csv")))
            .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("missing.csv");
    }

    static Stream<Arguments> badLines()
    {
        final String jsonInstrument = "{\"type\":\"instrument\",\"symbol\":\"BTC-USD\",\"priceScale\":2,\"qtyScale\":4," +
            "\"tickSize\":\"0.05\",\"lotSize\":\"0.001\"}";
        final String csvInstrument = "instrument,BTC-USD,,,,,2,4,0.05,0.001";
        return Stream.of(
            // NDJSON
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"ETH-USD\",\"side\":\"buy\",\"price\":\"1\",\"qty\":\"1\"}",
                Kind.UNKNOWN_SYMBOL, "unknown symbol 'ETH-USD'"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":\"101.255\",\"qty\":\"1\"}",
                Kind.BAD_NUMBER, "bad price '101.255': more than 2 decimal places"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":\"abc\",\"qty\":\"1\"}",
                Kind.BAD_NUMBER, "bad price 'abc': not a decimal number"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":1e3,\"qty\":\"1\"}",
                Kind.BAD_NUMBER, "bad price '1e3': not a decimal number"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":\"101.03\",\"qty\":\"1\"}",
                Kind.BAD_NUMBER, "bad price '101.03': not a multiple of the tick size 0.05"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":\"-5\",\"qty\":\"1\"}",
                Kind.BAD_NUMBER, "bad price '-5': must be positive"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":\"5\",\"qty\":\"0\"}",
                Kind.BAD_NUMBER, "bad qty '0': must be positive"),
            json(jsonInstrument, "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"bid\",\"price\":\"5\",\"qty\":\"0.0005\"}",
                Kind.BAD_NUMBER, "bad qty '0.0005': not a multiple of the lot size 0.001"),
            json(jsonInstrument, "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"bid\",\"price\":\"5\",\"qty\":\"1\",\"ts\":-1}",
                Kind.BAD_NUMBER, "bad ts '-1': not a non-negative integer"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"bid\",\"price\":\"5\",\"qty\":\"1\"}",
                Kind.BAD_SIDE, "bad side 'bid' for a trade: expected buy or sell"),
            json(jsonInstrument, "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":\"5\",\"qty\":\"1\"}",
                Kind.BAD_SIDE, "bad side 'buy' for a book level: expected bid or ask"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"price\":\"5\"",
                Kind.MALFORMED, "bad JSON at column"),
            json(jsonInstrument, "[1,2]", Kind.MALFORMED, "expected a JSON object"),
            json(jsonInstrument, "{\"type\":\"book\"} {\"type\":\"book\"}", Kind.MALFORMED,
                "unexpected content after the JSON object"),
            json(jsonInstrument, "{\"type\":\"book\",\"type\":\"trade\"}", Kind.MALFORMED,
                "bad JSON at column 22: Duplicate field 'type'"),
            json(jsonInstrument, "{\"type\":\"quote\",\"symbol\":\"BTC-USD\"}", Kind.MALFORMED, "unknown type 'quote'"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"side\":\"buy\",\"qty\":\"1\"}",
                Kind.MALFORMED, "missing field 'price'"),
            json(jsonInstrument, "{\"type\":\"trade\",\"symbol\":{\"a\":1}}", Kind.MALFORMED,
                "'symbol' must be a string or a number"),
            json(jsonInstrument, jsonInstrument, Kind.BAD_INSTRUMENT, "instrument 'BTC-USD' already defined at line 1"),
            json(jsonInstrument, "{\"type\":\"instrument\",\"symbol\":\"BAD SYMBOL\"}", Kind.BAD_INSTRUMENT,
                "invalid symbol 'BAD SYMBOL'"),
            json(jsonInstrument, "{\"type\":\"instrument\",\"symbol\":\"E\",\"priceScale\":10}", Kind.BAD_INSTRUMENT,
                "priceScale 10 out of range 0..9"),
            json(jsonInstrument, "{\"type\":\"instrument\",\"symbol\":\"E\",\"tickSize\":\"0.001\"}", Kind.BAD_NUMBER,
                "bad tickSize '0.001': more than 2 decimal places"),
            json(jsonInstrument, "{\"type\":\"instrument\",\"symbol\":\"E\",\"lotSize\":\"0\"}", Kind.BAD_INSTRUMENT,
                "lotSize '0' must be positive"),
            json(jsonInstrument, "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"bid\",\"price\":\"5\",\"qty\":\"" +
                "1".repeat(FeedFileReader.MAX_LINE_LENGTH) + "\"}", Kind.LINE_TOO_LONG, "line longer than 4096 bytes"),
            // CSV
            csv(csvInstrument, "trade,ETH-USD,buy,1,1", Kind.UNKNOWN_SYMBOL, "unknown symbol 'ETH-USD'"),
            csv(csvInstrument, "trade,BTC-USD,buy,101.255,1", Kind.BAD_NUMBER, "bad price '101.255': more than 2 decimal places"),
            csv(csvInstrument, "trade,BTC-USD,buy,1x,1", Kind.BAD_NUMBER, "bad price '1x': not a decimal number"),
            csv(csvInstrument, "trade,BTC-USD,buy,1,1.0001", Kind.BAD_NUMBER, "bad qty '1.0001': not a multiple of the lot size 0.001"),
            csv(csvInstrument, "trade,BTC-USD,buy,1,1,17e9", Kind.BAD_NUMBER, "bad ts '17e9': not a non-negative integer"),
            csv(csvInstrument, "trade,BTC-USD,buy,1,1,99999999999999999999", Kind.BAD_NUMBER, "bad ts '99999999999999999999': too large"),
            csv(csvInstrument, "trade,BTC-USD,up,1,1", Kind.BAD_SIDE, "bad side 'up' for a trade: expected buy or sell"),
            csv(csvInstrument, "book,BTC-USD,sell,1,1", Kind.BAD_SIDE, "bad side 'sell' for a book level: expected bid or ask"),
            csv(csvInstrument, "trade,BTC-USD,buy,1,1,0,,,,,", Kind.MALFORMED, "more fields than the header's 10 columns"),
            csv(csvInstrument, "trade,\"BTC-USD\",buy,1,1", Kind.MALFORMED, "quoted fields are not supported"),
            csv(csvInstrument, "trade,BTC-USD,buy", Kind.MALFORMED, "missing field 'price'"),
            csv(csvInstrument, ",BTC-USD,buy,1,1", Kind.MALFORMED, "missing field 'type'"),
            csv(csvInstrument, csvInstrument, Kind.BAD_INSTRUMENT, "instrument 'BTC-USD' already defined at line 2"),
            csv(csvInstrument, "instrument,ABCDEFGHIJKLMNOPQ", Kind.BAD_INSTRUMENT, "invalid symbol 'ABCDEFGHIJKLMNOPQ'"),
            csv(csvInstrument, "instrument,E,,,,,2,x", Kind.BAD_NUMBER, "bad qtyScale 'x': not a non-negative integer"),
            csv(csvInstrument, "book,BTC-USD,bid,1," + "2".repeat(FeedFileReader.MAX_LINE_LENGTH), Kind.LINE_TOO_LONG,
                "line longer than 4096 bytes"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badLines")
    @Timeout(10)
    void badLineFailsFastNamingFileAndLine(
        final String fileName,
        final String badLine,
        final List<String> content,
        final long badLineNumber,
        final Kind kind,
        final String reason) throws IOException
    {
        final Path file = write(fileName, content.toArray(new String[0]));
        try (FeedFileReader reader = new FeedFileReader(file))
        {
            final List<DecodedInput> before = new ArrayList<>();
            final FeedFormatException error = catchThrowableOfType(FeedFormatException.class, () ->
            {
                while (reader.next(buffer, 0))
                {
                    before.add(DecodedInput.decode(buffer, 0, reader.lastLength()));
                }
            });
            assertThat(error).as("no error for %s", badLine).isNotNull();
            assertThat(error.kind()).isEqualTo(kind);
            assertThat(error.lineNumber()).isEqualTo(badLineNumber);
            assertThat(error.file()).isEqualTo(file);
            assertThat(error.getMessage()).startsWith(file + ":" + badLineNumber + ": " + reason);
            assertThat(before).hasSize(1);

            // The bad line is consumed: the good line after it still comes out.
            assertThat(reader.next(buffer, 0)).isTrue();
            assertThat(DecodedInput.decode(buffer, 0, reader.lastLength())).isInstanceOf(FeedBookLevel.class);
            assertThat(reader.lineNumber()).isEqualTo(badLineNumber + 1);
            assertThat(reader.next(buffer, 0)).isFalse();
        }
    }

    @Test
    @Timeout(10)
    void skipPolicyCountsBadLinesAndKeepsTheGoodOnes() throws IOException
    {
        final Path file = write("mixed.csv",
            "type,symbol,side,price,qty,ts",
            "instrument,AAA,,,,",
            "trade,BBB,buy,1,1,",
            "instrument,B B,,,,",
            "instrument,BBB,,,,",
            "trade,AAA,sideways,1,1,",
            "trade,AAA,buy,1.001,1,",
            "book,AAA,ask,2.5,3,7",
            "book,AAA,ask,2.5,3,7,extra",
            "",
            "trade,BBB,sell,4,0.0002,9",
            "book,AAA,ask," + "9".repeat(5000) + ",1,");
        try (FeedFileReader reader = new FeedFileReader(file, Format.CSV, ErrorPolicy.SKIP_AND_COUNT))
        {
            assertThat(readAll(reader)).containsExactly(
                new AddInstrument(0, 1, "AAA", 2, 4, 1, 1, InstrumentMode.FEED),
                new AddInstrument(0, 2, "BBB", 2, 4, 1, 1, InstrumentMode.FEED),
                new FeedBookLevel(0, 1, Side.SELL, 250, 30000, 7),
                new FeedTrade(0, 2, 400, 2, Side.SELL, 9));
            assertThat(reader.skippedLineCount()).isEqualTo(6);
            assertThat(reader.lastSkippedError().lineNumber()).isEqualTo(12);
            assertThat(reader.lastSkippedError().kind()).isEqualTo(Kind.LINE_TOO_LONG);
            assertThat(reader.instrumentCount()).isEqualTo(2);
        }

        final Path json = write("mixed.ndjson",
            "{\"type\":\"instrument\",\"symbol\":\"AAA\"}",
            "not json",
            "{\"type\":\"trade\",\"symbol\":\"AAA\",\"side\":\"buy\",\"price\":\"1\",\"qty\":\"1\"}",
            "{\"type\":\"trade\",\"symbol\":\"ZZZ\",\"side\":\"buy\",\"price\":\"1\",\"qty\":\"1\"}");
        try (FeedFileReader reader = new FeedFileReader(json, Format.NDJSON, ErrorPolicy.SKIP_AND_COUNT))
        {
            assertThat(readAll(reader)).containsExactly(
                new AddInstrument(0, 1, "AAA", 2, 4, 1, 1, InstrumentMode.FEED),
                new FeedTrade(0, 1, 100, 10000, Side.BUY, 0));
            assertThat(reader.skippedLineCount()).isEqualTo(2);
            assertThat(reader.lastSkippedError().getMessage()).isEqualTo(json + ":4: unknown symbol 'ZZZ': " +
                "no instrument line defines it before this line");
        }
    }

    @Test
    @Timeout(10)
    void badCsvHeaderIsFatalUnderEitherPolicy() throws IOException
    {
        final Path typo = write("typo.csv", "", "type,symbol,side,prce,qty", "instrument,A,,,");
        try (FeedFileReader reader = new FeedFileReader(typo, Format.CSV, ErrorPolicy.SKIP_AND_COUNT))
        {
            final FeedFormatException error = catchThrowableOfType(FeedFormatException.class, () -> reader.next(buffer, 0));
            assertThat(error.kind()).isEqualTo(Kind.MALFORMED);
            assertThat(error.getMessage()).isEqualTo(typo + ":2: header: unknown column 'prce'");
            assertThatThrownBy(() -> reader.next(buffer, 0)).isSameAs(error);
        }
        final Path missing = write("missing.csv", "type,symbol,side,price");
        try (FeedFileReader reader = new FeedFileReader(missing))
        {
            assertThatThrownBy(() -> reader.next(buffer, 0))
                .hasMessage(missing + ":1: header: missing column 'qty'");
        }
        final Path duplicate = write("duplicate.csv", "type,symbol,side,price,qty,Price");
        try (FeedFileReader reader = new FeedFileReader(duplicate))
        {
            assertThatThrownBy(() -> reader.next(buffer, 0))
                .hasMessage(duplicate + ":1: header: duplicate column 'Price'");
        }
        final Path empty = write("empty.csv");
        try (FeedFileReader reader = new FeedFileReader(empty))
        {
            assertThat(reader.next(buffer, 0)).isFalse();
        }
    }

    @Test
    @Timeout(60)
    void streamsAHundredThousandLinesOfEitherFormat() throws IOException
    {
        final long seed = Long.getLong("tickwire.test.seed", 0x5EED_F00DL);
        System.out.println("FeedFileReaderTest seed=" + seed);
        for (final Format format : Format.values())
        {
            final java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            final Path file = dir.resolve("big." + (format == Format.CSV ? "csv" : "ndjson"));
            final List<DecodedInput> expected = new ArrayList<>();
            final int lines = 100_000;
            final int symbols = 50;
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII))
            {
                if (format == Format.CSV)
                {
                    out.write("type,symbol,side,price,qty,ts,priceScale,qtyScale,tickSize,lotSize\n");
                }
                for (int i = 0; i < symbols; i++)
                {
                    final String symbol = "S" + i;
                    out.write(format == Format.CSV ?
                        "instrument," + symbol + ",,,,,3,2,0.005,0.01\n" :
                        "{\"type\":\"instrument\",\"symbol\":\"" + symbol + "\",\"priceScale\":3,\"qtyScale\":2," +
                            "\"tickSize\":\"0.005\",\"lotSize\":\"0.01\"}\n");
                    expected.add(new AddInstrument(0, i + 1, symbol, 3, 2, 5, 1, InstrumentMode.FEED));
                }
                for (int i = symbols; i < lines; i++)
                {
                    final int instrument = random.nextInt(symbols);
                    final long price = 5L * (1 + random.nextInt(1_000_000));
                    final long qty = random.nextInt(100_000);
                    final long ts = TS + i;
                    final boolean trade = random.nextInt(4) == 0;
                    final boolean first = random.nextBoolean();
                    final String priceText = io.tickwire.codecs.Decimals.toString(price, 3);
                    final String qtyText = io.tickwire.codecs.Decimals.toString(trade ? qty + 1 : qty, 2);
                    final String side = trade ? (first ? "buy" : "sell") : (first ? "bid" : "ask");
                    if (format == Format.CSV)
                    {
                        out.write((trade ? "trade" : "book") + ",S" + instrument + "," + side + "," + priceText + "," +
                            qtyText + "," + ts + "\n");
                    }
                    else
                    {
                        out.write("{\"type\":\"" + (trade ? "trade" : "book") + "\",\"symbol\":\"S" + instrument +
                            "\",\"side\":\"" + side + "\",\"price\":\"" + priceText + "\",\"qty\":\"" + qtyText +
                            "\",\"ts\":" + ts + "}\n");
                    }
                    expected.add(trade ?
                        new FeedTrade(0, instrument + 1, price, qty + 1, first ? Side.BUY : Side.SELL, ts) :
                        new FeedBookLevel(0, instrument + 1, first ? Side.BUY : Side.SELL, price, qty, ts));
                }
            }

            try (FeedFileReader reader = new FeedFileReader(file))
            {
                final List<DecodedInput> actual = readAll(reader);
                assertThat(actual).as("seed %d, %s", seed, format).hasSize(lines);
                assertThat(actual).as("seed %d, %s", seed, format).isEqualTo(expected);
                assertThat(reader.lineNumber()).isEqualTo(format == Format.CSV ? lines + 1 : lines);
            }
        }
    }

    @Test
    @Timeout(60)
    void csvRecordsAreReadWithoutAllocationPerLine() throws IOException
    {
        final Path file = dir.resolve("steady.csv");
        final int lines = 400_000;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII))
        {
            out.write("type,symbol,side,price,qty,ts\n");
            for (int i = 0; i < 20; i++)
            {
                out.write("instrument,SYM" + i + ",,,,\n");
            }
            for (int i = 0; i < lines; i++)
            {
                out.write((i % 3 == 0 ? "trade,SYM" + (i % 20) + ",buy," : "book,SYM" + (i % 20) + ",ask,") +
                    (100 + i % 1000) + "." + (i % 100) + ",0." + (1 + i % 9999) + "," + (TS + i) + "\n");
            }
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        try (FeedFileReader reader = new FeedFileReader(file))
        {
            long checksum = 0;
            for (int i = 0; i < lines / 2; i++)
            {
                checksum += reader.read(buffer, 0);
            }
            threads.getThreadAllocatedBytes(threadId);
            final long before = threads.getThreadAllocatedBytes(threadId);
            int measured = 0;
            int length;
            while ((length = reader.read(buffer, 0)) > 0)
            {
                checksum += length;
                measured++;
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            System.out.println("CSV: " + allocated + " bytes allocated for " + measured + " lines (checksum " + checksum + ")");
            assertThat(measured).isEqualTo(lines / 2 + 20);
            // One allocation per line would be >= 3 MB; allow one-off JVM noise.
            assertThat(allocated).as("bytes allocated reading %d lines", measured).isLessThan(16_384);
        }
    }

    private List<DecodedInput> readAll(final FeedFileReader reader)
    {
        final List<DecodedInput> messages = new ArrayList<>();
        int length;
        while ((length = reader.read(buffer, 0)) > 0)
        {
            assertThat(reader.lastLength()).isEqualTo(length);
            messages.add(DecodedInput.decode(buffer, 0, length));
        }
        return messages;
    }

    private Path write(final String name, final String... lines) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    private static Arguments json(final String instrument, final String badLine, final Kind kind, final String reason)
    {
        final String good = "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"side\":\"bid\",\"price\":\"5\",\"qty\":\"1\"}";
        return Arguments.of("bad.ndjson", badLine, List.of(instrument, badLine, good), 2L, kind, reason);
    }

    private static Arguments csv(final String instrument, final String badLine, final Kind kind, final String reason)
    {
        return Arguments.of("bad.csv", badLine,
            List.of("type,symbol,side,price,qty,ts,priceScale,qtyScale,tickSize,lotSize", instrument, badLine,
                "book,BTC-USD,bid,5,1,"), 3L, kind, reason);
    }
}
