package io.tickwire.engine;

import io.tickwire.codecs.BatchReader;
import io.tickwire.codecs.sbe.BatchHeaderDecoder;
import io.tickwire.codecs.sbe.InstrumentMode;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.OrderType;
import io.tickwire.codecs.sbe.Side;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the engine's ingress decoding (the SBE input decoders behind {@link Engine#apply}):
 * any sequence of byte strings, valid inputs with random fields, or valid inputs with bytes flipped, cut short or
 * padded, never makes the engine throw. Each input either makes no batch (counted as malformed) or one
 * well-framed batch continuing the sequence, and replaying the journaled batches into a second engine
 * reproduces every batch byte for byte and the same state (the engine stays deterministic on hostile input).
 */
class IngressFuzzTest
{
    private static final int MAX_INPUT = 2048;
    /** Small books (the limits are reached too: BOOK_FULL, SWEEP_LIMIT, dropped feed levels). */
    private static final EngineLimits LIMITS = new EngineLimits(4, 16, 4, 16);

    @Property(tries = 200, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    void hostileInputsNeverBreakTheEngineOrItsDeterminism(@ForAll("inputSequences") final List<byte[]> inputs)
    {
        final Engine engine = new Engine(LIMITS);
        final Engine twin = new Engine(LIMITS);
        final BatchReader reader = new BatchReader();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final BatchHeaderDecoder batchHeader = new BatchHeaderDecoder();
        long malformed = 0;
        long time = 1;
        for (final byte[] input : inputs)
        {
            final long nextSeq = engine.nextSeq();
            final int length = engine.apply(new UnsafeBuffer(input), 0, input.length, time++);
            if (length == 0)
            {
                malformed++;
                assertThat(engine.nextSeq()).isEqualTo(nextSeq);
                continue;
            }
            final UnsafeBuffer batch = engine.batchBuffer();
            final List<Integer> templates = new ArrayList<>();
            reader.read(batch, 0, length, (templateId, buffer, offset, blockLength, version) -> templates.add(templateId));
            header.wrap(batch, 0);
            batchHeader.wrapAndApplyHeader(batch, 0, header);
            assertThat(batchHeader.firstSeq()).isEqualTo(nextSeq);
            assertThat(engine.nextSeq()).isEqualTo(nextSeq + batchHeader.eventCount());
            assertThat(templates.size()).as("header, input, events and reports").isGreaterThanOrEqualTo(2);
            final byte[] copy = new byte[length];
            batch.getBytes(0, copy);
            twin.recover(new UnsafeBuffer(copy), 0, length);
        }
        assertThat(engine.malformedInputs()).isEqualTo(malformed);
        assertThat(twin.stateHash()).isEqualTo(engine.stateHash());
    }

    @Provide
    Arbitrary<List<byte[]>> inputSequences()
    {
        final Arbitrary<byte[]> valid = validInputs();
        final Arbitrary<byte[]> mutated = valid.flatMap(bytes -> mutations(bytes));
        final Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(MAX_INPUT);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, valid), net.jqwik.api.Tuple.of(4, mutated), net.jqwik.api.Tuple.of(1, random))
            .list().ofMinSize(1).ofMaxSize(60)
            .map(list -> withInstruments(list));
    }

    private static List<byte[]> withInstruments(final List<byte[]> inputs)
    {
        final List<byte[]> all = new ArrayList<>();
        all.add(bytes(TestInputs.addInstrument(1, "AAA-USD", 2, 4, 1, 1, InstrumentMode.MATCHING)));
        all.add(bytes(TestInputs.addInstrument(2, "BBB-USD", 2, 4, 1, 1, InstrumentMode.FEED)));
        all.addAll(inputs);
        return all;
    }

    private static Arbitrary<byte[]> validInputs()
    {
        final Arbitrary<Integer> instrument = Arbitraries.integers().between(0, 3);
        final Arbitrary<Integer> participant = Arbitraries.integers().between(-1, 5);
        final Arbitrary<Long> orderId = Arbitraries.longs().between(-1, 8);
        final Arbitrary<Long> price = Arbitraries.oneOf(Arbitraries.longs().between(95, 105),
            Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
        final Arbitrary<Long> qty = Arbitraries.oneOf(Arbitraries.longs().between(1, 20),
            Arbitraries.of(0L, -5L, Long.MAX_VALUE));
        final Arbitrary<Side> side = Arbitraries.of(Side.BUY, Side.SELL);
        final Arbitrary<OrderType> type = Arbitraries.of(OrderType.LIMIT, OrderType.MARKET, OrderType.IOC);
        final Arbitrary<byte[]> order = net.jqwik.api.Combinators
            .combine(participant, orderId, instrument, side, type, price, qty)
            .as((p, o, i, s, t, px, q) -> bytes(TestInputs.newOrder(p, o, i, s, t, px, q)));
        final Arbitrary<byte[]> cancel = net.jqwik.api.Combinators.combine(participant, orderId, instrument)
            .as((p, o, i) -> bytes(TestInputs.cancel(p, o, i)));
        final Arbitrary<byte[]> replace = net.jqwik.api.Combinators
            .combine(participant, orderId, instrument, price, qty)
            .as((p, o, i, px, q) -> bytes(TestInputs.replace(p, o, i, px, q)));
        final Arbitrary<byte[]> trade = net.jqwik.api.Combinators.combine(instrument, price, qty, side)
            .as((i, px, q, s) -> bytes(TestInputs.feedTrade(i, px, q, s)));
        final Arbitrary<byte[]> level = net.jqwik.api.Combinators.combine(instrument, side, price, qty)
            .as((i, s, px, q) -> bytes(TestInputs.feedLevel(i, s, px, q)));
        final Arbitrary<byte[]> define = net.jqwik.api.Combinators.combine(
                Arbitraries.integers().between(-1, 5), Arbitraries.strings().ofMaxLength(12),
                Arbitraries.integers().between(-2, 20), Arbitraries.longs().between(-1, 10))
            .as((i, sym, scale, tick) -> bytes(
                TestInputs.addInstrument(i, sym, scale, scale, tick, tick, InstrumentMode.MATCHING)));
        return Arbitraries.oneOf(order, order, order, cancel, replace, trade, level, define);
    }

    private static Arbitrary<byte[]> mutations(final byte[] valid)
    {
        final Arbitrary<byte[]> flipped = Arbitraries.integers().between(0, valid.length - 1)
            .list().ofMinSize(1).ofMaxSize(4)
            .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values ->
            {
                final byte[] copy = valid.clone();
                for (int k = 0; k < positions.size(); k++)
                {
                    copy[positions.get(k)] = values.get(k);
                }
                return copy;
            }));
        final Arbitrary<byte[]> cut = Arbitraries.integers().between(0, valid.length - 1)
            .map(n -> java.util.Arrays.copyOf(valid, n));
        final Arbitrary<byte[]> padded = Arbitraries.integers().between(1, MAX_INPUT)
            .map(n -> java.util.Arrays.copyOf(valid, valid.length + n));
        return Arbitraries.oneOf(flipped, flipped, cut, padded);
    }

    private static byte[] bytes(final UnsafeBuffer buffer)
    {
        final byte[] copy = new byte[buffer.capacity()];
        buffer.getBytes(0, copy);
        return copy;
    }
}
