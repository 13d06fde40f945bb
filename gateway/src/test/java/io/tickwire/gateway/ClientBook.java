package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's book rebuilt from book messages exactly as docs/protocol.md tells a client to: a snapshot
 * replaces the view, a delta sets levels (qty "0" removes), and the checksum is verified on every message.
 */
public final class ClientBook
{
    private final TreeMap<BigDecimal, String> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<BigDecimal, String> asks = new TreeMap<>();
    private final Map<BigDecimal, String> bidText = new java.util.HashMap<>();
    private final Map<BigDecimal, String> askText = new java.util.HashMap<>();

    public void apply(final JsonNode message)
    {
        if (message.path("snapshot").asBoolean())
        {
            bids.clear();
            asks.clear();
        }
        side(message.path("bids"), bids, bidText);
        side(message.path("asks"), asks, askText);
        assertThat(message.path("checksum").asLong()).as("checksum of %s after %s", message.path("symbol"), message)
            .isEqualTo(checksum());
    }

    private static void side(final JsonNode levels, final TreeMap<BigDecimal, String> book, final Map<BigDecimal, String> text)
    {
        for (final JsonNode level : levels)
        {
            final String price = level.get(0).asText();
            final String qty = level.get(1).asText();
            assertThat(canonical(price)).isEqualTo(price);
            assertThat(canonical(qty)).isEqualTo(qty);
            final BigDecimal p = new BigDecimal(price);
            if ("0".equals(qty))
            {
                book.remove(p);
            }
            else
            {
                book.put(p, qty);
                text.put(p, price);
            }
        }
    }

    static String canonical(final String decimal)
    {
        final BigDecimal d = new BigDecimal(decimal);
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    public long checksum()
    {
        final StringBuilder b = new StringBuilder();
        append(b, bids, bidText);
        b.append('|');
        append(b, asks, askText);
        final CRC32 crc = new CRC32();
        crc.update(b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    private static void append(final StringBuilder b, final TreeMap<BigDecimal, String> book, final Map<BigDecimal, String> text)
    {
        boolean first = true;
        for (final Map.Entry<BigDecimal, String> e : book.entrySet())
        {
            if (!first)
            {
                b.append(',');
            }
            first = false;
            b.append(text.get(e.getKey())).append(':').append(e.getValue());
        }
    }

    /**
     * @return the view as "price:qty" strings, bids best first then asks best first, with a "|" between.
     */
    public List<String> view()
    {
        final List<String> view = new ArrayList<>();
        bids.forEach((p, q) -> view.add(canonical(p.toPlainString()) + ":" + q));
        view.add("|");
        asks.forEach((p, q) -> view.add(canonical(p.toPlainString()) + ":" + q));
        return view;
    }
}
