package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks what one client received: prev chains per stream, book checksums, and records what the client's
 * views were at each seq for comparison with the journal.
 */
public final class StreamChecker
{
    /** The client's book view right after a book message ({@code view}: the levels joined with commas). */
    public record BookView(String symbol, long seq, String view, boolean conflated)
    {
    }

    public final Map<String, Long> lastSeq = new HashMap<>();
    public final Map<String, ClientBook> books = new HashMap<>();
    public final List<BookView> bookViews = new ArrayList<>();
    public final List<JournalTruth.TradeRow> trades = new ArrayList<>();
    public final List<JournalTruth.TickerRow> tickers = new ArrayList<>();
    /** The seq of each stream's first subscription (a served resume keeps it). */
    public final Map<String, Long> subscribedAt = new HashMap<>();
    /** {@code subscribed} replies with {@code "recovered":true} / {@code false}. */
    public final List<JsonNode> resumed = new ArrayList<>();
    public final List<JsonNode> notRecovered = new ArrayList<>();
    /** False: check chains and checksums but keep no book views (cheaper, for clients not compared to the journal). */
    public boolean recordViews = true;
    /** False: keep no trade rows, only {@link #tradeDigests} (constant memory, for many long-running clients). */
    public boolean recordTrades = true;
    /** False: keep no ticker rows (chains are still checked). */
    public boolean recordTickers = true;
    /** Per trades stream ({@code trades/SYMBOL}): the count and an ordered hash of its trades ({@link #digest}). */
    public final Map<String, long[]> tradeDigests = new HashMap<>();
    public int heartbeats;
    public long pongSeq = -1;
    public int conflated;

    /**
     * Checks and records one message. Recording ends at the first pong: everything of the streams up to the
     * pong's seq was delivered before it.
     */
    public void accept(final JsonNode m)
    {
        if (pongSeq >= 0)
        {
            return; // the pong is the end of what this checker records
        }
        final String type = m.path("type").asText();
        switch (type)
        {
            case "subscribed" ->
            {
                final boolean recovered = m.path("recovered").asBoolean(false);
                if (m.has("recovered"))
                {
                    (recovered ? resumed : notRecovered).add(m);
                }
                for (final JsonNode symbol : m.path("symbols"))
                {
                    final String key = m.path("channel").asText() + "/" + symbol.asText();
                    if (recovered)
                    {
                        // A served resume continues the stream: its first message has prev = the client's from.
                        assertThat(lastSeq).as("a resumed stream was subscribed before: %s", m).containsKey(key);
                        continue;
                    }
                    lastSeq.put(key, m.path("seq").asLong());
                    subscribedAt.putIfAbsent(key, m.path("seq").asLong());
                }
            }
            case "trade", "book", "ticker" ->
            {
                final String channel = "trade".equals(type) ? "trades" : type;
                final String symbol = m.path("symbol").asText();
                final String key = channel + "/" + symbol;
                final Long last = lastSeq.get(key);
                assertThat(last).as("message on a stream not subscribed: %s", m).isNotNull();
                assertThat(m.path("prev").asLong()).as("prev chain of %s at %s", key, m).isEqualTo(last);
                assertThat(m.path("seq").asLong()).as("seq moves forward on %s", key).isGreaterThanOrEqualTo(last);
                lastSeq.put(key, m.path("seq").asLong());
                if ("book".equals(type))
                {
                    final ClientBook book = books.computeIfAbsent(symbol, s -> new ClientBook());
                    book.apply(m);
                    final boolean c = m.path("conflated").asBoolean(false);
                    if (c)
                    {
                        conflated++;
                    }
                    if (recordViews)
                    {
                        bookViews.add(new BookView(symbol, m.path("seq").asLong(), String.join(",", book.view()), c));
                    }
                }
                else if ("trade".equals(type))
                {
                    final JournalTruth.TradeRow row = new JournalTruth.TradeRow(m.path("seq").asLong(), symbol,
                        m.path("price").asText(), m.path("qty").asText(), m.path("side").asText(),
                        m.path("ts").asLong());
                    digest(tradeDigests.computeIfAbsent(key, k -> new long[2]), row);
                    if (recordTrades)
                    {
                        trades.add(row);
                    }
                }
                else if (recordTickers)
                {
                    tickers.add(new JournalTruth.TickerRow(m.path("seq").asLong(), symbol, text(m, "bid"),
                        text(m, "bidQty"), text(m, "ask"), text(m, "askQty"), text(m, "last")));
                }
            }
            case "heartbeat" -> heartbeats++;
            case "pong" -> pongSeq = m.path("seq").asLong();
            case "error" -> throw new AssertionError("unexpected error reply " + m);
            default ->
            {
                // replies
            }
        }
    }

    /**
     * Adds a trade to a stream's digest: {@code digest[0]} counts, {@code digest[1]} is an ordered hash of the rows,
     * so two streams with equal digests had the same trades in the same order (up to a hash collision).
     */
    public static void digest(final long[] digest, final JournalTruth.TradeRow row)
    {
        digest[0]++;
        digest[1] = digest[1] * 1_000_003L + row.hashCode();
    }

    private static String text(final JsonNode node, final String field)
    {
        return node.path(field).isNull() ? null : node.path(field).asText();
    }
}
