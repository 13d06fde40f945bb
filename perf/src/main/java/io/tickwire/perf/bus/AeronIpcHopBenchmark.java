package io.tickwire.perf.bus;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import io.tickwire.engine.AeronSupport;
import io.tickwire.engine.EngineConfig;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The engine-to-gateway bus hop: an Aeron IPC publication read by a subscription in the same process, through a
 * real embedded media driver launched as Tickwire launches it ({@link AeronSupport#launchEmbeddedDriver}: one
 * shared driver thread with the backoff idle strategy, 8 MiB IPC terms). The message is 177 bytes, the median
 * journal batch of the engine benchmarks' stream, offered with {@code Publication.offer} as the bus publisher does.
 * <ul>
 * <li>{@code pingPong} ({@code SampleTime}): offer on stream A, an echo thread polls A and offers the same bytes
 * on stream B, this thread polls B. One op is a round trip of two hops across threads; half of it is the one-way
 * hop. Both threads busy-spin while waiting, so on 2 cores the driver's thread shares them.</li>
 * <li>{@code offerPoll} (throughput): offer one message then poll it on the same thread: the CPU cost of
 * publishing and consuming one message, with no cross-thread wake-up.</li>
 * </ul>
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g" })
public class AeronIpcHopBenchmark
{
    private static final String CHANNEL = "aeron:ipc";
    private static final int STREAM_A = 3001;
    private static final int STREAM_B = 3002;

    /** A driver and a client, with the connected publication and subscription of {@code stream}. */
    abstract static class Bus
    {
        /** The median journal batch of the engine benchmarks' stream. */
        final int length = 177;

        MediaDriver driver;
        Aeron aeron;
        UnsafeBuffer message;

        void open()
        {
            driver = AeronSupport.launchEmbeddedDriver(AeronSupport.uniqueAeronDirectory(), EngineConfig.Idle.BACKOFF);
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            message = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(length, Long.BYTES)));
            for (int i = 0; i < length; i++)
            {
                message.putByte(i, (byte)i);
            }
        }

        static void awaitConnected(final Publication publication, final Subscription subscription)
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!publication.isConnected() || !subscription.isConnected())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("IPC publication not connected within 10 s");
                }
                Thread.onSpinWait();
            }
        }

        static void offer(final Publication publication, final UnsafeBuffer buffer, final int length)
        {
            long result;
            while ((result = publication.offer(buffer, 0, length)) < 0)
            {
                if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED ||
                    result == Publication.MAX_POSITION_EXCEEDED)
                {
                    throw new IllegalStateException("offer failed: " + result);
                }
                Thread.onSpinWait(); // back pressure or admin action: retry
            }
        }

        void close()
        {
            CloseHelper.closeAll(aeron, driver);
        }
    }

    /** One stream, published and polled on the benchmark thread. */
    @State(Scope.Thread)
    public static class Loop extends Bus
    {
        Publication publication;
        Subscription subscription;
        long received;
        final FragmentHandler handler = (buffer, offset, len, header) -> received += buffer.getLong(offset) + len;

        @Setup(Level.Trial)
        public void setUp()
        {
            open();
            publication = aeron.addExclusivePublication(CHANNEL, STREAM_A);
            subscription = aeron.addSubscription(CHANNEL, STREAM_A);
            awaitConnected(publication, subscription);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            close();
        }
    }

    /** Stream A out, stream B back, with an echo thread in between. */
    @State(Scope.Benchmark)
    public static class PingPong extends Bus
    {
        Publication ping;
        Subscription pong;
        Thread echo;
        volatile boolean running;
        long received;
        final FragmentHandler handler = (buffer, offset, len, header) -> received += buffer.getLong(offset) + len;

        @Setup(Level.Trial)
        public void setUp()
        {
            open();
            ping = aeron.addExclusivePublication(CHANNEL, STREAM_A);
            final Subscription echoIn = aeron.addSubscription(CHANNEL, STREAM_A);
            final Publication echoOut = aeron.addExclusivePublication(CHANNEL, STREAM_B);
            pong = aeron.addSubscription(CHANNEL, STREAM_B);
            awaitConnected(ping, echoIn);
            awaitConnected(echoOut, pong);
            running = true;
            final UnsafeBuffer copy = new UnsafeBuffer(ByteBuffer.allocateDirect(message.capacity()));
            final FragmentHandler echoHandler = (buffer, offset, len, header) ->
            {
                copy.putBytes(0, buffer, offset, len);
                offer(echoOut, copy, len);
            };
            echo = new Thread(() ->
            {
                while (running)
                {
                    if (echoIn.poll(echoHandler, 1) == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            }, "ipc-echo");
            echo.setDaemon(true);
            echo.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            running = false;
            echo.join(TimeUnit.SECONDS.toMillis(10));
            close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long pingPong(final PingPong s)
    {
        s.message.putLong(0, s.received);
        Bus.offer(s.ping, s.message, s.length);
        while (s.pong.poll(s.handler, 1) == 0)
        {
            Thread.onSpinWait();
        }
        return s.received;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long offerPoll(final Loop s)
    {
        s.message.putLong(0, s.received);
        Bus.offer(s.publication, s.message, s.length);
        while (s.subscription.poll(s.handler, 1) == 0)
        {
            Thread.onSpinWait();
        }
        return s.received;
    }
}
