package io.gregor.cli;

import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code gregor} command: a dev server ({@code gregor dev}) and verbs mirroring
 * {@code dapr workflow} against an orchestrator's HTTP API (docs/cli.md).
 */
@Command(name = "gregor", mixinStandardHelpOptions = true, versionProvider = Gregor.Version.class,
        description = "Durable workflows on Apache Kafka: run a dev server, start and operate workflow instances.",
        subcommands = {DevCommand.class, RunCommand.class, ListCommand.class, CountCommand.class, DescribeCommand.class,
                HistoryCommand.class, RaiseEventCommand.class, SuspendCommand.class, ResumeCommand.class,
                TerminateCommand.class, PurgeCommand.class, RerunCommand.class, CompletionCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:the server refused the request (unknown id, conflict, rejected input)",
                "2:usage error (unknown option, bad value)", "3:the server cannot be reached or answered 5xx"})
public final class Gregor implements Runnable {

    /** Where the verbs send requests unless {@code --url} or {@code GREGOR_URL} says otherwise: the dev server. */
    public static final String DEFAULT_URL = "http://127.0.0.1:7070";

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${GREGOR_URL:-" + DEFAULT_URL + "}",
            description = "The orchestrator's HTTP API (default: $GREGOR_URL, else ${DEFAULT-VALUE}).")
    String url;

    private final Clock clock;

    /** A command reading the time from {@code clock} (for the AGE and ELAPSED columns and --start-time). */
    Gregor(Clock clock) {
        this.clock = clock;
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Expected a verb, but found none");
    }

    Clock clock() {
        return clock;
    }

    /**
     * @param clock where the commands read the time
     * @return the command line, with its exit codes wired (docs/cli.md)
     */
    public static CommandLine commandLine(Clock clock) {
        CommandLine commandLine = new CommandLine(new Gregor(clock)).setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof CliException failure) {
                err.println("Error: " + failure.getMessage());
                err.flush();
                return failure.exitCode();
            }
            err.println("Error: " + e);
            err.flush();
            return ExitCodes.REFUSED;
        });
        return commandLine;
    }

    /** @param args the command line */
    public static void main(String[] args) {
        int code = commandLine(Clock.systemUTC()).execute(args);
        // gregor dev blocks in its own command until stopped; every other verb ends here.
        System.exit(code);
    }

    /** The version of the jar, if the build recorded it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Gregor.class.getPackage().getImplementationVersion();
            return new String[] {"gregor " + (version == null ? "(development build)" : version)};
        }
    }
}
