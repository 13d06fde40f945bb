package io.tickwire.perf.rig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A few seconds of the fan-out rig against every target that can run here (the ws peer is skipped, with the
 * reason printed, when node or its npm install is unavailable): the real processes, the real client. Asserts
 * correctness only (every message of the window delivered, no gap, no duplicate, no error, no close), never
 * timings.
 */
class FanoutSmokeTest
{
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyTargetDeliversEveryTickOnceInOrder(@TempDir final Path out) throws Exception
    {
        final FanoutBench.Options options = FanoutBench.Options.parse(new String[] {
            "--target", "all", "--clients", "6", "--rate", "400", "--symbols", "12", "--subscription", "all",
            "--duration", "1.5", "--warmup", "0.5", "--drain", "20", "--client-threads", "2",
            "--target-heap", "256m", "--client-heap", "128m", "--out", out.toString()});
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final FanoutBench bench = new FanoutBench(options, new PrintStream(printed, true, StandardCharsets.UTF_8));
        bench.run();
        final String report = printed.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        for (final String skipped : bench.lastSkipped.keySet())
        {
            System.out.println("smoke: target " + skipped + " skipped: " + bench.lastSkipped.get(skipped));
        }
        assertThat(bench.lastSkipped.keySet()).isSubsetOf(List.of("ws"));
        assertThat(bench.lastResults).extracting(FanoutBench.Result::target)
            .containsAll(List.of("tickwire", "netty", "floor"));
        for (final FanoutBench.Result result : bench.lastResults)
        {
            // the window is 1.5 s of ticks at 400/s (600 ticks); every connection subscribed to every symbol
            assertThat(result.value("expected")).as(result.target() + " expected").isEqualTo(600L * 6);
            assertThat(List.of(result.value("gaps"), result.value("duplicates"), result.value("missing"),
                result.value("errors"), result.value("closed"))).as(result.target() + ": " + result.client())
                .containsOnly(0L);
            assertThat(result.value("count")).as(result.target() + " latencies recorded").isEqualTo(600L * 6);
            assertThat(Files.exists(out.resolve(result.label() + ".hgrm"))).isTrue();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theJavaClientLibraryGetsEveryTickOnceInOrder(@TempDir final Path out) throws Exception
    {
        // 20 TickwireClients (tickwire.sbe.v1) in the client process; 1-in-10 so that connections differ
        final FanoutBench.Options options = FanoutBench.Options.parse(new String[] {
            "--target", "tickwire", "--client", "java", "--clients", "20", "--rate", "400", "--symbols", "20",
            "--subscription", "1-in-10", "--duration", "1.5", "--warmup", "0.5", "--drain", "20",
            "--client-threads", "2", "--target-heap", "256m", "--client-heap", "128m", "--out", out.toString()});
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final FanoutBench bench = new FanoutBench(options, new PrintStream(printed, true, StandardCharsets.UTF_8));
        bench.run();
        final String report = printed.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(bench.lastResults).hasSize(1);
        final FanoutBench.Result result = bench.lastResults.get(0);
        assertThat(result.clientImpl()).isEqualTo("java");
        assertThat(result.client()).containsEntry("impl", "java").containsEntry("protocol", "SBE");
        assertThat(report).contains("RUN tickwire client java");
        // 600 ticks in the window on 20 symbols: 30 per symbol; each connection has 2 of the 20 symbols
        assertThat(result.value("expected")).isEqualTo(30L * 2 * 20);
        assertThat(List.of(result.value("gaps"), result.value("duplicates"), result.value("missing"),
            result.value("errors"), result.value("closed"), result.value("libraryGaps"),
            result.value("libraryDisconnects"))).as(result.client().toString()).containsOnly(0L);
        assertThat(result.value("count")).as("latencies recorded").isEqualTo(30L * 2 * 20);
        // every tick, warm-up included (800 ticks: 40 per symbol), went through the library's onTrade
        assertThat(result.value("received")).isEqualTo(result.value("libraryTrades")).isEqualTo(40L * 2 * 20);
        assertThat(Files.exists(out.resolve(result.label() + ".hgrm"))).isTrue();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void theJavaClientIsRefusedWithThePeersAndWithStalls()
    {
        assertThatThrownBy(() -> FanoutBench.Options.parse(new String[] {"--target", "tickwire,netty", "--client",
            "java"})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--target tickwire alone");
        assertThatThrownBy(() -> FanoutBench.Options.parse(new String[] {"--client", "java", "--stall-fraction",
            "0.1", "--stall-seconds", "1"})).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--stall-fraction needs --client lean");
        assertThatThrownBy(() -> FanoutBench.Options.parse(new String[] {"--client", "rust"}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown client rust");
    }
}
