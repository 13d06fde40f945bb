package io.tickwire.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
        assertThat(result.out()).contains("run", "engine", "gateway", "dump", "Examples:");
        for (final String command : List.of("run", "engine", "gateway", "dump"))
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
}
