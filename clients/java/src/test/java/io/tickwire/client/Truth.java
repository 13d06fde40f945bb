package io.tickwire.client;

import io.tickwire.gateway.JournalTruth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares what a client delivered with the journal, the truth.
 */
final class Truth
{
    private Truth()
    {
    }

    /**
     * Every book view the client delivered equals the journal's top {@code depth} levels at the view's seq.
     *
     * @return the journal's replay, for more checks.
     */
    static JournalTruth assertBooksMatchJournal(final Path journal, final List<Recorder.BookView> views,
        final int depth)
    {
        final Map<String, List<Recorder.BookView>> bySymbol = new HashMap<>();
        for (final Recorder.BookView view : views)
        {
            bySymbol.computeIfAbsent(view.symbol(), s -> new ArrayList<>()).add(view);
        }
        final Map<String, Integer> cursor = new HashMap<>();
        final int[] compared = {0};
        final JournalTruth truth = JournalTruth.replay(journal, (first, last, t) ->
        {
            for (final Map.Entry<String, List<Recorder.BookView>> entry : bySymbol.entrySet())
            {
                final List<Recorder.BookView> list = entry.getValue();
                int i = cursor.getOrDefault(entry.getKey(), 0);
                while (i < list.size() && list.get(i).seq() <= last)
                {
                    final Recorder.BookView view = list.get(i);
                    assertThat(view.view()).as("%s at seq %d", view.symbol(), view.seq())
                        .isEqualTo(String.join(",", t.topView(view.symbol(), depth)));
                    compared[0]++;
                    i++;
                }
                cursor.put(entry.getKey(), i);
            }
        });
        assertThat(compared[0]).as("book views compared").isEqualTo(views.size());
        for (final List<Recorder.BookView> list : bySymbol.values())
        {
            for (int i = 1; i < list.size(); i++)
            {
                assertThat(list.get(i).seq()).as("book seq never goes backwards")
                    .isGreaterThanOrEqualTo(list.get(i - 1).seq());
            }
        }
        return truth;
    }

    /**
     * Every journal trade of the streams after the first subscription (up to the last the client knows about) was
     * delivered exactly once, or lies in a gap the client reported; nothing else was delivered; no gap holds a
     * delivered trade.
     *
     * @param subscribedAt per symbol, the seq of the first {@code subscribed} reply.
     * @return how many trades fell into gaps.
     */
    static int assertTradesExactlyOnceOrInGap(final JournalTruth truth, final Recorder recorder,
        final Map<String, Long> subscribedAt)
    {
        final Map<String, Long> bound = new HashMap<>();
        final Set<Long> delivered = new HashSet<>();
        final List<JournalTruth.TradeRow> rows = new ArrayList<>();
        for (final Recorder.TradeSeen seen : recorder.trades)
        {
            assertThat(delivered.add(seen.row().seq())).as("trade %d delivered once", seen.row().seq()).isTrue();
            rows.add(seen.row());
            bound.merge(seen.row().symbol(), seen.row().seq(), Math::max);
        }
        for (final Gap gap : recorder.gaps)
        {
            bound.merge(gap.symbol(), gap.toSeq(), Math::max);
        }
        final List<JournalTruth.TradeRow> expected = new ArrayList<>();
        int inGaps = 0;
        for (final JournalTruth.TradeRow row : truth.trades)
        {
            final Long from = subscribedAt.get(row.symbol());
            if (from == null || row.seq() <= from || row.seq() > bound.getOrDefault(row.symbol(), Long.MIN_VALUE))
            {
                continue;
            }
            final boolean inGap = recorder.gaps.stream().anyMatch(g -> g.symbol().equals(row.symbol()) &&
                g.fromSeq() <= row.seq() && row.seq() <= g.toSeq());
            if (inGap)
            {
                assertThat(delivered).as("a trade in a reported gap was delivered: %s", row).doesNotContain(row.seq());
                inGaps++;
            }
            else
            {
                expected.add(row);
            }
        }
        // Per stream: the protocol orders each stream, not the streams among themselves.
        final Map<String, List<JournalTruth.TradeRow>> got = new HashMap<>();
        rows.forEach(r -> got.computeIfAbsent(r.symbol(), s -> new ArrayList<>()).add(r));
        final Map<String, List<JournalTruth.TradeRow>> want = new HashMap<>();
        expected.forEach(r -> want.computeIfAbsent(r.symbol(), s -> new ArrayList<>()).add(r));
        assertThat(got).as("trades delivered per stream: the journal's, in order, minus those in gaps").isEqualTo(want);
        return inGaps;
    }
}
