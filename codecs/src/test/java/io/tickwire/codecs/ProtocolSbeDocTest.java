package io.tickwire.codecs;

import io.tickwire.codecs.sbe.Side;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/protocol-sbe.md honest: its hex examples, in order, are exactly what {@link MarketDataSbe} writes
 * for the values the document states, and the book examples carry the checksums {@link BookChecksum} gives
 * for the same book in the JSON protocol.
 */
class ProtocolSbeDocTest
{
    private static final Path DOC = Path.of("..", "docs", "protocol-sbe.md");
    private static final long TS = 1_700_000_000_123_456_789L;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final MarketDataSbe sbe = new MarketDataSbe();
    private final BookChecksum checksum = new BookChecksum();
    private final List<String> written = new ArrayList<>();

    @Test
    @Timeout(10)
    void hexExamplesAreWhatTheCodecWrites() throws IOException
    {
        final String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        final List<String> documented = new ArrayList<>();
        final Matcher blocks = Pattern.compile("```hex\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        while (blocks.find())
        {
            documented.add(blocks.group(1).strip());
        }

        // BTC-USD: instrumentId 1, priceScale 2, qtyScale 4 (the instruments example of docs/protocol.md).
        hex(sbe.trade(buffer, 0, 1, 5121, 5117, 10125, 5000, Side.SELL, TS));
        final long snapshotSum = checksum.reset().bid(10150, 2, 20000, 4).bid(10100, 2, 5000, 4).ask(10200, 2, 10000, 4)
            .value();
        assertThat(snapshotSum).isEqualTo(917985745L); // the JSON protocol's example book: "101.5:2,101:0.5|102:1"
        sbe.beginBook(buffer, 0, 1, 5120, 5120, snapshotSum, true, false, 2);
        sbe.level(10150, 20000);
        sbe.level(10100, 5000);
        sbe.beginAsks(1);
        sbe.level(10200, 10000);
        hex(sbe.endBook());
        final long deltaSum = checksum.reset().bid(10100, 2, 5000, 4).ask(10200, 2, 10000, 4).value();
        sbe.beginBook(buffer, 0, 1, 5124, 5120, deltaSum, false, true, 1);
        sbe.level(10150, 0);
        sbe.beginAsks(0);
        hex(sbe.endBook());
        hex(sbe.ticker(buffer, 0, 1, 5123, 5101, 10120, 30000, 10130, 15000, 10125, 5000, 12345000, TS));
        hex(sbe.heartbeat(buffer, 0, 5124));

        assertThat(documented).isEqualTo(written);
    }

    private void hex(final int length)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            text.append(i == 0 ? "" : i % 16 == 0 ? "\n" : " ").append(String.format("%02x", buffer.getByte(i)));
        }
        written.add(text.toString());
    }
}
