package io.tickwire.replay;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.TestInputs;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class JournalDumpTest
{
    @TempDir
    Path dir;

    private Journal writeJournal(final List<UnsafeBuffer> inputs)
    {
        final Journal journal = Journal.open(JournalConfig.of(dir.resolve("journal")));
        final Engine engine = new Engine(EngineLimits.defaults());
        try (JournalWriter writer = journal.createWriter())
        {
            writer.source(engine.batchByteBuffer());
            long time = 1_000;
            for (final UnsafeBuffer input : inputs)
            {
                writer.append(engine.apply(input, 0, input.capacity(), time++));
            }
        }
        return journal;
    }

    private static String dump(final Journal journal, final JournalDump.Format format, final long from, final long to,
        final Set<String> symbols) throws InterruptedException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new JournalDump(format, from, to, symbols, out, null).run(journal, false, () -> false);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ndjsonAndCsvShowEveryEventWithTheWebSocketFieldNames() throws Exception
    {
        try (Journal journal = writeJournal(List.of(
            TestInputs.addInstrument(1, "BTC-USD", 2, 4, 1, 1, InstrumentMode.MATCHING),
            TestInputs.newOrder(1, 1, 1, Side.SELL, OrderType.LIMIT, 10_125, 5_000),
            TestInputs.newOrder(2, 1, 1, Side.BUY, OrderType.IOC, 10_125, 20_000),
            TestInputs.cancel(9, 9, 1))))
        {
            assertThat(dump(journal, JournalDump.Format.NDJSON, 1, Long.MAX_VALUE, Set.of())).isEqualTo(
                "{\"type\":\"instrument\",\"symbol\":\"BTC-USD\",\"seq\":1,\"prev\":0,\"priceScale\":2,\"qtyScale\":4," +
                    "\"tickSize\":\"0.01\",\"lotSize\":\"0.0001\",\"mode\":\"matching\"}\n" +
                "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"seq\":2,\"prev\":0,\"side\":\"ask\",\"price\":\"101.25\"," +
                    "\"qty\":\"0.5\",\"orders\":1,\"ts\":1001}\n" +
                "{\"type\":\"ticker\",\"symbol\":\"BTC-USD\",\"seq\":3,\"prev\":0,\"bid\":null,\"bidQty\":null," +
                    "\"ask\":\"101.25\",\"askQty\":\"0.5\",\"last\":null,\"lastQty\":null,\"volume\":\"0\",\"ts\":1001}\n" +
                "{\"type\":\"trade\",\"symbol\":\"BTC-USD\",\"seq\":4,\"prev\":0,\"price\":\"101.25\",\"qty\":\"0.5\"," +
                    "\"side\":\"buy\",\"ts\":1002}\n" +
                "{\"type\":\"book\",\"symbol\":\"BTC-USD\",\"seq\":5,\"prev\":2,\"side\":\"ask\",\"price\":\"101.25\"," +
                    "\"qty\":\"0\",\"orders\":0,\"ts\":1002}\n" +
                "{\"type\":\"ticker\",\"symbol\":\"BTC-USD\",\"seq\":6,\"prev\":3,\"bid\":null,\"bidQty\":null," +
                    "\"ask\":null,\"askQty\":null,\"last\":\"101.25\",\"lastQty\":\"0.5\",\"volume\":\"0.5\",\"ts\":1002}\n");

            assertThat(dump(journal, JournalDump.Format.CSV, 4, 5, Set.of())).isEqualTo(
                JournalDump.CSV_HEADER + "\n" +
                "trade,BTC-USD,4,0,1002,buy,101.25,0.5,,,,,,,,\n" +
                "book,BTC-USD,5,2,1002,ask,101.25,0,0,,,,,,,\n");
        }
    }

    @Test
    void rangeAndSymbolFiltersOverALargeJournalShowSeqWithoutGaps() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("JournalDumpTest seed=" + seed);
        final Random random = new Random(seed);
        final List<UnsafeBuffer> inputs = new java.util.ArrayList<>();
        inputs.add(TestInputs.addInstrument(1, "A", 0, 0, 1, 1, InstrumentMode.MATCHING));
        inputs.add(TestInputs.addInstrument(2, "B", 0, 0, 1, 1, InstrumentMode.MATCHING));
        for (int i = 1; i <= 20_000; i++)
        {
            inputs.add(TestInputs.newOrder(1, i, 1 + random.nextInt(2), random.nextBoolean() ? Side.BUY : Side.SELL,
                OrderType.LIMIT, 95 + random.nextInt(11), 1 + random.nextInt(9)));
        }
        try (Journal journal = writeJournal(inputs))
        {
            final String all = dump(journal, JournalDump.Format.NDJSON, 1, Long.MAX_VALUE, Set.of());
            final long[] seqs = seqs(all);
            assertThat(seqs.length).isGreaterThan(20_000);
            for (int i = 0; i < seqs.length; i++)
            {
                assertThat(seqs[i]).isEqualTo(i + 1);
            }

            final String range = dump(journal, JournalDump.Format.NDJSON, 1_000, 1_999, Set.of());
            final long[] rangeSeqs = seqs(range);
            assertThat(rangeSeqs).hasSize(1_000);
            assertThat(rangeSeqs[0]).isEqualTo(1_000);
            assertThat(rangeSeqs[999]).isEqualTo(1_999);

            final String onlyB = dump(journal, JournalDump.Format.NDJSON, 1, Long.MAX_VALUE, Set.of("B"));
            assertThat(onlyB.lines()).allMatch(l -> l.contains("\"symbol\":\"B\""));
            assertThat(onlyB.lines().count() + dump(journal, JournalDump.Format.NDJSON, 1, Long.MAX_VALUE, Set.of("A"))
                .lines().count()).isEqualTo(seqs.length);
        }
    }

    @Test
    void timeWindowsAndSeqBoundsSelectExactlyTheEventsOfTheFullDumpWithThoseTimesAndSeqs() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("JournalDumpTest.time seed=" + seed);
        final Random random = new Random(seed);
        try (JournalFixture fixture = new JournalFixture(dir.resolve("rolled"), random).writeManyCycles(3_000))
        {
            final List<String> all = dumpCsv(fixture.journal, 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, Set.of());
            final long firstTime = JournalFixture.T0;
            final long lastTime = fixture.engineTime;
            final long lastSeq = all.size();
            int selected = 0;
            for (int round = 0; round < 25; round++)
            {
                final long from = firstTime - 5 + (long)(random.nextDouble() * (lastTime - firstTime + 10));
                final long to = random.nextInt(4) == 0 ? Long.MAX_VALUE : from + (long)(random.nextDouble() * (lastTime - from + 5));
                final long fromSeq = random.nextBoolean() ? 1 : 1 + random.nextInt((int)lastSeq);
                final long toSeq = random.nextBoolean() ? Long.MAX_VALUE : fromSeq + random.nextInt((int)lastSeq);
                final Set<String> symbols = random.nextBoolean() ? Set.of() : Set.of("B", "D");
                final List<String> expected = all.stream().filter(line ->
                {
                    final String[] columns = line.split(",", -1);
                    final long seq = Long.parseLong(columns[2]);
                    final long ts = Long.parseLong(columns[4]);
                    return ts >= from && ts < to && seq >= fromSeq && seq <= toSeq &&
                        (symbols.isEmpty() || symbols.contains(columns[1]));
                }).toList();
                assertThat(dumpCsv(fixture.journal, fromSeq, toSeq, from, to, symbols))
                    .as("round %d: seq %d..%d time %d..%d %s", round, fromSeq, toSeq, from, to, symbols)
                    .isEqualTo(expected);
                selected += expected.size();
            }
            assertThat(selected).isPositive();
        }
    }

    private static List<String> dumpCsv(final Journal journal, final long fromSeq, final long toSeq, final long fromTime,
        final long toTime, final Set<String> symbols) throws InterruptedException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new JournalDump(JournalDump.Format.CSV, fromSeq, toSeq, fromTime, toTime, symbols, out, null)
            .run(journal, false, () -> false);
        final List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).isEqualTo(JournalDump.CSV_HEADER);
        return lines.subList(1, lines.size());
    }

    private static long[] seqs(final String ndjson)
    {
        final Matcher m = Pattern.compile("\"seq\":(\\d+)").matcher(ndjson);
        return m.results().mapToLong(r -> Long.parseLong(r.group(1))).toArray();
    }
}
