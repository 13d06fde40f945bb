package io.tickwire.codecs;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;

import io.tickwire.codecs.sbe.AddInstrumentDecoder;
import io.tickwire.codecs.sbe.AddInstrumentEncoder;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.BatchHeaderEncoder;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.BookLevelEncoder;
import io.tickwire.codecs.sbe.CancelOrderDecoder;
import io.tickwire.codecs.sbe.CancelOrderEncoder;
import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.FeedBookLevelDecoder;
import io.tickwire.codecs.sbe.FeedBookLevelEncoder;
import io.tickwire.codecs.sbe.FeedTradeDecoder;
import io.tickwire.codecs.sbe.FeedTradeEncoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.EngineSnapshotDecoder;
import io.tickwire.codecs.sbe.EngineSnapshotEncoder;
import io.tickwire.codecs.sbe.JournalStartDecoder;
import io.tickwire.codecs.sbe.JournalStartEncoder;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.NewOrderEncoder;
import io.tickwire.codecs.sbe.OrderAcceptedDecoder;
import io.tickwire.codecs.sbe.OrderAcceptedEncoder;
import io.tickwire.codecs.sbe.OrderCancelledDecoder;
import io.tickwire.codecs.sbe.OrderCancelledEncoder;
import io.tickwire.codecs.sbe.OrderFilledDecoder;
import io.tickwire.codecs.sbe.OrderFilledEncoder;
import io.tickwire.codecs.sbe.OrderRejectedDecoder;
import io.tickwire.codecs.sbe.OrderRejectedEncoder;
import io.tickwire.codecs.sbe.OrderReplacedDecoder;
import io.tickwire.codecs.sbe.OrderReplacedEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.ReplaceOrderDecoder;
import io.tickwire.codecs.sbe.ReplaceOrderEncoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TickerEncoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.codecs.sbe.TradeEncoder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.ShortRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every message of the schema survives encode then decode, behind a {@link MessageHeaderEncoder}, with
 * arbitrary field values at arbitrary offsets.
 */
class SbeRoundTripTest
{
    private static final int TRIES = 300;
    /** The messages this class round-trips; {@link #everyMessageOfTheSchemaIsCovered()} keeps it complete. */
    private static final List<String> COVERED = List.of(
        "BatchHeader",
        "JournalStart",
        "EngineSnapshot",
        "NewOrder",
        "CancelOrder",
        "ReplaceOrder",
        "AddInstrument",
        "FeedTrade",
        "FeedBookLevel",
        "InstrumentDefinition",
        "Trade",
        "BookLevel",
        "Ticker",
        "OrderAccepted",
        "OrderRejected",
        "OrderFilled",
        "OrderCancelled",
        "OrderReplaced");

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    @Example
    void everyMessageOfTheSchemaIsCovered() throws Exception
    {
        final List<String> names = new ArrayList<>();
        try (InputStream schema = SbeRoundTripTest.class.getResourceAsStream("/sbe/tickwire-schema.xml"))
        {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            final NodeList messages = factory.newDocumentBuilder().parse(schema)
                .getElementsByTagNameNS("http://fixprotocol.io/2016/sbe", "message");
            for (int i = 0; i < messages.getLength(); i++)
            {
                names.add(((Element)messages.item(i)).getAttribute("name"));
            }
        }

        assertThat(names).containsExactlyInAnyOrderElementsOf(COVERED);
    }

