package io.tickwire.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tickwire.engine.sim.InstrumentSpec;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 sessions (Jetty's WebSocket client) with random subscriptions on one gateway fed by the real
 * engine: each receives exactly the trades of its subscriptions, with unbroken prev chains and verified book
 * checksums on every stream. Sessions: {@code -Dtickwire.sessions} (default 1000; 2,000 with {@code -Psoak}); the
 * gateway's per-IP limits are raised to fit them.
 */
class ManySessionsTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * Checks one session's messages as they arrive, on Jetty's thread (one message at a time per session): with
     * 1,000 sessions the checking runs on the client's threads in parallel and nothing queues up unbounded (a
     * single test thread draining every session's queue fell behind and filled the heap). The test thread reads the
     * checker's state under the same lock.
     */
    public static final class Collector implements Session.Listener.AutoDemanding
    {
        final StreamChecker checker = new StreamChecker();
        volatile Session session;
        volatile Throwable failure;

        @Override
        public void onWebSocketOpen(final Session session)
        {
            this.session = session;
        }

        @Override
        public void onWebSocketText(final String message)
        {
            try
            {
                final JsonNode m = MAPPER.readTree(message);
                synchronized (checker)
                {
                    checker.accept(m);
                }
            }
            catch (final Throwable ex)
            {
                if (failure == null)
                {
                    failure = ex;
                }
            }
        }

        long pongSeq()
        {
            synchronized (checker)
            {
                return checker.pongSeq;
            }
        }
    }

    @Test
    @Timeout(300)
    void everySessionGetsExactlyItsStreams() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int sessions = Integer.getInteger("tickwire.sessions", 1_000);
        System.out.println("ManySessionsTest seed=" + seed + " sessions=" + sessions);
        final Random random = new Random(seed);
        final List<String> symbols = InstrumentSpec.defaults(8).stream().map(InstrumentSpec::symbol).toList();
        final List<Collector> collectors = new ArrayList<>();
        final List<StreamChecker> checkers = new ArrayList<>();
        final WebSocketClient client = new WebSocketClient();
        client.getHttpClient().setMaxConnectionsPerDestination(sessions + 10);
        client.start();
        // All sessions come from 127.0.0.1: the per-IP limits (1,000 sessions, 1,100 connections by default) follow
        // the session count, with room for the test's own HTTP requests.
        try (TickwireFixture fixture = new TickwireFixture(dir, 8, 1_500, seed, c ->
        {
            c.maxSessions = Math.max(c.maxSessions, sessions + 10);
            c.maxSessionsPerIp = Math.max(c.maxSessionsPerIp, sessions + 10);
            c.maxConnectionsPerIp = Math.max(c.maxConnectionsPerIp, sessions + 110);
        }))
        {
            final List<java.util.concurrent.CompletableFuture<Session>> connecting = new ArrayList<>();
            for (int i = 0; i < sessions; i++)
            {
                final Collector collector = new Collector();
                connecting.add(client.connect(collector, fixture.streamUri()));
                collectors.add(collector);
                checkers.add(collector.checker);
            }
            java.util.concurrent.CompletableFuture.allOf(connecting.toArray(new java.util.concurrent.CompletableFuture[0]))
                .get(120, TimeUnit.SECONDS);
            for (final Collector collector : collectors)
            {
                for (final String channel : List.of("trades", "book", "ticker"))
                {
                    if (random.nextInt(3) == 0)
                    {
                        continue;
                    }
                    final List<String> chosen = new ArrayList<>(symbols);
                    java.util.Collections.shuffle(chosen, random);
                    final List<String> subset = chosen.subList(0, 1 + random.nextInt(symbols.size()));
                    final java.util.Map<String, Object> request = new java.util.LinkedHashMap<>();
                    request.put("op", "subscribe");
                    request.put("channel", channel);
                    request.put("symbols", subset);
                    if ("book".equals(channel))
                    {
                        request.put("depth", 1 + random.nextInt(20));
                    }
                    collector.session.sendText(MAPPER.writeValueAsString(request), org.eclipse.jetty.websocket.api.Callback.NOOP);
                }
            }
            // Stream for a while, checked as it arrives.
            final long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < until)
            {
                assertNoFailure(collectors);
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            for (final Collector c : collectors)
            {
                c.session.sendText("{\"op\":\"ping\",\"id\":\"end\"}", org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (collectors.stream().anyMatch(c -> c.pongSeq() < 0))
            {
                assertThat(System.nanoTime()).as("every session answers ping").isLessThan(deadline);
                assertNoFailure(collectors);
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            assertNoFailure(collectors);
            assertThat(fixture.gateway.counters().activeSessions.get()).isEqualTo(sessions);
            assertThat(fixture.gateway.counters().slowConsumerCloses.get()).isZero();
        }
        finally
        {
            client.stop();
        }

        final JournalTruth truth = JournalTruth.replay(dir.resolve("journal"), null);
        long trades = 0;
        long books = 0;
        for (final StreamChecker checker : checkers)
        {
            synchronized (checker) // written on Jetty's threads, under this lock
            {
                final List<JournalTruth.TradeRow> expected = truth.trades.stream()
                    .filter(t -> checker.subscribedAt.containsKey("trades/" + t.symbol()))
                    .filter(t -> t.seq() > checker.subscribedAt.get("trades/" + t.symbol()) && t.seq() <= checker.pongSeq)
                    .toList();
                assertThat(checker.trades).isEqualTo(expected);
                trades += checker.trades.size();
                books += checker.bookViews.size();
            }
        }
        assertThat(trades).isPositive();
        System.out.println("checked " + trades + " trades and " + books + " book messages over " + sessions + " sessions");
    }

    private static void assertNoFailure(final List<Collector> collectors)
    {
        for (int i = 0; i < collectors.size(); i++)
        {
            final Throwable failure = collectors.get(i).failure;
            if (failure != null)
            {
                throw new AssertionError("session " + i + ": " + failure, failure);
            }
        }
    }
}
