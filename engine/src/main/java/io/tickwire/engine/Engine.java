package io.tickwire.engine;

import io.tickwire.codecs.Symbols;
import io.tickwire.codecs.sbe.AddInstrumentDecoder;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.BatchHeaderEncoder;
import io.tickwire.codecs.sbe.BookLevelEncoder;
import io.tickwire.codecs.sbe.CancelOrderDecoder;
import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.FeedBookLevelDecoder;
import io.tickwire.codecs.sbe.FeedTradeDecoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionEncoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.OrderAcceptedEncoder;
import io.tickwire.codecs.sbe.OrderCancelledEncoder;
import io.tickwire.codecs.sbe.OrderFilledEncoder;
import io.tickwire.codecs.sbe.OrderRejectedEncoder;
import io.tickwire.codecs.sbe.OrderReplacedEncoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.ReplaceOrderDecoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerEncoder;
import io.tickwire.codecs.sbe.TradeEncoder;
import io.tickwire.engine.book.LevelBook;
import io.tickwire.engine.book.OrderBook;
import io.tickwire.engine.book.OrderBookListener;
import io.tickwire.engine.book.StateReader;
import io.tickwire.engine.book.StateWriter;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static io.tickwire.engine.BatchWriter.getInt;
import static io.tickwire.engine.BatchWriter.getLong;
import static io.tickwire.engine.BatchWriter.getUint8;
import static io.tickwire.engine.BatchWriter.putByte;
import static io.tickwire.engine.BatchWriter.putInt;
import static io.tickwire.engine.BatchWriter.putLong;
import static io.tickwire.engine.BatchWriter.putShort;

/**
 * The engine's state machine: applies one input, producing one batch (see docs/architecture.md) in its
 * batch buffer. It assigns every market-data event the next global {@code seq} and the {@code prev} of its
 * stream. Pure and single-threaded: no I/O, no clock (the caller passes the engine time), no allocation
 * per input in steady state. {@link EngineAgent} feeds it from Aeron and journals each batch;
 * recovery feeds it the journal.
 * <p>
 * Invalid inputs are answered by an {@code OrderRejected} report in the batch, never an exception.
 * Inputs that are not Tickwire input messages at all (foreign schema, unknown template, truncated) make no
 * batch: {@link #apply} returns 0 and {@link #malformedInputs()} counts them.
 */
public final class Engine implements OrderBookListener
{
    static final long MAX_PARTICIPANT_ID = (1L << 23) - 1;
    static final long MAX_CLIENT_ORDER_ID = (1L << 40) - 1;
    static final int CLIENT_ORDER_ID_BITS = 40;

    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final long BATCH_HEADER =
        BatchWriter.headerWord(BatchHeaderEncoder.BLOCK_LENGTH, BatchHeaderEncoder.TEMPLATE_ID);
    private static final long TRADE_HEADER =
        BatchWriter.headerWord(TradeEncoder.BLOCK_LENGTH, TradeEncoder.TEMPLATE_ID);
    private static final long BOOK_LEVEL_HEADER =
        BatchWriter.headerWord(BookLevelEncoder.BLOCK_LENGTH, BookLevelEncoder.TEMPLATE_ID);
    private static final long TICKER_HEADER =
        BatchWriter.headerWord(TickerEncoder.BLOCK_LENGTH, TickerEncoder.TEMPLATE_ID);
    private static final long ACCEPTED_HEADER =
        BatchWriter.headerWord(OrderAcceptedEncoder.BLOCK_LENGTH, OrderAcceptedEncoder.TEMPLATE_ID);
    private static final long REJECTED_HEADER =
        BatchWriter.headerWord(OrderRejectedEncoder.BLOCK_LENGTH, OrderRejectedEncoder.TEMPLATE_ID);
    private static final long FILLED_HEADER =
        BatchWriter.headerWord(OrderFilledEncoder.BLOCK_LENGTH, OrderFilledEncoder.TEMPLATE_ID);
    private static final long CANCELLED_HEADER =
        BatchWriter.headerWord(OrderCancelledEncoder.BLOCK_LENGTH, OrderCancelledEncoder.TEMPLATE_ID);
    private static final long REPLACED_HEADER =
        BatchWriter.headerWord(OrderReplacedEncoder.BLOCK_LENGTH, OrderReplacedEncoder.TEMPLATE_ID);

    private final EngineLimits limits;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer batch;
    private final Int2ObjectHashMap<InstrumentState> instruments = new Int2ObjectHashMap<>();
    private final Object2ObjectHashMap<String, InstrumentState> bySymbol = new Object2ObjectHashMap<>();

    private final MessageHeaderDecoder inputHeader = new MessageHeaderDecoder();
    // Inputs other than AddInstrument (rare, with a symbol) are read with the BatchWriter from their copy in the batch.
    private final AddInstrumentDecoder addInstrument = new AddInstrumentDecoder();

    // The instrument definition (rare, with a symbol) goes through its SBE encoder; every other event is written by
    // the BatchWriter with one bounds check per event (see there), at the generated encoders' field offsets.
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final InstrumentDefinitionEncoder definition = new InstrumentDefinitionEncoder();
    private final BatchWriter writer;

    private long nextSeq = 1;
    private long lastEngineTime;
    private long malformedInputs;
    private long feedLevelsDropped;

