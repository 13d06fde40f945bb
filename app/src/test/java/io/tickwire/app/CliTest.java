package io.tickwire.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.EngineSnapshots;
import io.tickwire.engine.TestInputs;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalWriter;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class CliTest
{
    @TempDir
    Path dir;

    private record Result(int code, String out, String err)
    {
    }

    private static synchronized Result run(final String... args)
    {
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            final int code = TickwireCli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsEveryCommandWithExamples()
    {
        final Result result = run("--help");
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("run", "engine", "gateway", "dump", "seq", "replay", "retention", "Examples:");
        for (final String command : List.of("run", "engine", "gateway", "dump", "seq", "replay", "retention"))
        {
            final Result help = run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Examples:");
        }
    }

    @Test
    void badOptionsAndPathsAreClearErrorsWithExitCode2() throws Exception
    {
        final Result missing = run("dump", "--journal", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--journal", "no such directory");

        final Result range = run("dump", "--journal", dir.toString(), "--from", "10", "--to", "5");
        assertThat(range.code()).isEqualTo(2);
        assertThat(range.err()).contains("--from");

        final Result format = run("dump", "--journal", dir.toString(), "--format", "xml");
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("ndjson or csv");

        final Result port = run("run", "--port", "70000", "--journal", dir.resolve("j").toString());
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--port");

        final Result feed = run("engine", "--feed", dir.resolve("missing.ndjson").toString(),
            "--journal", dir.resolve("j2").toString());
        assertThat(feed.code()).isEqualTo(2);
        assertThat(feed.err()).contains("--feed");

        final Result token = run("run", "--require-token", "--journal", dir.resolve("j3").toString());
        assertThat(token.code()).isEqualTo(2);
        assertThat(token.err()).contains("--require-token needs --jwt-secret-file");

        final Path shortSecret = dir.resolve("secret");
        java.nio.file.Files.writeString(shortSecret, "too short\n");
        final Result secret = run("gateway", "--aeron-dir", dir.toString(), "--jwt-secret-file", shortSecret.toString());
        assertThat(secret.code()).isEqualTo(2);
        assertThat(secret.err()).contains("at least 32 bytes, got 9");

        final Result both = run("gateway", "--aeron-dir", dir.toString(), "--journal", dir.toString(),
            "--replay-channel", "aeron:ipc");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--replay-channel is for a gateway without --journal");

        final Result streams = run("gateway", "--aeron-dir", dir.toString(), "--replay-channel", "aeron:ipc",
            "--replay-resume-streams", "-1");
        assertThat(streams.code()).isEqualTo(2);
        assertThat(streams.err()).contains("--replay-resume-streams must be 0 or more, got -1");

        final Result unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);

        final Result notNumber = run("dump", "--journal", dir.toString(), "--from", "abc");
        assertThat(notNumber.code()).isEqualTo(2);
        assertThat(notNumber.err()).contains("--from");
    }

    @Test
    void dumpOfAnEmptyJournalWritesNothingAndSucceeds() throws Exception
    {
        final Path journal = Files.createDirectories(dir.resolve("empty"));
        final Path output = dir.resolve("out.ndjson");
        final Result result = run("dump", "--journal", journal.toString(), "--output", output.toString());
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(Files.readString(output)).isEmpty();
    }

    /**
     * A journal like the engine writes (default roll cycle): a JournalStart, then an instrument and ten orders,
     * one second of engine time apart from {@link #T0}.
     */
    private Path writeJournal() throws Exception
    {
        final Path path = dir.resolve("timed");
        final Engine engine = new Engine(EngineLimits.defaults());
        try (Journal journal = Journal.open(JournalConfig.of(path)); JournalWriter writer = journal.createWriter())
        {
            final ByteBuffer start = ByteBuffer.allocateDirect(64);
            final JournalStartEncoder encoder = new JournalStartEncoder();
            encoder.wrapAndApplyHeader(new UnsafeBuffer(start), 0, new MessageHeaderEncoder()).journalId(77).createdTime(T0);
            writer.source(start);
            writer.append(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
            writer.source(engine.batchByteBuffer());
            final UnsafeBuffer add = TestInputs.addInstrument(1, "BTC-USD", 0, 0, 1, 1, InstrumentMode.MATCHING);
            writer.append(engine.apply(add, 0, add.capacity(), T0));
            for (int i = 1; i <= 10; i++)
            {
                final UnsafeBuffer order = TestInputs.newOrder(1, i, 1, i % 2 == 0 ? Side.BUY : Side.SELL, OrderType.LIMIT,
                    100 + i, 1);
                writer.append(engine.apply(order, 0, order.capacity(), T0 + i * 1_000_000_000L));
            }
        }
        return path;
    }

    private static final long T0 = 1_714_564_800_000_000_000L; // 2024-05-01T12:00:00Z

    @Test
    void dumpSelectsATimeWindowAndSeqFindsTimesAndSeqs() throws Exception
    {
        final Path journal = writeJournal();
        final Path output = dir.resolve("window.csv");
        final Result window = run("dump", "--journal", journal.toString(), "--format", "csv", "--output", output.toString(),
            "--from-time", "2024-05-01T12:00:03Z", "--to-time", String.valueOf(T0 + 5_000_000_000L));
        assertThat(window.code()).as(window.err()).isZero();
        final List<String> lines = Files.readAllLines(output);
        assertThat(lines.get(0)).isEqualTo(io.tickwire.replay.JournalDump.CSV_HEADER);
        assertThat(lines.subList(1, lines.size()).stream().map(line -> line.split(",")[4]).distinct().toList())
            .isEqualTo(List.of(String.valueOf(T0 + 3_000_000_000L), String.valueOf(T0 + 4_000_000_000L)));

        final Result info = run("seq", "--journal", journal.toString());
        assertThat(info.code()).as(info.err()).isZero();
        final String lastSeq = info.out().replaceAll("(?s).*\"lastSeq\":(\\d+).*", "$1");
        assertThat(info.out().trim()).isEqualTo("{\"journalId\":77,\"firstSeq\":1,\"lastSeq\":" + lastSeq +
            ",\"firstTime\":\"2024-05-01T12:00:00Z\",\"lastTime\":\"2024-05-01T12:00:10Z\"}");

        final Result byTime = run("seq", "--journal", journal.toString(), "--time", "2024-05-01T14:00:02.5+02:00");
        assertThat(byTime.code()).as(byTime.err()).isZero();
        assertThat(byTime.out()).startsWith("{\"time\":\"2024-05-01T12:00:02.500Z\",\"status\":\"found\",\"seq\":")
            .contains("\"engineTime\":\"2024-05-01T12:00:03Z\"");

        final Result bySeq = run("seq", "--journal", journal.toString(), "--seq", "2");
        assertThat(bySeq.out()).startsWith("{\"seq\":2,\"status\":\"found\",\"batch\":{\"firstSeq\":2,");
        final Result beyond = run("seq", "--journal", journal.toString(), "--seq", "1000000");
        assertThat(beyond.out().trim()).isEqualTo("{\"seq\":1000000,\"status\":\"after-end\",\"lastSeq\":" + lastSeq + "}");
        final Result late = run("seq", "--journal", journal.toString(), "--time", "2030-01-01T00:00:00Z");
        assertThat(late.out()).contains("\"status\":\"after-end\",\"seq\":" + (Long.parseLong(lastSeq) + 1));

        final Result badTime = run("dump", "--journal", journal.toString(), "--from-time", "yesterday");
        assertThat(badTime.code()).isEqualTo(2);
        assertThat(badTime.err()).contains("--from-time", "ISO-8601");
        final Result reversed = run("dump", "--journal", journal.toString(), "--from-time", "2024-05-02T00:00:00Z",
            "--to-time", "2024-05-01T00:00:00Z");
        assertThat(reversed.code()).isEqualTo(2);
        assertThat(reversed.err()).contains("--from-time <= --to-time");
        final Result both = run("seq", "--journal", journal.toString(), "--seq", "1", "--time", "0");
        assertThat(both.code()).isEqualTo(2);
    }

    /**
     * A journal of four one-second cycles like a running engine writes it: the JournalStart and the first orders in
     * the first cycle, an engine snapshot opening the second and third, none in the fourth.
     */
    private Path writeRollingJournal(final String name, final boolean snapshots, final Engine engine) throws Exception
    {
        final Path path = dir.resolve(name);
        final SetTimeProvider time = new SetTimeProvider(java.util.concurrent.TimeUnit.SECONDS.toNanos(1_700_000_000L));
        final JournalConfig config = JournalConfig.of(path).withRollCycle(TestRollCycles.TEST_SECONDLY).withTimeProvider(time);
        try (Journal journal = Journal.open(config); JournalWriter writer = journal.createWriter())
        {
            final ByteBuffer start = ByteBuffer.allocateDirect(64);
            new JournalStartEncoder().wrapAndApplyHeader(new UnsafeBuffer(start), 0, new MessageHeaderEncoder())
                .journalId(88).createdTime(T0);
            writer.source(start);
            writer.append(MessageHeaderEncoder.ENCODED_LENGTH + JournalStartEncoder.BLOCK_LENGTH);
            writer.source(engine.batchByteBuffer());
            final EngineSnapshots.Writer snapshotWriter = new EngineSnapshots.Writer(writer);
            final UnsafeBuffer add = TestInputs.addInstrument(1, "BTC-USD", 0, 0, 1, 1, InstrumentMode.MATCHING);
            writer.append(engine.apply(add, 0, add.capacity(), T0));
            for (int cycle = 0; cycle < 4; cycle++)
            {
                if (cycle > 0)
                {
                    time.advanceMillis(1_000);
                    if (snapshots && cycle < 3)
                    {
                        snapshotWriter.write(engine, 88);
                    }
                }
                for (int i = 1; i <= 10; i++)
                {
                    final int id = cycle * 10 + i;
                    final UnsafeBuffer order = TestInputs.newOrder(1, id, 1, id % 2 == 0 ? Side.BUY : Side.SELL,
                        OrderType.LIMIT, id % 2 == 0 ? 100 - i : 110 + i, 1);
                    writer.append(engine.apply(order, 0, order.capacity(), T0 + id * 1_000_000_000L));
                }
            }
        }
        return path;
    }

    @Test
    void retentionDeletesOldCyclesButNeverTheSnapshotARestartNeeds() throws Exception
    {
        final Engine engine = new Engine(EngineLimits.defaults());
        final Path journal = writeRollingJournal("rolling", true, engine);

        final Result keep = run("retention", "--journal", journal.toString(), "--keep-cycles", "1");
        assertThat(keep.code()).as(keep.err()).isZero();
        // the newest snapshot opens the third cycle: the third and fourth stay although one was asked for
        final String firstSeq = keep.out().replaceAll("(?s).*\"firstSeq\":(\\d+).*", "$1");
        assertThat(keep.out()).startsWith("{\"cyclesDeleted\":2,").contains("\"cyclesKept\":2,");
        assertThat(Long.parseLong(firstSeq)).isGreaterThan(1);
        final Result again = run("retention", "--journal", journal.toString(), "--older-than", "2030-01-01T00:00:00Z");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).startsWith("{\"cyclesDeleted\":0,").contains("\"cyclesKept\":2,");

        final Result before = run("seq", "--journal", journal.toString(), "--seq", "1");
        assertThat(before.out().trim()).isEqualTo("{\"seq\":1,\"status\":\"before-retained\",\"firstSeq\":" +
            firstSeq + "}");
        final Result info = run("seq", "--journal", journal.toString());
        assertThat(info.out()).startsWith("{\"journalId\":88,\"firstSeq\":" + firstSeq + ",\"lastSeq\":" +
            (engine.nextSeq() - 1) + ",");
        try (Journal j = Journal.open(JournalConfig.of(journal).asReadOnly()))
        {
            final Engine recovered = new Engine(EngineLimits.defaults());
            final EngineNode.RecoveryResult result = EngineNode.recover(j, recovered);
            assertThat(result.snapshotSeq()).isPositive();
            assertThat(result.journalId()).isEqualTo(88);
            assertThat(recovered.stateHash()).isEqualTo(engine.stateHash());
        }

        final Path plain = writeRollingJournal("plain", false, new Engine(EngineLimits.defaults()));
        final Result refused = run("retention", "--journal", plain.toString(), "--keep-cycles", "1");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("holds no engine snapshot", "--archive");
        final Result archive = run("retention", "--journal", plain.toString(), "--keep-cycles", "1", "--archive");
        assertThat(archive.code()).as(archive.err()).isZero();
        assertThat(archive.out()).startsWith("{\"cyclesDeleted\":3,").contains("\"cyclesKept\":1,");

        final Result neither = run("retention", "--journal", journal.toString());
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).contains("--keep-cycles or --older-than");
        final Result zero = run("retention", "--journal", journal.toString(), "--keep-cycles", "0");
        assertThat(zero.code()).isEqualTo(2);
        final Result missing = run("retention", "--journal", dir.resolve("none").toString(), "--keep-cycles", "1");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("none"))).as("no journal created").isFalse();
    }
}
