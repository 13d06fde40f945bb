package io.tickwire.app;

import io.tickwire.replay.ReplayBounds;
import io.tickwire.replay.ReplayPublisher;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code tickwire replay}: serves a journal range at 1x, Nx or full speed over the WebSocket protocol and/or an
 * Aeron stream, keeping the recorded timing.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Replay a journal range with its recorded timing at the chosen speed: a WebSocket endpoint " +
        "that speaks the live protocol (ws://HOST:PORT/stream) and/or an Aeron stream of the journal's batches. " +
        "The batches before the range go first at full speed, so books are right as of --from; the range starts " +
        "when the first WebSocket client sends a request (unless --no-wait).",
    footer = {
        "%nSEQ is a seq number; TIME an ISO-8601 instant (2024-05-01T12:00:00Z). --from is inclusive; --to SEQ is",
        "inclusive, --to TIME exclusive. Batches are replayed whole, with their journal seqs.",
        "%nExamples:",
        "  tickwire replay --journal ./data/journal --speed 10x",
        "  tickwire replay --journal ./data/journal --from 2024-05-01T12:00:00Z --to 2024-05-01T12:05:00Z --speed 1x",
        "  tickwire replay --journal ./data/journal --from 1000 --to 50000 --symbols BTC-USD,ETH-USD --port 9090",
        "  tickwire replay --journal ./data/journal --speed max --no-websocket \\",
        "      --channel 'aeron:udp?endpoint=10.0.0.5:40500' --stream 21 --exit-at-end"
    })
final class ReplayCommand implements Callable<Integer>
{
    @Option(names = "--journal", paramLabel = "DIR", required = true, description = "Journal directory")
    Path journal;

    @Option(names = "--from", paramLabel = "SEQ|TIME",
        description = "First seq (inclusive), or the first batch at or after TIME. Default: the journal's start")
    String from;

    @Option(names = "--to", paramLabel = "SEQ|TIME",
        description = "Last seq (inclusive), or stop before the first batch at or after TIME. Default: the " +
            "journal's end when the command starts")
    String to;

    @Option(names = "--symbols", paramLabel = "A,B", split = ",",
        description = "Only these symbols: on the WebSocket endpoint clients may subscribe to these only " +
            "(NOT_ENTITLED otherwise); on --channel only the batches holding one of their events are published")
    List<String> symbols = List.of();

