package io.tickwire.engine.journal;

import io.tickwire.engine.EngineConfig;
import io.tickwire.engine.EngineNode;
import io.tickwire.engine.sim.InstrumentSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An engine refuses a journal of another instance unless told to take it over: one recorded for another
 * instance name, one whose owner record belongs to another journal, one with no owner record at all.
 */
class ForeignJournalTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aJournalOfAnotherInstanceIsRefusedUnlessTakenOver() throws Exception
    {
        final Path a = dir.resolve("a");
        final long idA;
        final long nextA;
        try (EngineNode node = EngineNode.launch(config(a, "venue-a", false)))
        {
            idA = node.journalId();
            nextA = node.engine().nextSeq();
        }
        assertThat(JournalOwner.read(a)).isEqualTo(new JournalOwner("venue-a", idA));

        try (EngineNode node = EngineNode.launch(config(a, "venue-a", false)))
        {
            assertThat(node.journalId()).as("its own journal: accepted").isEqualTo(idA);
        }
        assertThatThrownBy(() -> EngineNode.launch(config(a, "venue-b", false)))
            .isInstanceOf(EngineNode.ForeignJournalException.class)
            .hasMessageContaining("belongs to engine instance 'venue-a'")
            .hasMessageContaining("this engine is instance 'venue-b'")
            .hasMessageContaining("--accept-foreign-journal");
        assertThat(JournalOwner.read(a)).as("a refusal changes nothing").isEqualTo(new JournalOwner("venue-a", idA));

        try (EngineNode node = EngineNode.launch(config(a, "venue-b", true)))
        {
            assertThat(node.journalId()).isEqualTo(idA);
            assertThat(node.recovery().nextSeq()).as("taken over where it ended").isEqualTo(nextA);
        }
        assertThat(JournalOwner.read(a)).isEqualTo(new JournalOwner("venue-b", idA));
        assertThatThrownBy(() -> EngineNode.launch(config(a, "venue-a", false)))
            .hasMessageContaining("belongs to engine instance 'venue-b'");

        // The owner record of another journal next to these cycle files: files of two journals mixed up.
        final Path c = dir.resolve("c");
        final long idC;
        try (EngineNode node = EngineNode.launch(config(c, "venue-b", false)))
        {
            idC = node.journalId();
        }
        Files.copy(a.resolve(JournalOwner.FILE_NAME), c.resolve(JournalOwner.FILE_NAME),
            StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> EngineNode.launch(config(c, "venue-b", false)))
            .hasMessageContaining("has an owner record for journal " + Long.toHexString(idA))
            .hasMessageContaining("its files are journal " + Long.toHexString(idC));

        // No owner record (a journal from before owner records, or one copied without it).
        Files.delete(c.resolve(JournalOwner.FILE_NAME));
        assertThatThrownBy(() -> EngineNode.launch(config(c, "venue-b", false)))
            .hasMessageContaining("has no owner record");
        try (EngineNode node = EngineNode.launch(config(c, "venue-b", true)))
        {
            assertThat(node.journalId()).isEqualTo(idC);
        }
        assertThat(JournalOwner.read(c)).isEqualTo(new JournalOwner("venue-b", idC));
    }

    @Test
    void instanceNamesAreChecked()
    {
        assertThatThrownBy(() -> new EngineConfig().instanceName("bad name"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instance name");
        assertThatThrownBy(() -> new EngineConfig().instanceName("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EngineConfig().instanceName("x".repeat(65)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(new EngineConfig().instanceName()).isEqualTo(EngineConfig.DEFAULT_INSTANCE);
    }

    private static EngineConfig config(final Path journal, final String instance, final boolean acceptForeign)
    {
        return new EngineConfig()
            .journal(JournalConfig.of(journal))
            .instruments(InstrumentSpec.defaults(2))
            .instanceName(instance)
            .acceptForeignJournal(acceptForeign);
    }
}
