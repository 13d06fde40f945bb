package io.tickwire.app;

import io.tickwire.engine.EngineSnapshots;
import io.tickwire.engine.journal.Journal;
import io.tickwire.engine.journal.JournalConfig;
import io.tickwire.engine.journal.JournalRepair;
import io.tickwire.replay.JournalRetention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tickwire retention}: deletes a journal's old cycle files once (a running engine does it by itself with
 * {@code --retain-cycles}).
 */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = "Delete a journal's oldest roll-cycle files: keep the newest N, or delete those holding only " +
        "batches older than a time. Never deletes the newest cycle, nor (unless --archive) the cycle of the newest " +
        "engine snapshot, which an engine restart needs. Seq lookups and resumes of older seqs then answer " +
        "before-retained / recovered:false. Prints one JSON object.",
    footer = {
        "%nExamples:",
        "  tickwire retention --journal ./data/journal --keep-cycles 24",
        "  tickwire retention --journal /archive/journal-copy --older-than 2024-05-01T00:00:00Z --archive",
        "%nSafe while an engine, gateways and replays use the journal (readers in a deleted cycle finish it).",
        "Without --archive a journal with no engine snapshot (written by an engine older than snapshots) is refused."
    })
final class RetentionCommand implements Callable<Integer>
{
    @Option(names = "--journal", paramLabel = "DIR", required = true, description = "Journal directory")
    Path journal;

    @Option(names = "--keep-cycles", paramLabel = "N", description = "Keep the newest N cycle files (N >= 1)")
    Integer keepCycles;

    @Option(names = "--older-than", paramLabel = "TIME",
        description = "Delete the cycles holding only batches older than TIME: an ISO-8601 instant or epoch " +
            "nanoseconds")
    String olderThan;

    @Option(names = "--archive",
        description = "A copy no engine will restart from: cycles an engine restart would need may go too")
    boolean archive;

    @Override
    public Integer call()
    {
        if ((keepCycles == null) == (olderThan == null))
        {
            throw new IllegalArgumentException("give --keep-cycles or --older-than (one of them)");
        }
        if (keepCycles != null && keepCycles < 1)
        {
            throw new IllegalArgumentException("--keep-cycles must be at least 1, got " + keepCycles);
        }
        final long nanos = olderThan != null ? TimeArgument.parse("--older-than", olderThan) : 0;
        if (!Files.isDirectory(journal) || JournalRepair.lastCycleFile(journal) == null)
        {
            throw new IllegalArgumentException("--journal " + journal + ": no such directory or no journal in it");
        }
        final PrintStream out = System.out;
        try (Journal j = Journal.open(JournalConfig.of(journal)))
        {
            final EngineSnapshots.Found snapshot = EngineSnapshots.newest(j);
            if (snapshot == null && !archive)
            {
                throw new IllegalArgumentException("--journal " + journal + " holds no engine snapshot: an engine " +
                    "could not restart from it once its first cycle is gone; add --archive if none will");
            }
            final int keepFrom = archive ? Integer.MAX_VALUE : j.rollCycle().toCycle(snapshot.firstIndex());
            final JournalRetention.Result result = keepCycles != null ?
                JournalRetention.keepNewestCycles(j, keepCycles, keepFrom) :
                JournalRetention.deleteOlderThan(j, nanos, keepFrom);
            out.println("{\"cyclesDeleted\":" + result.cyclesDeleted() + ",\"bytesDeleted\":" + result.bytesDeleted() +
                ",\"cyclesKept\":" + result.cyclesKept() + ",\"firstSeq\":" + result.firstSeq() +
                ",\"definitionsKept\":" + result.definitionsKept() +
                ",\"recoverySnapshotSeq\":" + (snapshot != null ? snapshot.snapshotSeq() : 0) + "}");
        }
        out.flush();
        return 0;
    }
}
