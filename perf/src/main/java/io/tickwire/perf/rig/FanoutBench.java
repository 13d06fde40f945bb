package io.tickwire.perf.rig;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The open-loop fan-out rig: {@code ./tickwire bench fanout [options]} (perf/README.md has every option and
 * the method). For each run it starts the system under test in its own process (Tickwire's engine and
 * gateway, the Netty peer, the Node {@code ws} peer or the NIO floor), starts {@link FanoutClient} (or, with
 * {@code --client java}, {@link LibraryFanoutClient}: the project's Java client library) in another process, and
 * paces the deterministic {@link TickStream} to the target over a local TCP connection at a fixed
 * rate: tick {@code i} is due at {@code t0 + i / rate}, and a late tick keeps its due time (open loop: the
 * driver never waits for clients; latency is measured from the due time, so it is free of coordinated
 * omission). It reports the clients' percentiles, deliveries per second, gaps, duplicates and missing messages,
 * the CPU seconds of every process (from {@code /proc/<pid>/stat}), and writes {@code .hgrm} files.
 */
public final class FanoutBench
{
    static final List<String> TARGETS = List.of("tickwire", "netty", "ws", "floor");
    /** Client implementations: the lean NIO client ({@link FanoutClient}) and the Java client library. */
    static final List<String> CLIENTS = List.of("lean", "java");

    private final Options o;
    /** Set when a checked promise (--stall-max-ratio) did not hold in this invocation. */
    private boolean promiseBroken;
    private final PrintStream out;
    private final List<String> summary = new ArrayList<>();

    /** The rig's options; see perf/README.md. */
    static final class Options
    {
        int clients = 100;
        double rate = 1_000;
        int symbols = 100;
        String subscription = "all";
        int payload;
        double duration = 10;
        double warmup = 3;
        double drain = 5;
        List<String> targets = List.of("tickwire");
        List<String> clientImpls = List.of("lean");
        String clientProtocol = "sbe";
        int repeats = 1;
        int clientThreads = 2;
        String cpusTarget;
        String cpusClient;
        String cpusDriver;
        boolean sweep;
        double p99BoundMs = 10;
        double sweepFactor = 2;
        int sweepSteps = 8;
        double stallFraction;
        double stallSeconds;
        /** With stalls: the most the others' p99 may grow (stall / no stall); 0: report only. */
        double stallMaxRatio;
        /** With stalls and a ratio: the least the others' deliveries/s may keep (stall / no stall). */
        double stallMinRate = 0.95;
        /** Stall runs of the Tickwire target: the gateway's conflateAboveBytes/closeAboveBytes; null: defaults. */
        String stallBounds;
        /** Stall runs: SO_RCVBUF of the stalled connections (bytes); 0: the kernel's default and autotuning. */
        int stallRcvbuf;
        Path out;
        String targetHeap = "2g";
        String clientHeap = "1g";
        List<String> targetJavaOpts = List.of();
        int nettyThreads = 2;
        Path peersDir;

        static Options parse(final String[] args)
        {
            final Args a = new Args(args);
            final Options o = new Options();
            for (final String name : a.names())
            {
                if (!List.of("--clients", "--rate", "--symbols", "--subscription", "--payload", "--duration",
                    "--warmup",
                    "--drain", "--target", "--repeats", "--client-threads", "--cpus", "--sweep", "--p99-bound",
                    "--sweep-factor", "--sweep-steps", "--stall-fraction", "--stall-seconds", "--stall-max-ratio", "--out",
                    "--stall-min-rate", "--stall-bounds", "--stall-rcvbuf",
                    "--target-heap",
                    "--client-heap", "--target-java-opts", "--netty-threads", "--peers-dir", "--client",
                    "--client-protocol").contains(name))
                {
                    throw new IllegalArgumentException("unknown option " + name + " (see perf/README.md)");
                }
            }
            o.clients = a.intValue("--clients", o.clients);
            o.rate = a.doubleValue("--rate", o.rate);
            o.symbols = a.intValue("--symbols", o.symbols);
            o.subscription = a.value("--subscription", o.subscription);
            o.payload = a.intValue("--payload", 0);
            o.duration = a.doubleValue("--duration", o.duration);
            o.warmup = a.doubleValue("--warmup", o.warmup);
            o.drain = a.doubleValue("--drain", o.drain);
            final String target = a.value("--target", "tickwire");
            o.targets = "all".equals(target) ? TARGETS : List.of(target.split(","));
            for (final String t : o.targets)
            {
                if (!TARGETS.contains(t))
                {
                    throw new IllegalArgumentException(
                        "unknown target " + t + "; one or more of " + TARGETS + " or all");
                }
            }
            o.clientImpls = List.of(a.value("--client", "lean").split(","));
            for (final String impl : o.clientImpls)
            {
                if (!CLIENTS.contains(impl))
                {
                    throw new IllegalArgumentException("unknown client " + impl + "; one or more of " + CLIENTS);
                }
            }
            o.clientProtocol = a.value("--client-protocol", o.clientProtocol);
            if (!List.of("sbe", "json").contains(o.clientProtocol))
            {
                throw new IllegalArgumentException("--client-protocol is sbe or json");
            }
            o.repeats = a.intValue("--repeats", 1);
            o.clientThreads = a.intValue("--client-threads", 2);
            final String cpus = a.value("--cpus", null);
            if (cpus != null)
            {
                final String[] parts = cpus.split("/");
                o.cpusTarget = parts[0].isEmpty() ? null : parts[0];
                o.cpusClient = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
                o.cpusDriver = parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null;
            }
            o.sweep = a.flag("--sweep");
            o.p99BoundMs = a.doubleValue("--p99-bound", o.p99BoundMs);
            o.sweepFactor = a.doubleValue("--sweep-factor", o.sweepFactor);
            o.sweepSteps = a.intValue("--sweep-steps", o.sweepSteps);
            o.stallFraction = a.doubleValue("--stall-fraction", 0);
            o.stallSeconds = a.doubleValue("--stall-seconds", 0);
            o.stallMaxRatio = a.doubleValue("--stall-max-ratio", 0);
            o.stallMinRate = a.doubleValue("--stall-min-rate", o.stallMinRate);
            o.stallBounds = a.value("--stall-bounds", null);
            o.stallRcvbuf = a.intValue("--stall-rcvbuf", 0);
            if (o.stallBounds != null && !o.stallBounds.matches("[0-9]+/[0-9]+"))
            {
                throw new IllegalArgumentException("--stall-bounds is CONFLATE_BYTES/CLOSE_BYTES, e.g. 16384/262144");
            }
            o.targetHeap = a.value("--target-heap", o.targetHeap);
            o.clientHeap = a.value("--client-heap", o.clientHeap);
            o.nettyThreads = a.intValue("--netty-threads", o.nettyThreads);
            final String javaOpts = a.value("--target-java-opts", "").trim();
            o.targetJavaOpts = javaOpts.isEmpty() ? List.of() : List.of(javaOpts.split(" +"));
            final String outDir = a.value("--out", null);
            o.out = outDir != null ? Path.of(outDir) : Path.of("bench-results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            final String peers = a.value("--peers-dir", System.getProperty("tickwire.peers.dir"));
            o.peersDir = peers != null ? Path.of(peers) : findPeersDir();
            if (!List.of("all", "1-in-10").contains(o.subscription))
            {
                throw new IllegalArgumentException("--subscription is all or 1-in-10");
            }
            if (o.payload > 0 && o.targets.contains("tickwire"))
            {
                throw new IllegalArgumentException("--payload pads the peers' messages only: Tickwire's gateway " +
                    "writes " +
                    "the protocol's trade message; run --payload without the tickwire target");
            }
            if (o.clientImpls.contains("java") && !o.targets.equals(List.of("tickwire")))
            {
                throw new IllegalArgumentException("--client java runs the Tickwire Java client library, which " +
                    "speaks only the Tickwire protocol: use it with --target tickwire alone (the peers answer " +
                    "just the lean client's subscribe; compare them with --client lean)");
            }
            if (o.clientImpls.contains("java") && o.stallFraction > 0)
            {
                throw new IllegalArgumentException("--stall-fraction needs --client lean: the Java client library " +
                    "reads as fast as its listener returns and has no way to stop reading");
            }
            if (o.stallFraction > 0 && (o.stallSeconds <= 0 || o.stallSeconds > o.duration))
            {
                throw new IllegalArgumentException("--stall-fraction needs --stall-seconds in (0, --duration]");
            }
            if (o.rate <= 0 || o.clients <= 0 || o.duration <= 0)
            {
                throw new IllegalArgumentException("--rate, --clients and --duration must be positive");
            }
            return o;
        }

        private static Path findPeersDir()
        {
            for (final Path candidate :
                List.of(Path.of("perf", "peers"), Path.of("peers"), Path.of("..", "perf", "peers")))
            {
                if (Files.isDirectory(candidate.resolve("ws")))
                {
                    return candidate;
                }
            }
            return Path.of("perf", "peers");
        }
    }

    /** What one run measured. */
    record Result(String target, String clientImpl, double rate, int clients, boolean stall,
        Map<String, String> client, Map<String, Double> cpuSeconds, Histogram feedLag, Map<String, String> stats,
        String label)
    {
        long value(final String key)
        {
            return Long.parseLong(client.getOrDefault(key, "-1"));
        }

        double windowSeconds()
        {
            return Double.parseDouble(client.get("windowSeconds"));
        }

        double deliveriesPerSecond()
        {
            return (value("expected") - value("missing")) / windowSeconds();
        }

        double othersPerSecond()
        {
            return value("othersInWindow") / windowSeconds();
        }

        boolean correct()
        {
            return value("gaps") == 0 && value("duplicates") == 0 && value("missing") == 0 && value("errors") == 0 &&
                value("closed") == 0 && value("expected") > 0;
        }

        double cpuPerDelivery()
        {
            return cpuSeconds.getOrDefault("target", Double.NaN) / Math.max(1, value("expected") - value("missing"));
        }

        double clientCpuPerDelivery()
        {
            final double deliveries = value("expected") - value("missing");
            return deliveries > 0 ? cpuSeconds.getOrDefault("client", Double.NaN) / deliveries : Double.NaN; // none: n/a
        }

        double p99Micros()
        {
            return value("p99") / 1000.0;
        }
    }

    FanoutBench(final Options o, final PrintStream out)
    {
        this.o = o;
        this.out = out;
    }

    public static void main(final String[] args) throws Exception
    {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h"))
        {
            System.out.println("usage: tickwire bench fanout [--clients N] [--rate TICKS_PER_S] [--symbols K] " +
                "[--subscription all|1-in-10] [--payload B] [--duration S] [--warmup S] " +
                "[--target tickwire|netty|ws|floor|all|LIST] [--client lean|java|lean,java] " +
                "[--client-protocol sbe|json] [--repeats N] [--cpus TARGET/CLIENT/DRIVER] " +
                "[--sweep --p99-bound MS] [--stall-fraction F --stall-seconds S [--stall-max-ratio R] " +
                "[--stall-min-rate F] [--stall-bounds CONFLATE/CLOSE] [--stall-rcvbuf B]] [--out DIR]  " +
                "(perf/README.md)");
            return;
        }
        final String[] rest = args.length > 0 && "fanout".equals(args[0]) ?
            java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        final FanoutBench bench = new FanoutBench(Options.parse(rest), System.out);
        bench.run();
        if (bench.promiseBroken)
        {
            System.exit(1); // --stall-max-ratio was given and a stall run broke it
        }
    }

    void run() throws Exception
    {
        Files.createDirectories(o.out);
        if (o.cpusDriver != null)
        {
            exec(List.of("taskset", "-pc", o.cpusDriver, Long.toString(ProcessHandle.current().pid())));
        }
        say(String.format(Locale.ROOT, "# fanout rig %s: clients %d, rate %.0f ticks/s, symbols %d, subscription %s, " +
            "duration %.1f s (+%.1f s warm-up), targets %s, client %s%s, repeats %d, load average %s",
            LocalDateTime.now(), o.clients, o.rate, o.symbols, o.subscription, o.duration, o.warmup, o.targets,
            o.clientImpls, o.clientImpls.contains("java") ? " (java over " + o.clientProtocol + ")" : "", o.repeats,
            loadAverage()));
        final List<Result> results = new ArrayList<>();
        final Map<String, String> skipped = new LinkedHashMap<>();
        for (int r = 1; r <= o.repeats; r++)
        {
            for (final String target : o.targets)
            {
                if (skipped.containsKey(target))
                {
                    continue;
                }
                final String why = unavailable(target);
                if (why != null)
                {
                    skipped.put(target, why);
                    say("# target " + target + " skipped: " + why);
                    continue;
                }
                for (final String impl : o.clientImpls)
                {
                    if (o.sweep)
                    {
                        results.addAll(sweep(target, impl, r));
                    }
                    else if (o.stallFraction > 0)
                    {
                        results.add(runOnce(target, impl, o.rate, false, r));
                        results.add(runOnce(target, impl, o.rate, true, r));
                    }
                    else
                    {
                        results.add(runOnce(target, impl, o.rate, false, r));
                    }
                }
            }
        }
        say("# load average at the end: " + loadAverage());
        ratios(results);
        Files.write(o.out.resolve("summary.txt"), summary);
        say("# results, .hgrm files and summary.txt in " + o.out.toAbsolutePath());
        lastResults = results;
        lastSkipped = skipped;
    }

    List<Result> lastResults = List.of();
    Map<String, String> lastSkipped = Map.of();

    private List<Result> sweep(final String target, final String impl, final int repeat) throws Exception
    {
        final List<Result> steps = new ArrayList<>();
        double rate = o.rate;
        double best = 0;
        for (int step = 0; step < o.sweepSteps; step++)
        {
            final Result result = runOnce(target, impl, rate, false, repeat);
            steps.add(result);
            final boolean kept = result.correct() && result.p99Micros() <= o.p99BoundMs * 1000 &&
                result.deliveriesPerSecond() >= 0.95 * offered(rate);
            if (!kept)
            {
                break;
            }
            best = Math.max(best, result.deliveriesPerSecond());
            rate *= o.sweepFactor;
        }
        say(String.format(Locale.ROOT, "SWEEP target=%s client=%s repeat=%d maxSustainedDeliveriesPerSecond=%.0f " +
            "p99Bound=%.1fms", target, impl, repeat, best, o.p99BoundMs));
        return steps;
    }

    private double offered(final double rate)
    {
        return rate * o.clients * ("all".equals(o.subscription) ? 1.0 : 0.1);
    }

    // ------------------------------------------------------------------ one run

    Result runOnce(final String target, final String impl, final double rate, final boolean stall, final int repeat)
        throws Exception
    {
        // lean runs keep their labels (and .hgrm names); java runs are named after the client
        final String label = String.format(Locale.ROOT, "%s%s-r%d-%.0f%s", target,
            "lean".equals(impl) ? "" : "-" + impl, repeat, rate, stall ? "-stall" : "");
        try (Child sut = startTarget(target, stall))
        {
            final String ready = sut.await("READY", 180);
            final int wsPort = Integer.parseInt(field(ready, "ws"));
            final int feedPort = Integer.parseInt(field(ready, "feed"));
            try (Child client = startClient(target, impl, wsPort, label))
            {
                client.await("READY", 300);
                final TickStream stream = new TickStream(o.symbols, o.payload);
                final long period = Math.max(1, Math.round(1e9 / rate));
                final long total = Math.max(2, Math.round((o.warmup + o.duration) * rate));
                final long from = Math.round(o.warmup * rate);
                final Histogram lag = new Histogram(600_000_000_000L, 3);
                final Map<String, Double> cpuStart = new LinkedHashMap<>();
                try (SocketChannel feed = SocketChannel.open(new InetSocketAddress("127.0.0.1", feedPort)))
                {
                    feed.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    final long t0 = System.nanoTime() + 300_000_000L;
                    final long stallStart = stall ? t0 + from * period : Long.MAX_VALUE;
                    final long stallEnd = stall ? stallStart + Math.round(o.stallSeconds * 1e9) : Long.MAX_VALUE;
                    client.send("START " + t0 + " " + period + " " + total + " " + from + " " + total + " " +
                        stallStart + " " + stallEnd);
                    pace(stream, feed, t0, period, total, from, lag, () -> cpuSample(cpuStart, sut, client));
                    final String resultLine = client.await("RESULT", (long)(o.drain + 120));
                    final Map<String, Double> cpuEnd = new LinkedHashMap<>();
                    cpuSample(cpuEnd, sut, client);
                    final Map<String, Double> cpu = new LinkedHashMap<>();
                    for (final Map.Entry<String, Double> e : cpuEnd.entrySet())
                    {
                        cpu.put(e.getKey(), e.getValue() - cpuStart.getOrDefault(e.getKey(), 0.0));
                    }
                    final Map<String, String> stats = new LinkedHashMap<>();
                    if ("tickwire".equals(target))
                    {
                        sut.send("stats");
                        stats.putAll(fields(sut.await("STATS", 60)));
                    }
                    client.awaitOrEmpty("DONE", 30);
                    for (final String error : client.drainLines("ERROR"))
                    {
                        say("# client " + error);
                    }
                    final Result result = new Result(
                        target, impl, rate, o.clients, stall, fields(resultLine), cpu, lag, stats, label);
                    print(result);
                    return result;
                }
            }
        }
    }

    /** Sends tick records at their due times; a late tick is sent at once with its original due time. */
    private static void pace(final TickStream stream, final SocketChannel feed, final long t0, final long period,
        final long total, final long from, final Histogram lag, final Runnable atWindowStart) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20);
        long tick = 0;
        boolean sampled = false;
        while (tick < total)
        {
            final long now = System.nanoTime();
            final long due = t0 + tick * period;
            if (due > now)
            {
                LockSupport.parkNanos(due - now);
                continue;
            }
            if (!sampled && tick >= from)
            {
                sampled = true;
                atWindowStart.run();
            }
            buffer.clear();
            final long first = tick;
            while (tick < total && t0 + tick * period <= now && stream.encode(tick, t0 + tick * period, buffer) > 0)
            {
                tick++;
            }
            buffer.flip();
            while (buffer.hasRemaining())
            {
                feed.write(buffer);
            }
            final long written = System.nanoTime();
            for (long t = first; t < tick; t++)
            {
                lag.recordValue(Math.max(0, written - (t0 + t * period)));
            }
        }
    }

    private void cpuSample(final Map<String, Double> into, final Child sut, final Child client)
    {
        into.put("target", cpuSeconds(sut.pid()));
        into.put("client", cpuSeconds(client.pid()));
        into.put("driver", cpuSeconds(ProcessHandle.current().pid()));
    }

    /** utime + stime of a process and its threads, in seconds ({@code /proc/<pid>/stat}, USER_HZ 100). */
    static double cpuSeconds(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is f[0], utime is field 14 of the line = f[11], stime f[12]
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        }
        catch (final IOException | RuntimeException ex)
        {
            return Double.NaN;
        }
    }

    // ------------------------------------------------------------------ processes

    private String unavailable(final String target)
    {
        if (!"ws".equals(target))
        {
            return null;
        }
        final Path ws = o.peersDir.resolve("ws");
        if (!Files.exists(ws.resolve("server.js")))
        {
            return "no " + ws.resolve("server.js") + " (run from the repository root or pass --peers-dir)";
        }
        if (exec(List.of("node", "--version")) != 0)
        {
            return "node is not installed";
        }
        if (!Files.isDirectory(ws.resolve("node_modules").resolve("ws")))
        {
            say("# installing the ws peer's dependencies: npm ci in " + ws);
            final int rc = execIn(ws, List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"));
            if (rc != 0 || !Files.isDirectory(ws.resolve("node_modules").resolve("ws")))
            {
                return "npm ci failed (exit " + rc + "; no network to the npm registry?)";
            }
        }
        return null;
    }

    private Child startTarget(final String target, final boolean stall) throws IOException
    {
        final List<String> command = new ArrayList<>(taskset(o.cpusTarget));
        final List<String> common = List.of("--symbols", Integer.toString(o.symbols));
        switch (target)
        {
            case "tickwire" ->
            {
                command.addAll(java(o.targetHeap));
                command.addAll(command.size() - 2, o.targetJavaOpts);
                command.add(TickwireTarget.class.getName());
                command.addAll(common);
                command.addAll(List.of(
                    "--clients", Integer.toString(o.clients), "--bounds", stall ? "default" : "high"));
                if (stall && o.stallBounds != null)
                {
                    final String[] bounds = o.stallBounds.split("/");
                    command.addAll(List.of("--conflate-above", bounds[0], "--close-above", bounds[1]));
                }
            }
            case "netty" ->
            {
                command.addAll(java(o.targetHeap));
                command.add("io.tickwire.perf.peers.NettyPeer");
                command.addAll(common);
                command.addAll(List.of("--threads", Integer.toString(o.nettyThreads)));
            }
            case "floor" ->
            {
                command.addAll(java(o.targetHeap));
                command.add(FloorPeer.class.getName());
                command.addAll(common);
            }
            case "ws" ->
            {
                command.add("node");
                command.add(o.peersDir.resolve("ws").resolve("server.js").toString());
                command.addAll(common);
            }
            default -> throw new IllegalArgumentException(target);
        }
        return new Child(target, command, o.out.resolve(target + ".stderr.log"));
    }

    private Child startClient(final String target, final String impl, final int port, final String label)
        throws IOException
    {
        final List<String> command = new ArrayList<>(taskset(o.cpusClient));
        command.addAll(java(o.clientHeap));
        if ("java".equals(impl))
        {
            command.add(LibraryFanoutClient.class.getName());
            command.addAll(List.of("--port", Integer.toString(port), "--protocol", o.clientProtocol,
                "--clients", Integer.toString(o.clients), "--symbols", Integer.toString(o.symbols),
                "--subscription", o.subscription, "--threads", Integer.toString(o.clientThreads),
                "--out", o.out.toString(), "--label", label, "--drain", Double.toString(o.drain)));
            return new Child("client", command, o.out.resolve("client.stderr.log"));
        }
        command.add(FanoutClient.class.getName());
        command.addAll(List.of("--port", Integer.toString(port), "--protocol", "floor".equals(target) ? "raw" : "ws",
            "--clients", Integer.toString(o.clients), "--symbols", Integer.toString(o.symbols),
            "--subscription", o.subscription, "--threads", Integer.toString(o.clientThreads),
            "--out", o.out.toString(), "--label", label, "--drain", Double.toString(o.drain)));
        if (o.stallFraction > 0)
        {
            // the same connections form the stalled group in the run without stalls (they just never stop), so
            // "others" are the same connections in both runs
            command.addAll(List.of("--stall-fraction", Double.toString(o.stallFraction),
                "--stall-rcvbuf", Integer.toString(o.stallRcvbuf)));
        }
        return new Child("client", command, o.out.resolve("client.stderr.log"));
    }

    private static List<String> taskset(final String cpus)
    {
        return cpus == null ? List.of() : List.of("taskset", "-c", cpus);
    }

    /** This JVM's java, module flags and classpath (the perf jar, or the test classpath). */
    private static List<String> java(final String heap)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("--enable-native") ||
                arg.startsWith("--sun-misc") || arg.startsWith("-Dagrona"))
            {
                command.add(arg);
            }
        }
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-XX:+AlwaysPreTouch");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private int exec(final List<String> command)
    {
        return execIn(Path.of("."), command);
    }

    private static int execIn(final Path dir, final List<String> command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(300, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A child process: stdout lines queued, stdin for commands, stderr to a log file; closing ends it. */
    static final class Child implements AutoCloseable
    {
        private final String name;
        private final Process process;
        private final PrintWriter stdin;
        private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(100_000);

        Child(final String name, final List<String> command, final Path stderr) throws IOException
        {
            this.name = name;
            process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile())).start();
            stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = in.readLine()) != null)
                    {
                        lines.offer(line);
                    }
                }
                catch (final IOException ignored)
                {
                    // the process ended
                }
            }, name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        long pid()
        {
            return process.pid();
        }

        void send(final String line)
        {
            stdin.println(line);
        }

        String await(final String prefix, final long seconds) throws InterruptedException
        {
            final String line = awaitOrEmpty(prefix, seconds);
            if (line.isEmpty())
            {
                throw new IllegalStateException(name + " printed no " + prefix + " line within " + seconds + " s" +
                    (process.isAlive() ? "" : " (exited with " + process.exitValue() + "; see its stderr log)"));
            }
            return line;
        }

        String awaitOrEmpty(final String prefix, final long seconds) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true)
            {
                final long left = deadline - System.nanoTime();
                final String line = lines.poll(Math.max(1, Math.min(left, 200_000_000L)), TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix))
                {
                    return line;
                }
                if (line != null && line.startsWith("ERROR"))
                {
                    lines.offer(line); // keep for drainLines (order among errors does not matter)
                    if (lines.stream().allMatch(l -> l.startsWith("ERROR")) && !process.isAlive())
                    {
                        return "";
                    }
                }
                if (left <= 0 || (line == null && !process.isAlive() && lines.isEmpty()))
                {
                    return "";
                }
            }
        }

        List<String> drainLines(final String prefix)
        {
            final List<String> found = new ArrayList<>();
            for (final String line : lines)
            {
                if (line.startsWith(prefix))
                {
                    found.add(line);
                }
            }
            lines.clear();
            return found;
        }

        @Override
        public void close() throws InterruptedException
        {
            stdin.close();
            if (!process.waitFor(15, TimeUnit.SECONDS))
            {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS))
                {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    // ------------------------------------------------------------------ output

    private void print(final Result r)
    {
        final double deliveries = r.value("expected") - r.value("missing");
        final double cpuTarget = r.cpuSeconds().getOrDefault("target", Double.NaN);
        say(String.format(Locale.ROOT,
            "RUN %-8s client %-4s rate %8.0f clients %5d%s | deliveries/s %10.0f | us p50 %8.1f p90 %8.1f " +
                "p99 %9.1f p99.9 %9.1f p99.99 %9.1f max %9.1f | gaps %d dups %d missing %d closed %d errors %d | " +
                "cpu s target %.2f client %.2f " +
                "driver %.2f (us/delivery target %.2f client %.2f) | feed lag us p50 %.1f p99 %.1f%s",
            r.target(), r.clientImpl(), r.rate(), r.clients(), r.stall() ? " STALL" : "",
            r.stall() ? r.othersPerSecond() : r.deliveriesPerSecond(), us(r, "p50"), us(r, "p90"), us(r, "p99"),
            us(r, "p999"), us(r, "p9999"), us(r, "max"), r.value("gaps"), r.value("duplicates"), r.value("missing"),
            r.value("closed"), r.value("errors"), cpuTarget, r.cpuSeconds().getOrDefault("client", Double.NaN),
            r.cpuSeconds().getOrDefault("driver", Double.NaN), deliveries > 0 ? cpuTarget * 1e6 / deliveries : Double.NaN,
            r.clientCpuPerDelivery() * 1e6,
            r.feedLag().getValueAtPercentile(50) / 1000.0, r.feedLag().getValueAtPercentile(99) / 1000.0,
            r.stall() ? String.format(Locale.ROOT, " | stalled %d: correct %d, closed 4008 %d (resume seq right %d), " +
                    "stalled p99 us %.1f", r.value("stalled"), r.value("stalledCorrect"), r.value("stalled4008"),
                r.value("stalled4008SeqOk"), us(r, "stalledP99")) : ""));
        if (!r.stats().isEmpty())
        {
            say("     gateway: heap max used (sampled every 20 ms) " + mib(r.stats().get("heapMaxUsedSampled")) +
                " MiB, used after full GC " + mib(r.stats().get("heapUsedAfterFullGc")) + " MiB of " +
                mib(r.stats().get("heapMax")) + " MiB; conflated " + r.stats().get("conflated") +
                ", slow-consumer closes " + r.stats().get("slowConsumerCloses") + ", max bytes in flight per session " +
                r.stats().get("maxSessionBytesInFlight") + "; JSON encodings shared " +
                r.stats().get("jsonEncodingsShared") + ", rebased " + r.stats().get("jsonEncodingsRebased"));
        }
    }

    private static String mib(final String bytes)
    {
        return bytes == null ? "?" : String.format(Locale.ROOT, "%.1f", Long.parseLong(bytes) / 1048576.0);
    }

    private static double us(final Result r, final String key)
    {
        return r.value(key) / 1000.0;
    }

    private void ratios(final List<Result> results)
    {
        if (o.stallFraction > 0)
        {
            for (final Result stalled : results)
            {
                if (!stalled.stall())
                {
                    continue;
                }
                for (final Result base : results)
                {
                    if (!base.stall() && base.label().equals(stalled.label().replace("-stall", "")))
                    {
                        say(String.format(Locale.ROOT, "STALL %s: others' deliveries/s %.0f vs %.0f without stalls " +
                                "(%.3f), others' p99 %.1f us vs %.1f us (%.3f)", stalled.target(),
                            stalled.othersPerSecond(), base.othersPerSecond(),
                            stalled.othersPerSecond() / base.othersPerSecond(), stalled.p99Micros(), base.p99Micros(),
                            stalled.p99Micros() / base.p99Micros()));
                        if (o.stallMaxRatio > 0)
                        {
                            final double p99Ratio = stalled.p99Micros() / base.p99Micros();
                            final double rateRatio = stalled.othersPerSecond() / base.othersPerSecond();
                            // every stalled connection ended with every tick, or closed 4008 naming its last seq
                            final boolean stalledOk = stalled.value("stalledCorrect") +
                                stalled.value("stalled4008SeqOk") == stalled.value("stalled");
                            final boolean held =
                                p99Ratio <= o.stallMaxRatio && rateRatio >= o.stallMinRate && stalledOk;
                            promiseBroken |= !held;
                            say(String.format(Locale.ROOT, "STALL %s: %s: others' p99 ratio %.3f (at most %.2f), " +
                                    "deliveries/s ratio %.3f (at least %.2f), stalled clients correct or closed 4008 " +
                                    "with their last seq: %d of %d", stalled.target(), held ? "PASS" : "FAIL", p99Ratio,
                                o.stallMaxRatio, rateRatio, o.stallMinRate,
                                stalled.value("stalledCorrect") + stalled.value("stalled4008SeqOk"),
                                stalled.value("stalled")));
                        }
                    }
                }
            }
            return;
        }
        if (!o.targets.contains("tickwire"))
        {
            return;
        }
        if (o.clientImpls.containsAll(CLIENTS))
        {
            clientRatio(results);
        }
        for (final String peer : List.of("netty", "ws", "floor"))
        {
            final List<Double> p99 = new ArrayList<>();
            final List<Double> p50 = new ArrayList<>();
            final List<Double> cpu = new ArrayList<>();
            final List<Double> sustained = new ArrayList<>();
            for (int r = 1; r <= o.repeats; r++)
            {
                final Result ours = best(results, "tickwire", "lean", r);
                final Result theirs = best(results, peer, "lean", r);
                if (ours == null || theirs == null || (!o.sweep && (!ours.correct() || !theirs.correct())))
                {
                    continue; // a run that lost messages has no meaningful percentiles
                }
                if (o.sweep)
                {
                    final double theirsSustained = sustainedOf(results, peer, "lean", r);
                    if (theirsSustained > 0)
                    {
                        sustained.add(sustainedOf(results, "tickwire", "lean", r) / theirsSustained);
                    }
                    else
                    {
                        say("# no ratio with " + peer + " in repeat " + r + ": it sustained no step within the bound");
                    }
                }
                else
                {
                    p50.add((double)ours.value("p50") / theirs.value("p50"));
                    p99.add((double)ours.value("p99") / theirs.value("p99"));
                    cpu.add(ours.cpuPerDelivery() / theirs.cpuPerDelivery());
                }
            }
            if (o.sweep && !sustained.isEmpty())
            {
                say(String.format(Locale.ROOT, "RATIO tickwire/%s max sustained deliveries/s (p99 <= %.1f ms): %s " +
                    "over %d repeats", peer, o.p99BoundMs, range(sustained), sustained.size()));
            }
            else if (!p99.isEmpty())
            {
                say(String.format(Locale.ROOT, "RATIO tickwire/%s at %.0f ticks/s: p50 %s, p99 %s, " +
                    "target CPU per delivery %s over %d repeats (below 1: tickwire lower)", peer, o.rate, range(p50),
                    range(p99), range(cpu), p99.size()));
            }
        }
    }

    /** The Java client library against the lean client on the Tickwire target, per repeat. */
    private void clientRatio(final List<Result> results)
    {
        final List<Double> p50 = new ArrayList<>();
        final List<Double> p99 = new ArrayList<>();
        final List<Double> cpu = new ArrayList<>();
        final List<Double> sustained = new ArrayList<>();
        for (int r = 1; r <= o.repeats; r++)
        {
            final Result lean = best(results, "tickwire", "lean", r);
            final Result java = best(results, "tickwire", "java", r);
            if (lean == null || java == null)
            {
                continue;
            }
            if (o.sweep)
            {
                final double leanSustained = sustainedOf(results, "tickwire", "lean", r);
                if (leanSustained > 0)
                {
                    sustained.add(sustainedOf(results, "tickwire", "java", r) / leanSustained);
                }
            }
            else if (lean.correct() && java.correct())
            {
                p50.add((double)java.value("p50") / lean.value("p50"));
                p99.add((double)java.value("p99") / lean.value("p99"));
                cpu.add(java.clientCpuPerDelivery() / lean.clientCpuPerDelivery());
            }
        }
        if (!sustained.isEmpty())
        {
            say(String.format(Locale.ROOT, "RATIO client java/lean max sustained deliveries/s (p99 <= %.1f ms): %s " +
                "over %d repeats", o.p99BoundMs, range(sustained), sustained.size()));
        }
        else if (!p99.isEmpty())
        {
            say(String.format(Locale.ROOT, "RATIO client java/lean at %.0f ticks/s: p50 %s, p99 %s, client CPU per " +
                "delivery %s over %d repeats (above 1: the library slower)", o.rate, range(p50), range(p99),
                range(cpu), p99.size()));
        }
    }

    private double sustainedOf(final List<Result> results, final String target, final String impl, final int repeat)
    {
        double best = 0;
        for (final Result r : results)
        {
            if (r.target().equals(target) && r.clientImpl().equals(impl) && r.label().contains("-r" + repeat + "-") &&
                r.correct() &&
                r.p99Micros() <= o.p99BoundMs * 1000 && r.deliveriesPerSecond() >= 0.95 * offered(r.rate()))
            {
                best = Math.max(best, r.deliveriesPerSecond());
            }
        }
        return best;
    }

    private static Result best(final List<Result> results, final String target, final String impl, final int repeat)
    {
        for (final Result r : results)
        {
            if (r.target().equals(target) && r.clientImpl().equals(impl) && r.label().contains("-r" + repeat + "-"))
            {
                return r;
            }
        }
        return null;
    }

    private static String range(final List<Double> values)
    {
        final double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        final double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.2f-%.2f", min, max);
    }

    private void say(final String line)
    {
        out.println(line);
        out.flush();
        summary.add(line);
    }

    static String loadAverage()
    {
        try
        {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final IOException ex)
        {
            return "?";
        }
    }

    static String field(final String line, final String key)
    {
        return fields(line).get(key);
    }

    static Map<String, String> fields(final String line)
    {
        final Map<String, String> map = new LinkedHashMap<>();
        for (final String part : line.split(" "))
        {
            final int eq = part.indexOf('=');
            if (eq > 0)
            {
                map.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return map;
    }

    static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
