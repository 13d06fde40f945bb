package io.tickwire.app;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code scripts/netns-loss.sh} (docs/reliability.md): engine and gateway in two network namespaces joined by
 * a veth pair, 5% of the UDP bus dropped each way by nftables, a client checking every stream's prev chain for
 * 8 s. Skipped, with the script's reason printed, where it cannot run (not root, no {@code ip}, no namespaces,
 * no nftables). Needs the shaded jar, so it runs in the integration-test phase (failsafe).
 */
class NetnsLossIT
{
    @Test
    @Timeout(240)
    void lossBetweenTwoNamespacesNeverReachesClients() throws Exception
    {
        final Path root = Path.of("").toAbsolutePath().getParent();
        final Path script = root.resolve("scripts/netns-loss.sh");
        final Path jar = Path.of("target/tickwire.jar").toAbsolutePath();
        Assumptions.assumeTrue(Files.isRegularFile(jar), "no " + jar);
        final Process process = new ProcessBuilder("bash", script.toString(), "--seconds", "8", "--jar", jar.toString())
            .redirectErrorStream(true).start();
        final List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null)
            {
                System.out.println(line);
                lines.add(line);
            }
        }
        if (!process.waitFor(200, TimeUnit.SECONDS))
        {
            process.destroy(); // the script's trap removes the namespaces and stops what it started
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("netns-loss.sh did not finish within 200 s");
        }
        final int exit = process.exitValue();
        if (exit == 77)
        {
            final String reason = lines.stream().filter(l -> l.startsWith("SKIP:")).findFirst().orElse("SKIP");
            System.out.println("NetnsLossIT skipped: " + reason);
            Assumptions.abort(reason);
        }
        assertThat(exit).as("netns-loss.sh exit code (output above)").isZero();
        assertThat(lines).anyMatch(l -> l.startsWith("NOGAP OK")).anyMatch(l -> l.startsWith("RESULT: no gap"));
    }
}