    private int position;
    private int eventCount;
    private InstrumentState current;
    private int currentInputTemplate;

    public Engine(final EngineLimits limits)
    {
        this.limits = limits;
        this.byteBuffer = ByteBuffer.allocateDirect(limits.maxBatchLength());
        this.batch = new UnsafeBuffer(byteBuffer);
        this.writer = new BatchWriter(batch);
    }

    /**
     * @return the buffer holding the batch of the last {@link #apply}, from offset 0.
     */
    public UnsafeBuffer batchBuffer()
    {
        return batch;
    }

    /**
     * @return the same memory as {@link #batchBuffer()}, for the journal writer.
     */
    public ByteBuffer batchByteBuffer()
    {
        return byteBuffer;
    }

    /**
     * @return the seq the next market-data event will get.
     */
    public long nextSeq()
    {
        return nextSeq;
    }

    /**
     * @return the engine time of the last batch (of a restored snapshot before any), 0 if none: snapshots carry it,
     * so that engine time never decreases in journal order.
     */
    public long lastEngineTime()
    {
        return lastEngineTime;
    }

    public long malformedInputs()
    {
        return malformedInputs;
    }

    public long feedLevelsDropped()
    {
        return feedLevelsDropped;
    }

    public boolean hasInstrument(final int instrumentId)
    {
        return instruments.containsKey(instrumentId);
    }

    public int instrumentCount()
    {
        return instruments.size();
    }

