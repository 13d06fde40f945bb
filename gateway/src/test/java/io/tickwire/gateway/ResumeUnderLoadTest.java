package io.tickwire.gateway;

import io.tickwire.engine.sim.InstrumentSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lossless resume under live load: clients (50) on one gateway fed by the real engine's simulator each drop their
 * connection at random moments (also in the middle of a replay) and resume every stream with {@code from} and
 * the epoch, at least {@code tickwire.resumes} (20) times. Over all connections each client's trades equal the
 * journal's trades of its symbols, each exactly once; book and ticker chains never break and every book view
 * equals the journal's book at its seq. {@code -Dtickwire.resume.clients}, {@code -Dtickwire.resumes}
 * ({@code -Psoak}: 200), {@code -Dtickwire.test.seed}.
 */
class ResumeUnderLoadTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void clientsThatDropAndResumeReceiveEveryEventExactlyOnce() throws Exception
    {
        final long seed = Long.getLong("tickwire.test.seed", System.nanoTime());
        final int clientCount = Integer.getInteger("tickwire.resume.clients", 50);
        final int resumes = Integer.getInteger("tickwire.resumes", 20);
        System.out.println("ResumeUnderLoadTest seed=" + seed + " clients=" + clientCount + " resumes=" + resumes);
        final Random random = new Random(seed);
        final List<String> symbols = InstrumentSpec.defaults(4).stream().map(InstrumentSpec::symbol).toList();
        final HttpClient http = HttpClient.newHttpClient();
        final List<ResumingClient> clients = new ArrayList<>();
        try (TickwireFixture fixture = new TickwireFixture(dir, 4, 300, seed, c -> { }))
        {
            final long[] reconnectAt = new long[clientCount];
            final long start = System.nanoTime();
            for (int i = 0; i < clientCount; i++)
            {
                final ResumingClient client = new ResumingClient(i, http, 1 + random.nextInt(5));
                for (final String channel : List.of("trades", "book", "ticker"))
                {
                    if (!"trades".equals(channel) && random.nextBoolean())
                    {
                        continue; // every client has trades; about half also a book, a ticker
                    }
                    final List<String> chosen = new ArrayList<>(symbols);
                    Collections.shuffle(chosen, random);
                    client.streams.put(channel, List.copyOf(chosen.subList(0, 1 + random.nextInt(2))));
                }
                client.connect(fixture.streamUri(), true);
                clients.add(client);
                reconnectAt[i] = start + lifetime(random);
            }
            // Drop and resume each client at random moments until each has resumed often enough.
            final long deadline = start + Duration.ofSeconds(240).toNanos();
            while (clients.stream().anyMatch(c -> c.connections <= resumes))
            {
                assertThat(System.nanoTime()).as("resumes done within 240 s").isLessThan(deadline);
                int drained = 0;
                for (int i = 0; i < clientCount; i++)
                {
                    final ResumingClient client = clients.get(i);
                    drained += client.drain();
                    if (client.connections <= resumes && System.nanoTime() >= reconnectAt[i])
                    {
                        client.abort();
                        client.connect(fixture.streamUri(), true);
                        reconnectAt[i] = System.nanoTime() + lifetime(random);
                    }
                }
                if (drained == 0)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
            }
            // Every stream has been answered; once every replay has gone live, a pong bounds what was delivered.
            final long settle = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (clients.stream().anyMatch(c -> !c.subscribed()) || fixture.gateway.counters().activeReplays.get() > 0)
            {
                assertThat(System.nanoTime()).as("every replay went live within 60 s").isLessThan(settle);
                clients.forEach(ResumingClient::drain);
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            for (final ResumingClient client : clients)
            {
                client.pingAndDrain(Duration.ofSeconds(30));
            }
            final GatewayCounters counters = fixture.gateway.counters();
            System.out.println("resumed in " + (System.nanoTime() - start) / 1_000_000 + " ms; recovered=" + counters.resumesRecovered.get() + " not=" +
                counters.resumesNotRecovered.get() + " cut over=" + counters.resumesCutOver.get() + " replayed trades=" +
                counters.replayedTrades.get() + " slow consumer closes=" + counters.slowConsumerCloses.get());
            assertThat(counters.resumesNotRecovered.get()).isZero();
            assertThat(counters.resumesFailed.get()).isZero();
            assertThat(counters.replayedTrades.get()).as("some resumes replayed trades").isPositive();
            for (final ResumingClient client : clients)
            {
                assertThat(client.checker.notRecovered).as("client %d", client.number).isEmpty();
                assertThat(client.checker.resumed).as("client %d: every stream resumed each time", client.number)
                    .hasSize((client.connections - 1) * client.streams.values().stream().mapToInt(List::size).sum());
            }
        }
        finally
        {
            clients.forEach(ResumingClient::close);
        }
        final ResumeChecks.Counts counts = ResumeChecks.verify(dir.resolve("journal"), clients);
        System.out.println("checked " + counts.trades() + " trades, " + counts.bookViews() + " book views, " +
            counts.tickers() + " tickers over " + clients.stream().mapToInt(c -> c.connections).sum() + " connections");
        assertThat(counts.trades()).isPositive();
        assertThat(counts.bookViews()).isPositive();
    }

    private static long lifetime(final Random random)
    {
        return Duration.ofMillis(20 + random.nextInt(600)).toNanos();
    }
}
