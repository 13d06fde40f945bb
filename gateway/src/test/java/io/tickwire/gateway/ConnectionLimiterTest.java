package io.tickwire.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.tickwire.gateway.ConnectionLimiter.Verdict.ADMITTED;
import static io.tickwire.gateway.ConnectionLimiter.Verdict.GATEWAY_FULL;
import static io.tickwire.gateway.ConnectionLimiter.Verdict.IP_FULL;
import static org.assertj.core.api.Assertions.assertThat;

class ConnectionLimiterTest
{
    @Test
    @Timeout(10)
    void perIpThenPerGatewayLimitsAndIdempotentRelease()
    {
        final ConnectionLimiter limiter = new ConnectionLimiter(3, 2);
        final ConnectionLimiter.Admission a1 = limiter.admit("10.0.0.1");
        final ConnectionLimiter.Admission a2 = limiter.admit("10.0.0.1");
        final List<ConnectionLimiter.Verdict> verdicts = new ArrayList<>();
        verdicts.add(a1.verdict());
        verdicts.add(a2.verdict());
        final ConnectionLimiter.Admission refused = limiter.admit("10.0.0.1");
        verdicts.add(refused.verdict());
        final ConnectionLimiter.Admission b1 = limiter.admit("10.0.0.2");
        verdicts.add(b1.verdict());
        verdicts.add(limiter.admit("10.0.0.3").verdict());
        verdicts.add(limiter.admit("10.0.0.1").verdict());
        assertThat(verdicts).containsExactly(ADMITTED, ADMITTED, IP_FULL, ADMITTED, GATEWAY_FULL, GATEWAY_FULL);
        assertThat(List.of(limiter.open(), limiter.openFrom("10.0.0.1"), limiter.openFrom("10.0.0.2"), limiter.ips()))
            .containsExactly(3, 2, 1, 2);

        refused.release(); // holds nothing
        a1.release();
        a1.release(); // only the first release counts
        assertThat(List.of(limiter.open(), limiter.openFrom("10.0.0.1"))).containsExactly(2, 1);
        final ConnectionLimiter.Admission a3 = limiter.admit("10.0.0.1");
        assertThat(a3.verdict()).isEqualTo(ADMITTED);
        a2.release();
        a3.release();
        b1.release();
        assertThat(List.of(limiter.open(), limiter.openFrom("10.0.0.1"), limiter.openFrom("10.0.0.2"), limiter.ips()))
            .containsExactly(0, 0, 0, 0);
    }

    /**
     * Threads admit and release (sometimes twice) at random over a few IPs: no limit is ever exceeded, and the
     * counts return to exactly zero with no map entry left.
     */
    @Test
    @Timeout(60)
    void countsStayExactAcrossThreads() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        System.out.println("ConnectionLimiterTest seed=" + seed);
        final int maxSessions = 20;
        final int maxPerIp = 7;
        final String[] ips = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "::1"};
        final ConnectionLimiter limiter = new ConnectionLimiter(maxSessions, maxPerIp);
        final AtomicInteger held = new AtomicInteger();
        final AtomicIntegerArray heldPerIp = new AtomicIntegerArray(ips.length);
        final AtomicIntegerArray verdicts = new AtomicIntegerArray(3);
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        final int threads = 6;
        final CyclicBarrier start = new CyclicBarrier(threads);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Random random = new Random(seed + t);
            final Thread worker = new Thread(() ->
            {
                final Deque<ConnectionLimiter.Admission> mine = new ArrayDeque<>();
                final Deque<Integer> mineIp = new ArrayDeque<>();
                try
                {
                    start.await();
                    for (int i = 0; i < 50_000; i++)
                    {
                        if (mine.isEmpty() || random.nextInt(100) < 55)
                        {
                            final int ip = random.nextInt(ips.length);
                            final ConnectionLimiter.Admission a = limiter.admit(ips[ip]);
                            verdicts.incrementAndGet(a.verdict().ordinal());
                            if (a.verdict() == ADMITTED)
                            {
                                assertThat(held.incrementAndGet()).isLessThanOrEqualTo(maxSessions);
                                assertThat(heldPerIp.incrementAndGet(ip)).isLessThanOrEqualTo(maxPerIp);
                                mine.add(a);
                                mineIp.add(ip);
                            }
                        }
                        else
                        {
                            final ConnectionLimiter.Admission a = mine.poll();
                            final int ip = mineIp.poll();
                            held.decrementAndGet();
                            heldPerIp.decrementAndGet(ip);
                            a.release();
                            if (random.nextBoolean())
                            {
                                a.release();
                            }
                        }
                    }
                    while (!mine.isEmpty())
                    {
                        held.decrementAndGet();
                        heldPerIp.decrementAndGet(mineIp.poll());
                        mine.poll().release();
                    }
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        assertThat(failures).isEmpty();
        assertThat(List.of(limiter.open(), limiter.ips())).containsExactly(0, 0);
        for (final String ip : ips)
        {
            assertThat(limiter.openFrom(ip)).as(ip).isZero();
        }
        // every kind of verdict happened
        assertThat(verdicts.get(ADMITTED.ordinal())).isPositive();
        assertThat(verdicts.get(IP_FULL.ordinal())).isPositive();
        assertThat(verdicts.get(GATEWAY_FULL.ordinal())).isPositive();
        System.out.println("verdicts " + verdicts);
    }
}