    /**
     * Applies one input message (an SBE message with header) and builds its batch.
     *
     * @return the batch length in {@link #batchBuffer()}, or 0 if the input is not a Tickwire input.
     */
    public int apply(final DirectBuffer input, final int offset, final int length, final long engineTime)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            malformedInputs++;
            return 0;
        }
        inputHeader.wrap(input, offset);
        final int templateId = inputHeader.templateId();
        final int blockLength = inputHeader.blockLength();
        final int version = inputHeader.version();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int messageLength = MessageHeaderDecoder.ENCODED_LENGTH + blockLength;
        if (inputHeader.schemaId() != MessageHeaderDecoder.SCHEMA_ID || messageLength > length ||
            blockLength < minimumBlockLength(templateId) || messageLength > 1024)
        {
            malformedInputs++;
            return 0;
        }

        position = MessageHeaderEncoder.ENCODED_LENGTH + BatchHeaderEncoder.BLOCK_LENGTH;
        batch.putBytes(position, input, offset, messageLength);
        // The input's fields are read from this copy in the batch buffer, at the decoders' offsets: every input field
        // is in version 0 and the block is at least the schema's, so this reads what the decoders would.
        final long body = writer.address(position + MessageHeaderDecoder.ENCODED_LENGTH);
        position += messageLength;
        eventCount = 0;
        current = null;
        currentInputTemplate = templateId;
        final long firstSeq = nextSeq;
        long intendedTime = 0;

        switch (templateId)
        {
            case NewOrderDecoder.TEMPLATE_ID:
                intendedTime = getLong(body + NewOrderDecoder.intendedTimeEncodingOffset());
                onNewOrder(body);
                break;
            case CancelOrderDecoder.TEMPLATE_ID:
                intendedTime = getLong(body + CancelOrderDecoder.intendedTimeEncodingOffset());
                onCancelOrder(body);
                break;
            case ReplaceOrderDecoder.TEMPLATE_ID:
                intendedTime = getLong(body + ReplaceOrderDecoder.intendedTimeEncodingOffset());
                onReplaceOrder(body);
                break;
            case AddInstrumentDecoder.TEMPLATE_ID:
                addInstrument.wrap(input, bodyOffset, blockLength, version);
                intendedTime = addInstrument.intendedTime();
                onAddInstrument();
                break;
            case FeedTradeDecoder.TEMPLATE_ID:
                intendedTime = getLong(body + FeedTradeDecoder.intendedTimeEncodingOffset());
                onFeedTrade(body);
                break;
            case FeedBookLevelDecoder.TEMPLATE_ID:
                intendedTime = getLong(body + FeedBookLevelDecoder.intendedTimeEncodingOffset());
                onFeedBookLevel(body);
                break;
            default:
                throw new IllegalStateException("unreachable: template " + templateId);
        }

        if (current != null && current.updateTicker())
        {
            emitTicker(current);
        }

        lastEngineTime = engineTime;
        final long batchHeader = writer.message(0, BATCH_HEADER, BatchHeaderEncoder.BLOCK_LENGTH);
        putLong(batchHeader + BatchHeaderEncoder.firstSeqEncodingOffset(), firstSeq);
        putInt(batchHeader + BatchHeaderEncoder.eventCountEncodingOffset(), eventCount);
        putLong(batchHeader + BatchHeaderEncoder.engineTimeEncodingOffset(), engineTime);
        putLong(batchHeader + BatchHeaderEncoder.intendedTimeEncodingOffset(), intendedTime);
        return position;
    }

    /**
     * Applies a journaled batch again (recovery) and checks that it produces the same batch, byte for byte
     * apart from the engine time.
     *
     * @throws IllegalStateException if the journaled batch differs from what this engine produces: the
     *                               journal was written by different engine logic or is corrupt.
     */
    public void recover(final DirectBuffer journaled, final int offset, final int length)
    {
        final int headerLength = MessageHeaderDecoder.ENCODED_LENGTH + BatchHeaderDecoder.BLOCK_LENGTH;
        if (length < headerLength)
        {
            throw new IllegalStateException("journaled batch too short: " + length + " bytes");
        }
        final long engineTime = journaled.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH +
            BatchHeaderDecoder.engineTimeEncodingOffset(), BatchHeaderDecoder.BYTE_ORDER);
        final long expectedFirstSeq = nextSeq;
        final int produced = apply(journaled, offset + headerLength, length - headerLength, engineTime);
        if (produced != length || !equalBytes(journaled, offset, batch, produced))
        {
            throw new IllegalStateException("journal diverges from the engine at seq " + expectedFirstSeq +
                ": journaled batch of " + length + " bytes, replay produced " + produced + " bytes");
        }
    }

    /**
     * @return a hash of the whole engine state: next seq, every instrument's definition, stream links,
     * ticker and book (orders in priority order). Equal states have equal hashes.
     */
    public long stateHash()
    {
        long hash = mix(0x9E3779B97F4A7C15L, nextSeq);
        for (final int id : sortedInstrumentIds())
        {
            final InstrumentState s = instruments.get(id);
            hash = mix(hash, id);
            hash = mix(hash, s.symbol.hashCode());
            hash = mix(hash, s.lastDefinitionSeq);
            hash = mix(hash, s.lastTradeSeq);
            hash = mix(hash, s.lastBookSeq);
            hash = mix(hash, s.lastTickerSeq);
            hash = mix(hash, s.lastPrice);
            hash = mix(hash, s.lastQty);
            hash = mix(hash, s.volume);
            hash = mix(hash, s.bookHash());
        }
        return hash;
    }

    /**
     * Writes the whole state a snapshot needs (docs/architecture.md, "Snapshots"), except {@link #nextSeq()}, which
     * the snapshot carries in its header: {@code int instrumentCount}, then per instrument in ascending id order
     * {@code int id, int symbolLength, long symbolChars0to7, long symbolChars8to15, int priceScale, int qtyScale,
     * long tickSize, long lotSize, int mode}, the four stream links ({@code lastDefinitionSeq, lastTradeSeq,
     * lastBookSeq, lastTickerSeq}), {@code lastPrice, lastQty, volume}, the ticker as last published
     * ({@code bid, bidQty, ask, askQty, last, lastQty, volume}) and the book ({@link OrderBook#writeState} or
     * {@link LevelBook#writeState}). The counters ({@link #malformedInputs()}, {@link #feedLevelsDropped()}) are
     * not state: they restart at 0. Call between inputs only.
     */
    public void writeState(final StateWriter out)
    {
        final int[] ids = sortedInstrumentIds();
        out.putInt(ids.length);
        for (final int id : ids)
        {
            final InstrumentState s = instruments.get(id);
            out.putInt(id);
            final String symbol = s.symbol;
            out.putInt(symbol.length());
            out.putLong(packAscii(symbol, 0));
            out.putLong(packAscii(symbol, 8));
            out.putInt(s.priceScale);
            out.putInt(s.qtyScale);
            out.putLong(s.tickSize);
            out.putLong(s.lotSize);
            out.putInt(s.mode.value());
            out.putLong(s.lastDefinitionSeq);
            out.putLong(s.lastTradeSeq);
            out.putLong(s.lastBookSeq);
            out.putLong(s.lastTickerSeq);
            out.putLong(s.lastPrice);
            out.putLong(s.lastQty);
            out.putLong(s.volume);
            out.putLong(s.tickerBid);
            out.putLong(s.tickerBidQty);
            out.putLong(s.tickerAsk);
            out.putLong(s.tickerAskQty);
            out.putLong(s.tickerLast);
            out.putLong(s.tickerLastQty);
            out.putLong(s.tickerVolume);
            if (s.orderBook != null)
            {
                s.orderBook.writeState(out);
            }
            else
            {
                s.levelBook.writeState(out);
            }
        }
    }

    /**
     * Loads a state written by {@link #writeState} into this new engine (no instrument, next seq 1); afterwards it
     * produces exactly the batches the engine that wrote the state would have produced.
     *
     * @param snapshotSeq the next seq of the engine that wrote the state.
     * @param engineTime  its {@link #lastEngineTime()}.
     * @throws IllegalStateException if this engine is not new or the state is malformed or does not fit its limits;
     *                               the engine is new again then.
     */
    public void restoreState(final long snapshotSeq, final long engineTime, final StateReader in)
    {
        if (nextSeq != 1 || !instruments.isEmpty())
        {
            throw new IllegalStateException("restoring a snapshot needs a new engine (next seq " + nextSeq + ")");
        }
        try
        {
            readInstruments(snapshotSeq, in);
            nextSeq = snapshotSeq;
            lastEngineTime = engineTime;
        }
        catch (final RuntimeException ex)
        {
            clearState();
            throw ex instanceof IllegalStateException ? ex : new IllegalStateException("malformed snapshot: " + ex, ex);
        }
    }

    /**
     * Makes this engine new again (no instrument, next seq 1): after a restore that failed a later check.
     */
    void clearState()
    {
        instruments.clear();
        bySymbol.clear();
        nextSeq = 1;
        lastEngineTime = 0;
    }

    private void readInstruments(final long snapshotSeq, final StateReader in)
    {
        if (snapshotSeq < 1)
        {
            throw new IllegalStateException("snapshot seq " + snapshotSeq);
        }
        final int count = in.getInt();
        if (count < 0 || count > limits.maxInstruments())
        {
            throw new IllegalStateException("snapshot has " + count + " instruments, the limit is " +
                limits.maxInstruments());
        }
        int previousId = 0;
        for (int i = 0; i < count; i++)
        {
            final SnapshotVisitor.Instrument h = readInstrument(in);
            final int id = h.id();
            final String symbol = h.symbol();
            if (id <= previousId || id > EngineLimits.MAX_INSTRUMENT_ID || symbol == null || !Symbols.isValid(symbol) ||
                bySymbol.containsKey(symbol) || h.priceScale() < 0 || h.priceScale() > 9 || h.qtyScale() < 0 ||
                h.qtyScale() > 9 || h.tickSize() < 1 || h.lotSize() < 1 || h.mode() == null)
            {
                throw new IllegalStateException("snapshot instrument " + i + " (id " + id + ", symbol " + symbol +
                    ") is invalid");
            }
            previousId = id;
            final InstrumentState s = addInstrumentState(
                id, symbol, h.priceScale(), h.qtyScale(), h.tickSize(), h.lotSize(), h.mode());
            s.lastDefinitionSeq = seqBefore(snapshotSeq, h.lastDefinitionSeq());
            s.lastTradeSeq = seqBefore(snapshotSeq, h.lastTradeSeq());
            s.lastBookSeq = seqBefore(snapshotSeq, h.lastBookSeq());
            s.lastTickerSeq = seqBefore(snapshotSeq, h.lastTickerSeq());
            s.lastPrice = h.lastPrice();
            s.lastQty = h.lastQty();
            s.volume = h.volume();
            s.tickerBid = h.tickerBid();
            s.tickerBidQty = h.tickerBidQty();
            s.tickerAsk = h.tickerAsk();
            s.tickerAskQty = h.tickerAskQty();
            s.tickerLast = h.tickerLast();
            s.tickerLastQty = h.tickerLastQty();
            s.tickerVolume = h.tickerVolume();
            if (s.orderBook != null)
            {
                s.orderBook.readState(in);
            }
            else
            {
                s.levelBook.readState(in);
            }
        }
    }

    /**
     * Reads a state written by {@link #writeState} as a market view (instruments, tickers, aggregated levels)
     * without building books: for readers that need no orders and do not know the engine's limits. Checks the
     * layout's framing (counts, symbols, modes, level order); a reader that needs the checksum too uses
     * {@link EngineSnapshots#visit}.
     *
     * @throws IllegalStateException if the state is malformed.
     */
    static void visitState(final long snapshotSeq, final StateReader in, final SnapshotVisitor visitor)
    {
        final int count = in.getInt();
        if (count < 0 || count > EngineLimits.MAX_INSTRUMENT_ID)
        {
            throw new IllegalStateException("snapshot has " + count + " instruments");
        }
        int previousId = 0;
        for (int i = 0; i < count; i++)
        {
            final SnapshotVisitor.Instrument h = readInstrument(in);
            if (h.id() <= previousId || h.symbol() == null || h.mode() == null || h.lastTradeSeq() >= snapshotSeq ||
                h.lastBookSeq() >= snapshotSeq || h.lastTickerSeq() >= snapshotSeq)
            {
                throw new IllegalStateException("snapshot instrument " + i + " (id " + h.id() + ", symbol " +
                    h.symbol() + ") is invalid");
            }
            previousId = h.id();
            visitor.onInstrument(h);
            if (h.mode() == InstrumentMode.MATCHING)
            {
                OrderBook.visitState(h.id(), in, (side, price, quantity) -> visitor.onLevel(h.id(), side, price,
                    quantity));
            }
            else
            {
                LevelBook.visitState(h.id(), in, (side, price, quantity) -> visitor.onLevel(h.id(), side, price,
                    quantity));
            }
        }
    }

    /**
     * Reads one instrument's fields of the {@link #writeState} layout, up to its book (symbol null if malformed,
     * mode null if unknown).
     */
    private static SnapshotVisitor.Instrument readInstrument(final StateReader in)
    {
        final int id = in.getInt();
        final int symbolLength = in.getInt();
        final long chars0 = in.getLong();
        final long chars8 = in.getLong();
        final int priceScale = in.getInt();
        final int qtyScale = in.getInt();
        final long tickSize = in.getLong();
        final long lotSize = in.getLong();
        final InstrumentMode mode = mode((short)in.getInt());
        return new SnapshotVisitor.Instrument(id, unpackAscii(symbolLength, chars0, chars8), priceScale, qtyScale,
            tickSize, lotSize, mode, in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(),
            in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(),
            in.getLong(), in.getLong());
    }

    private static long seqBefore(final long snapshotSeq, final long seq)
    {
        if (seq < 0 || seq >= snapshotSeq)
        {
            throw new IllegalStateException("snapshot stream link " + seq + " is not below its seq " + snapshotSeq);
        }
        return seq;
    }

    private int[] sortedInstrumentIds()
    {
        final int[] ids = new int[instruments.size()];
        int n = 0;
        for (final int id : instruments.keySet())
        {
            ids[n++] = id;
        }
        java.util.Arrays.sort(ids);
        return ids;
    }

    private static long packAscii(final String symbol, final int from)
    {
        long packed = 0;
        for (int i = Math.min(symbol.length(), from + 8) - 1; i >= from; i--)
        {
            packed = (packed << 8) | (symbol.charAt(i) & 0xFF);
        }
        return packed;
    }

    private static String unpackAscii(final int length, final long chars0, final long chars8)
    {
        if (length < 1 || length > 16)
        {
            return null;
        }
        final char[] chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)(((i < 8 ? chars0 >>> (8 * i) : chars8 >>> (8 * (i - 8)))) & 0xFF);
        }
        return new String(chars);
    }

    private static long mix(final long hash, final long value)
    {
        long h = hash ^ value;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 29);
    }

    private static boolean equalBytes(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (a.getLong(aOffset + i) != b.getLong(i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (a.getByte(aOffset + i) != b.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    private static int minimumBlockLength(final int templateId)
    {
        switch (templateId)
        {
            case NewOrderDecoder.TEMPLATE_ID:
                return NewOrderDecoder.BLOCK_LENGTH;
            case CancelOrderDecoder.TEMPLATE_ID:
                return CancelOrderDecoder.BLOCK_LENGTH;
            case ReplaceOrderDecoder.TEMPLATE_ID:
                return ReplaceOrderDecoder.BLOCK_LENGTH;
            case AddInstrumentDecoder.TEMPLATE_ID:
                return AddInstrumentDecoder.BLOCK_LENGTH;
            case FeedTradeDecoder.TEMPLATE_ID:
                return FeedTradeDecoder.BLOCK_LENGTH;
            case FeedBookLevelDecoder.TEMPLATE_ID:
                return FeedBookLevelDecoder.BLOCK_LENGTH;
            default:
                return Integer.MAX_VALUE;
        }
    }

    // ---------------------------------------------------------------- inputs

    private void onNewOrder(final long body)
    {
        final int participantId = getInt(body + NewOrderDecoder.participantIdEncodingOffset());
        final long clientOrderId = getLong(body + NewOrderDecoder.clientOrderIdEncodingOffset());
        final int instrumentId = getInt(body + NewOrderDecoder.instrumentIdEncodingOffset());
        final InstrumentState instrument = matchingInstrument(participantId, clientOrderId, instrumentId);
        if (instrument == null)
        {
            return;
        }
        final Side side = side(getUint8(body + NewOrderDecoder.sideEncodingOffset()));
        final OrderType type = orderType(getUint8(body + NewOrderDecoder.orderTypeEncodingOffset()));
        if (side == null || type == null)
        {
            reject(participantId, clientOrderId, instrumentId, RejectReason.BAD_SIDE);
            return;
        }
        current = instrument;
        instrument.orderBook.newOrder(orderKey(participantId, clientOrderId), side, type,
            getLong(body + NewOrderDecoder.priceEncodingOffset()),
            getLong(body + NewOrderDecoder.quantityEncodingOffset()));
    }

    private void onCancelOrder(final long body)
    {
        final int participantId = getInt(body + CancelOrderDecoder.participantIdEncodingOffset());
        final long clientOrderId = getLong(body + CancelOrderDecoder.clientOrderIdEncodingOffset());
        final InstrumentState instrument = matchingInstrument(participantId, clientOrderId,
            getInt(body + CancelOrderDecoder.instrumentIdEncodingOffset()));
        if (instrument != null)
        {
            current = instrument;
            instrument.orderBook.cancel(orderKey(participantId, clientOrderId));
        }
    }

    private void onReplaceOrder(final long body)
    {
        final int participantId = getInt(body + ReplaceOrderDecoder.participantIdEncodingOffset());
        final long clientOrderId = getLong(body + ReplaceOrderDecoder.clientOrderIdEncodingOffset());
        final InstrumentState instrument = matchingInstrument(participantId, clientOrderId,
            getInt(body + ReplaceOrderDecoder.instrumentIdEncodingOffset()));
        if (instrument != null)
        {
            current = instrument;
            instrument.orderBook.replace(orderKey(participantId, clientOrderId),
                getLong(body + ReplaceOrderDecoder.priceEncodingOffset()),
                getLong(body + ReplaceOrderDecoder.quantityEncodingOffset()));
        }
    }

    private InstrumentState matchingInstrument(final int participantId, final long clientOrderId, final int instrumentId)
    {
        final InstrumentState instrument = instruments.get(instrumentId);
        if (instrument == null)
        {
            reject(participantId, clientOrderId, instrumentId, RejectReason.UNKNOWN_INSTRUMENT);
            return null;
        }
        if (instrument.mode != InstrumentMode.MATCHING)
        {
            reject(participantId, clientOrderId, instrumentId, RejectReason.WRONG_MODE);
            return null;
        }
        if (participantId < 0 || participantId > MAX_PARTICIPANT_ID || clientOrderId < 1 ||
            clientOrderId > MAX_CLIENT_ORDER_ID)
        {
            reject(participantId, clientOrderId, instrumentId, RejectReason.BAD_ORDER_ID);
            return null;
        }
        return instrument;
    }

    private void onAddInstrument()
    {
        final int instrumentId = addInstrument.instrumentId();
        final String symbol = addInstrument.symbol().trim();
        final int priceScale = addInstrument.priceScale();
        final int qtyScale = addInstrument.qtyScale();
        final long tickSize = addInstrument.tickSize();
        final long lotSize = addInstrument.lotSize();
        final InstrumentMode mode = mode(addInstrument.modeRaw());
        if (instruments.containsKey(instrumentId) || bySymbol.containsKey(symbol))
        {
            reject(0, 0, instrumentId, RejectReason.INSTRUMENT_EXISTS);
            return;
        }
        if (instrumentId < 1 || instrumentId > EngineLimits.MAX_INSTRUMENT_ID || !Symbols.isValid(symbol) ||
            priceScale < 0 || priceScale > 9 || qtyScale < 0 || qtyScale > 9 || tickSize < 1 || lotSize < 1 ||
            mode == null || instruments.size() >= limits.maxInstruments())
        {
            reject(0, 0, instrumentId, RejectReason.BAD_INSTRUMENT);
            return;
        }
        final InstrumentState state =
            addInstrumentState(instrumentId, symbol, priceScale, qtyScale, tickSize, lotSize, mode);

        final long seq = nextSeq++;
        eventCount++;
        definition.wrapAndApplyHeader(batch, position, header)
            .seq(seq)
            .prev(state.lastDefinitionSeq)
            .instrumentId(instrumentId)
            .symbol(symbol)
            .priceScale((byte)priceScale)
            .qtyScale((byte)qtyScale)
            .tickSize(tickSize)
            .lotSize(lotSize)
            .mode(mode);
        position += MessageHeaderEncoder.ENCODED_LENGTH + definition.encodedLength();
        state.lastDefinitionSeq = seq;
    }

    private InstrumentState addInstrumentState(
        final int instrumentId,
        final String symbol,
        final int priceScale,
        final int qtyScale,
        final long tickSize,
        final long lotSize,
        final InstrumentMode mode)
    {
        final OrderBook orderBook = mode == InstrumentMode.MATCHING ? new OrderBook(
            instrumentId, tickSize, lotSize, limits.maxOrdersPerInstrument(), limits.maxFillsPerOrder(), this) : null;
        final LevelBook levelBook =
            mode == InstrumentMode.FEED ? new LevelBook(instrumentId, limits.maxLevelsPerSide(), this) : null;
        final InstrumentState state = new InstrumentState(
            instrumentId, symbol, priceScale, qtyScale, tickSize, lotSize, mode, orderBook, levelBook);
        instruments.put(instrumentId, state);
        bySymbol.put(symbol, state);
        return state;
    }

    private void onFeedTrade(final long body)
    {
        final int instrumentId = getInt(body + FeedTradeDecoder.instrumentIdEncodingOffset());
        final InstrumentState instrument = feedInstrument(instrumentId);
        if (instrument == null)
        {
            return;
        }
        final long price = getLong(body + FeedTradeDecoder.priceEncodingOffset());
        final long quantity = getLong(body + FeedTradeDecoder.quantityEncodingOffset());
        final Side side = side(getUint8(body + FeedTradeDecoder.aggressorSideEncodingOffset()));
        if (price <= 0 || price % instrument.tickSize != 0)
        {
            reject(0, 0, instrumentId, price <= 0 ? RejectReason.BAD_PRICE : RejectReason.BAD_TICK_SIZE);
            return;
        }
        if (quantity <= 0 || quantity % instrument.lotSize != 0)
        {
            reject(0, 0, instrumentId, RejectReason.BAD_QUANTITY);
            return;
        }
        if (side == null)
        {
            reject(0, 0, instrumentId, RejectReason.BAD_SIDE);
            return;
        }
        current = instrument;
        emitTrade(instrument, side, price, quantity);
    }

    private void onFeedBookLevel(final long body)
    {
        final int instrumentId = getInt(body + FeedBookLevelDecoder.instrumentIdEncodingOffset());
        final InstrumentState instrument = feedInstrument(instrumentId);
        if (instrument == null)
        {
            return;
        }
        final long price = getLong(body + FeedBookLevelDecoder.priceEncodingOffset());
        final long quantity = getLong(body + FeedBookLevelDecoder.quantityEncodingOffset());
        final Side side = side(getUint8(body + FeedBookLevelDecoder.sideEncodingOffset()));
        if (price <= 0 || price % instrument.tickSize != 0)
        {
            reject(0, 0, instrumentId, price <= 0 ? RejectReason.BAD_PRICE : RejectReason.BAD_TICK_SIZE);
            return;
        }
        if (quantity < 0 || quantity % instrument.lotSize != 0)
        {
            reject(0, 0, instrumentId, RejectReason.BAD_QUANTITY);
            return;
        }
        if (side == null)
        {
            reject(0, 0, instrumentId, RejectReason.BAD_SIDE);
            return;
        }
        current = instrument;
        if (!instrument.levelBook.setLevel(side, price, quantity))
        {
            feedLevelsDropped++;
        }
    }

    private InstrumentState feedInstrument(final int instrumentId)
    {
        final InstrumentState instrument = instruments.get(instrumentId);
        if (instrument == null)
        {
            reject(0, 0, instrumentId, RejectReason.UNKNOWN_INSTRUMENT);
            return null;
        }
        if (instrument.mode != InstrumentMode.FEED)
        {
            reject(0, 0, instrumentId, RejectReason.WRONG_MODE);
            return null;
        }
        return instrument;
    }

    // Enum fields are read raw: a value outside the schema is a reject, never an exception.

    private static Side side(final short raw)
    {
        return raw == 0 ? Side.BUY : raw == 1 ? Side.SELL : null;
    }

    private static OrderType orderType(final short raw)
    {
        return raw >= 0 && raw <= 2 ? OrderType.get(raw) : null;
    }

    private static InstrumentMode mode(final short raw)
    {
        return raw == 0 ? InstrumentMode.MATCHING : raw == 1 ? InstrumentMode.FEED : null;
    }

    // ---------------------------------------------------------------- events

    private static long orderKey(final int participantId, final long clientOrderId)
    {
        return ((long)participantId << CLIENT_ORDER_ID_BITS) | clientOrderId;
    }

    private static int participantOf(final long orderKey)
    {
        return (int)(orderKey >>> CLIENT_ORDER_ID_BITS);
    }

    private static long clientOrderIdOf(final long orderKey)
    {
        return orderKey & MAX_CLIENT_ORDER_ID;
    }

    private void reject(final int participantId, final long clientOrderId, final int instrumentId, final RejectReason reason)
    {
        final long body = writer.message(position, REJECTED_HEADER, OrderRejectedEncoder.BLOCK_LENGTH);
        putInt(body + OrderRejectedEncoder.participantIdEncodingOffset(), participantId);
        putLong(body + OrderRejectedEncoder.clientOrderIdEncodingOffset(), clientOrderId);
        putInt(body + OrderRejectedEncoder.instrumentIdEncodingOffset(), instrumentId);
        putByte(body + OrderRejectedEncoder.reasonEncodingOffset(), (byte)reason.value());
        putShort(body + OrderRejectedEncoder.inputTemplateIdEncodingOffset(), (short)currentInputTemplate);
        position += HEADER_LENGTH + OrderRejectedEncoder.BLOCK_LENGTH;
    }

    private void emitTrade(final InstrumentState instrument, final Side aggressorSide, final long price, final long quantity)
    {
        final long seq = nextSeq++;
        eventCount++;
        final long body = writer.message(position, TRADE_HEADER, TradeEncoder.BLOCK_LENGTH);
        putLong(body + TradeEncoder.seqEncodingOffset(), seq);
        putLong(body + TradeEncoder.prevEncodingOffset(), instrument.lastTradeSeq);
        putInt(body + TradeEncoder.instrumentIdEncodingOffset(), instrument.instrumentId);
        putLong(body + TradeEncoder.priceEncodingOffset(), price);
        putLong(body + TradeEncoder.quantityEncodingOffset(), quantity);
        putByte(body + TradeEncoder.aggressorSideEncodingOffset(), (byte)aggressorSide.value());
        position += HEADER_LENGTH + TradeEncoder.BLOCK_LENGTH;
        instrument.lastTradeSeq = seq;
        instrument.lastPrice = price;
        instrument.lastQty = quantity;
        instrument.volume += quantity;
    }

    /**
     * Publishes the ticker {@link InstrumentState#updateTicker} just took.
     */
    private void emitTicker(final InstrumentState instrument)
    {
        final long seq = nextSeq++;
        eventCount++;
        final long body = writer.message(position, TICKER_HEADER, TickerEncoder.BLOCK_LENGTH);
        putLong(body + TickerEncoder.seqEncodingOffset(), seq);
        putLong(body + TickerEncoder.prevEncodingOffset(), instrument.lastTickerSeq);
        putInt(body + TickerEncoder.instrumentIdEncodingOffset(), instrument.instrumentId);
        putLong(body + TickerEncoder.bidPriceEncodingOffset(), instrument.tickerBid);
        putLong(body + TickerEncoder.bidQtyEncodingOffset(), instrument.tickerBidQty);
        putLong(body + TickerEncoder.askPriceEncodingOffset(), instrument.tickerAsk);
        putLong(body + TickerEncoder.askQtyEncodingOffset(), instrument.tickerAskQty);
        putLong(body + TickerEncoder.lastPriceEncodingOffset(), instrument.tickerLast);
        putLong(body + TickerEncoder.lastQtyEncodingOffset(), instrument.tickerLastQty);
        putLong(body + TickerEncoder.volumeEncodingOffset(), instrument.tickerVolume);
        position += HEADER_LENGTH + TickerEncoder.BLOCK_LENGTH;
        instrument.lastTickerSeq = seq;
    }

    @Override
    public void onAccepted(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
    {
        final long body = writer.message(position, ACCEPTED_HEADER, OrderAcceptedEncoder.BLOCK_LENGTH);
        putInt(body + OrderAcceptedEncoder.participantIdEncodingOffset(), participantOf(orderKey));
        putLong(body + OrderAcceptedEncoder.clientOrderIdEncodingOffset(), clientOrderIdOf(orderKey));
        putInt(body + OrderAcceptedEncoder.instrumentIdEncodingOffset(), current.instrumentId);
        putByte(body + OrderAcceptedEncoder.sideEncodingOffset(), (byte)side.value());
        putByte(body + OrderAcceptedEncoder.orderTypeEncodingOffset(), (byte)type.value());
        putLong(body + OrderAcceptedEncoder.priceEncodingOffset(), price);
        putLong(body + OrderAcceptedEncoder.quantityEncodingOffset(), quantity);
        position += HEADER_LENGTH + OrderAcceptedEncoder.BLOCK_LENGTH;
    }

    @Override
    public void onRejected(final long orderKey, final RejectReason reason)
    {
        reject(participantOf(orderKey), clientOrderIdOf(orderKey), current.instrumentId, reason);
    }

    @Override
    public void onTrade(
        final long takerKey,
        final long makerKey,
        final Side aggressorSide,
        final long price,
        final long quantity,
        final long takerLeaves,
        final long makerLeaves)
    {
        final long tradeSeq = nextSeq;
        emitTrade(current, aggressorSide, price, quantity);
        fill(takerKey, tradeSeq, price, quantity, takerLeaves, false);
        fill(makerKey, tradeSeq, price, quantity, makerLeaves, true);
    }

    private void fill(
        final long orderKey, final long tradeSeq, final long price, final long quantity, final long leaves, final boolean maker)
    {
        final long body = writer.message(position, FILLED_HEADER, OrderFilledEncoder.BLOCK_LENGTH);
        putInt(body + OrderFilledEncoder.participantIdEncodingOffset(), participantOf(orderKey));
        putLong(body + OrderFilledEncoder.clientOrderIdEncodingOffset(), clientOrderIdOf(orderKey));
        putInt(body + OrderFilledEncoder.instrumentIdEncodingOffset(), current.instrumentId);
        putLong(body + OrderFilledEncoder.tradeSeqEncodingOffset(), tradeSeq);
        putLong(body + OrderFilledEncoder.priceEncodingOffset(), price);
        putLong(body + OrderFilledEncoder.quantityEncodingOffset(), quantity);
        putLong(body + OrderFilledEncoder.leavesQtyEncodingOffset(), leaves);
        putByte(body + OrderFilledEncoder.makerEncodingOffset(), (byte)(maker ? 1 : 0));
        position += HEADER_LENGTH + OrderFilledEncoder.BLOCK_LENGTH;
    }

    @Override
    public void onCancelled(final long orderKey, final long cancelledQuantity, final CancelReason reason)
    {
        final long body = writer.message(position, CANCELLED_HEADER, OrderCancelledEncoder.BLOCK_LENGTH);
        putInt(body + OrderCancelledEncoder.participantIdEncodingOffset(), participantOf(orderKey));
        putLong(body + OrderCancelledEncoder.clientOrderIdEncodingOffset(), clientOrderIdOf(orderKey));
        putInt(body + OrderCancelledEncoder.instrumentIdEncodingOffset(), current.instrumentId);
        putLong(body + OrderCancelledEncoder.cancelledQtyEncodingOffset(), cancelledQuantity);
        putByte(body + OrderCancelledEncoder.reasonEncodingOffset(), (byte)reason.value());
        position += HEADER_LENGTH + OrderCancelledEncoder.BLOCK_LENGTH;
    }

    @Override
    public void onReplaced(final long orderKey, final long price, final long leavesQuantity, final boolean keptPriority)
    {
        final long body = writer.message(position, REPLACED_HEADER, OrderReplacedEncoder.BLOCK_LENGTH);
        putInt(body + OrderReplacedEncoder.participantIdEncodingOffset(), participantOf(orderKey));
        putLong(body + OrderReplacedEncoder.clientOrderIdEncodingOffset(), clientOrderIdOf(orderKey));
        putInt(body + OrderReplacedEncoder.instrumentIdEncodingOffset(), current.instrumentId);
        putLong(body + OrderReplacedEncoder.priceEncodingOffset(), price);
        putLong(body + OrderReplacedEncoder.leavesQtyEncodingOffset(), leavesQuantity);
        putByte(body + OrderReplacedEncoder.keptPriorityEncodingOffset(), (byte)(keptPriority ? 1 : 0));
        position += HEADER_LENGTH + OrderReplacedEncoder.BLOCK_LENGTH;
    }

    @Override
    public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
    {
        final InstrumentState instrument = current;
        final long seq = nextSeq++;
        eventCount++;
        final long body = writer.message(position, BOOK_LEVEL_HEADER, BookLevelEncoder.BLOCK_LENGTH);
        putLong(body + BookLevelEncoder.seqEncodingOffset(), seq);
        putLong(body + BookLevelEncoder.prevEncodingOffset(), instrument.lastBookSeq);
        putInt(body + BookLevelEncoder.instrumentIdEncodingOffset(), instrument.instrumentId);
        putByte(body + BookLevelEncoder.sideEncodingOffset(), (byte)side.value());
        putLong(body + BookLevelEncoder.priceEncodingOffset(), price);
        putLong(body + BookLevelEncoder.quantityEncodingOffset(), quantity);
        putInt(body + BookLevelEncoder.orderCountEncodingOffset(), orderCount);
        position += HEADER_LENGTH + BookLevelEncoder.BLOCK_LENGTH;
        instrument.lastBookSeq = seq;
    }
}
