package io.tickwire.client;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.Decimals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class OrderBookTest
{
    private final BookChecksum checksum = new BookChecksum();

    @Test
    void theProtocolDocumentsSessionGivesItsChecksums()
    {
        // docs/protocol.md, "Subscriptions and snapshots": depth 2, price scale 1, qty scale 1.
        final OrderBook book = new OrderBook("BTC-USD", 1, 1);
        final BookUpdate update = new BookUpdate();
        update.begin("BTC-USD", 5120, 5120, true, false, 917985745L, 1, 1);
        update.addBid(1015, 20);
        update.addBid(1010, 5);
        update.addAsk(1020, 10);
        book.apply(update);
        assertThat(book.checksum(checksum)).isEqualTo(917985745L);
        assertThat(book.levels()).containsExactly("101.5:2", "101:0.5", "|", "102:1");

        update.begin("BTC-USD", 5122, 5120, false, false, 1407007982L, 1, 1);
        update.addBid(1015, 15);
        book.apply(update);
        assertThat(book.checksum(checksum)).isEqualTo(1407007982L);

        update.begin("BTC-USD", 5125, 5122, false, false, 1886974646L, 1, 1);
        update.addBid(1015, 0);
        update.addBid(1005, 30);
        book.apply(update);
        assertThat(book.checksum(checksum)).isEqualTo(1886974646L);
        assertThat(book.levels()).containsExactly("101:0.5", "100.5:3", "|", "102:1");
        assertThat(book.seq()).isEqualTo(5125);
    }

    @Test
    void anEmptyBookIsTheTextOfABar()
    {
        final OrderBook book = new OrderBook("X", 2, 2);
        assertThat(book.checksum(checksum)).isEqualTo(2343686810L);
        assertThat(book.levels()).containsExactly("|");
    }

    @Test
    void randomDeltasKeepTheSameBookAsAReferenceModel()
    {
        final long seed = System.nanoTime();
        System.out.println("OrderBookTest seed=" + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final OrderBook book = new OrderBook("X", 2, 3);
        final TreeMap<Long, Long> bids = new TreeMap<>(Comparator.reverseOrder());
        final TreeMap<Long, Long> asks = new TreeMap<>();
        final BookUpdate update = new BookUpdate();
        for (int step = 0; step < 5_000; step++)
        {
            final boolean snapshot = random.nextInt(500) == 0;
            update.begin("X", step, step - 1, snapshot, false, 0, 2, 3);
            if (snapshot)
            {
                bids.clear();
                asks.clear();
            }
            final int changes = random.nextInt(1, 6);
            for (int i = 0; i < changes; i++)
            {
                final boolean bid = random.nextBoolean();
                final long price = bid ? 10_000 - random.nextInt(60) : 10_001 + random.nextInt(60);
                final long qty = snapshot || random.nextInt(3) > 0 ? random.nextLong(1, 5_000) : 0;
                if (bid)
                {
                    update.addBid(price, qty);
                    put(bids, price, qty);
                }
                else
                {
                    update.addAsk(price, qty);
                    put(asks, price, qty);
                }
            }
            book.apply(update);
            assertThat(book.levels()).as("step %d", step).isEqualTo(text(bids, asks));
            assertThat(book.checksum(checksum)).isEqualTo(reference(bids, asks));
        }
    }

    private static void put(final TreeMap<Long, Long> side, final long price, final long qty)
    {
        if (qty == 0)
        {
            side.remove(price);
        }
        else
        {
            side.put(price, qty);
        }
    }

    private static List<String> text(final TreeMap<Long, Long> bids, final TreeMap<Long, Long> asks)
    {
        final List<String> view = new ArrayList<>();
        for (final Map.Entry<Long, Long> e : bids.entrySet())
        {
            view.add(Decimals.toString(e.getKey(), 2) + ":" + Decimals.toString(e.getValue(), 3));
        }
        view.add("|");
        for (final Map.Entry<Long, Long> e : asks.entrySet())
        {
            view.add(Decimals.toString(e.getKey(), 2) + ":" + Decimals.toString(e.getValue(), 3));
        }
        return view;
    }

    /** The checksum exactly as docs/protocol.md's reference code builds it. */
    private static long reference(final TreeMap<Long, Long> bids, final TreeMap<Long, Long> asks)
    {
        final String text = String.join(",", text(bids, asks))
            .replace(",|,", "|").replace(",|", "|").replace("|,", "|");
        final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return crc.getValue();
    }
}
