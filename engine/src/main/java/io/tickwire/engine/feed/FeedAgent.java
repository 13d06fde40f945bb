package io.tickwire.engine.feed;

import io.aeron.Publication;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends the inputs of a {@link FeedFileReader} on the engine's ingress stream as fast as the stream takes
 * them, so the engine sequences and journals an external tick file like any other input. Back pressure:
 * the current input is offered again on the next duty cycle. At the end of the file, or at the first bad
 * line under the fail-fast policy ({@link #failure()}), the agent idles and reports {@link #done()}.
 */
public final class FeedAgent implements Agent
{
    private static final int BURST = 256;

    private final FeedFileReader reader;
    private final Publication ingress;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FeedFileReader.MAX_MESSAGE_LENGTH]);
    private int pendingLength;
    private volatile boolean done;
    private volatile RuntimeException failure;
    private volatile long sent;

    public FeedAgent(final FeedFileReader reader, final Publication ingress)
    {
        this.reader = reader;
        this.ingress = ingress;
    }

    @Override
    public int doWork()
    {
        if (done)
        {
            return 0;
        }
        int work = 0;
        while (work < BURST)
        {
            if (pendingLength == 0)
            {
                try
                {
                    pendingLength = reader.read(buffer, 0);
                }
                catch (final RuntimeException ex)
                {
                    // A bad line under the fail-fast policy (or an I/O error): stop here, say why, never spin.
                    failure = ex;
                    done = true;
                    return work;
                }
                if (pendingLength == 0)
                {
                    done = true;
                    return work;
                }
            }
            final long result = ingress.offer(buffer, 0, pendingLength);
            if (result < 0)
            {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
                {
                    throw new IllegalStateException("ingress publication " + Publication.errorString(result));
                }
                return work; // not connected yet or back pressured: retry next cycle
            }
            pendingLength = 0;
            sent++;
            work++;
        }
        return work;
    }

    /**
     * @return true once every line of the file was sent.
     */
    public boolean done()
    {
        return done;
    }

    /**
     * @return why the feed stopped before its end (a bad line with the fail-fast policy), or null.
     */
    public RuntimeException failure()
    {
        return failure;
    }

    public long sent()
    {
        return sent;
    }

    @Override
    public String roleName()
    {
        return "tickwire-feed";
    }

    @Override
    public void onClose()
    {
        reader.close();
    }
}
