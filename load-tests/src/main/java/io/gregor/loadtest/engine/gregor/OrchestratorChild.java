package io.gregor.loadtest.engine.gregor;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The driver's side of an {@link OrchestratorProcess}: launches it on the driver's own
 * {@code java} and class path, copies its output line by line into a log file, and tells when it
 * printed {@link OrchestratorProcess#RUNNING}. Its heap is {@code -Dgregor.loadtest.orchestrator.heap}
 * (default 1g).
 */
final class OrchestratorChild implements AutoCloseable {
    private static final String HEAP = System.getProperty("gregor.loadtest.orchestrator.heap", "1g");
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    private final Thread killOnExit;

    private OrchestratorChild(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread pump = new Thread(this::pump, "orchestrator-child-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        killOnExit = new Thread(() -> process.toHandle().destroyForcibly(), "orchestrator-child-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * @param settings its command line
     * @param log      receives its standard output and error
     * @return the child, starting
     * @throws IOException if it cannot be launched or the log cannot be created
     */
    static OrchestratorChild launch(OrchestratorProcess.Settings settings, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + HEAP, "--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OrchestratorProcess.class.getName()));
        command.addAll(settings.toArgs());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new OrchestratorChild(process, log);
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Flushes every line: after a SIGKILL the log must already hold all the child said. */
    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                file.write(line);
                file.newLine();
                file.flush();
                if (line.startsWith(OrchestratorProcess.RUNNING)) {
                    running.complete(null);
                }
            }
        } catch (IOException e) {
            // The pipe closes when the child dies; whoever waits learns of it below.
        }
        running.completeExceptionally(new IllegalStateException("Expected the orchestrator child (pid " + process.pid()
                + ") to print " + OrchestratorProcess.RUNNING + ", but its output ended; see " + log.toAbsolutePath()));
    }

    /**
     * @param timeout how long to wait
     * @throws TimeoutException      if it is not RUNNING in time
     * @throws IllegalStateException if it ended without reaching RUNNING
     */
    void awaitRunning(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (IllegalStateException) e.getCause();
        } catch (TimeoutException e) {
            throw new TimeoutException("Expected the orchestrator child (pid " + process.pid() + ") to be RUNNING within "
                    + timeout + ", but it is not; see " + log.toAbsolutePath());
        }
    }

    /** SIGKILLs the child and returns once it is gone. */
    void kill() throws InterruptedException {
        // Through the handle: Process.destroyForcibly() would also close our end of the pipe and lose its last lines.
        process.toHandle().destroyForcibly();
        if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Expected the orchestrator child (pid " + process.pid() + ") to be gone "
                    + EXIT_WAIT.toSeconds() + " s after SIGKILL, but it is alive");
        }
    }

    /** @return the child's pid */
    long pid() {
        return process.pid();
    }

    /** Asks the child to stop (SIGTERM: it closes its orchestrator); SIGKILLs it if it is still alive after 30 s. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.toHandle().destroy();
                if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill();
                }
            }
        } catch (InterruptedException e) {
            process.toHandle().destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs, and the child is gone anyway
            }
        }
    }
}
