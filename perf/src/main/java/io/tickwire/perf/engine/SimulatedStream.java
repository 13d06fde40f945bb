package io.tickwire.perf.engine;

import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.CancelOrderDecoder;
import io.tickwire.codecs.sbe.CancelOrderEncoder;
import io.tickwire.codecs.sbe.CancelReason;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.MessageHeaderEncoder;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.RejectReason;
import io.tickwire.codecs.sbe.ReplaceOrderDecoder;
import io.tickwire.codecs.sbe.Side;
import io.tickwire.engine.Engine;
import io.tickwire.engine.EngineLimits;
import io.tickwire.engine.Inputs;
import io.tickwire.engine.book.OrderBook;
import io.tickwire.engine.book.OrderBookListener;
import io.tickwire.engine.sim.InstrumentSpec;
import io.tickwire.engine.sim.MarketSimulator;
import io.tickwire.engine.sim.SimulatorConfig;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A precomputed, cyclic engine input stream: {@link MarketSimulator} order flow encoded back to back in one
 * off-heap buffer (as inputs arrive from Aeron), followed by a tail of {@code CancelOrder}s for every order
 * still resting at the end. Each pass therefore starts and ends on empty books, so the stream can be replayed
 * in a loop through one {@link Engine} with the same book states at every pass ({@link #checkSteadyState}).
 * <p>
 * The instruments are defined by {@link #addInstruments()}, applied once to a new engine ({@link #newEngine()});
 * they are not part of the cycle. Generation allocates; replay does not.
 */
public final class SimulatedStream
{
    private static final long CLIENT_ORDER_ID_MASK = (1L << 40) - 1;
    private static final long START_NANOS = 1_700_000_000_000_000_000L;
    private static final long GAP_NANOS = 1_000;

    /** The inputs, back to back. */
    public final UnsafeBuffer buffer;
    /** Input {@code i} is {@code [offsets[i], offsets[i + 1])} of {@link #buffer}. */
    public final int[] offsets;
    /** Inputs per pass: simulator inputs plus the drain cancels. */
    public final int count;
    /** Inputs from the simulator (the rest are drain cancels). */
    public final int simulatedInputs;
    /** Per simulator action: how many inputs of it (index {@code MarketSimulator.Action.ordinal()}). */
    public final long[] actionCounts;

    private final List<InstrumentSpec> instruments;

    private SimulatedStream(
        final UnsafeBuffer buffer, final int[] offsets, final int count, final int simulatedInputs,
        final long[] actionCounts, final List<InstrumentSpec> instruments)
    {
        this.buffer = buffer;
        this.offsets = offsets;
        this.count = count;
        this.simulatedInputs = simulatedInputs;
        this.actionCounts = actionCounts;
        this.instruments = instruments;
    }

    /**
     * @param seed        simulator seed.
     * @param instruments number of default instruments ({@link InstrumentSpec#defaults(int)}).
     * @param inputs      simulator inputs per pass (the drain cancels come on top).
     */
    public static SimulatedStream generate(final long seed, final int instruments, final int inputs)
    {
        final List<InstrumentSpec> specs = InstrumentSpec.defaults(instruments);
        final MarketSimulator simulator = new MarketSimulator(new SimulatorConfig().seed(seed).instruments(specs));
        final Mirror mirror = new Mirror(specs);
        final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(inputs * 48 + 4096);
        final int[] offsets = new int[inputs + 1 + instruments * 65_536];
        int position = 0;
        long now = START_NANOS;
        int n = 0;
        for (int i = 0; i < inputs; i++)
        {
            scratch.checkLimit(position + MarketSimulator.MAX_MESSAGE_LENGTH);
            offsets[n++] = position;
            final int length = simulator.next(now, scratch, position);
            mirror.apply(scratch, position);
            position += length;
            now += GAP_NANOS;
        }

        final CancelOrderEncoder cancel = new CancelOrderEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final long[] keys = mirror.liveKeysSorted();
        for (final long key : keys)
        {
            scratch.checkLimit(position + MessageHeaderEncoder.ENCODED_LENGTH + CancelOrderEncoder.BLOCK_LENGTH);
            offsets[n++] = position;
            final int instrumentId = (int)mirror.live.get(key);
            cancel.wrapAndApplyHeader(scratch, position, header)
                .intendedTime(now)
                .participantId((int)(key >>> 40))
                .clientOrderId(key & CLIENT_ORDER_ID_MASK)
                .instrumentId(instrumentId);
            mirror.books.get(instrumentId).cancel(key);
            position += MessageHeaderEncoder.ENCODED_LENGTH + cancel.encodedLength();
            now += GAP_NANOS;
        }
        offsets[n] = position;
        for (final OrderBook book : mirror.books.values())
        {
            if (book.orderCount() != 0)
            {
                throw new IllegalStateException("drain left " + book.orderCount() + " orders on " + book.instrumentId());
            }
        }

        final UnsafeBuffer exact = new UnsafeBuffer(ByteBuffer.allocateDirect(position));
        exact.putBytes(0, scratch, 0, position);
        final long[] actions = new long[MarketSimulator.Action.values().length];
        for (final MarketSimulator.Action action : MarketSimulator.Action.values())
        {
            actions[action.ordinal()] = simulator.actionCount(action);
        }
        return new SimulatedStream(exact, Arrays.copyOf(offsets, n + 1), n, inputs, actions, specs);
    }

    /**
     * @return the {@code AddInstrument} inputs defining the stream's instruments.
     */
    public List<UnsafeBuffer> addInstruments()
    {
        final List<UnsafeBuffer> inputs = new ArrayList<>();
        for (final InstrumentSpec spec : instruments)
        {
            inputs.add(Inputs.addInstrument(spec));
        }
        return inputs;
    }

    /**
     * @return a new engine with default limits and the stream's instruments defined.
     */
    public Engine newEngine()
    {
        final Engine engine = new Engine(EngineLimits.defaults());
        for (final UnsafeBuffer input : addInstruments())
        {
            if (engine.apply(input, 0, input.capacity(), 0) <= 0)
            {
                throw new IllegalStateException("AddInstrument refused");
            }
        }
        return engine;
    }

    public int offset(final int index)
    {
        return offsets[index];
    }

    public int length(final int index)
    {
        return offsets[index + 1] - offsets[index];
    }

    /**
     * What one pass produced in an engine.
     *
     * @param batches      batches built.
     * @param events       market-data events (sum of {@code eventCount}).
     * @param bytes        batch bytes.
     * @param batchLengths every batch length, in input order.
     */
    public record PassStats(long batches, long events, long bytes, int[] batchLengths)
    {
    }

    /**
     * Runs one pass through {@code engine}.
     */
    public PassStats runPass(final Engine engine)
    {
        final BatchHeaderDecoder batchHeader = new BatchHeaderDecoder();
        final int[] lengths = new int[count];
        long batches = 0;
        long events = 0;
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            final int length = engine.apply(buffer, offsets[i], length(i), START_NANOS + i);
            lengths[i] = length;
            if (length > 0)
            {
                batches++;
                bytes += length;
                batchHeader.wrap(engine.batchBuffer(), MessageHeaderDecoder.ENCODED_LENGTH,
                    BatchHeaderDecoder.BLOCK_LENGTH, BatchHeaderDecoder.SCHEMA_VERSION);
                events += batchHeader.eventCount();
            }
        }
        return new PassStats(batches, events, bytes, lengths);
    }

    /**
     * Runs two passes through a new engine and checks that they produce the same batches (count, events,
     * and every batch length): the stream is a steady cycle.
     *
     * @return the second pass.
     */
    public PassStats checkSteadyState()
    {
        final Engine engine = newEngine();
        final PassStats first = runPass(engine);
        final PassStats second = runPass(engine);
        if (first.batches != second.batches || first.events != second.events || first.bytes != second.bytes ||
            !Arrays.equals(first.batchLengths, second.batchLengths))
        {
            throw new IllegalStateException("stream is not a steady cycle: " + first + " vs " + second);
        }
        if (first.batches != count)
        {
            throw new IllegalStateException("malformed inputs: " + (count - first.batches));
        }
        return second;
    }

    /**
     * @return a copy of a real batch of the median length, built by a pass of this stream.
     */
    public ByteBuffer medianBatch()
    {
        final Engine engine = newEngine();
        final PassStats stats = runPass(engine);
        final int[] sorted = stats.batchLengths.clone();
        Arrays.sort(sorted);
        final int median = sorted[sorted.length / 2];
        final Engine again = newEngine();
        for (int i = 0; i < count; i++)
        {
            if (again.apply(buffer, offsets[i], length(i), START_NANOS + i) == median)
            {
                final ByteBuffer copy = ByteBuffer.allocateDirect(median);
                again.batchBuffer().getBytes(0, copy, 0, median);
                return copy;
            }
        }
        throw new IllegalStateException("no batch of the median length " + median);
    }

    /**
     * Describes the stream: {@code SimulatedStream [inputs] [instruments] [seed]}.
     */
    public static void main(final String[] args)
    {
        final int inputs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int instruments = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        final long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        final SimulatedStream stream = generate(seed, instruments, inputs);
        final PassStats stats = stream.checkSteadyState();
        final int[] sorted = stats.batchLengths.clone();
        Arrays.sort(sorted);
        System.out.printf("inputs/pass=%d (simulated %d + drain %d), instruments=%d, seed=%d, input bytes=%d%n",
            stream.count, stream.simulatedInputs, stream.count - stream.simulatedInputs, instruments, seed,
            stream.buffer.capacity());
        final StringBuilder mix = new StringBuilder();
        for (final MarketSimulator.Action action : MarketSimulator.Action.values())
        {
            mix.append(String.format(" %s=%.2f%%", action, 100.0 * stream.actionCounts[action.ordinal()] / inputs));
        }
        System.out.println("action mix:" + mix);
        System.out.printf("batches=%d events=%d (%.3f per input) batch bytes=%d (mean %.1f B)%n",
            stats.batches, stats.events, (double)stats.events / stats.batches, stats.bytes,
            (double)stats.bytes / stats.batches);
        System.out.printf("batch length p10=%d p50=%d p90=%d p99=%d max=%d%n",
            sorted[sorted.length / 10], sorted[sorted.length / 2], sorted[sorted.length * 9 / 10],
            sorted[(int)(sorted.length * 0.99)], sorted[sorted.length - 1]);
        System.out.println("steady cycle: two passes produce identical batch lengths and event counts");
    }

    /**
     * The engine's books, mirrored with the same {@link OrderBook} calls the engine makes, to know which orders
     * rest at the end of the pass.
     */
    private static final class Mirror implements OrderBookListener
    {
        final Int2ObjectHashMap<OrderBook> books = new Int2ObjectHashMap<>();
        final Long2LongHashMap live = new Long2LongHashMap(-1);
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final NewOrderDecoder newOrder = new NewOrderDecoder();
        private final CancelOrderDecoder cancelOrder = new CancelOrderDecoder();
        private final ReplaceOrderDecoder replaceOrder = new ReplaceOrderDecoder();

        Mirror(final List<InstrumentSpec> specs)
        {
            final EngineLimits limits = EngineLimits.defaults();
            for (final InstrumentSpec spec : specs)
            {
                books.put(spec.instrumentId(), new OrderBook(spec.instrumentId(), spec.tickSize(), spec.lotSize(),
                    limits.maxOrdersPerInstrument(), limits.maxFillsPerOrder(), this));
            }
        }

        void apply(final DirectBuffer buffer, final int offset)
        {
            header.wrap(buffer, offset);
            final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            switch (header.templateId())
            {
                case NewOrderDecoder.TEMPLATE_ID:
                {
                    newOrder.wrap(buffer, body, header.blockLength(), header.version());
                    final long key = key(newOrder.participantId(), newOrder.clientOrderId());
                    final OrderBook book = books.get(newOrder.instrumentId());
                    book.newOrder(key, newOrder.side(), newOrder.orderType(), newOrder.price(), newOrder.quantity());
                    if (book.contains(key))
                    {
                        live.put(key, newOrder.instrumentId());
                    }
                    break;
                }
                case CancelOrderDecoder.TEMPLATE_ID:
                    cancelOrder.wrap(buffer, body, header.blockLength(), header.version());
                    books.get(cancelOrder.instrumentId())
                        .cancel(key(cancelOrder.participantId(), cancelOrder.clientOrderId()));
                    break;
                case ReplaceOrderDecoder.TEMPLATE_ID:
                    replaceOrder.wrap(buffer, body, header.blockLength(), header.version());
                    books.get(replaceOrder.instrumentId()).replace(
                        key(replaceOrder.participantId(), replaceOrder.clientOrderId()),
                        replaceOrder.price(), replaceOrder.quantity());
                    break;
                default:
                    throw new IllegalStateException("unexpected simulator template " + header.templateId());
            }
        }

        long[] liveKeysSorted()
        {
            final long[] keys = new long[live.size()];
            int n = 0;
            final Long2LongHashMap.KeyIterator it = live.keySet().iterator();
            while (it.hasNext())
            {
                keys[n++] = it.nextValue();
            }
            Arrays.sort(keys);
            for (final long key : keys)
            {
                if (!books.get((int)live.get(key)).contains(key))
                {
                    throw new IllegalStateException("mirror lost track of order " + key);
                }
            }
            return keys;
        }

        private static long key(final int participantId, final long clientOrderId)
        {
            return ((long)participantId << 40) | clientOrderId;
        }

        public void onAccepted(final long orderKey, final Side side, final OrderType type, final long price, final long quantity)
        {
        }

        public void onRejected(final long orderKey, final RejectReason reason)
        {
        }

        public void onTrade(
            final long takerKey, final long makerKey, final Side aggressorSide, final long price, final long quantity,
            final long takerLeaves, final long makerLeaves)
        {
            if (makerLeaves == 0)
            {
                live.remove(makerKey);
            }
            if (takerLeaves == 0)
            {
                live.remove(takerKey);
            }
        }

        public void onCancelled(final long orderKey, final long cancelledQuantity, final CancelReason reason)
        {
            live.remove(orderKey);
        }

        public void onReplaced(final long orderKey, final long price, final long leavesQuantity, final boolean keptPriority)
        {
        }

        public void onLevelChanged(final Side side, final long price, final long quantity, final int orderCount)
        {
        }
    }
}
