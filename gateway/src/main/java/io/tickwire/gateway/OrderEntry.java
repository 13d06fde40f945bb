package io.tickwire.gateway;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.tickwire.codecs.Decimals;
import io.tickwire.codecs.MarketDataListener;
import io.tickwire.codecs.json.ClientOp;
import io.tickwire.codecs.json.ClientRequest;
import io.tickwire.codecs.json.ErrorCode;
import io.tickwire.codecs.json.JsonName;
import io.tickwire.codecs.json.JsonWriter;
import io.tickwire.codecs.json.MarketDataJson;
import io.tickwire.codecs.sbe.BookLevelDecoder;
import io.tickwire.codecs.sbe.CancelOrderDecoder;
import io.tickwire.codecs.sbe.CancelOrderEncoder;
import io.tickwire.codecs.sbe.InstrumentDefinitionDecoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.NewOrderEncoder;
import io.tickwire.codecs.sbe.OrderAcceptedDecoder;
import io.tickwire.codecs.sbe.OrderCancelledDecoder;
import io.tickwire.codecs.sbe.OrderFilledDecoder;
import io.tickwire.codecs.sbe.OrderRejectedDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.codecs.sbe.TickerDecoder;
import io.tickwire.codecs.sbe.TradeDecoder;
import io.tickwire.engine.ParticipantRanges;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2IntCounterMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Order entry for the gateway agent (docs/protocol.md "Order entry"): turns {@code order} and {@code cancel}
 * requests into SBE {@code NewOrder} / {@code CancelOrder} inputs offered on the engine's ingress stream, and
 * the engine's execution reports, which come back inside the journaled batches on the bus, into
 * {@code ack}, {@code reject} and {@code fill} messages for the session that owns the order.
 * <p>
 * Each trading session is one engine participant, with an id from this gateway's range
 * ({@link ParticipantRanges}); ids are never reused while the gateway knows of a live order under them, and
 * never below the highest id of the range the gateway has seen in the journal or on the bus. A session's
 * requests are answered in the order they were sent (the engine takes one publication's inputs in order),
 * matched by (input template, clientOrderId). When a session ends its live orders are cancelled
 * (cancel-on-disconnect), as are live orders of this gateway's range found in the journal at start-up with no
 * session to own them (left by a previous run).
 * <p>
 * Owned by the gateway agent thread; never blocks it: an input the publication cannot take now is refused
 * ({@link ErrorCode#ENGINE_UNAVAILABLE}), and cancels on disconnect wait in a queue for the next duty cycle.
 */
final class OrderEntry implements MarketDataListener
{
    /** Sends one frame to a session through the agent's bounded outbound path. */
    interface Sender
    {
        void send(ClientSession session, ByteBuffer frame);
    }

    private static final int CANCELS_PER_CYCLE = 64;
    private static final int NO_REPLY = 0;
    private static final int ACK = 1;
    private static final int REJECT = 2;
    private static final JsonName[] REJECT_CODES = new JsonName[RejectReason.values().length];

    static
    {
        for (final RejectReason reason : RejectReason.values())
        {
            REJECT_CODES[reason.ordinal()] = JsonName.of(reason.name());
        }
    }

    private final GatewayConfig config;
    private final GatewayCounters counters;
    private ExclusivePublication ingress;
    private final Int2ObjectHashMap<GwInstrument> instruments;
    private final Sender sender;
    private final EpochNanoClock epochClock;
    private final int firstParticipant;
    private final int endParticipant;

    private final Int2ObjectHashMap<ClientSession> byParticipant = new Int2ObjectHashMap<>();
    /** Live orders of this gateway's range with no session: orderKey -> packed instrument id and side. */
    private final Long2LongHashMap orphans = new Long2LongHashMap(TradingState.NONE);
    private final Int2IntCounterMap orphansByParticipant = new Int2IntCounterMap(0);
    /** Order keys of orphans to cancel, in order; stale keys are skipped. */
    private final LongArrayQueue cancelQueue = new LongArrayQueue(Long.MIN_VALUE);
    private boolean sweeping;
    private int highestSeen;
    private int nextParticipant;
    private boolean wrapped;
    private int requestsInFlight;
    private String refusal;

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final NewOrderEncoder newOrder = new NewOrderEncoder();
    private final CancelOrderEncoder cancelOrder = new CancelOrderEncoder();
    private final NewOrderDecoder newOrderIn = new NewOrderDecoder();
    private final CancelOrderDecoder cancelIn = new CancelOrderDecoder();
    private final OrderAcceptedDecoder accepted = new OrderAcceptedDecoder();
    private final OrderRejectedDecoder rejected = new OrderRejectedDecoder();
    private final OrderFilledDecoder filled = new OrderFilledDecoder();
    private final OrderCancelledDecoder cancelled = new OrderCancelledDecoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(512);
    private final JsonWriter writer = new JsonWriter();
    private final MarketDataJson json = new MarketDataJson(writer);
    private final UnsafeBuffer idView = new UnsafeBuffer(new byte[0]);

    // The batch being applied.
    private long batchTime;
    private ClientSession replySession;
    private int replyIndex;
    private boolean replyToCancel;
    private long replyOrderId;
    private int replyKind;
    private RejectReason rejectReason;
    private long replyFilled;
    private long replyLeaves;
    private long replyCancelled;
    private final List<ClientSession> fillSessions = new ArrayList<>();
    private final List<ByteBuffer> fillFrames = new ArrayList<>();

    /**
     * @param ingress the engine's ingress; null turns order entry off ({@link #enabled()} false).
     */
    OrderEntry(
        final GatewayConfig config,
        final GatewayCounters counters,
        final ExclusivePublication ingress,
        final Int2ObjectHashMap<GwInstrument> instruments,
        final Sender sender,
        final EpochNanoClock epochClock)
    {
        if (config.gatewayId < 1 || config.gatewayId > ParticipantRanges.MAX_GATEWAY_ID)
        {
            throw new IllegalArgumentException("gatewayId must be 1.." + ParticipantRanges.MAX_GATEWAY_ID + ": " +
                config.gatewayId);
        }
        if (config.maxOrdersInFlightPerSession < 1 || config.maxOpenOrdersPerSession < 1)
        {
            throw new IllegalArgumentException("maxOrdersInFlightPerSession and maxOpenOrdersPerSession must be positive");
        }
        this.config = config;
        this.counters = counters;
        this.ingress = ingress;
        this.instruments = instruments;
        this.sender = sender;
        this.epochClock = epochClock;
        firstParticipant = ParticipantRanges.first(config.gatewayId);
        endParticipant = firstParticipant + ParticipantRanges.RANGE_SIZE;
        highestSeen = firstParticipant;
        nextParticipant = firstParticipant + 1;
        writer.wrap(scratch, 0);
    }

    boolean enabled()
    {
        return ingress != null;
    }

    /**
     * Replaces the ingress publication after the gateway reconnected to a media driver (null stays null: order
     * entry is on or off for the gateway's life).
     */
    void ingress(final ExclusivePublication replacement)
    {
        if (ingress != null)
        {
            ingress = replacement;
        }
    }

    /**
     * @return whether this session may send orders: a token with {@code "trade": true}, or an anonymous
     * connection on a gateway configured with {@code anonymousTrading}.
     */
    boolean mayTrade(final ClientSession session)
    {
        return session.principal.anonymous() ? config.anonymousTrading : session.principal.trade();
    }

    /**
     * @return the message of the last refusal of {@link #submit}.
     */
    String refusal()
    {
        return refusal;
    }

    /**
     * Sends a valid {@code order} or {@code cancel} request for {@code instrument} (entitlements already
     * checked) to the engine.
     *
     * @return null when it was sent (the answer comes later), else the error code, with {@link #refusal()}.
     */
    ErrorCode submit(final ClientSession session, final ClientRequest request, final GwInstrument instrument)
    {
        final boolean isOrder = request.op() == ClientOp.ORDER;
        long price = NewOrderEncoder.priceNullValue();
        long qty = 0;
        if (isOrder)
        {
            try
            {
                if (request.orderType() != OrderType.MARKET)
                {
                    price = Decimals.parse(request.price(), instrument.priceScale);
                }
            }
            catch (final NumberFormatException ex)
            {
                return refuse(ErrorCode.BAD_REQUEST, "field 'price': " + instrument.symbol + " prices have at most " +
                    instrument.priceScale + " decimal places and fit in 64 bits");
            }
            try
            {
                qty = Decimals.parse(request.qty(), instrument.qtyScale);
            }
            catch (final NumberFormatException ex)
            {
                return refuse(ErrorCode.BAD_REQUEST, "field 'qty': " + instrument.symbol + " quantities have at most " +
                    instrument.qtyScale + " decimal places and fit in 64 bits");
            }
        }
        TradingState trading = session.trading;
        if (trading != null && trading.inFlightFull())
        {
            return refuse(ErrorCode.TOO_MANY_ORDERS_IN_FLIGHT, "limit is " + config.maxOrdersInFlightPerSession +
                " orders and cancels waiting for the engine per connection");
        }
        final boolean limitOrder = isOrder && request.orderType() == OrderType.LIMIT;
        if (limitOrder && trading != null &&
            trading.live.size() + trading.newOrdersInFlight >= config.maxOpenOrdersPerSession)
        {
            return refuse(ErrorCode.TOO_MANY_OPEN_ORDERS, "limit is " + config.maxOpenOrdersPerSession +
                " open orders per connection");
        }
        if (trading == null)
        {
            final int participantId = allocateParticipant();
            if (participantId < 0)
            {
                return refuse(ErrorCode.ENGINE_UNAVAILABLE, "no free participant id on this gateway");
            }
            trading = new TradingState(participantId, config.maxOrdersInFlightPerSession);
            session.trading = trading;
            byParticipant.put(participantId, session);
        }
        final long clientOrderId = request.clientOrderId();
        final int length;
        final int template;
        if (isOrder)
        {
            newOrder.wrapAndApplyHeader(out, 0, header)
                .intendedTime(epochClock.nanoTime())
                .participantId(trading.participantId)
                .clientOrderId(clientOrderId)
                .instrumentId(instrument.instrumentId)
                .side(request.side())
                .orderType(request.orderType())
                .price(price)
                .quantity(qty);
            length = MessageHeaderEncoder.ENCODED_LENGTH + newOrder.encodedLength();
            template = NewOrderEncoder.TEMPLATE_ID;
        }
        else
        {
            cancelOrder.wrapAndApplyHeader(out, 0, header)
                .intendedTime(epochClock.nanoTime())
                .participantId(trading.participantId)
                .clientOrderId(clientOrderId)
                .instrumentId(instrument.instrumentId);
            length = MessageHeaderEncoder.ENCODED_LENGTH + cancelOrder.encodedLength();
            template = CancelOrderEncoder.TEMPLATE_ID;
        }
        final long result = offer(length);
        if (result < 0)
        {
            return refuse(ErrorCode.ENGINE_UNAVAILABLE, result == Publication.BACK_PRESSURED ?
                "the engine's input stream is full (back pressure); the request was not sent, retry" :
                "the engine is not connected; the request was not sent");
        }
        trading.add(template, clientOrderId, instrument, request.idBuffer(), request.hasId() ? request.idLength() : 0,
            limitOrder);
        requestsInFlight++;
        if (isOrder)
        {
            counters.ordersSent.incrementAndGet();
        }
        else
        {
            counters.cancelsSent.incrementAndGet();
        }
        return null;
    }

    private ErrorCode refuse(final ErrorCode code, final String message)
    {
        refusal = message;
        return code;
    }

    private long offer(final int length)
    {
        long result = Publication.ADMIN_ACTION;
        for (int i = 0; i < 3 && result == Publication.ADMIN_ACTION; i++)
        {
            result = ingress.offer(out, 0, length);
        }
        return result;
    }

    private int allocateParticipant()
    {
        int candidate = wrapped ? nextParticipant : Math.max(nextParticipant, highestSeen + 1);
        for (int tries = 0; tries < ParticipantRanges.RANGE_SIZE; tries++)
        {
            if (candidate >= endParticipant)
            {
                candidate = firstParticipant + 1;
                wrapped = true;
            }
            if (!byParticipant.containsKey(candidate) && orphansByParticipant.get(candidate) == 0)
            {
                nextParticipant = candidate + 1;
                return candidate;
            }
            candidate++;
        }
        return -1;
    }

    // ------------------------------------------------------------------ sessions

    /**
     * A session ended: cancel its live orders (cancel-on-disconnect). Answers still in flight find no
     * session; an order among them that rests is cancelled when its acceptance arrives.
     */
    void onSessionClosed(final ClientSession session)
    {
        final TradingState trading = session.trading;
        if (trading == null)
        {
            return;
        }
        byParticipant.remove(trading.participantId);
        requestsInFlight -= trading.inFlight();
        final Long2LongHashMap.KeyIterator keys = trading.live.keySet().iterator();
        while (keys.hasNext())
        {
            final long clientOrderId = keys.nextValue();
            orphan(orderKey(trading.participantId, clientOrderId), trading.live.get(clientOrderId));
        }
        trading.live.clear();
    }

    /**
     * Start-up is over (the journal has been read): cancel the live orders of this gateway's range that no
     * session owns, left by a previous run of this gateway.
     */
    void onCaughtUp()
    {
        sweeping = true;
        final Long2LongHashMap.KeyIterator keys = orphans.keySet().iterator();
        while (keys.hasNext())
        {
            cancelQueue.addLong(keys.nextValue());
        }
    }

    /**
     * Sends queued cancels of orphaned orders, as many as the ingress takes (at most 64).
     *
     * @return the number sent.
     */
    int doWork()
    {
        if (ingress == null || cancelQueue.isEmpty())
        {
            return 0;
        }
        int sent = 0;
        while (sent < CANCELS_PER_CYCLE && !cancelQueue.isEmpty())
        {
            final long key = cancelQueue.peekLong();
            final long packed = orphans.get(key);
            if (packed == TradingState.NONE)
            {
                cancelQueue.pollLong();
                continue;
            }
            cancelOrder.wrapAndApplyHeader(out, 0, header)
                .intendedTime(epochClock.nanoTime())
                .participantId(participantOf(key))
                .clientOrderId(clientOrderIdOf(key))
                .instrumentId(TradingState.instrumentId(packed));
            if (offer(MessageHeaderEncoder.ENCODED_LENGTH + cancelOrder.encodedLength()) < 0)
            {
                break; // back pressure or no engine: retry on a later duty cycle
            }
            cancelQueue.pollLong();
            counters.cancelsOnDisconnect.incrementAndGet();
            sent++;
        }
        return sent;
    }

    /**
     * The gateway is stopping: cancel every live order of every session, trying for at most a second.
     */
    void onShutdown(final List<ClientSession> sessions)
    {
        for (int i = 0; i < sessions.size(); i++)
        {
            onSessionClosed(sessions.get(i));
            sessions.get(i).trading = null;
        }
        sweeping = true;
        final long deadline = System.nanoTime() + 1_000_000_000L;
        while (!cancelQueue.isEmpty() && ingress != null && ingress.isConnected() && System.nanoTime() < deadline)
        {
            if (doWork() == 0)
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * @return true if a batch without market-data events may hold anything for this gateway (an answer to a
     * request in flight, or the end of an orphaned order); such batches are otherwise skipped.
     */
    boolean wantsEmptyBatches()
    {
        return requestsInFlight > 0 || !orphans.isEmpty();
    }

    private void orphan(final long key, final long packed)
    {
        if (orphans.put(key, packed) == TradingState.NONE)
        {
            orphansByParticipant.incrementAndGet(participantOf(key));
        }
        if (sweeping)
        {
            cancelQueue.addLong(key);
        }
    }

    private void unOrphan(final long key)
    {
        if (orphans.remove(key) != TradingState.NONE)
        {
            orphansByParticipant.decrementAndGet(participantOf(key));
        }
    }

    private static long orderKey(final int participantId, final long clientOrderId)
    {
        return ((long)participantId << 40) | clientOrderId;
    }

    private static int participantOf(final long key)
    {
        return (int)(key >>> 40);
    }

    private static long clientOrderIdOf(final long key)
    {
        return key & ((1L << 40) - 1);
    }

    private boolean ours(final int participantId)
    {
        return participantId > firstParticipant && participantId < endParticipant;
    }

    // ------------------------------------------------------------------ execution reports

    @Override
    public void onBatchStart(final long firstSeq, final int eventCount, final long engineTime, final long intendedTime)
    {
        batchTime = engineTime;
        replySession = null;
        replyKind = NO_REPLY;
        replyFilled = 0;
        replyLeaves = 0;
        replyCancelled = 0;
    }

    @Override
    public void onOtherMessage(
        final int templateId, final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        switch (templateId)
        {
            case NewOrderDecoder.TEMPLATE_ID ->
            {
                newOrderIn.wrap(buffer, offset, blockLength, version);
                onInput(templateId, newOrderIn.participantId(), newOrderIn.clientOrderId());
            }
            case CancelOrderDecoder.TEMPLATE_ID ->
            {
                cancelIn.wrap(buffer, offset, blockLength, version);
                onInput(templateId, cancelIn.participantId(), cancelIn.clientOrderId());
            }
            case OrderAcceptedDecoder.TEMPLATE_ID ->
            {
                accepted.wrap(buffer, offset, blockLength, version);
                onAccepted();
            }
            case OrderRejectedDecoder.TEMPLATE_ID ->
            {
                rejected.wrap(buffer, offset, blockLength, version);
                onRejected();
            }
            case OrderFilledDecoder.TEMPLATE_ID ->
            {
                filled.wrap(buffer, offset, blockLength, version);
                onFilled();
            }
            case OrderCancelledDecoder.TEMPLATE_ID ->
            {
                cancelled.wrap(buffer, offset, blockLength, version);
                onCancelled();
            }
            default ->
            {
                // other inputs (replace, instruments, feed) and reports of other participants
            }
        }
    }

    private void onInput(final int templateId, final int participantId, final long clientOrderId)
    {
        if (!ours(participantId))
        {
            return;
        }
        highestSeen = Math.max(highestSeen, participantId);
        final ClientSession session = byParticipant.get(participantId);
        if (session == null)
        {
            return;
        }
        final int index = session.trading.find(templateId, clientOrderId);
        if (index >= 0)
        {
            replySession = session;
            replyIndex = index;
            replyToCancel = templateId == CancelOrderDecoder.TEMPLATE_ID;
            replyOrderId = clientOrderId;
        }
    }

    private boolean answers(final ClientSession owner, final long clientOrderId)
    {
        return owner != null && owner == replySession && clientOrderId == replyOrderId;
    }

    private void onAccepted()
    {
        final int participantId = accepted.participantId();
        if (!ours(participantId))
        {
            return;
        }
        final long clientOrderId = accepted.clientOrderId();
        final long packed = TradingState.pack(accepted.instrumentId(), accepted.sideRaw());
        final ClientSession owner = byParticipant.get(participantId);
        if (owner != null)
        {
            owner.trading.live.put(clientOrderId, packed);
        }
        else
        {
            orphan(orderKey(participantId, clientOrderId), packed);
        }
        if (answers(owner, clientOrderId) && !replyToCancel)
        {
            replyKind = ACK;
            replyLeaves = accepted.quantity();
        }
    }

    private void onRejected()
    {
        final int participantId = rejected.participantId();
        if (!ours(participantId))
        {
            return;
        }
        final ClientSession owner = byParticipant.get(participantId);
        if (answers(owner, rejected.clientOrderId()))
        {
            replyKind = REJECT;
            rejectReason = rejected.reason();
        }
        else if (owner == null && rejected.inputTemplateId() == CancelOrderDecoder.TEMPLATE_ID)
        {
            unOrphan(orderKey(participantId, rejected.clientOrderId())); // already gone
        }
    }

    private void onFilled()
    {
        final int participantId = filled.participantId();
        if (!ours(participantId))
        {
            return;
        }
        final long clientOrderId = filled.clientOrderId();
        final long leaves = filled.leavesQty();
        final ClientSession owner = byParticipant.get(participantId);
        if (owner == null)
        {
            if (leaves == 0)
            {
                unOrphan(orderKey(participantId, clientOrderId));
            }
            return;
        }
        final long packed = owner.trading.live.get(clientOrderId);
        final GwInstrument instrument = instruments.get(filled.instrumentId());
        if (packed != TradingState.NONE && instrument != null)
        {
            writer.wrap(scratch, 0);
            final int length = json.fill(instrument.symbol, clientOrderId,
                TradingState.side(packed) == 0 ? Side.BUY : Side.SELL, filled.price(), instrument.priceScale,
                filled.quantity(), leaves, instrument.qtyScale, filled.maker() != 0, filled.tradeSeq(), batchTime);
            fillSessions.add(owner);
            fillFrames.add(copy(length));
        }
        if (leaves == 0)
        {
            owner.trading.live.remove(clientOrderId);
        }
        if (answers(owner, clientOrderId) && !replyToCancel && filled.maker() == 0)
        {
            replyFilled += filled.quantity();
            replyLeaves = leaves;
        }
    }

    private void onCancelled()
    {
        final int participantId = cancelled.participantId();
        if (!ours(participantId))
        {
            return;
        }
        final long clientOrderId = cancelled.clientOrderId();
        final ClientSession owner = byParticipant.get(participantId);
        if (owner == null)
        {
            unOrphan(orderKey(participantId, clientOrderId));
            return;
        }
        owner.trading.live.remove(clientOrderId);
        if (answers(owner, clientOrderId))
        {
            if (replyToCancel)
            {
                replyKind = ACK;
                replyCancelled = cancelled.cancelledQty();
            }
            else
            {
                replyLeaves = 0; // the unfilled rest of a market or IOC order
            }
        }
    }

    /**
     * The batch is complete: the answer to the request it holds goes first, then the fills, so a session sees
     * its ack before the trades its order made.
     */
    @Override
    public void onBatchEnd(final long firstSeq, final int eventCount)
    {
        final long seq = firstSeq + eventCount - 1;
        if (replySession != null && replyKind != NO_REPLY)
        {
            final TradingState trading = replySession.trading;
            final GwInstrument instrument = trading.instrument(replyIndex);
            idView.wrap(trading.id(replyIndex));
            writer.wrap(scratch, 0);
            final int length;
            if (replyKind == REJECT)
            {
                length = json.reject(idView, 0, trading.idLength(replyIndex), replyToCancel, instrument.symbol,
                    replyOrderId, REJECT_CODES[rejectReason.ordinal()], rejectMessage(rejectReason, instrument), seq,
                    batchTime);
                counters.orderRejects.incrementAndGet();
            }
            else if (replyToCancel)
            {
                length = json.cancelAck(idView, 0, trading.idLength(replyIndex), instrument.symbol, replyOrderId,
                    replyCancelled, instrument.qtyScale, seq, batchTime);
                counters.orderAcks.incrementAndGet();
            }
            else
            {
                length = json.orderAck(idView, 0, trading.idLength(replyIndex), instrument.symbol, replyOrderId,
                    replyFilled, replyLeaves, instrument.qtyScale, seq, batchTime);
                counters.orderAcks.incrementAndGet();
            }
            trading.remove(replyIndex);
            requestsInFlight--;
            sender.send(replySession, copy(length));
        }
        for (int i = 0; i < fillFrames.size(); i++)
        {
            sender.send(fillSessions.get(i), fillFrames.get(i));
            counters.fills.incrementAndGet();
        }
        fillSessions.clear();
        fillFrames.clear();
        replySession = null;
    }

    private static String rejectMessage(final RejectReason reason, final GwInstrument instrument)
    {
        return switch (reason)
        {
            case UNKNOWN_INSTRUMENT -> "no instrument " + instrument.symbol + " in the engine";
            case BAD_TICK_SIZE -> "price is not a multiple of the tick size " +
                Decimals.toString(instrument.tickSize, instrument.priceScale);
            case BAD_QUANTITY -> "quantity must be positive and a multiple of the lot size " +
                Decimals.toString(instrument.lotSize, instrument.qtyScale);
            case BAD_PRICE -> "price must be positive";
            case UNKNOWN_ORDER -> "no live order with this clientOrderId on " + instrument.symbol;
            case DUPLICATE_ORDER_ID -> "this connection already has a live order with this clientOrderId";
            case BAD_ORDER_ID -> "clientOrderId out of range";
            case WRONG_MODE -> instrument.mode == InstrumentMode.FEED ?
                instrument.symbol + " is a feed instrument: it takes no orders" : "wrong instrument mode";
            case BOOK_FULL -> "the book of " + instrument.symbol + " is full";
            case BAD_SIDE -> "unknown side or order type";
            default -> "refused by the engine";
        };
    }

    private ByteBuffer copy(final int length)
    {
        return ByteBuffer.wrap(Arrays.copyOf(scratch.byteArray(), length));
    }

    // Market data is the agent's business.

    @Override
    public void onInstrument(final InstrumentDefinitionDecoder definition)
    {
    }

    @Override
    public void onTrade(final TradeDecoder trade)
    {
    }

    @Override
    public void onBookLevel(final BookLevelDecoder level)
    {
    }

    @Override
    public void onTicker(final TickerDecoder ticker)
    {
    }
}
