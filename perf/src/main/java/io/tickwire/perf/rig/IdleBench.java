package io.tickwire.perf.rig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle connections and memory: {@code ./tickwire bench idle [options]} (perf/README.md, "Idle connections"). Starts
 * the fan-out rig's Tickwire target ({@link TickwireTarget}: engine, Aeron, Jetty gateway in one process) with the
 * gateway's default bounds, then opens real WebSocket connections from another process ({@link IdleClient}) in
 * steps (e.g. 1,000, 5,000, 10,000), each subscribed to trades and ticker of a few symbols and the book of one,
 * holds them idle (no ticks; the gateway's 1 s heartbeats only) and after each step reads the target's heap used
 * after a full GC, the largest heap use sampled, direct buffers, RSS and threads. The per-connection cost is the
 * growth of the heap after a full GC over the baseline (no connection, after a warm-up batch of connections has
 * come and gone) divided by the connections. Correctness per step: every connection open, its replies and
 * snapshots received, a heartbeat about every second of the hold, no error, and the gateway counting the same
 * sessions.
 */
public final class IdleBench
{
    /** The gateway's default sessions per remote address ({@code GatewayConfig.maxSessionsPerIp}). */
    static final int DEFAULT_SESSIONS_PER_IP = 1_000;
    private static final double MIB = 1024.0 * 1024.0;
    /**
     * The longest a connection may wait for a heartbeat during a hold: 1 s nominal; docs/protocol.md tells clients
     * to treat several silent seconds as a dead connection.
     */
    static final long MAX_HEARTBEAT_GAP_MS = 3_000;

    private final Options o;
    private final PrintStream out;
    private final List<String> summary = new ArrayList<>();
    /** The steps of the last run, baseline first (for tests). */
    final List<Step> steps = new ArrayList<>();

    /** The rig's options; see perf/README.md. */
    static final class Options
    {
        int[] connections = {1_000, 5_000, 10_000};
        int symbols = 8;
        int connSymbols = 4;
        int depth = 10;
        int bookLevels = 20;
        double hold = 20;
        int warmupConnections = 200;
        int sourceIps;
        int clientThreads = 2;
        String targetHeap = "1g";
        String clientHeap = "512m";
        List<String> targetJavaOpts = List.of();
        boolean histogram;
        Path out;

        static Options parse(final String[] args)
        {
            final Args a = new Args(args);
            for (final String name : a.names())
            {
                if (!List.of("--connections", "--symbols", "--conn-symbols", "--depth", "--book-levels", "--hold",
                    "--warmup-connections", "--source-ips", "--client-threads", "--target-heap", "--client-heap",
                    "--target-java-opts", "--histogram", "--out").contains(name))
                {
                    throw new IllegalArgumentException("unknown option " + name + " (see perf/README.md)");
                }
            }
            final Options o = new Options();
            o.connections = Arrays.stream(a.value("--connections", "1000,5000,10000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            for (int i = 0; i < o.connections.length; i++)
            {
                if (o.connections[i] <= 0 || (i > 0 && o.connections[i] <= o.connections[i - 1]))
                {
                    throw new IllegalArgumentException("--connections is a rising list of positive counts");
                }
            }
            o.symbols = a.intValue("--symbols", o.symbols);
            o.connSymbols = a.intValue("--conn-symbols", o.connSymbols);
            o.depth = a.intValue("--depth", o.depth);
            o.bookLevels = a.intValue("--book-levels", Math.max(o.bookLevels, o.depth));
            if (o.connSymbols < 1 || o.connSymbols > o.symbols || o.bookLevels < o.depth || o.depth < 1)
            {
                throw new IllegalArgumentException(
                    "need 1 <= --conn-symbols <= --symbols and --book-levels >= --depth");
            }
            o.hold = a.doubleValue("--hold", o.hold);
            if (o.hold < 2)
            {
                throw new IllegalArgumentException("--hold is at least 2 s (heartbeats come every second)");
            }
            o.warmupConnections = a.intValue("--warmup-connections", o.warmupConnections);
            final int most = o.connections[o.connections.length - 1];
            o.sourceIps = a.intValue("--source-ips", (most + DEFAULT_SESSIONS_PER_IP - 1) / DEFAULT_SESSIONS_PER_IP);
            if (o.sourceIps < 1 || o.sourceIps > 250)
            {
                throw new IllegalArgumentException("--source-ips is 1..250");
            }
            o.clientThreads = a.intValue("--client-threads", o.clientThreads);
            o.targetHeap = a.value("--target-heap", o.targetHeap);
            o.clientHeap = a.value("--client-heap", o.clientHeap);
            final String javaOpts = a.value("--target-java-opts", "").trim();
            o.targetJavaOpts = javaOpts.isEmpty() ? List.of() : List.of(javaOpts.split(" +"));
            o.histogram = a.flag("--histogram");
            final String outDir = a.value("--out", null);
            o.out = outDir != null ? Path.of(outDir) : Path.of("bench-results",
                "idle-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            return o;
        }

        int mostConnections()
        {
            return connections[connections.length - 1];
        }

        /** Connections per source address at the largest step. */
        int perSource()
        {
            return (mostConnections() + sourceIps - 1) / sourceIps;
        }

        /** Loopback source addresses 127.0.0.2, 127.0.0.3, ... (all local on Linux). */
        String sources()
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < sourceIps; i++)
            {
                sb.append(i == 0 ? "" : ",").append("127.0.0.").append(2 + i);
            }
            return sb.toString();
        }
    }

    /**
     * One measurement: {@code connections} held idle.
     *
     * @param check the client's {@code CHECK} fields (empty at the baseline).
     * @param stats the target's {@code STATS} fields.
     */
    record Step(int connections, Map<String, String> check, Map<String, String> stats, double hold)
    {
        long stat(final String key)
        {
            return Long.parseLong(stats.getOrDefault(key, "-1"));
        }

        long client(final String key)
        {
            return Long.parseLong(check.getOrDefault(key, "-1"));
        }

        /**
         * Heartbeats every connection must have had in the hold: the gateway sends one after 1 s without traffic,
         * checked about every millisecond; on a loaded box the agent's pass over 10,000 sessions stretches that, so
         * one per 1.33 s is required (the longest wait is checked too: {@link #MAX_HEARTBEAT_GAP_MS}).
         */
        long heartbeatsRequired()
        {
            return Math.max(1, (long)Math.floor(hold * 0.75));
        }

        boolean correct()
        {
            if (connections == 0)
            {
                return stat("openSessions") == 0;
            }
            return client("connections") == connections && client("open") == connections &&
                client("closed") == 0 && client("settled") == connections && client("errors") == 0 &&
                client("others") == 0 && client("minHeartbeats") >= heartbeatsRequired() &&
                client("maxHeartbeatGapMs") <= MAX_HEARTBEAT_GAP_MS &&
                stat("openSessions") == connections && stat("activeSessions") == connections;
        }
    }

    IdleBench(final Options o, final PrintStream out)
    {
        this.o = o;
        this.out = out;
    }

    public static void main(final String[] args) throws Exception
    {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h"))
        {
            System.out.println("usage: tickwire bench idle [--connections 1000,5000,10000] [--hold S] " +
                "[--symbols K] [--conn-symbols M] [--depth D] [--book-levels L] [--warmup-connections W] " +
                "[--source-ips S] [--client-threads T] [--target-heap 1g] [--client-heap 512m] " +
                "[--target-java-opts \"...\"] [--histogram] [--out DIR]  (perf/README.md)");
            return;
        }
        final String[] rest = args.length > 0 && "idle".equals(args[0]) ? Arrays.copyOfRange(args, 1, args.length) :
            args;
        final IdleBench bench = new IdleBench(Options.parse(rest), System.out);
        if (!bench.run())
        {
            System.exit(1);
        }
    }

    /**
     * @return true if every step was correct.
     */
    boolean run() throws Exception
    {
        Files.createDirectories(o.out);
        steps.clear();
        final boolean perIpRaised = o.perSource() > DEFAULT_SESSIONS_PER_IP;
        say(String.format(Locale.ROOT, "# idle rig %s: connections %s, hold %.1f s, symbols %d, per connection " +
                "trades+ticker of %d and book depth %d of 1 (books %d levels a side), target heap %s, %d source " +
                "address(es) (%d connections each at most), load average %s", LocalDateTime.now(),
            Arrays.toString(o.connections), o.hold, o.symbols, o.connSymbols, o.depth, o.bookLevels, o.targetHeap,
            o.sourceIps, o.perSource(), FanoutBench.loadAverage()));
        say("# gateway bounds: defaults" + (o.mostConnections() > 10_000 ?
            ", maxSessions raised to " + o.mostConnections() : "") + (perIpRaised ?
            ", maxSessionsPerIp raised to " + o.perSource() + " and maxConnectionsPerIp to " + (o.perSource() + 100) :
            " (per-address limits kept: the connections come from " + o.sourceIps + " loopback addresses)"));
        try (FanoutBench.Child target = startTarget(perIpRaised))
        {
            final String ready = target.await("READY", 180);
            final int port = Integer.parseInt(FanoutBench.field(ready, "ws"));
            if (o.warmupConnections > 0)
            {
                try (FanoutBench.Child warm = startClient(port, "warmup"))
                {
                    opened(warm, o.warmupConnections);
                    warm.send("CHECK");
                    final Map<String, String> check = FanoutBench.fields(warm.await("CHECK", 60));
                    say("# warm-up: " + o.warmupConnections + " connections opened, subscribed and closed (errors " +
                        check.get("errors") + ")");
                }
                awaitSessions(target, 0);
            }
            // the baseline's CPU over one hold with no connection: the idle strategies' share of the figures below
            final double idleCpu = FanoutBench.cpuSeconds(target.pid());
            final long idleStart = System.nanoTime();
            Thread.sleep(Math.round(o.hold * 1000)); // the idle hold being measured, not a synchronisation
            final Map<String, String> baseCheck = new LinkedHashMap<>();
            baseCheck.put("targetCpuPercent", Long.toString(Math.round(100 * (FanoutBench.cpuSeconds(target.pid()) -
                idleCpu) / ((System.nanoTime() - idleStart) / 1e9))));
            baseCheck.put("clientCpuPercent", "-");
            baseCheck.put("load", FanoutBench.loadAverage().split(" ")[0]);
            final Map<String, String> baseline = stats(target);
            record(new Step(0, baseCheck, baseline, o.hold), baseline);
            try (FanoutBench.Child client = startClient(port, "client"))
            {
                for (final int n : o.connections)
                {
                    final String openedLine = opened(client, n);
                    client.send("MARK");
                    client.await("MARKED", 30);
                    final double targetCpu = FanoutBench.cpuSeconds(target.pid());
                    final double clientCpu = FanoutBench.cpuSeconds(client.pid());
                    final long holdStart = System.nanoTime();
                    Thread.sleep(Math.round(o.hold * 1000)); // the idle hold being measured, not a synchronisation
                    final double held = (System.nanoTime() - holdStart) / 1e9;
                    final String load = FanoutBench.loadAverage().split(" ")[0];
                    client.send("CHECK");
                    final Map<String, String> check =
                        new LinkedHashMap<>(FanoutBench.fields(client.await("CHECK", 60)));
                    // the CPU the idle connections cost (heartbeats), in % of one core, and the box's load meanwhile
                    check.put("targetCpuPercent", Long.toString(
                        Math.round(100 * (FanoutBench.cpuSeconds(target.pid()) - targetCpu) / held)));
                    check.put("clientCpuPercent", Long.toString(
                        Math.round(100 * (FanoutBench.cpuSeconds(client.pid()) - clientCpu) / held)));
                    check.put("load", load);
                    for (final String error : client.drainLines("ERROR"))
                    {
                        say("# client " + error);
                    }
                    final Step step = new Step(n, check, stats(target), o.hold);
                    say("# step " + n + ": opened in " + FanoutBench.field(openedLine, "seconds") + " s");
                    record(step, baseline);
                    if (o.histogram && n == o.mostConnections())
                    {
                        histogram(target.pid(), n);
                    }
                }
            }
        }
        table();
        say("# load average at the end: " + FanoutBench.loadAverage());
        Files.write(o.out.resolve("summary.txt"), summary);
        say("# summary.txt, the processes' stderr logs" + (o.histogram ? " and the class histogram" : "") + " in " +
            o.out.toAbsolutePath());
        return steps.stream().allMatch(Step::correct);
    }

    private String opened(final FanoutBench.Child client, final int n) throws InterruptedException
    {
        client.send("OPEN " + n);
        final String line = client.awaitOrEmpty("OPENED", 600);
        if (!"true".equals(FanoutBench.field(line, "ok")))
        {
            client.send("CHECK");
            final String check = client.awaitOrEmpty("CHECK", 30);
            throw new IllegalStateException("the client did not open " + n + " connections: " + line + "; " +
                check + " " + client.drainLines("ERROR"));
        }
        return line;
    }

    /** Waits until the gateway has closed every session of the warm-up (its stats line says so). */
    private void awaitSessions(final FanoutBench.Child target, final int sessions) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, String> stats;
        while (Long.parseLong((stats = stats(target)).get("openSessions")) != sessions ||
            Long.parseLong(stats.get("activeSessions")) != sessions)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the gateway still had warm-up sessions open after 60 s");
            }
            Thread.sleep(200); // polls the target's stats (each a full GC) five times a second at most
        }
    }

    private static Map<String, String> stats(final FanoutBench.Child target) throws InterruptedException
    {
        target.send("stats");
        return FanoutBench.fields(target.await("STATS", 120));
    }

    private void record(final Step step, final Map<String, String> baseline)
    {
        steps.add(step);
        final long used = step.stat("heapUsedAfterFullGc");
        final long base = Long.parseLong(baseline.get("heapUsedAfterFullGc"));
        say(String.format(Locale.ROOT, "STEP connections=%d heapAfterFullGc=%d heapMaxSampled=%d heapMax=%d " +
                "perConnection=%s directUsed=%d directCount=%d rss=%d threads=%d openSessions=%d tcpConnections=%d " +
                "open=%s closed=%s settled=%s minHeartbeats=%s maxHeartbeats=%s maxHeartbeatGapMs=%s errors=%s " +
                "others=%s targetCpuPercent=%s clientCpuPercent=%s load=%s correct=%s",
            step.connections(), used, step.stat("heapMaxUsedSampled"), step.stat("heapMax"),
            step.connections() == 0 ? "-" : Long.toString((used - base) / step.connections()),
            step.stat("directUsed"), step.stat("directCount"), step.stat("rss"), step.stat("threads"),
            step.stat("openSessions"), step.stat("tcpConnections"), step.check().getOrDefault("open", "-"),
            step.check().getOrDefault("closed", "-"), step.check().getOrDefault("settled", "-"),
            step.check().getOrDefault("minHeartbeats", "-"), step.check().getOrDefault("maxHeartbeats", "-"),
            step.check().getOrDefault("maxHeartbeatGapMs", "-"), step.check().getOrDefault("errors", "-"),
            step.check().getOrDefault("others", "-"), step.check().getOrDefault("targetCpuPercent", "-"),
            step.check().getOrDefault("clientCpuPercent", "-"), step.check().getOrDefault("load", "-"),
            step.correct()));
    }

    private void table()
    {
        final Step base = steps.get(0);
        say("");
        say("| connections | heap after full GC (MiB) | over baseline (MiB) | per connection (bytes) | heap max " +
            "sampled (MiB) | direct (MiB, buffers) | RSS (MiB) | threads | heartbeats per connection in the hold " +
            "(min-max) | longest wait for a heartbeat (ms) | CPU in the hold, % of a core: target / client (load) " +
            "| correct |");
        say("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (final Step s : steps)
        {
            final long over = s.stat("heapUsedAfterFullGc") - base.stat("heapUsedAfterFullGc");
            say(String.format(Locale.ROOT,
                "| %,d | %.1f | %s | %s | %.1f | %.1f (%,d) | %.0f | %d | %s | %s | %s | %s |",
                s.connections(), s.stat("heapUsedAfterFullGc") / MIB,
                s.connections() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", over / MIB),
                s.connections() == 0 ? "-" : String.format(Locale.ROOT, "%,d", over / s.connections()),
                s.stat("heapMaxUsedSampled") / MIB, s.stat("directUsed") / MIB, s.stat("directCount"),
                s.stat("rss") / MIB, s.stat("threads"),
                s.connections() == 0 ? "-" : s.client("minHeartbeats") + "-" + s.client("maxHeartbeats"),
                s.connections() == 0 ? "-" : Long.toString(s.client("maxHeartbeatGapMs")),
                s.check().get("targetCpuPercent") + " / " + s.check().get("clientCpuPercent") + " (" +
                    s.check().get("load") + ")",
                s.correct() ? "yes" : "NO"));
        }
        if (steps.size() > 2)
        {
            // least-squares slope of heap after full GC over connections, baseline included
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            for (final Step s : steps)
            {
                final double x = s.connections();
                final double y = s.stat("heapUsedAfterFullGc");
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            final int n = steps.size();
            final double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
            final double directSlope = (steps.get(n - 1).stat("directUsed") - base.stat("directUsed")) /
                (double)steps.get(n - 1).connections();
            final double rssSlope = (steps.get(n - 1).stat("rss") - base.stat("rss")) /
                (double)steps.get(n - 1).connections();
            say(String.format(Locale.ROOT, "PER-CONNECTION heap %.0f bytes (least-squares slope over %d points), " +
                "direct %.0f bytes, RSS %.0f bytes (largest step over baseline)", slope, n, directSlope, rssSlope));
        }
        final Step last = steps.get(steps.size() - 1);
        final boolean allCorrect = steps.stream().allMatch(Step::correct);
        say(String.format(Locale.ROOT, "IDLE %d connections: %s; heap after full GC %.1f MiB, largest sampled " +
                "%.1f MiB, of %.0f MiB (-Xmx)", last.connections(), allCorrect ? "every step correct" :
                "NOT every step correct", last.stat("heapUsedAfterFullGc") / MIB, last.stat("heapMaxUsedSampled") / MIB,
            last.stat("heapMax") / MIB));
    }

    private void histogram(final long pid, final int connections) throws IOException, InterruptedException
    {
        final Path file = o.out.resolve("class-histogram-" + connections + ".txt");
        final Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true).redirectOutput(file.toFile()).start();
        if (!jcmd.waitFor(120, TimeUnit.SECONDS))
        {
            jcmd.destroyForcibly();
        }
        say("# class histogram of the target at " + connections + " connections (jcmd GC.class_histogram, top 25; " +
            "all in " + file + "):");
        final List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < Math.min(lines.size(), 28); i++)
        {
            say("#   " + lines.get(i));
        }
    }

    private FanoutBench.Child startTarget(final boolean perIpRaised) throws IOException
    {
        final List<String> command = new ArrayList<>(FanoutBench.java(o.targetHeap));
        command.addAll(command.size() - 2, o.targetJavaOpts);
        command.add(TickwireTarget.class.getName());
        command.addAll(List.of("--symbols", Integer.toString(o.symbols),
            "--clients", Integer.toString(o.mostConnections()), "--bounds", "idle",
            "--book-levels", Integer.toString(o.bookLevels)));
        if (perIpRaised)
        {
            command.addAll(List.of("--max-sessions-per-ip", Integer.toString(o.perSource())));
        }
        return new FanoutBench.Child("tickwire", command, o.out.resolve("tickwire.stderr.log"));
    }

    private FanoutBench.Child startClient(final int port, final String name) throws IOException
    {
        final List<String> command = new ArrayList<>(FanoutBench.java(o.clientHeap));
        command.add(IdleClient.class.getName());
        command.addAll(List.of("--port", Integer.toString(port), "--symbols", Integer.toString(o.symbols),
            "--conn-symbols", Integer.toString(o.connSymbols), "--depth", Integer.toString(o.depth),
            "--threads", Integer.toString(o.clientThreads), "--sources", o.sources()));
        return new FanoutBench.Child(name, command, o.out.resolve(name + ".stderr.log"));
    }

    private void say(final String line)
    {
        out.println(line);
        out.flush();
        summary.add(line);
    }
}
