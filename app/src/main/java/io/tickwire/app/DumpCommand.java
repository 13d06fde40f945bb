package io.tickwire.app;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.replay.JournalDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code tickwire dump}: journaled events, one per line.
 */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description = "Print journaled market-data events, one per line (NDJSON uses the WebSocket field names). " +
        "Starts at the selected seq or time by an index lookup, not by reading the journal through. " +
        "Safe while an engine is writing the journal.",
    footer = {
        "%nExamples:",
        "  tickwire dump --journal ./data/journal",
        "  tickwire dump --journal ./data/journal --from 1000 --to 2000 --symbol BTC-USD --symbol ETH-USD",
        "  tickwire dump --journal ./data/journal --from-time 2024-05-01T12:00:00Z --to-time 2024-05-01T12:05:00Z",
        "  tickwire dump --journal ./data/journal --format csv > events.csv",
        "  tickwire dump --journal ./data/journal --follow | jq -c 'select(.type==\"trade\")'"
    })
final class DumpCommand implements Callable<Integer>
{
    @Option(names = "--journal", paramLabel = "DIR", required = true, description = "Journal directory")
    Path journal;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1", description = "First seq (inclusive). Default: ${DEFAULT-VALUE}")
    long from;

    @Option(names = "--to", paramLabel = "SEQ", defaultValue = "" + Long.MAX_VALUE, showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
        description = "Last seq (inclusive). Default: the end of the journal")
    long to;

    @Option(names = "--from-time", paramLabel = "TIME",
        description = "Start at the first batch whose engine time is at or after TIME: an ISO-8601 instant " +
            "(2024-05-01T12:00:00Z) or epoch nanoseconds")
    String fromTime;

    @Option(names = "--to-time", paramLabel = "TIME",
        description = "Stop before the first batch whose engine time is at or after TIME (exclusive); same forms")
    String toTime;

    @Option(names = "--symbol", paramLabel = "S", description = "Only this symbol (repeatable)")
    List<String> symbols = List.of();

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "ndjson", description = "ndjson or csv. Default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--follow", description = "Keep printing new events as they are journaled (until Ctrl-C)")
    boolean follow;

    @Option(names = "--output", paramLabel = "FILE", description = "Write to this file instead of standard output")
    Path output;

    @Override
    public Integer call() throws Exception
    {
        final JournalDump.Format fmt;
        switch (format.toLowerCase())
        {
            case "ndjson":
                fmt = JournalDump.Format.NDJSON;
                break;
            case "csv":
                fmt = JournalDump.Format.CSV;
                break;
            default:
                throw new IllegalArgumentException("--format must be ndjson or csv, got '" + format + "'");
        }
        if (from < 1 || to < from)
        {
            throw new IllegalArgumentException("need 1 <= --from <= --to, got --from " + from + " --to " + to);
        }
        final long fromNanos = fromTime != null ? TimeArgument.parse("--from-time", fromTime) : Long.MIN_VALUE;
        final long toNanos = toTime != null ? TimeArgument.parse("--to-time", toTime) : Long.MAX_VALUE;
        if (toNanos < fromNanos)
        {
            throw new IllegalArgumentException("need --from-time <= --to-time, got --from-time " + fromTime +
                " --to-time " + toTime);
        }
        if (!Files.isDirectory(journal))
        {
            throw new IllegalArgumentException("--journal " + journal + ": no such directory");
        }
        final PrintStream out = new PrintStream(new BufferedOutputStream(
            output != null ? new FileOutputStream(output.toFile()) : new FileOutputStream(FileDescriptor.out), 1 << 16),
            false, StandardCharsets.UTF_8);
        final AtomicBoolean stop = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true)));
        try (Journal j = Journal.open(JournalConfig.of(journal).asReadOnly()))
        {
            final JournalDump dump =
                new JournalDump(fmt, from, to, fromNanos, toNanos, new HashSet<>(symbols), out, System.err);
            dump.run(j, follow, stop::get);
        }
        finally
        {
            out.flush();
            if (output != null)
            {
                out.close();
            }
        }
        return 0;
    }
}
