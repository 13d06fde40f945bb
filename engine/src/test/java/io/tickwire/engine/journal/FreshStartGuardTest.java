package io.tickwire.engine.journal;

import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.JournalScan;
import io.tickwire.engine.sim.InstrumentSpec;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine never starts at seq 1 on a journal whose cycle files hold records (docs/reliability.md): the byte
 * count of {@link CycleFiles} agrees with Chronicle's tailer on a real journal, a recovery that saw nothing (or only
 * the {@code JournalStart}) of a journal with batches, or of a directory holding a cycle file Chronicle renamed
 * aside, is refused, and a truly new journal, or one holding only its {@code JournalStart}, is accepted.
 */
class FreshStartGuardTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aRecoveryThatMissesTheJournalsRecordsCannotStartAtSeqOne() throws Exception
    {
        final Path full = dir.resolve("full");
        final JournalConfig fullConfig = JournalConfig.of(full);
        assertThat(CycleFiles.countRecords(full, Long.MAX_VALUE - 1)).as("no directory: no records").isZero();
        try (EngineNode node = EngineNode.launch(new EngineConfig().journal(fullConfig)
            .instruments(InstrumentSpec.defaults(4)).simulatorRate(20_000).simulatorSeed(42)))
        {
            assertThat(node.recovery().nextSeq()).as("a new journal starts at 1").isEqualTo(1);
            JournalScan.awaitJournaledSeq(fullConfig, 3_000, Duration.ofSeconds(60));
        }
        final long excerpts = chronicleExcerpts(fullConfig);
        assertThat(excerpts).isGreaterThan(10);
        assertThat(CycleFiles.countRecords(full, Long.MAX_VALUE - 1)).as("byte count = Chronicle's count")
            .isEqualTo(excerpts);
        assertThat(CycleFiles.countRecords(full, 1)).as("stops once past the limit").isEqualTo(2);

        final EngineNode.RecoveryResult whole;
        try (Journal journal = Journal.open(fullConfig.asReadOnly()))
        {
            whole = EngineNode.recover(journal, new Engine(EngineLimits.defaults()));
        }
        assertThat(whole.nextSeq()).isGreaterThan(3_000);
        assertThatCode(() -> EngineNode.checkFreshStart(full, whole)).doesNotThrowAnyException();

        // A recovery that read nothing: what an empty journal gives (here, a real recovery of an empty directory).
        final Path empty = dir.resolve("empty");
        final EngineNode.RecoveryResult nothing;
        try (Journal journal = Journal.open(JournalConfig.of(empty)))
        {
            nothing = EngineNode.recover(journal, new Engine(EngineLimits.defaults()));
        }
        assertThat(nothing).extracting(EngineNode.RecoveryResult::journalId, EngineNode.RecoveryResult::batches,
            EngineNode.RecoveryResult::nextSeq).containsExactly(0L, 0L, 1L);
        assertThatCode(() -> EngineNode.checkFreshStart(empty, nothing)).as("truly empty: a fresh start")
            .doesNotThrowAnyException();
        assertThatThrownBy(() -> EngineNode.checkFreshStart(full, nothing))
            .isInstanceOf(EngineNode.FreshStartRefusedException.class)
            .hasMessage("journal at " + full + ": recovery read no record but its cycle files hold at least 1 " +
                "records; refusing to start at seq 1, which would reuse journaled sequence numbers " +
                "(see docs/reliability.md; keep the directory for analysis)");

        // A cycle file Chronicle renamed aside (an un-acquirable segment) still counts: its records were journaled.
        final Path discarded = dir.resolve("discarded");
        Files.createDirectories(discarded);
        final Path cycleFile = CycleFiles.cycleFiles(full).get(0);
        Files.copy(cycleFile, discarded.resolve(cycleFile.getFileName() + "-1764000000000.discard"));
        Files.copy(cycleFile, discarded.resolve(cycleFile.getFileName() + ".damaged-1764000000000"));
        assertThat(CycleFiles.cycleFiles(discarded)).as("the .discard file, not the .damaged one")
            .containsExactly(discarded.resolve(cycleFile.getFileName() + "-1764000000000.discard"));
        assertThatThrownBy(() -> EngineNode.checkFreshStart(discarded, nothing))
            .isInstanceOf(EngineNode.FreshStartRefusedException.class);

        // A journal holding only its JournalStart (an engine stopped before its first batch): a fresh start is
        // right there, and wrong on the journal with batches.
        final Path startOnly = dir.resolve("start-only");
        copyFirstExcerpts(fullConfig, JournalConfig.of(startOnly), 1);
        final EngineNode.RecoveryResult start;
        try (Journal journal = Journal.open(JournalConfig.of(startOnly)))
        {
            start = EngineNode.recover(journal, new Engine(EngineLimits.defaults()));
        }
        assertThat(start.journalId()).isEqualTo(whole.journalId());
        assertThat(start.nextSeq()).isEqualTo(1);
        assertThat(CycleFiles.countRecords(startOnly, Long.MAX_VALUE - 1)).isEqualTo(1);
        assertThatCode(() -> EngineNode.checkFreshStart(startOnly, start)).doesNotThrowAnyException();
        assertThatThrownBy(() -> EngineNode.checkFreshStart(full, start))
            .isInstanceOf(EngineNode.FreshStartRefusedException.class)
            .hasMessageContaining("recovery read only its JournalStart but its cycle files hold at least 2 records");

        // The engine itself starts on each as expected: at 1 on the JournalStart-only journal, after the last
        // batch on the full one.
        try (EngineNode node = EngineNode.launch(new EngineConfig().journal(JournalConfig.of(startOnly))
            .instruments(InstrumentSpec.defaults(4)).acceptForeignJournal(true)))
        {
            assertThat(node.recovery().nextSeq()).isEqualTo(1);
            assertThat(node.journalId()).isEqualTo(whole.journalId());
        }
        try (EngineNode node = EngineNode.launch(new EngineConfig().journal(fullConfig)
            .instruments(InstrumentSpec.defaults(4))))
        {
            assertThat(node.recovery().nextSeq()).isEqualTo(whole.nextSeq());
        }
    }

    private static long chronicleExcerpts(final JournalConfig config)
    {
        long count = 0;
        try (Journal journal = Journal.open(config.asReadOnly());
            ExcerptTailer tailer = journal.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return count;
                    }
                    count++;
                }
            }
        }
    }

    private static void copyFirstExcerpts(final JournalConfig from, final JournalConfig to, final int excerpts)
    {
        final org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(0, 0);
        final ByteBuffer copy = ByteBuffer.allocateDirect(64 * 1024);
        try (Journal source = Journal.open(from.asReadOnly());
            ExcerptTailer tailer = source.createTailer();
            Journal target = Journal.open(to);
            JournalWriter writer = target.createWriter())
        {
            writer.source(copy);
            for (int i = 0; i < excerpts; i++)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    assertThat(dc.isPresent()).isTrue();
                    final int length = JournalReader.wrap(dc, view);
                    view.getBytes(0, copy, 0, length);
                    writer.append(length);
                }
            }
        }
    }
}
