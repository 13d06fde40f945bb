package io.tickwire.perf.rig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A few seconds of the idle-connections rig ({@code ./tickwire bench idle}): the real Tickwire target and the
 * real client process, two small steps from two loopback source addresses. Asserts correctness only (every
 * connection open, subscribed, its snapshots and heartbeats received, no error, the gateway counting the same
 * sessions), never memory figures.
 */
class IdleSmokeTest
{
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyConnectionStaysOpenSubscribedAndGetsItsHeartbeats(@TempDir final Path out) throws Exception
    {
        final IdleBench.Options options = IdleBench.Options.parse(new String[] {
            "--connections", "6,16", "--hold", "2.5", "--symbols", "4", "--conn-symbols", "2", "--depth", "3",
            "--book-levels", "5", "--warmup-connections", "0", "--source-ips", "2", "--client-threads", "2",
            "--target-heap", "256m", "--client-heap", "128m", "--out", out.toString()});
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final IdleBench bench = new IdleBench(options, new PrintStream(printed, true, StandardCharsets.UTF_8));
        final boolean correct = bench.run();
        final String report = printed.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(bench.steps).extracting(IdleBench.Step::connections).containsExactly(0, 6, 16);
        for (final IdleBench.Step step : bench.steps.subList(1, 3))
        {
            final long n = step.connections();
            // 3 subscribed replies, 2 ticker snapshots and 1 book snapshot (3 levels a side) per connection
            assertThat(Map.of("connections", step.client("connections"), "open", step.client("open"),
                "settled", step.client("settled"), "replies", step.client("replies"), "tickers",
                step.client("tickers"), "books", step.client("books"), "closed", step.client("closed"),
                "errors", step.client("errors"), "others", step.client("others"))).as(report)
                .isEqualTo(Map.of("connections", n, "open", n, "settled", n, "replies", 3 * n, "tickers", 2 * n,
                    "books", n, "closed", 0L, "errors", 0L, "others", 0L));
            assertThat(step.client("minHeartbeats")).as("heartbeats of every connection in 2.5 s").isGreaterThan(0);
            assertThat(List.of(step.stat("openSessions"), step.stat("activeSessions"))).containsOnly(n);
            assertThat(step.stat("heapUsedAfterFullGc")).isPositive();
            // A session makes its direct write buffers as it needs them (ClientSession): one, or two when a write was
            // still in flight while it filled the next (the subscribe replies and snapshots), never its 4 up front
            // (which would be 4n); plus Jetty's and Aeron's own, which move by a handful.
            assertThat(step.stat("directCount") - bench.steps.get(0).stat("directCount"))
                .as("direct buffers over the baseline at %d idle connections", n).isBetween(n - 2, 2 * n + 8);
        }
        assertThat(bench.steps.get(0).stat("openSessions")).isZero();
        assertThat(correct).as(report).isTrue();
        assertThat(report).contains("IDLE 16 connections: every step correct");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void badOptionsAreRefused()
    {
        assertThatThrownBy(() -> IdleBench.Options.parse(new String[] {"--connections", "5000,1000"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rising list");
        assertThatThrownBy(() -> IdleBench.Options.parse(new String[] {"--hold", "1"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 s");
        assertThatThrownBy(() -> IdleBench.Options.parse(new String[] {"--rate", "10"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --rate");
        // 10,000 connections spread over 10 loopback addresses keep the gateway's 1,000 per address
        final IdleBench.Options defaults = IdleBench.Options.parse(new String[0]);
        assertThat(defaults.sourceIps).isEqualTo(10);
        assertThat(defaults.perSource()).isEqualTo(1_000);
        assertThat(defaults.sources()).startsWith("127.0.0.2,127.0.0.3,").endsWith(",127.0.0.11");
    }
}
