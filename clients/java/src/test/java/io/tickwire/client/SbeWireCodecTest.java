package io.tickwire.client;

import io.tickwire.codecs.BookChecksum;
import io.tickwire.codecs.MarketDataSbe;
import io.tickwire.codecs.client.BookMessageDecoder;
import io.tickwire.codecs.json.Channel;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.sbe.Side;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binary codec: the hex examples of docs/protocol-sbe.md, equivalence with the JSON codec over seeded random
 * messages (the same values written by the gateway's two writers decode to the same events), and every rule of
 * "Versioning" and of bad input.
 */
@Timeout(10)
class SbeWireCodecTest
{
    private static final Instrument BTC = new Instrument("BTC-USD", 1, 2, 4, 1, 1, "matching");
    private static final String BOOK_SNAPSHOT = """
        19 00 02 00 16 1e 01 00 00 14 00 00 00 00 00 00
        00 14 00 00 00 00 00 00 01 00 00 00 d1 59 b7 36
        01 10 00 02 00 a6 27 00 00 00 00 00 00 20 4e 00
        00 00 00 00 00 74 27 00 00 00 00 00 00 88 13 00
        00 00 00 00 00 10 00 01 00 d8 27 00 00 00 00 00
        00 10 27 00 00 00 00 00 00""";
    private static final String BOOK_DELTA = """
        19 00 02 00 16 1e 01 00 04 14 00 00 00 00 00 00
        00 14 00 00 00 00 00 00 01 00 00 00 d2 b3 03 2c
        02 10 00 01 00 a6 27 00 00 00 00 00 00 00 00 00
        00 00 00 00 00 10 00 00 00""";
    private static final Instrument EUR = new Instrument("EUR/USD", 7, 5, 0, 5, 1000, "feed");

    private final SbeWireCodec codec = new SbeWireCodec();
    private final RecordingWireHandler handler = new RecordingWireHandler().know(BTC).know(EUR);

    @Test
    void decodesTheExamplesOfTheProtocolDocument()
    {
        decodeHex("""
            2d 00 01 00 16 1e 01 00 01 14 00 00 00 00 00 00
            fd 13 00 00 00 00 00 00 15 cd 85 3d fe 9c 97 17
            8d 27 00 00 00 00 00 00 88 13 00 00 00 00 00 00
            01 00 00 00 01""");
        decodeHex(BOOK_SNAPSHOT);
        decodeHex(BOOK_DELTA);
        decodeHex("""
            54 00 03 00 16 1e 01 00 03 14 00 00 00 00 00 00
            ed 13 00 00 00 00 00 00 15 cd 85 3d fe 9c 97 17
            88 27 00 00 00 00 00 00 30 75 00 00 00 00 00 00
            92 27 00 00 00 00 00 00 98 3a 00 00 00 00 00 00
            8d 27 00 00 00 00 00 00 88 13 00 00 00 00 00 00
            a8 5e bc 00 00 00 00 00 01 00 00 00""");
        decodeHex("08 00 04 00 16 1e 01 00 04 14 00 00 00 00 00 00");

        assertThat(handler.events).containsExactly(
            "Trade{BTC-USD seq=5121 prev=5117 0.5 @ 101.25 SELL ts=1700000000123456789}",
            "BookUpdate{BTC-USD seq=5120 prev=5120 snapshot bids=2 asks=1 checksum=917985745}" +
                " bids 10150x20000 10100x5000 asks 10200x10000",
            "BookUpdate{BTC-USD seq=5124 prev=5120 conflated bids=1 asks=0 checksum=738440146} bids 10150x0 asks",
            "Ticker{BTC-USD seq=5123 prev=5101 bid=3@101.2 ask=1.5@101.3 last=101.25 volume=1234.5}" +
                " raw 10120x30000 10130x15000 10125x5000 ts=1700000000123456789",
            "heartbeat 5124");
        // The documented checksums are those of the view after each book message.
        final OrderBook book = new OrderBook("BTC-USD", 2, 4);
        final BookChecksum checksum = new BookChecksum();
        final RecordingWireHandler applier = new RecordingWireHandler().know(BTC).applyBooksTo(book);
        codec.decode(hex(BOOK_SNAPSHOT), applier);
        assertThat(book.checksum(checksum)).isEqualTo(917985745L);
        codec.decode(hex(BOOK_DELTA), applier);
        assertThat(book.checksum(checksum)).isEqualTo(738440146L);
        assertThat(book.levels()).containsExactly("101:0.5", "|", "102:1");
    }

    @Test
    void decodesWhatTheJsonCodecDecodesFromTheSameValues()
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("decodesWhatTheJsonCodecDecodesFromTheSameValues seed=" + seed);
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonWireCodec json = new JsonWireCodec();
        final RecordingWireHandler fromJson = new RecordingWireHandler().know(BTC).know(EUR);
        final MarketDataSbe sbe = new MarketDataSbe();
        final MarketDataJson text = new MarketDataJson(new JsonWriter());
        final UnsafeBuffer binary = new UnsafeBuffer(new byte[64 * 1024]);
        final UnsafeBuffer textBuffer = new UnsafeBuffer(new byte[64 * 1024]);
        final List<String> written = new ArrayList<>();
        for (int n = 0; n < 2_000; n++)
        {
            final Instrument i = random.nextBoolean() ? BTC : EUR;
            final long seq = 1 + random.nextLong(1L << 40);
            final long prev = random.nextLong(seq + 1);
            final long ts = random.nextLong(Long.MAX_VALUE);
            text.writer().wrap(textBuffer, 0);
            final int binaryLength;
            final int textLength;
            switch (random.nextInt(4))
            {
                case 0 ->
                {
                    final long price = 1 + random.nextLong(10_000_000_000L);
                    final long qty = 1 + random.nextLong(10_000_000_000L);
                    final Side side = random.nextBoolean() ? Side.BUY : Side.SELL;
                    binaryLength = sbe.trade(binary, 0, i.instrumentId(), seq, prev, price, qty, side, ts);
                    textLength = text.trade(i.symbol(), seq, prev, price, i.priceScale(), qty, i.qtyScale(), side, ts);
                }
                case 1 ->
                {
                    final long[] values = new long[7];
                    for (int k = 0; k < values.length; k++)
                    {
                        values[k] = k % 2 == 0 && k < 6 && random.nextInt(4) == 0 ? MarketDataJson.NULL_PRICE :
                            random.nextLong(10_000_000_000L);
                    }
                    binaryLength = sbe.ticker(binary, 0, i.instrumentId(), seq, prev, values[0], values[1], values[2],
                        values[3], values[4], values[5], values[6], ts);
                    textLength = text.ticker(i.symbol(), seq, prev, i.priceScale(), i.qtyScale(), values[0],
                        values[1], values[2], values[3], values[4], values[5], values[6], ts);
                }
                case 2 ->
                {
                    final boolean snapshot = random.nextBoolean();
                    final boolean conflated = random.nextBoolean();
                    final long checksum = random.nextLong(1L << 32);
                    final int bids = random.nextInt(snapshot ? 25 : 4);
                    final int asks = random.nextInt(snapshot ? 25 : 4);
                    final long[] levels = new long[2 * (bids + asks)];
                    for (int k = 0; k < levels.length; k++)
                    {
                        levels[k] = random.nextLong(snapshot || k % 2 == 0 ? 1 : 0, 1_000_000_000L);
                    }
                    sbe.beginBook(binary, 0, i.instrumentId(), seq, prev, checksum, snapshot, conflated, bids);
                    text.beginBook(i.symbol(), seq, prev, snapshot, i.priceScale(), i.qtyScale());
                    for (int k = 0; k < bids; k++)
                    {
                        sbe.level(levels[2 * k], levels[2 * k + 1]);
                        text.level(levels[2 * k], levels[2 * k + 1]);
                    }
                    sbe.beginAsks(asks);
                    text.endSide();
                    for (int k = bids; k < bids + asks; k++)
                    {
                        sbe.level(levels[2 * k], levels[2 * k + 1]);
                        text.level(levels[2 * k], levels[2 * k + 1]);
                    }
                    text.endSide();
                    binaryLength = sbe.endBook();
                    textLength = text.endBook(checksum, conflated);
                }
                default ->
                {
                    binaryLength = sbe.heartbeat(binary, 0, seq);
                    textLength = text.heartbeat(seq);
                }
            }
            final String jsonText = textBuffer.getStringWithoutLengthUtf8(0, textLength);
            written.add(jsonText);
            json.decode(jsonText, fromJson);
            codec.decode(ByteBuffer.wrap(binary.byteArray(), 0, binaryLength), handler);
        }
        assertThat(fromJson.events).hasSize(written.size()).noneMatch(e -> e.startsWith("malformed"));
        assertThat(handler.events).isEqualTo(fromJson.events);
    }

    @Test
    void readsWhereTheFrameIsInItsBuffer()
    {
        final byte[] bytes = new byte[100];
        final int length = new MarketDataSbe().heartbeat(new UnsafeBuffer(bytes), 37, 99);
        codec.decode(ByteBuffer.wrap(bytes, 37, length).slice(), handler); // array offset 37, position 0
        codec.decode(ByteBuffer.wrap(bytes, 37, length), handler);         // position 37
        final ByteBuffer direct = ByteBuffer.allocateDirect(100).position(11);
        direct.put(bytes, 37, length).flip().position(11);
        codec.decode(direct, handler);
        assertThat(handler.events).containsExactly("heartbeat 99", "heartbeat 99", "heartbeat 99");
    }

    @Test
    void readsALaterVersionThroughTheLengthsItGivesAndSkipsUnknownMessages()
    {
        // A version-2 book: its root block and its level entries each 8 bytes longer (fields this client does not
        // know), then a message with a new template id, then a version-2 trade with a longer root block.
        final ByteBuffer v2 = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        v2.putShort((short)(BookMessageDecoder.BLOCK_LENGTH + 8)).putShort((short)2).putShort((short)7702)
            .putShort((short)2);
        v2.putLong(5130).putLong(5124).putInt(1).putInt(42).put((byte)1).putLong(-1L);
        v2.putShort((short)24).putShort((short)1).putLong(10150).putLong(20000).putLong(-1L);
        v2.putShort((short)24).putShort((short)2).putLong(10200).putLong(10000).putLong(-1L)
            .putLong(10300).putLong(30000).putLong(-1L);
        v2.putLong(-1L); // a later version's new group or trailing data: ignored
        codec.decode(v2.flip(), handler);
        final ByteBuffer unknown = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        unknown.putShort((short)8).putShort((short)99).putShort((short)7702).putShort((short)2).putLong(1);
        codec.decode(unknown.flip(), handler);
        final UnsafeBuffer trade = new UnsafeBuffer(new byte[80]);
        final int length = new MarketDataSbe().trade(trade, 0, 7, 9, 8, 108_000, 3000, Side.BUY, 1);
        trade.putShort(0, (short)(length - 8 + 10), ByteOrder.LITTLE_ENDIAN); // root block 10 bytes longer
        trade.putShort(6, (short)3, ByteOrder.LITTLE_ENDIAN);
        codec.decode(ByteBuffer.wrap(trade.byteArray(), 0, length + 10), handler);

        assertThat(handler.events).containsExactly(
            "BookUpdate{BTC-USD seq=5130 prev=5124 snapshot bids=1 asks=2 checksum=42}" +
                " bids 10150x20000 asks 10200x10000 10300x30000",
            "Trade{EUR/USD seq=9 prev=8 3000 @ 1.08 BUY ts=1}");
    }

    @Test
    void reportsBadInputWithoutReadingPastTheFrame()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final MarketDataSbe sbe = new MarketDataSbe();
        final int trade = sbe.trade(buffer, 0, 1, 9, 8, 100, 1, Side.BUY, 1);
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, 7), handler);          // shorter than the header
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, trade - 1), handler);  // root block cut
        buffer.putInt(40 + 8, 3); // an instrumentId the instruments reply did not list
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, trade), handler);
        buffer.putInt(40 + 8, 1);
        buffer.putByte(44 + 8, (byte)7); // no such side
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, trade), handler);

        sbe.beginBook(buffer, 0, 1, 10, 9, 0, true, false, 2);
        sbe.level(10150, 1);
        sbe.level(10100, 1);
        sbe.beginAsks(0);
        final int book = sbe.endBook();
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, book - 5), handler);    // a level cut
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, book - 2), handler);    // the ask group header cut
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, 8 + 25 + 2), handler);  // the bid group header cut
        buffer.putShort(8 + 25, (short)8, ByteOrder.LITTLE_ENDIAN);                 // entries shorter than a level
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, book), handler);

        final int heartbeat = sbe.heartbeat(buffer, 0, 5);
        buffer.putShort(4, (short)7701, ByteOrder.LITTLE_ENDIAN); // the engine's schema, not the client's
        codec.decode(ByteBuffer.wrap(buffer.byteArray(), 0, heartbeat), handler);

        assertThat(handler.events).containsExactly(
            "malformed a binary message of 7 bytes, shorter than the SBE header",
            "malformed a trade message with a root block of 45 bytes (at least 45) in 52 bytes",
            "malformed unknown instrumentId 3 (not in the instruments reply)",
            "malformed a trade with side 7",
            "malformed a book message with 2 levels of 16 bytes in " + (book - 5) + " bytes",
            "malformed a book message cut before a group header (" + (book - 2) + " bytes)",
            "malformed a book message cut before a group header (35 bytes)",
            "malformed a book message with 2 levels of 8 bytes in " + book + " bytes",
            "violation a binary message of SBE schema 7701, not 7702 (tickwire.sbe.v1)");
    }

    @Test
    void requestsAndRepliesAreTheJsonProtocols()
    {
        final JsonWireCodec json = new JsonWireCodec();
        final Subscription book = Subscription.book("BTC-USD").depth(10);
        assertThat(codec.subprotocol()).isEqualTo("tickwire.sbe.v1");
        assertThat(codec.subscribe(3, book, book.symbols(), 5000, "00000000000000ff"))
            .isEqualTo(json.subscribe(3, book, book.symbols(), 5000, "00000000000000ff"));
        assertThat(codec.resync(4, Channel.BOOK, List.of("BTC-USD"))).isEqualTo(json.resync(4, Channel.BOOK,
            List.of("BTC-USD")));
        assertThat(codec.unsubscribe(5, Channel.BOOK, List.of("BTC-USD")))
            .isEqualTo(json.unsubscribe(5, Channel.BOOK, List.of("BTC-USD")));
        assertThat(codec.ping(6)).isEqualTo(json.ping(6));
        assertThat(codec.instruments(7)).isEqualTo(json.instruments(7));
        // Text: replies, and market data from a gateway that selected no subprotocol (it speaks JSON).
        codec.decode("{\"type\":\"pong\",\"id\":6,\"seq\":5120}", handler);
        codec.decode("{\"type\":\"heartbeat\",\"seq\":5124}", handler);
        assertThat(handler.events).containsExactly("pong 6 5120", "heartbeat 5124");
    }

    private void decodeHex(final String hex)
    {
        codec.decode(hex(hex), handler);
    }

    private static ByteBuffer hex(final String hex)
    {
        return ByteBuffer.wrap(HexFormat.ofDelimiter(" ").parseHex(hex.replace('\n', ' ').strip()));
    }
}
