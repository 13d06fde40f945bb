package io.tickwire.gateway;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tickwire.codecs.sbe.MessageHeaderDecoder;
import io.tickwire.codecs.sbe.NewOrderDecoder;
import io.tickwire.engine.EngineConfig;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Sits on the Aeron path between a gateway's ingress publication (its own stream) and the engine's ingress
 * stream, forwarding every input unchanged, so a test can hold inputs back ({@link #pause()}) as a busy
 * engine would, and see what the gateway sent. Everything still goes through real Aeron and the real engine.
 */
final class IngressRelay implements AutoCloseable
{
    /** A NewOrder as the gateway encoded it. */
    record SentOrder(int participantId, long clientOrderId, int instrumentId, String side, String type, long price,
        long quantity)
    {
    }

    final List<SentOrder> orders = new CopyOnWriteArrayList<>();
    private final Subscription from;
    private final Publication to;
    private final Thread thread;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final NewOrderDecoder newOrder = new NewOrderDecoder();
    private volatile boolean paused;
    private volatile boolean running = true;
    private volatile long loops;

    IngressRelay(final Aeron aeron, final String channel, final int fromStream)
    {
        from = aeron.addSubscription(channel, fromStream);
        to = aeron.addPublication(channel, EngineConfig.DEFAULT_INGRESS_STREAM);
        thread = new Thread(this::run, "ingress-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops forwarding; returns once the relay thread is no longer polling (nothing sent later gets through).
     */
    void pause()
    {
        paused = true;
        final long seen = loops;
        while (loops < seen + 2)
        {
            Thread.onSpinWait();
        }
    }

    void resume()
    {
        paused = false;
    }

    private void run()
    {
        while (running)
        {
            final int fragments = paused ? 0 : from.poll((buffer, offset, length, h) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() == NewOrderDecoder.TEMPLATE_ID)
                {
                    newOrder.wrapAndApplyHeader(buffer, offset, header);
                    orders.add(new SentOrder(newOrder.participantId(), newOrder.clientOrderId(), newOrder.instrumentId(),
                        newOrder.side().name(), newOrder.orderType().name(), newOrder.price(), newOrder.quantity()));
                }
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
                copy.putBytes(0, buffer, offset, length);
                while (running && to.offer(copy, 0, length) < 0)
                {
                    Thread.onSpinWait();
                }
            }, 16);
            if (fragments == 0)
            {
                LockSupport.parkNanos(50_000);
            }
            loops++;
        }
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        from.close();
        to.close();
    }
}
