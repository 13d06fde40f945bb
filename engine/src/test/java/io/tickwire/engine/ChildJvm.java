package io.tickwire.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class with this JVM's classpath and module flags; its stdout lines are queued
 * so the test can wait for them with a deadline. Its stderr goes to a file kept as evidence.
 */
public final class ChildJvm implements AutoCloseable
{
    private final Process process;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);

    public ChildJvm(final Class<?> mainClass, final Path stderr, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle") || arg.startsWith("--enable-native") ||
                arg.startsWith("--sun-misc") || arg.startsWith("-Dagrona") || arg.startsWith("-Dsbe"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .start();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    lines.offer(line);
                }
            }
            catch (final IOException ignored)
            {
                // the child died: expected when killed
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @return the next stdout line starting with {@code prefix}.
     * @throws AssertionError if none comes within {@code timeout}.
     */
    public String awaitLine(final String prefix, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null)
            {
                throw new AssertionError("child printed no '" + prefix + "' line within " + timeout +
                    (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")"));
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    public void send(final String line) throws IOException
    {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /**
     * SIGTERM: the child's shutdown hooks run, as on Ctrl-C or a service stop.
     */
    public void terminate()
    {
        process.destroy();
    }

    /**
     * SIGKILL: no shutdown hook, no flush, no close.
     */
    public void killNine() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public int awaitExit(final Duration timeout) throws InterruptedException
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("child did not exit within " + timeout);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            killNine();
        }
    }
}
