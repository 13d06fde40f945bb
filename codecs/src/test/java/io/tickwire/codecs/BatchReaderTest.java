package io.tickwire.codecs;

import java.util.ArrayList;
import java.util.List;

import io.tickwire.codecs.BatchReader.MalformedBatchException;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.BatchHeaderEncoder;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.BookLevelEncoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.NewOrderEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TickerEncoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.codecs.sbe.TradeEncoder;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchReaderTest
{
    private static final int BASE = 7;
    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final BatchReader reader = new BatchReader();
    private final List<Delivered> delivered = new ArrayList<>();
    private final BatchReader.Handler recorder =
        (templateId, source, offset, blockLength, version) ->
        delivered.add(new Delivered(templateId, source, offset, blockLength, version));

    /** One message as the handler saw it. */
    private record Delivered(int templateId, DirectBuffer buffer, int offset, int blockLength, int version)
    {
    }

    @Example
    void readsEveryMessageOfABatchInOrder()
    {
        final int length = writeBatch(BASE) - BASE;

        final int count = reader.read(buffer, BASE, length, recorder);

        assertThat(count).isEqualTo(5);
        assertThat(delivered).extracting(Delivered::templateId).containsExactly(
            BatchHeaderDecoder.TEMPLATE_ID, NewOrderDecoder.TEMPLATE_ID, TradeDecoder.TEMPLATE_ID,
            BookLevelDecoder.TEMPLATE_ID, TickerDecoder.TEMPLATE_ID);
        assertThat(delivered).extracting(Delivered::blockLength).containsExactly(
            BatchHeaderDecoder.BLOCK_LENGTH, NewOrderDecoder.BLOCK_LENGTH, TradeDecoder.BLOCK_LENGTH,
            BookLevelDecoder.BLOCK_LENGTH, TickerDecoder.BLOCK_LENGTH);
        assertThat(delivered).allSatisfy(message ->
        {
            assertThat(message.buffer()).isSameAs(buffer);
            assertThat(message.version()).isEqualTo(BatchHeaderDecoder.SCHEMA_VERSION);
        });
        assertThat(delivered.get(0).offset()).isEqualTo(BASE + HEADER);

        final BatchHeaderDecoder batchHeader = new BatchHeaderDecoder();
        wrap(batchHeader, delivered.get(0));
        assertThat(batchHeader.firstSeq()).isEqualTo(100);
        assertThat(batchHeader.eventCount()).isEqualTo(3);
        final NewOrderDecoder order = new NewOrderDecoder();
        order.wrap(buffer, delivered.get(1).offset(), delivered.get(1).blockLength(), delivered.get(1).version());
        assertThat(order.clientOrderId()).isEqualTo(55);
        assertThat(order.side()).isEqualTo(Side.BUY);
        final TradeDecoder trade = new TradeDecoder();
        trade.wrap(buffer, delivered.get(2).offset(), delivered.get(2).blockLength(), delivered.get(2).version());
        assertThat(trade.seq()).isEqualTo(100);
        assertThat(trade.price()).isEqualTo(10125);
        final BookLevelDecoder level = new BookLevelDecoder();
        level.wrap(buffer, delivered.get(3).offset(), delivered.get(3).blockLength(), delivered.get(3).version());
        assertThat(level.seq()).isEqualTo(101);
        assertThat(level.quantity()).isZero();
        final TickerDecoder ticker = new TickerDecoder();
        ticker.wrap(buffer, delivered.get(4).offset(), delivered.get(4).blockLength(), delivered.get(4).version());
        assertThat(ticker.seq()).isEqualTo(102);
        assertThat(ticker.bidPrice()).isEqualTo(TickerDecoder.bidPriceNullValue());
    }

    @Example
    void anEmptyBatchHasNoMessages()
    {
        assertThat(reader.read(buffer, BASE, 0, recorder)).isZero();
        assertThat(delivered).isEmpty();
    }

    @Example
    void readsOnlyWithinTheGivenLength()
    {
        final int end = writeBatch(BASE);
        final int firstTwo = HEADER + BatchHeaderEncoder.BLOCK_LENGTH + HEADER + NewOrderEncoder.BLOCK_LENGTH;

        assertThat(reader.read(buffer, BASE, firstTwo, recorder)).isEqualTo(2);
        assertThat(end - BASE).isGreaterThan(firstTwo);
    }

    @Example
    void aTruncatedHeaderIsMalformed()
    {
        final int end = writeBatch(BASE);

        assertThatThrownBy(() -> reader.read(buffer, BASE, end - BASE + HEADER - 1, recorder))
            .isInstanceOf(MalformedBatchException.class)
            .hasMessage("truncated header at " + (end - BASE));
        assertThat(delivered).hasSize(5);
    }

    @Example
    void aMessageOverrunningTheBatchIsMalformed()
    {
        final int end = writeBatch(BASE);

        assertThatThrownBy(() -> reader.read(buffer, BASE, end - BASE - 1, recorder))
            .isInstanceOf(MalformedBatchException.class)
            .hasMessageStartingWith("message overruns batch at ");
        assertThat(delivered).hasSize(4);
    }

    @Example
    void aBlockLengthPointingPastTheBatchIsMalformed()
    {
        final int end = writeBatch(BASE);
        header.wrap(buffer, BASE).blockLength(0xFFFF);

        assertThatThrownBy(() -> reader.read(buffer, BASE, end - BASE, recorder))
            .isInstanceOf(MalformedBatchException.class)
            .hasMessage("message overruns batch at 0");
        assertThat(delivered).isEmpty();
    }

    @Example
    void aForeignSchemaIsMalformedAndNothingAfterItIsDelivered()
    {
        final int end = writeBatch(BASE);
        final int second = BASE + HEADER + BatchHeaderEncoder.BLOCK_LENGTH;
        header.wrap(buffer, second).schemaId(42);

        assertThatThrownBy(() -> reader.read(buffer, BASE, end - BASE, recorder))
            .isInstanceOf(MalformedBatchException.class)
            .hasMessage("schema id 42 at " + (second - BASE));
        assertThat(delivered).extracting(Delivered::templateId).containsExactly(BatchHeaderDecoder.TEMPLATE_ID);
    }

    @Example
    void aLongerBlockFromANewerVersionIsSkippedByItsLength()
    {
        int position = BASE;
        new TradeEncoder().wrapAndApplyHeader(buffer, position, header).seq(1);
        header.blockLength(TradeEncoder.BLOCK_LENGTH + 8).version(TradeEncoder.SCHEMA_VERSION + 1);
        position += HEADER + TradeEncoder.BLOCK_LENGTH + 8;
        new TradeEncoder().wrapAndApplyHeader(buffer, position, header).seq(2);
        position += HEADER + TradeEncoder.BLOCK_LENGTH;

        assertThat(reader.read(buffer, BASE, position - BASE, recorder)).isEqualTo(2);
        assertThat(delivered.get(0).blockLength()).isEqualTo(TradeEncoder.BLOCK_LENGTH + 8);
        assertThat(delivered.get(0).version()).isEqualTo(TradeEncoder.SCHEMA_VERSION + 1);
        final TradeDecoder trade = new TradeDecoder();
        wrap(trade, delivered.get(0));
        assertThat(trade.seq()).isEqualTo(1);
        wrap(trade, delivered.get(1));
        assertThat(trade.seq()).isEqualTo(2);
    }

    @Example
    void theReaderIsReusableAfterAMalformedBatch()
    {
        final int end = writeBatch(BASE);
        assertThatThrownBy(() -> reader.read(buffer, BASE, 3, recorder)).isInstanceOf(MalformedBatchException.class);

        assertThat(reader.read(buffer, BASE, end - BASE, recorder)).isEqualTo(5);
    }

    @Property(tries = 500)
    void anyCutEitherEndsOnAMessageBoundaryOrIsMalformed(@ForAll @IntRange(min = 0, max = 300) final int cut)
    {
        final int end = writeBatch(BASE);
        final int length = Math.min(cut, end - BASE);
        final List<Integer> boundaries = boundaries(BASE, end);

        try
        {
            final int count = reader.read(buffer, BASE, length, recorder);
            assertThat(boundaries).contains(BASE + length);
            assertThat(count).isEqualTo(boundaries.indexOf(BASE + length));
        }
        catch (final MalformedBatchException expected)
        {
            assertThat(boundaries).doesNotContain(BASE + length);
        }
        assertThat(delivered).allSatisfy(message ->
            assertThat(message.offset() + message.blockLength()).isLessThanOrEqualTo(BASE + length));
    }

    private List<Integer> boundaries(final int start, final int end)
    {
        final List<Integer> boundaries = new ArrayList<>();
        final List<Delivered> all = new ArrayList<>();
        reader.read(buffer, start, end - start, (templateId, source, offset, blockLength, version) ->
            all.add(new Delivered(templateId, source, offset, blockLength, version)));
        boundaries.add(start);
        for (final Delivered message : all)
        {
            boundaries.add(message.offset() + message.blockLength());
        }
        return boundaries;
    }

    /**
     * Writes a batch as the engine would: header, input, three events.
     *
     * @return the end of the batch.
     */
    private int writeBatch(final int start)
    {
        int position = start;
        final BatchHeaderEncoder batchHeader = new BatchHeaderEncoder();
        batchHeader.wrapAndApplyHeader(buffer, position, header)
            .firstSeq(100).eventCount(3).engineTime(1_000).intendedTime(900);
        position += HEADER + batchHeader.encodedLength();

        final NewOrderEncoder order = new NewOrderEncoder();
        order.wrapAndApplyHeader(buffer, position, header)
            .intendedTime(900).participantId(3).clientOrderId(55).instrumentId(1)
            .side(Side.BUY).orderType(OrderType.LIMIT).price(10125).quantity(5);
        position += HEADER + order.encodedLength();

        final TradeEncoder trade = new TradeEncoder();
        trade.wrapAndApplyHeader(buffer, position, header)
            .seq(100).prev(90).instrumentId(1).price(10125).quantity(5).aggressorSide(Side.BUY);
        position += HEADER + trade.encodedLength();

        final BookLevelEncoder level = new BookLevelEncoder();
        level.wrapAndApplyHeader(buffer, position, header)
            .seq(101).prev(95).instrumentId(1).side(Side.SELL).price(10125).quantity(0).orderCount(0);
        position += HEADER + level.encodedLength();

        final TickerEncoder ticker = new TickerEncoder();
        ticker.wrapAndApplyHeader(buffer, position, header)
            .seq(102).prev(99).instrumentId(1)
            .bidPrice(TickerEncoder.bidPriceNullValue()).bidQty(0)
            .askPrice(10130).askQty(2)
            .lastPrice(10125).lastQty(5).volume(5);
        position += HEADER + ticker.encodedLength();
        return position;
    }

    private void wrap(final BatchHeaderDecoder decoder, final Delivered message)
    {
        decoder.wrap(buffer, message.offset(), message.blockLength(), message.version());
    }

    private void wrap(final TradeDecoder decoder, final Delivered message)
    {
        decoder.wrap(buffer, message.offset(), message.blockLength(), message.version());
    }
}
