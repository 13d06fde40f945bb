package io.tickwire.gateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares what resuming clients received with the journal, over all their connections: per trades stream,
 * exactly the journal's trades after the first subscription up to the client's final pong, each once and in
 * order; every book view equal to the journal's top-N book at its seq; every ticker equal to the journal's
 * latest ticker of its symbol at its seq. (Prev chains and checksums were checked as messages arrived.)
 */
final class ResumeChecks
{
    /** What was compared, for the test's output. */
    record Counts(long trades, long bookViews, long tickers)
    {
    }

    private ResumeChecks()
    {
    }

    static Counts verify(final Path journal, final List<ResumingClient> clients)
    {
        // Book views: walk the journal once, checking every client's views at the batch holding their seq.
        final List<String> symbols = new ArrayList<>();
        final Map<ResumingClient, Map<String, Integer>> cursors = new HashMap<>();
        for (final ResumingClient client : clients)
        {
            cursors.put(client, new HashMap<>());
            for (final StreamChecker.BookView view : client.checker.bookViews)
            {
                if (!symbols.contains(view.symbol()))
                {
                    symbols.add(view.symbol());
                }
            }
        }
        final Map<ResumingClient, Map<String, List<StreamChecker.BookView>>> views = new HashMap<>();
        for (final ResumingClient client : clients)
        {
            final Map<String, List<StreamChecker.BookView>> bySymbol = new HashMap<>();
            client.checker.bookViews.forEach(v -> bySymbol.computeIfAbsent(v.symbol(), s -> new ArrayList<>()).add(v));
            views.put(client, bySymbol);
        }
        final long[] bookViews = {0};
        final JournalTruth truth = JournalTruth.replay(journal, (first, last, t) ->
        {
            final Map<String, List<String>> top = new HashMap<>();
            for (final ResumingClient client : clients)
            {
                final Map<String, Integer> cursor = cursors.get(client);
                for (final Map.Entry<String, List<StreamChecker.BookView>> entry : views.get(client).entrySet())
                {
                    final String symbol = entry.getKey();
                    final List<StreamChecker.BookView> list = entry.getValue();
                    int i = cursor.getOrDefault(symbol, 0);
                    while (i < list.size() && list.get(i).seq() <= last)
                    {
                        final StreamChecker.BookView view = list.get(i);
                        assertThat(view.seq()).as("client %d: book seq %d of %s lies in a batch", client.number,
                            view.seq(), symbol).isGreaterThanOrEqualTo(first);
                        final String expected = String.join(",", top.computeIfAbsent(symbol + "/" + client.depth,
                            k -> t.topView(symbol, client.depth)));
                        assertThat(view.view()).as("client %d: %s at seq %d", client.number, symbol, view.seq())
                            .isEqualTo(expected);
                        bookViews[0]++;
                        i++;
                    }
                    cursor.put(symbol, i);
                }
            }
        });
        for (final ResumingClient client : clients)
        {
            for (final Map.Entry<String, List<StreamChecker.BookView>> entry : views.get(client).entrySet())
            {
                assertThat(cursors.get(client).getOrDefault(entry.getKey(), 0)).as("every book view was compared")
                    .isEqualTo(entry.getValue().size());
            }
        }

        final Map<String, List<JournalTruth.TickerRow>> tickersBySymbol = new HashMap<>();
        truth.tickers.forEach(r -> tickersBySymbol.computeIfAbsent(r.symbol(), k -> new ArrayList<>()).add(r));
        long trades = 0;
        long tickers = 0;
        for (final ResumingClient client : clients)
        {
            final StreamChecker checker = client.checker;
            assertThat(checker.pongSeq).as("client %d ended with a pong", client.number).isPositive();
            for (final String symbol : client.streams.getOrDefault("trades", List.of()))
            {
                final long from = checker.subscribedAt.get("trades/" + symbol);
                final List<JournalTruth.TradeRow> expected = truth.trades.stream()
                    .filter(r -> r.symbol().equals(symbol) && r.seq() > from && r.seq() <= checker.pongSeq)
                    .toList();
                final List<JournalTruth.TradeRow> received = checker.trades.stream()
                    .filter(r -> r.symbol().equals(symbol)).toList();
                assertThat(received).as("client %d: trades of %s after %d, over %d connections", client.number, symbol,
                    from, client.connections).isEqualTo(expected);
                trades += received.size();
            }
            for (final JournalTruth.TickerRow received : checker.tickers)
            {
                final List<JournalTruth.TickerRow> list = tickersBySymbol.getOrDefault(received.symbol(), List.of());
                int lo = 0;
                int hi = list.size();
                while (lo < hi)
                {
                    final int mid = (lo + hi) >>> 1;
                    if (list.get(mid).seq() <= received.seq())
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }
                final JournalTruth.TickerRow latest = lo > 0 ? list.get(lo - 1) : null;
                if (latest == null)
                {
                    assertThat(received.bid()).isNull();
                    assertThat(received.ask()).isNull();
                    continue;
                }
                assertThat(received).as("client %d: ticker of %s at %d", client.number, received.symbol(), received.seq())
                    .isEqualTo(new JournalTruth.TickerRow(received.seq(), received.symbol(), latest.bid(), latest.bidQty(),
                    latest.ask(), latest.askQty(), latest.last()));
                tickers++;
            }
        }
        return new Counts(trades, bookViews[0], tickers);
    }
}
