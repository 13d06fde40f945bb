package io.tickwire.app;

import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.replay.JournalIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tickwire seq}: what the journal holds, and where a seq or a time is in it (index lookups, no scan).
 */
@Command(
    name = "seq",
    mixinStandardHelpOptions = true,
    description = "Show a journal's identity and retained seq range, or find a time or a seq in it " +
        "(a binary search over the journal: fast on any size). Prints one JSON object.",
    footer = {
        "%nExamples:",
        "  tickwire seq --journal ./data/journal",
        "  tickwire seq --journal ./data/journal --time 2024-05-01T12:00:00Z",
        "  tickwire seq --journal ./data/journal --seq 123456",
        "%nWith --time, seq is the first event at or after the time (the next seq to be written if none is yet).",
        "With --seq, status is found, before-retained (deleted by retention) or after-end."
    })
final class SeqCommand implements Callable<Integer>
{
    @Option(names = "--journal", paramLabel = "DIR", required = true, description = "Journal directory")
    Path journal;

    @Option(names = "--time", paramLabel = "TIME",
        description = "Find the first batch at or after TIME: an ISO-8601 instant or epoch nanoseconds")
    String time;

    @Option(names = "--seq", paramLabel = "SEQ", description = "Find the batch holding SEQ")
    Long seq;

    @Override
    public Integer call()
    {
        if (time != null && seq != null)
        {
            throw new IllegalArgumentException("give --time or --seq, not both");
        }
        final long nanos = time != null ? TimeArgument.parse("--time", time) : 0;
        if (!Files.isDirectory(journal))
        {
            throw new IllegalArgumentException("--journal " + journal + ": no such directory");
        }
        final PrintStream out = System.out;
        try (Journal j = Journal.open(JournalConfig.of(journal).asReadOnly());
            JournalIndex index = new JournalIndex(j))
        {
            if (time != null)
            {
                final long found = index.indexAtOrAfterTime(nanos);
                final StringBuilder line = new StringBuilder("{\"time\":\"")
                    .append(TimeArgument.format(nanos)).append('"');
                if (found < 0)
                {
                    line.append(",\"status\":\"after-end\",\"seq\":").append(index.lastSeq() + 1);
                }
                else
                {
                    line.append(",\"status\":\"found\",\"seq\":").append(index.firstSeqAt(found));
                    batch(line, index, found);
                }
                out.println(line.append('}'));
            }
            else if (seq != null)
            {
                final long found = index.indexOfSeq(seq);
                final StringBuilder line = new StringBuilder("{\"seq\":").append(seq.longValue());
                if (found == JournalIndex.BEFORE_RETAINED)
                {
                    line.append(",\"status\":\"before-retained\",\"firstSeq\":").append(index.firstSeq());
                }
                else if (found == JournalIndex.AFTER_END)
                {
                    line.append(",\"status\":\"after-end\",\"lastSeq\":").append(index.lastSeq());
                }
                else
                {
                    line.append(",\"status\":\"found\"");
                    batch(line, index, found);
                }
                out.println(line.append('}'));
            }
            else
            {
                final StringBuilder line = new StringBuilder("{\"journalId\":").append(index.journalId())
                    .append(",\"firstSeq\":").append(index.firstSeq())
                    .append(",\"lastSeq\":").append(index.lastSeq());
                final long first = index.firstBatchIndex();
                final long last = index.lastBatchIndex();
                if (first >= 0)
                {
                    line.append(",\"firstTime\":\"").append(TimeArgument.format(index.engineTimeAt(first)))
                        .append("\",\"lastTime\":\"").append(TimeArgument.format(index.engineTimeAt(last))).append('"');
                }
                out.println(line.append('}'));
            }
        }
        out.flush();
        return 0;
    }

    private static void batch(final StringBuilder line, final JournalIndex index, final long found)
    {
        line.append(",\"batch\":{\"firstSeq\":").append(index.firstSeqAt(found))
            .append(",\"eventCount\":").append(index.eventCountAt(found))
            .append(",\"engineTime\":\"").append(TimeArgument.format(index.engineTimeAt(found)))
            .append("\",\"index\":\"").append(Long.toHexString(found)).append("\"}");
    }
}
