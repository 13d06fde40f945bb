package io.tickwire.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tickwire} command line. Every subcommand has {@code --help} with examples.
 */
@Command(
    name = "tickwire",
    mixinStandardHelpOptions = true,
    versionProvider = TickwireCli.Version.class,
    description = "Tickwire: a low-latency market-data streaming engine.%n",
    subcommands = {
        RunCommand.class,
        EngineCommand.class,
        GatewayCommand.class,
        DumpCommand.class,
        SeqCommand.class,
        ReplayCommand.class,
        RetentionCommand.class,
        CommandLine.HelpCommand.class
    },
    footer = {
        "%nExamples:",
        "  tickwire run                          whole system on port 8080, simulated market",
        "  tickwire run --rate 5000 --instruments 20 --seed 7",
        "  tickwire engine --journal ./data/journal --feed ticks.ndjson",
        "  tickwire dump --journal ./data/journal --from 1 --to 100 --symbol BTC-USD",
        "  tickwire seq --journal ./data/journal --time 2024-05-01T12:00:00Z",
        "  tickwire replay --journal ./data/journal --from 2024-05-01T12:00:00Z --speed 10x",
        "  tickwire retention --journal ./data/journal --keep-cycles 24"
    })
public final class TickwireCli implements Runnable
{
    static
    {
        // Chronicle must never phone home, whatever way this JVM was started.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        // Libraries log their start-up chatter at INFO; the banner says what matters. Override with -D.
        setIfAbsent("org.slf4j.simpleLogger.log.net.openhft", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    }

    private static void setIfAbsent(final String key, final String value)
    {
        if (System.getProperty(key) == null)
        {
            System.setProperty(key, value);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        final int code = execute(args);
        ShutdownSignal.release(); // after a signal: the command has closed everything, the JVM may halt now
        System.exit(code);
    }

    /**
     * Runs the CLI without exiting the JVM (tests).
     *
     * @return the exit code: 0 success, 1 runtime failure, 2 bad usage.
     */
    public static int execute(final String... args)
    {
        final CommandLine cli = new CommandLine(new TickwireCli());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            commandLine.getErr().println("tickwire: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            if (Boolean.getBoolean("tickwire.debug"))
            {
                ex.printStackTrace(commandLine.getErr());
            }
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /**
     * Reports the version from the jar manifest.
     */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = TickwireCli.class.getPackage().getImplementationVersion();
            return new String[]{"tickwire " + (version != null ? version : "(development build)")};
        }
    }
}
