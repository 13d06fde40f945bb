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
}
