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

    private final EngineLimits limits;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer batch;
    private final Int2ObjectHashMap<InstrumentState> instruments = new Int2ObjectHashMap<>();
    private final Object2ObjectHashMap<String, InstrumentState> bySymbol = new Object2ObjectHashMap<>();

    private final MessageHeaderDecoder inputHeader = new MessageHeaderDecoder();
    private final NewOrderDecoder newOrder = new NewOrderDecoder();
    private final CancelOrderDecoder cancelOrder = new CancelOrderDecoder();
    private final ReplaceOrderDecoder replaceOrder = new ReplaceOrderDecoder();
    private final AddInstrumentDecoder addInstrument = new AddInstrumentDecoder();
    private final FeedTradeDecoder feedTrade = new FeedTradeDecoder();
    private final FeedBookLevelDecoder feedBookLevel = new FeedBookLevelDecoder();

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final BatchHeaderEncoder batchHeader = new BatchHeaderEncoder();
    private final InstrumentDefinitionEncoder definition = new InstrumentDefinitionEncoder();
    private final TradeEncoder trade = new TradeEncoder();
    private final BookLevelEncoder bookLevel = new BookLevelEncoder();
    private final TickerEncoder ticker = new TickerEncoder();
    private final OrderAcceptedEncoder accepted = new OrderAcceptedEncoder();
    private final OrderRejectedEncoder rejected = new OrderRejectedEncoder();
    private final OrderFilledEncoder filled = new OrderFilledEncoder();
    private final OrderCancelledEncoder cancelled = new OrderCancelledEncoder();
    private final OrderReplacedEncoder replaced = new OrderReplacedEncoder();

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
        position += messageLength;
        eventCount = 0;
        current = null;
        currentInputTemplate = templateId;
        final long firstSeq = nextSeq;
        long intendedTime = 0;

        switch (templateId)
        {
            case NewOrderDecoder.TEMPLATE_ID:
                newOrder.wrap(input, bodyOffset, blockLength, version);
                intendedTime = newOrder.intendedTime();
                onNewOrder();
                break;
            case CancelOrderDecoder.TEMPLATE_ID:
                cancelOrder.wrap(input, bodyOffset, blockLength, version);
                intendedTime = cancelOrder.intendedTime();
                onCancelOrder();
                break;
            case ReplaceOrderDecoder.TEMPLATE_ID:
                replaceOrder.wrap(input, bodyOffset, blockLength, version);
                intendedTime = replaceOrder.intendedTime();
                onReplaceOrder();
                break;
            case AddInstrumentDecoder.TEMPLATE_ID:
                addInstrument.wrap(input, bodyOffset, blockLength, version);
                intendedTime = addInstrument.intendedTime();
                onAddInstrument();
                break;
            case FeedTradeDecoder.TEMPLATE_ID:
                feedTrade.wrap(input, bodyOffset, blockLength, version);
                intendedTime = feedTrade.intendedTime();
                onFeedTrade();
                break;
            case FeedBookLevelDecoder.TEMPLATE_ID:
                feedBookLevel.wrap(input, bodyOffset, blockLength, version);
                intendedTime = feedBookLevel.intendedTime();
                onFeedBookLevel();
                break;
            default:
                throw new IllegalStateException("unreachable: template " + templateId);
        }

        if (current != null && current.tickerChanged())
        {
            emitTicker(current);
        }

        lastEngineTime = engineTime;
        batchHeader.wrapAndApplyHeader(batch, 0, header)
            .firstSeq(firstSeq)
            .eventCount(eventCount)
            .engineTime(engineTime)
            .intendedTime(intendedTime);
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

    private void onNewOrder()
    {
        final int participantId = newOrder.participantId();
        final long clientOrderId = newOrder.clientOrderId();
        final int instrumentId = newOrder.instrumentId();
        final InstrumentState instrument = matchingInstrument(participantId, clientOrderId, instrumentId);
        if (instrument == null)
        {
            return;
        }
        final Side side = side(newOrder.sideRaw());
        final OrderType type = orderType(newOrder.orderTypeRaw());
        if (side == null || type == null)
        {
            reject(participantId, clientOrderId, instrumentId, RejectReason.BAD_SIDE);
            return;
        }
        current = instrument;
        instrument.orderBook.newOrder(orderKey(participantId, clientOrderId), side, type, newOrder.price(),
            newOrder.quantity());
    }

    private void onCancelOrder()
    {
        final int participantId = cancelOrder.participantId();
        final long clientOrderId = cancelOrder.clientOrderId();
        final InstrumentState instrument = matchingInstrument(participantId, clientOrderId, cancelOrder.instrumentId());
        if (instrument != null)
        {
            current = instrument;
            instrument.orderBook.cancel(orderKey(participantId, clientOrderId));
        }
    }

    private void onReplaceOrder()
    {
        final int participantId = replaceOrder.participantId();
        final long clientOrderId = replaceOrder.clientOrderId();
        final InstrumentState instrument =
            matchingInstrument(participantId, clientOrderId, replaceOrder.instrumentId());
        if (instrument != null)
        {
            current = instrument;
            instrument.orderBook.replace(orderKey(participantId, clientOrderId), replaceOrder.price(),
                replaceOrder.quantity());
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

    private void onFeedTrade()
    {
        final int instrumentId = feedTrade.instrumentId();
        final InstrumentState instrument = feedInstrument(instrumentId);
        if (instrument == null)
        {
            return;
        }
        final long price = feedTrade.price();
        final long quantity = feedTrade.quantity();
        final Side side = side(feedTrade.aggressorSideRaw());
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

    private void onFeedBookLevel()
    {
        final int instrumentId = feedBookLevel.instrumentId();
        final InstrumentState instrument = feedInstrument(instrumentId);
        if (instrument == null)
        {
            return;
        }
        final long price = feedBookLevel.price();
        final long quantity = feedBookLevel.quantity();
        final Side side = side(feedBookLevel.sideRaw());
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
        rejected.wrapAndApplyHeader(batch, position, header)
            .participantId(participantId)
            .clientOrderId(clientOrderId)
            .instrumentId(instrumentId)
            .reason(reason)
            .inputTemplateId(currentInputTemplate);
        position += MessageHeaderEncoder.ENCODED_LENGTH + rejected.encodedLength();
    }

    private void emitTrade(final InstrumentState instrument, final Side aggressorSide, final long price, final long quantity)
    {
        final long seq = nextSeq++;
        eventCount++;
        trade.wrapAndApplyHeader(batch, position, header)
            .seq(seq)
            .prev(instrument.lastTradeSeq)
            .instrumentId(instrument.instrumentId)
            .price(price)
            .quantity(quantity)
            .aggressorSide(aggressorSide);
        position += MessageHeaderEncoder.ENCODED_LENGTH + trade.encodedLength();
        instrument.lastTradeSeq = seq;
        instrument.lastPrice = price;
        instrument.lastQty = quantity;
        instrument.volume += quantity;
    }

    private void emitTicker(final InstrumentState instrument)
    {
        final long seq = nextSeq++;
        eventCount++;
        instrument.tickerBid = instrument.bestBid();
        instrument.tickerBidQty = instrument.bestBidQty();
        instrument.tickerAsk = instrument.bestAsk();
        instrument.tickerAskQty = instrument.bestAskQty();
        instrument.tickerLast = instrument.lastPrice;
        instrument.tickerLastQty = instrument.lastQty;
        instrument.tickerVolume = instrument.volume;
        ticker.wrapAndApplyHeader(batch, position, header)
            .seq(seq)
            .prev(instrument.lastTickerSeq)
            .instrumentId(instrument.instrumentId)
            .bidPrice(instrument.tickerBid)
            .bidQty(instrument.tickerBidQty)
            .askPrice(instrument.tickerAsk)
            .askQty(instrument.tickerAskQty)
            .lastPrice(instrument.tickerLast)
            .lastQty(instrument.tickerLastQty)
            .volume(instrument.tickerVolume);
        position += MessageHeaderEncoder.ENCODED_LENGTH + ticker.encodedLength();
        instrument.lastTickerSeq = seq;
    }

    @Override
    public void onAccepted(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
    {
        accepted.wrapAndApplyHeader(batch, position, header)
            .participantId(participantOf(orderKey))
            .clientOrderId(clientOrderIdOf(orderKey))
            .instrumentId(current.instrumentId)
            .side(side)
            .orderType(type)
            .price(price)
            .quantity(quantity);
        position += MessageHeaderEncoder.ENCODED_LENGTH + accepted.encodedLength();
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
        filled.wrapAndApplyHeader(batch, position, header)
            .participantId(participantOf(orderKey))
            .clientOrderId(clientOrderIdOf(orderKey))
            .instrumentId(current.instrumentId)
            .tradeSeq(tradeSeq)
            .price(price)
            .quantity(quantity)
            .leavesQty(leaves)
            .maker((short)(maker ? 1 : 0));
        position += MessageHeaderEncoder.ENCODED_LENGTH + filled.encodedLength();
    }

    @Override
    public void onCancelled(final long orderKey, final long cancelledQuantity, final CancelReason reason)
    {
        cancelled.wrapAndApplyHeader(batch, position, header)
            .participantId(participantOf(orderKey))
            .clientOrderId(clientOrderIdOf(orderKey))
            .instrumentId(current.instrumentId)
            .cancelledQty(cancelledQuantity)
            .reason(reason);
        position += MessageHeaderEncoder.ENCODED_LENGTH + cancelled.encodedLength();
    }

    @Override
    public void onReplaced(final long orderKey, final long price, final long leavesQuantity, final boolean keptPriority)
    {
        replaced.wrapAndApplyHeader(batch, position, header)
            .participantId(participantOf(orderKey))
            .clientOrderId(clientOrderIdOf(orderKey))
            .instrumentId(current.instrumentId)
            .price(price)
            .leavesQty(leavesQuantity)
            .keptPriority((short)(keptPriority ? 1 : 0));
        position += MessageHeaderEncoder.ENCODED_LENGTH + replaced.encodedLength();
    }

    @Override
    public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
    {
        final InstrumentState instrument = current;
        final long seq = nextSeq++;
        eventCount++;
        bookLevel.wrapAndApplyHeader(batch, position, header)
            .seq(seq)
            .prev(instrument.lastBookSeq)
            .instrumentId(instrument.instrumentId)
            .side(side)
            .price(price)
            .quantity(quantity)
            .orderCount(orderCount);
        position += MessageHeaderEncoder.ENCODED_LENGTH + bookLevel.encodedLength();
        instrument.lastBookSeq = seq;
    }
}