    @Property(tries = TRIES)
    void batchHeaderRoundTrip(
        @ForAll final long firstSeq,
        @ForAll final int eventCount,
        @ForAll final long engineTime,
        @ForAll final long intendedTime,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final BatchHeaderEncoder encoder = new BatchHeaderEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .firstSeq(firstSeq)
            .eventCount(eventCount)
            .engineTime(engineTime)
            .intendedTime(intendedTime);

        final BatchHeaderDecoder decoder = new BatchHeaderDecoder();
        assertHeader(offset, BatchHeaderDecoder.TEMPLATE_ID, BatchHeaderDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.firstSeq()).isEqualTo(firstSeq);
        assertThat(decoder.eventCount()).isEqualTo(eventCount);
        assertThat(decoder.engineTime()).isEqualTo(engineTime);
        assertThat(decoder.intendedTime()).isEqualTo(intendedTime);
        assertThat(decoder.encodedLength()).isEqualTo(BatchHeaderDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void journalStartRoundTrip(
        @ForAll final long journalId,
        @ForAll final long createdTime,
        @ForAll @IntRange(min = 0, max = 65535) final int schemaVersion,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final JournalStartEncoder encoder = new JournalStartEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .journalId(journalId)
            .createdTime(createdTime)
            .schemaVersion(schemaVersion);

        final JournalStartDecoder decoder = new JournalStartDecoder();
        assertHeader(offset, JournalStartDecoder.TEMPLATE_ID, JournalStartDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.journalId()).isEqualTo(journalId);
        assertThat(decoder.createdTime()).isEqualTo(createdTime);
        assertThat(decoder.schemaVersion()).isEqualTo(schemaVersion);
        assertThat(decoder.encodedLength()).isEqualTo(JournalStartDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void engineSnapshotRoundTrip(
        @ForAll final long snapshotSeq,
        @ForAll final long journalId,
        @ForAll final long engineTime,
        @ForAll final int part,
        @ForAll @ShortRange(min = 0, max = 1) final short last,
        @ForAll @ShortRange(min = 0, max = 255) final short formatVersion,
        @ForAll final long checksum,
        @ForAll final byte[] state,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final byte[] data = state.length > 100 ? java.util.Arrays.copyOf(state, 100) : state;
        final EngineSnapshotEncoder encoder = new EngineSnapshotEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .snapshotSeq(snapshotSeq)
            .journalId(journalId)
            .engineTime(engineTime)
            .part(part)
            .last(last)
            .formatVersion(formatVersion)
            .checksum(checksum)
            .putState(data, 0, data.length);

        headerDecoder.wrap(buffer, offset);
        assertThat(headerDecoder.templateId()).isEqualTo(EngineSnapshotDecoder.TEMPLATE_ID);
        assertThat(headerDecoder.blockLength()).isEqualTo(EngineSnapshotDecoder.BLOCK_LENGTH);
        final EngineSnapshotDecoder decoder = new EngineSnapshotDecoder();
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.snapshotSeq()).isEqualTo(snapshotSeq);
        assertThat(decoder.journalId()).isEqualTo(journalId);
        assertThat(decoder.engineTime()).isEqualTo(engineTime);
        assertThat(decoder.part()).isEqualTo(part);
        assertThat(decoder.last()).isEqualTo(last);
        assertThat(decoder.formatVersion()).isEqualTo(formatVersion);
        assertThat(decoder.checksum()).isEqualTo(checksum);
        final byte[] decoded = new byte[decoder.stateLength()];
        decoder.getState(decoded, 0, decoded.length);
        assertThat(decoded).isEqualTo(data);
        assertThat(encoder.encodedLength()).isEqualTo(decoder.encodedLength())
            .isEqualTo(EngineSnapshotDecoder.BLOCK_LENGTH + 4 + data.length);
    }

    @Property(tries = TRIES)
    void newOrderRoundTrip(
        @ForAll final long intendedTime,
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll("sides") final Side side,
        @ForAll("orderTypes") final OrderType orderType,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final NewOrderEncoder encoder = new NewOrderEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(intendedTime)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .side(side)
            .orderType(orderType)
            .price(price)
            .quantity(quantity);

        final NewOrderDecoder decoder = new NewOrderDecoder();
        assertHeader(offset, NewOrderDecoder.TEMPLATE_ID, NewOrderDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.intendedTime()).isEqualTo(intendedTime);
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.side()).isEqualTo(side);
        assertThat(decoder.orderType()).isEqualTo(orderType);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.encodedLength()).isEqualTo(NewOrderDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void cancelOrderRoundTrip(
        @ForAll final long intendedTime,
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final CancelOrderEncoder encoder = new CancelOrderEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(intendedTime)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId);

        final CancelOrderDecoder decoder = new CancelOrderDecoder();
        assertHeader(offset, CancelOrderDecoder.TEMPLATE_ID, CancelOrderDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.intendedTime()).isEqualTo(intendedTime);
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.encodedLength()).isEqualTo(CancelOrderDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void replaceOrderRoundTrip(
        @ForAll final long intendedTime,
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final ReplaceOrderEncoder encoder = new ReplaceOrderEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(intendedTime)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .price(price)
            .quantity(quantity);

        final ReplaceOrderDecoder decoder = new ReplaceOrderDecoder();
        assertHeader(offset, ReplaceOrderDecoder.TEMPLATE_ID, ReplaceOrderDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.intendedTime()).isEqualTo(intendedTime);
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.encodedLength()).isEqualTo(ReplaceOrderDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void addInstrumentRoundTrip(
        @ForAll final long intendedTime,
        @ForAll final int instrumentId,
        @ForAll("symbols") final String symbol,
        @ForAll final byte priceScale,
        @ForAll final byte qtyScale,
        @ForAll final long tickSize,
        @ForAll final long lotSize,
        @ForAll("instrumentModes") final InstrumentMode mode,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final AddInstrumentEncoder encoder = new AddInstrumentEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(intendedTime)
            .instrumentId(instrumentId)
            .symbol(symbol)
            .priceScale(priceScale)
            .qtyScale(qtyScale)
            .tickSize(tickSize)
            .lotSize(lotSize)
            .mode(mode);

        final AddInstrumentDecoder decoder = new AddInstrumentDecoder();
        assertHeader(offset, AddInstrumentDecoder.TEMPLATE_ID, AddInstrumentDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.intendedTime()).isEqualTo(intendedTime);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.symbol()).isEqualTo(symbol);
        assertThat(decoder.priceScale()).isEqualTo(priceScale);
        assertThat(decoder.qtyScale()).isEqualTo(qtyScale);
        assertThat(decoder.tickSize()).isEqualTo(tickSize);
        assertThat(decoder.lotSize()).isEqualTo(lotSize);
        assertThat(decoder.mode()).isEqualTo(mode);
        assertThat(decoder.encodedLength()).isEqualTo(AddInstrumentDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void feedTradeRoundTrip(
        @ForAll final long intendedTime,
        @ForAll final int instrumentId,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll("sides") final Side aggressorSide,
        @ForAll final long sourceTime,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final FeedTradeEncoder encoder = new FeedTradeEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(intendedTime)
            .instrumentId(instrumentId)
            .price(price)
            .quantity(quantity)
            .aggressorSide(aggressorSide)
            .sourceTime(sourceTime);

        final FeedTradeDecoder decoder = new FeedTradeDecoder();
        assertHeader(offset, FeedTradeDecoder.TEMPLATE_ID, FeedTradeDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.intendedTime()).isEqualTo(intendedTime);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.aggressorSide()).isEqualTo(aggressorSide);
        assertThat(decoder.sourceTime()).isEqualTo(sourceTime);
        assertThat(decoder.encodedLength()).isEqualTo(FeedTradeDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void feedBookLevelRoundTrip(
        @ForAll final long intendedTime,
        @ForAll final int instrumentId,
        @ForAll("sides") final Side side,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll final long sourceTime,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final FeedBookLevelEncoder encoder = new FeedBookLevelEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .intendedTime(intendedTime)
            .instrumentId(instrumentId)
            .side(side)
            .price(price)
            .quantity(quantity)
            .sourceTime(sourceTime);

        final FeedBookLevelDecoder decoder = new FeedBookLevelDecoder();
        assertHeader(offset, FeedBookLevelDecoder.TEMPLATE_ID, FeedBookLevelDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.intendedTime()).isEqualTo(intendedTime);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.side()).isEqualTo(side);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.sourceTime()).isEqualTo(sourceTime);
        assertThat(decoder.encodedLength()).isEqualTo(FeedBookLevelDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void instrumentDefinitionRoundTrip(
        @ForAll final long seq,
        @ForAll final long prev,
        @ForAll final int instrumentId,
        @ForAll("symbols") final String symbol,
        @ForAll final byte priceScale,
        @ForAll final byte qtyScale,
        @ForAll final long tickSize,
        @ForAll final long lotSize,
        @ForAll("instrumentModes") final InstrumentMode mode,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final InstrumentDefinitionEncoder encoder = new InstrumentDefinitionEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .seq(seq)
            .prev(prev)
            .instrumentId(instrumentId)
            .symbol(symbol)
            .priceScale(priceScale)
            .qtyScale(qtyScale)
            .tickSize(tickSize)
            .lotSize(lotSize)
            .mode(mode);

        final InstrumentDefinitionDecoder decoder = new InstrumentDefinitionDecoder();
        assertHeader(offset, InstrumentDefinitionDecoder.TEMPLATE_ID, InstrumentDefinitionDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.seq()).isEqualTo(seq);
        assertThat(decoder.prev()).isEqualTo(prev);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.symbol()).isEqualTo(symbol);
        assertThat(decoder.priceScale()).isEqualTo(priceScale);
        assertThat(decoder.qtyScale()).isEqualTo(qtyScale);
        assertThat(decoder.tickSize()).isEqualTo(tickSize);
        assertThat(decoder.lotSize()).isEqualTo(lotSize);
        assertThat(decoder.mode()).isEqualTo(mode);
        assertThat(decoder.encodedLength()).isEqualTo(InstrumentDefinitionDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void tradeRoundTrip(
        @ForAll final long seq,
        @ForAll final long prev,
        @ForAll final int instrumentId,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll("sides") final Side aggressorSide,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final TradeEncoder encoder = new TradeEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .seq(seq)
            .prev(prev)
            .instrumentId(instrumentId)
            .price(price)
            .quantity(quantity)
            .aggressorSide(aggressorSide);

        final TradeDecoder decoder = new TradeDecoder();
        assertHeader(offset, TradeDecoder.TEMPLATE_ID, TradeDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.seq()).isEqualTo(seq);
        assertThat(decoder.prev()).isEqualTo(prev);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.aggressorSide()).isEqualTo(aggressorSide);
        assertThat(decoder.encodedLength()).isEqualTo(TradeDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void bookLevelRoundTrip(
        @ForAll final long seq,
        @ForAll final long prev,
        @ForAll final int instrumentId,
        @ForAll("sides") final Side side,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll final int orderCount,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final BookLevelEncoder encoder = new BookLevelEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .seq(seq)
            .prev(prev)
            .instrumentId(instrumentId)
            .side(side)
            .price(price)
            .quantity(quantity)
            .orderCount(orderCount);

        final BookLevelDecoder decoder = new BookLevelDecoder();
        assertHeader(offset, BookLevelDecoder.TEMPLATE_ID, BookLevelDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.seq()).isEqualTo(seq);
        assertThat(decoder.prev()).isEqualTo(prev);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.side()).isEqualTo(side);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.orderCount()).isEqualTo(orderCount);
        assertThat(decoder.encodedLength()).isEqualTo(BookLevelDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void tickerRoundTrip(
        @ForAll final long seq,
        @ForAll final long prev,
        @ForAll final int instrumentId,
        @ForAll final long bidPrice,
        @ForAll final long bidQty,
        @ForAll final long askPrice,
        @ForAll final long askQty,
        @ForAll final long lastPrice,
        @ForAll final long lastQty,
        @ForAll final long volume,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final TickerEncoder encoder = new TickerEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .seq(seq)
            .prev(prev)
            .instrumentId(instrumentId)
            .bidPrice(bidPrice)
            .bidQty(bidQty)
            .askPrice(askPrice)
            .askQty(askQty)
            .lastPrice(lastPrice)
            .lastQty(lastQty)
            .volume(volume);

        final TickerDecoder decoder = new TickerDecoder();
        assertHeader(offset, TickerDecoder.TEMPLATE_ID, TickerDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.seq()).isEqualTo(seq);
        assertThat(decoder.prev()).isEqualTo(prev);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.bidPrice()).isEqualTo(bidPrice);
        assertThat(decoder.bidQty()).isEqualTo(bidQty);
        assertThat(decoder.askPrice()).isEqualTo(askPrice);
        assertThat(decoder.askQty()).isEqualTo(askQty);
        assertThat(decoder.lastPrice()).isEqualTo(lastPrice);
        assertThat(decoder.lastQty()).isEqualTo(lastQty);
        assertThat(decoder.volume()).isEqualTo(volume);
        assertThat(decoder.encodedLength()).isEqualTo(TickerDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void orderAcceptedRoundTrip(
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll("sides") final Side side,
        @ForAll("orderTypes") final OrderType orderType,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final OrderAcceptedEncoder encoder = new OrderAcceptedEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .side(side)
            .orderType(orderType)
            .price(price)
            .quantity(quantity);

        final OrderAcceptedDecoder decoder = new OrderAcceptedDecoder();
        assertHeader(offset, OrderAcceptedDecoder.TEMPLATE_ID, OrderAcceptedDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.side()).isEqualTo(side);
        assertThat(decoder.orderType()).isEqualTo(orderType);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.encodedLength()).isEqualTo(OrderAcceptedDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void orderRejectedRoundTrip(
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll("rejectReasons") final RejectReason reason,
        @ForAll @IntRange(min = 0, max = 65535) final int inputTemplateId,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final OrderRejectedEncoder encoder = new OrderRejectedEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .reason(reason)
            .inputTemplateId(inputTemplateId);

        final OrderRejectedDecoder decoder = new OrderRejectedDecoder();
        assertHeader(offset, OrderRejectedDecoder.TEMPLATE_ID, OrderRejectedDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.reason()).isEqualTo(reason);
        assertThat(decoder.inputTemplateId()).isEqualTo(inputTemplateId);
        assertThat(decoder.encodedLength()).isEqualTo(OrderRejectedDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void orderFilledRoundTrip(
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll final long tradeSeq,
        @ForAll final long price,
        @ForAll final long quantity,
        @ForAll final long leavesQty,
        @ForAll @ShortRange(min = 0, max = 255) final short maker,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final OrderFilledEncoder encoder = new OrderFilledEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .tradeSeq(tradeSeq)
            .price(price)
            .quantity(quantity)
            .leavesQty(leavesQty)
            .maker(maker);

        final OrderFilledDecoder decoder = new OrderFilledDecoder();
        assertHeader(offset, OrderFilledDecoder.TEMPLATE_ID, OrderFilledDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.tradeSeq()).isEqualTo(tradeSeq);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.quantity()).isEqualTo(quantity);
        assertThat(decoder.leavesQty()).isEqualTo(leavesQty);
        assertThat(decoder.maker()).isEqualTo(maker);
        assertThat(decoder.encodedLength()).isEqualTo(OrderFilledDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void orderCancelledRoundTrip(
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll final long cancelledQty,
        @ForAll("cancelReasons") final CancelReason reason,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final OrderCancelledEncoder encoder = new OrderCancelledEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .cancelledQty(cancelledQty)
            .reason(reason);

        final OrderCancelledDecoder decoder = new OrderCancelledDecoder();
        assertHeader(offset, OrderCancelledDecoder.TEMPLATE_ID, OrderCancelledDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.cancelledQty()).isEqualTo(cancelledQty);
        assertThat(decoder.reason()).isEqualTo(reason);
        assertThat(decoder.encodedLength()).isEqualTo(OrderCancelledDecoder.BLOCK_LENGTH);
    }

    @Property(tries = TRIES)
    void orderReplacedRoundTrip(
        @ForAll final int participantId,
        @ForAll final long clientOrderId,
        @ForAll final int instrumentId,
        @ForAll final long price,
        @ForAll final long leavesQty,
        @ForAll @ShortRange(min = 0, max = 255) final short keptPriority,
        @ForAll @IntRange(min = 0, max = 64) final int offset)
    {
        final OrderReplacedEncoder encoder = new OrderReplacedEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .price(price)
            .leavesQty(leavesQty)
            .keptPriority(keptPriority);

        final OrderReplacedDecoder decoder = new OrderReplacedDecoder();
        assertHeader(offset, OrderReplacedDecoder.TEMPLATE_ID, OrderReplacedDecoder.BLOCK_LENGTH, encoder.encodedLength());
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        assertThat(decoder.participantId()).isEqualTo(participantId);
        assertThat(decoder.clientOrderId()).isEqualTo(clientOrderId);
        assertThat(decoder.instrumentId()).isEqualTo(instrumentId);
        assertThat(decoder.price()).isEqualTo(price);
        assertThat(decoder.leavesQty()).isEqualTo(leavesQty);
        assertThat(decoder.keptPriority()).isEqualTo(keptPriority);
        assertThat(decoder.encodedLength()).isEqualTo(OrderReplacedDecoder.BLOCK_LENGTH);
    }
    @Provide
    Arbitrary<String> symbols()
    {
        return Arbitraries.strings().withCharRange('A', 'Z').withCharRange('a', 'z').withCharRange('0', '9')
            .withChars('.', '-', '_', '/').ofMinLength(1).ofMaxLength(Symbols.MAX_LENGTH);
    }

    @Provide
    Arbitrary<Side> sides()
    {
        return Arbitraries.of(Side.class).filter(value -> value != Side.NULL_VAL);
    }

    @Provide
    Arbitrary<OrderType> orderTypes()
    {
        return Arbitraries.of(OrderType.class).filter(value -> value != OrderType.NULL_VAL);
    }

    @Provide
    Arbitrary<InstrumentMode> instrumentModes()
    {
        return Arbitraries.of(InstrumentMode.class).filter(value -> value != InstrumentMode.NULL_VAL);
    }

    @Provide
    Arbitrary<RejectReason> rejectReasons()
    {
        return Arbitraries.of(RejectReason.class).filter(value -> value != RejectReason.NULL_VAL);
    }

    @Provide
    Arbitrary<CancelReason> cancelReasons()
    {
        return Arbitraries.of(CancelReason.class).filter(value -> value != CancelReason.NULL_VAL);
    }

    private void assertHeader(final int offset, final int templateId, final int blockLength, final int encodedLength)
    {
        assertThat(encodedLength).isEqualTo(blockLength);
        headerDecoder.wrap(buffer, offset);
        assertThat(headerDecoder.templateId()).isEqualTo(templateId);
        assertThat(headerDecoder.blockLength()).isEqualTo(blockLength);
        assertThat(headerDecoder.schemaId()).isEqualTo(MessageHeaderDecoder.SCHEMA_ID);
        assertThat(headerDecoder.version()).isEqualTo(MessageHeaderDecoder.SCHEMA_VERSION);
    }
}