    @Option(names = "--speed", paramLabel = "SPEED", defaultValue = "1x",
        description = "1x, 10x, 0.5x, ... (recorded time per wall time) or max. Default: ${DEFAULT-VALUE}")
    String speed;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
        description = "WebSocket/HTTP port of the replay endpoint (0: any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind. Default: all interfaces")
    String host;

    @Option(names = "--no-websocket", description = "No WebSocket endpoint: publish on --channel only")
    boolean noWebsocket;

    @Option(names = "--channel", paramLabel = "URI", description = "Also publish the replay on this Aeron channel")
    String channel;

    @Option(names = "--stream", paramLabel = "ID", defaultValue = "21",
        description = "Stream id for --channel. Default: ${DEFAULT-VALUE}")
    int stream;

    @Option(names = "--no-wait", description = "Start the range at once, not at the first WebSocket client's request")
    boolean noWait;

    @Option(names = "--exit-at-end", description = "Exit once the range is replayed (default: keep serving)")
    boolean exitAtEnd;

    @Override
    public Integer call() throws Exception
    {
        if (!Files.isDirectory(journal))
        {
            throw new IllegalArgumentException("--journal " + journal + ": no such directory");
        }
        if (noWebsocket && channel == null)
        {
            throw new IllegalArgumentException("--no-websocket needs --channel: there would be no output");
        }
        if (!noWebsocket && (port < 0 || port > 65535))
        {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        final double pace = parseSpeed(speed);
        final long fromSeq = seqOf(from);
        final long fromTime = fromSeq == ReplayBounds.NONE && from != null ? TimeArgument.parse("--from", from) : ReplayBounds.NONE;
        final long toSeq = seqOf(to);
        final long toTime = toSeq == ReplayBounds.NONE && to != null ? TimeArgument.parse("--to", to) : ReplayBounds.NONE;
        if (fromSeq != ReplayBounds.NONE && fromSeq < 1 || toSeq != ReplayBounds.NONE && toSeq < 1)
        {
            throw new IllegalArgumentException("seqs start at 1");
        }
        final Set<String> selected = new LinkedHashSet<>();
        for (final String symbol : symbols)
        {
            if (!symbol.isBlank())
            {
                selected.add(symbol.trim());
            }
        }
        final ReplayBounds bounds = ReplayNode.bounds(journal, fromSeq, fromTime, toSeq, toTime);
        final ReplayNode.Settings settings = new ReplayNode.Settings(journal, bounds, pace, Set.copyOf(selected),
            noWebsocket ? -1 : port, host, channel, stream, !noWait && !noWebsocket);
        final ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
        try (ReplayNode node = ReplayNode.launch(settings))
        {
            banner(System.out, node);
            final Thread watcher = new Thread(() -> watch(node, barrier), "tickwire-replay-watch");
            watcher.setDaemon(true);
            watcher.start();
            barrier.await();
            return node.failure() != null ? 1 : 0;
        }
    }

    private void watch(final ReplayNode node, final ShutdownSignalBarrier barrier)
    {
        while (!node.publisher().done())
        {
            if (node.failure() != null)
            {
                barrier.signal(); // reported by the node: exit with status 1
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
        final boolean applied = node.awaitGatewayApplied(30_000_000_000L);
        System.out.println(summaryLine(node.publisher().summary()) +
            (exitAtEnd ? "; exiting" : "; still serving (Ctrl-C stops)"));
        System.out.flush();
        if (exitAtEnd)
        {
            if (applied && node.gateway() != null)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(500_000_000L); // let the last frames go out
            }
            barrier.signal();
        }
    }

    /**
     * @return the line printed when the range is done.
     */
    static String summaryLine(final ReplayPublisher.Summary s)
    {
        if (s.batches() == 0)
        {
            return "replay done: the range holds no event";
        }
        return String.format(Locale.ROOT, "replay done: %d events in %d batches (seq %d..%d), %.3f s recorded in " +
                "%.3f s: %.2fx; latest batch %.3f ms after its time", s.events(), s.batches(), s.firstSeq(), s.lastSeq(),
            s.recordedNanos() / 1e9, s.wallNanos() / 1e9, s.effectiveSpeed(), s.maxLateNanos() / 1e6);
    }

    private static void banner(final PrintStream out, final ReplayNode node)
    {
        final ReplayNode.Settings s = node.settings();
        out.printf("tickwire replay%n");
        out.printf("  journal      %s%n", s.journal().toAbsolutePath());
        out.printf("  range        %s%n", s.bounds().empty() ? "empty" :
            "seq " + s.bounds().fromSeq() + " .. " + s.bounds().toSeq() + " (whole batches)");
        out.printf("  speed        %s%n", s.speed() == 0 ? "max" : s.speed() + "x");
        out.printf("  symbols      %s%n", s.symbols().isEmpty() ? "all" : String.join(",", s.symbols()));
        if (node.gateway() != null)
        {
            final int p = node.gateway().port();
            out.printf("  websocket    ws://localhost:%d/stream   (JSON protocol, replay endpoint: docs/protocol.md)%n", p);
            out.printf("  page         http://localhost:%d/%n", p);
        }
        if (s.channel() != null)
        {
            out.printf("  aeron        %s stream %d (driver %s)%n", s.channel(), s.streamId(), node.aeronDirectory());
        }
        out.printf(s.waitForClient() ? "The range starts at the first client request. Ctrl-C stops.%n" :
            "Ctrl-C stops.%n");
        out.flush();
    }

    /**
     * @return the seq when {@code value} is a plain number, else {@link ReplayBounds#NONE} (a time, or absent).
     */
    private static long seqOf(final String value)
    {
        if (value == null || !value.trim().matches("\\d+"))
        {
            return ReplayBounds.NONE;
        }
        try
        {
            return Long.parseLong(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + value + "' is not a seq", ex);
        }
    }

    static double parseSpeed(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        if ("max".equals(text))
        {
            return 0;
        }
        final String number = text.endsWith("x") ? text.substring(0, text.length() - 1) : text;
        try
        {
            final double speed = Double.parseDouble(number);
            if (speed > 0 && speed <= 1_000_000)
            {
                return speed;
            }
        }
        catch (final NumberFormatException ex)
        {
            // below
        }
        throw new IllegalArgumentException("--speed must be max or a positive factor like 1x, 10x, 0.5x; got '" +
            value + "'");
    }
}
