package io.tickwire.gateway;

import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service pass's housekeeping visits a slice of the sessions per pass (GatewayAgent.serviceSessions): every one
 * of 500 idle sessions (over 7 slices of at least 64) on a quiet gateway (no simulator) with a 100 ms heartbeat
 * interval gets heartbeats, and nothing else: each session's messages are exactly {@code {"type":"heartbeat","seq":L}}
 * with L the gateway's last applied seq. A slice that skipped sessions (a cursor that never wraps, a round that stops
 * at the first slice) leaves some without any.
 */
class ManyIdleSessionsTest
{
    private static final int SESSIONS = 500;
    private static final int HEARTBEATS = 5;

    public static final class Recorder implements Session.Listener.AutoDemanding
    {
        final List<String> messages = new ArrayList<>();

        @Override
        public void onWebSocketText(final String message)
        {
            synchronized (messages)
            {
                messages.add(message);
            }
        }

        List<String> messages()
        {
            synchronized (messages)
            {
                return new ArrayList<>(messages);
            }
        }
    }

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void everyIdleSessionGetsItsHeartbeats() throws Exception
    {
        final WebSocketClient client = new WebSocketClient();
        client.getHttpClient().setMaxConnectionsPerDestination(SESSIONS + 10);
        client.start();
        try (TickwireFixture fixture = new TickwireFixture(dir, 2, 0, 7, c ->
        {
            c.heartbeatInterval = Duration.ofMillis(100);
            c.maxSessions = Math.max(c.maxSessions, SESSIONS + 10);
        }))
        {
            final List<Recorder> recorders = new ArrayList<>();
            final List<CompletableFuture<Session>> connecting = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++)
            {
                final Recorder recorder = new Recorder();
                recorders.add(recorder);
                connecting.add(client.connect(recorder, fixture.streamUri()));
            }
            CompletableFuture.allOf(connecting.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);

            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (recorders.stream().anyMatch(r -> r.messages().size() < HEARTBEATS))
            {
                assertThat(System.nanoTime()).as("every session gets %d heartbeats; fewest so far: %d", HEARTBEATS,
                    recorders.stream().mapToInt(r -> r.messages().size()).min().orElse(0)).isLessThan(deadline);
                LockSupport.parkNanos(10_000_000);
            }
            final String heartbeat = "{\"type\":\"heartbeat\",\"seq\":" + fixture.gateway.counters().lastSeq.get() + "}";
            for (int i = 0; i < SESSIONS; i++)
            {
                final List<String> messages = recorders.get(i).messages();
                assertThat(messages).as("session %d", i).hasSizeGreaterThanOrEqualTo(HEARTBEATS).containsOnly(heartbeat);
            }
            assertThat(fixture.gateway.counters().activeSessions.get()).isEqualTo(SESSIONS);
        }
        finally
        {
            client.stop();
        }
    }
}
