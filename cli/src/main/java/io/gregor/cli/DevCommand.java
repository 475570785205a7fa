package io.gregor.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gregor dev}: runs a {@link DevServer} until Ctrl+C. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Start a dev server in this process: Kafka, a schema registry, an orchestrator with the HTTP API "
                + "and the dashboard, and a worker, with the example workflows. Stop it with Ctrl+C.",
                "Without --data-dir its state is temporary."})
final class DevCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7070", description = "The HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--headless", description = "Serve the HTTP API without the dashboard.")
    boolean headless;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep the broker's, registry's and orchestrator's state "
            + "in DIR across restarts (and the ports, fixed on first start).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        spec.commandLine().getOut().println(dataDir == null
                ? "Starting a dev server with temporary state: it is deleted when the server stops (--data-dir DIR keeps it)..."
                : "Starting a dev server with its state in " + dataDir.toAbsolutePath() + "...");
        spec.commandLine().getOut().flush();
        DevServer server;
        try {
            server = DevServer.start(new DevServer.Options(port, headless, dataDir));
        } catch (RuntimeException e) {
            throw new CliException(ExitCodes.REFUSED, "Expected the dev server to start, but it did not: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onStop(() -> {
            spec.commandLine().getErr().println("Stopping the dev server...");
            spec.commandLine().getErr().flush();
            server.close();
            stopped.countDown();
        });
        // Without the signal handlers (or on System.exit), the hooks stop it, though not in order.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gregor-dev-shutdown"));
        spec.commandLine().getOut().print(server.banner() + "Press Ctrl+C to stop.\n");
        spec.commandLine().getOut().flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
