package io.gregor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry speaking the Confluent Schema Registry REST API: Apicurio Registry 3.3.3
 * run as a child process ({@code java -jar quarkus-run.jar}) on 127.0.0.1, with in-memory storage
 * and Confluent's default global compatibility rule (BACKWARD).
 *
 * <p>The registry lives in a child process, not in this JVM, because Quarkus wants JVM-wide
 * settings (system class path, logging manager) that would clash with the tests. Its output goes
 * to {@code registry.log} in its temporary directory, which {@link #close()} deletes. A shutdown
 * hook makes sure the process never outlives this JVM.
 *
 * <p>The distribution is found under the directory named by system property
 * {@value #HOME_PROPERTY} or environment variable {@value #HOME_ENV}; the testkit build unpacks
 * it there ({@code mvn -pl testkit generate-resources}).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** System property naming the directory that holds the unpacked Apicurio Registry distribution. */
    public static final String HOME_PROPERTY = "gregor.apicurio.home";
    /** Environment variable naming the directory that holds the unpacked Apicurio Registry distribution. */
    public static final String HOME_ENV = "GREGOR_APICURIO_HOME";
    /** The path under the base URL where the Confluent-compatible API lives. */
    public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final String RUN_JAR = "quarkus-run.jar";
    private static final int MINIMUM_JAVA = 21;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 50;
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final Path directory;
    private final Path logFile;
    private final int port;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private final boolean deleteOnClose;
    private boolean closed;

    private EmbeddedSchemaRegistry(Process process, Path directory, Path logFile, int port, Duration startupTime,
                                   Thread shutdownHook, boolean deleteOnClose) {
        this.process = process;
        this.directory = directory;
        this.logFile = logFile;
        this.port = port;
        this.startupTime = startupTime;
        this.shutdownHook = shutdownHook;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Starts a registry process and returns once its readiness check answers UP.
     *
     * @return the running registry; the caller closes it
     * @throws IllegalStateException if the distribution is missing, this JVM is older than Java 21,
     *                               or the registry does not become ready within 90 s (the message
     *                               then holds the end of its log)
     */
    public static EmbeddedSchemaRegistry start() {
        EmbeddedSchemaRegistry registry = startQuietly();
        LOG.info("Apicurio Registry (Confluent API) at {} (started in {} ms)", registry.url(),
                registry.startupTime().toMillis());
        return registry;
    }

    /** Starts without the one-line announcement, for callers that announce a whole setup themselves. */
    static EmbeddedSchemaRegistry startQuietly() {
        long begin = System.nanoTime();
        requireJava21();
        Path runJar = findRunJar();
        String java = Support.currentJavaExecutable();
        Path directory = Support.createOwnedTempDirectory("gregor-registry-");
        for (int attempt = 1; ; attempt++) {
            Path logFile = directory.resolve("registry-" + attempt + ".log");
            int httpPort = Support.freeLoopbackPort();
            int managementPort = Support.freeLoopbackPort();
            while (managementPort == httpPort) {
                managementPort = Support.freeLoopbackPort();
            }
            Process process = launch(java, runJar, directory, logFile, httpPort, managementPort, List.of());
            Support.recordProcess(directory, "registry-" + attempt, process.pid());
            Thread hook = Support.addShutdownHook("gregor-schema-registry-shutdown", () -> stop(process));
            try {
                awaitReady(process, managementPort, logFile);
                Duration took = Duration.ofNanos(System.nanoTime() - begin);
                return new EmbeddedSchemaRegistry(process, directory, logFile, httpPort, took, hook, true);
            } catch (RuntimeException e) {
                stop(process);
                Support.removeShutdownHook(hook);
                // Ports are picked before launch, so another process can take one meanwhile: retry that.
                boolean portTaken = Support.tail(logFile, LOG_TAIL_LINES).contains("already in use");
                if (!portTaken || attempt == START_ATTEMPTS) {
                    Support.deleteRecursively(directory);
                    throw e;
                }
                LOG.warn("Schema registry port {} or {} was taken; retrying with other ports", httpPort, managementPort);
            }
        }
    }

    /**
     * Starts a registry whose schemas stay in {@code directory} after {@link #close()} (an H2
     * database file), so that schema ids stay the same across restarts, on fixed ports so that
     * clients configured for an earlier run stay valid.
     *
     * @param directory      where the database, the registry's log and its temporary files live; created if missing
     * @param httpPort       the port of the registry's API
     * @param managementPort the port of its health checks
     * @return the running registry; the caller closes it
     * @throws IllegalStateException as {@link #start()} does, or if a port is taken
     */
    public static EmbeddedSchemaRegistry startPersistent(Path directory, int httpPort, int managementPort) {
        long begin = System.nanoTime();
        requireJava21();
        Path runJar = findRunJar();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to create the registry's directory " + directory + ", but could not", e);
        }
        Path logFile = directory.resolve("registry.log");
        // Apicurio's default storage is this same SQL storage on an in-memory H2 database; a file keeps it.
        String database = "-Dapicurio.datasource.url=jdbc:h2:file:" + directory.toAbsolutePath().resolve("registry-db");
        Process process = launch(Support.currentJavaExecutable(), runJar, directory, logFile, httpPort, managementPort,
                List.of(database));
        Thread hook = Support.addShutdownHook("gregor-schema-registry-shutdown", () -> stop(process));
        try {
            awaitReady(process, managementPort, logFile);
        } catch (RuntimeException e) {
            stop(process);
            Support.removeShutdownHook(hook);
            throw e;
        }
        return new EmbeddedSchemaRegistry(process, directory, logFile, httpPort,
                Duration.ofNanos(System.nanoTime() - begin), hook, false);
    }

    private static void requireJava21() {
        int feature = Runtime.version().feature();
        if (feature < MINIMUM_JAVA) {
            throw new IllegalStateException("Expected Java " + MINIMUM_JAVA + " or newer to run Apicurio Registry, but "
                    + "this JVM is Java " + Runtime.version() + " (" + System.getProperty("java.home") + "). "
                    + "Run under a JDK >= " + MINIMUM_JAVA + " (the Maven build selects one via maven-toolchains-plugin).");
        }
    }

    /** Locates {@code quarkus-run.jar} under the configured home. */
    static Path findRunJar() {
        return findRunJar(Support.setting(HOME_PROPERTY, HOME_ENV));
    }

    /** Locates {@code quarkus-run.jar}; the tarball may or may not wrap it in a top folder. */
    static Path findRunJar(Optional<String> configured) {
        String fix = "Run `mvn -pl testkit generate-resources` in the Gregor checkout to unpack it, and pass its "
                + "directory as system property " + HOME_PROPERTY + " or environment variable " + HOME_ENV + ".";
        if (configured.isEmpty()) {
            throw new IllegalStateException("Expected the Apicurio Registry home in system property " + HOME_PROPERTY
                    + " or environment variable " + HOME_ENV + ", but neither is set. " + fix);
        }
        Path home = Path.of(configured.get());
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException("Expected an unpacked Apicurio Registry at " + home
                    + ", but that directory does not exist. " + fix);
        }
        try (Stream<Path> files = Files.find(home, 4, (path, attributes) ->
                attributes.isRegularFile() && path.getFileName().toString().equals(RUN_JAR))) {
            return files.min(Comparator.comparingInt(Path::getNameCount)).orElseThrow(() -> new IllegalStateException(
                    "Expected " + RUN_JAR + " under " + home + ", but found none. " + fix));
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to search " + home + " for " + RUN_JAR + ", but could not", e);
        }
    }

    private static Process launch(String java, Path runJar, Path directory, Path logFile, int httpPort,
                                  int managementPort, List<String> extraProperties) {
        List<String> command = new ArrayList<>(List.of(
                java,
                // A cheap start: the registry sees little load in tests, so C1 and a small serial heap suffice.
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // Otherwise Quarkus and Vert.x leave files in the shared /tmp.
                "-Djava.io.tmpdir=" + directory,
                "-Dvertx.cacheDirBase=" + directory.resolve("vertx-cache"),
                "-Dquarkus.http.host=" + Support.LOOPBACK,
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=" + Support.LOOPBACK,
                "-Dquarkus.management.port=" + managementPort,
                // Apicurio's default is NONE; Confluent's (what Gregor's users expect) is BACKWARD.
                "-Dapicurio.rules.global.compatibility=BACKWARD"));
        command.addAll(extraProperties);
        command.addAll(List.of("-jar", runJar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                // Its working directory is its own temporary one, so nothing lands in the shared distribution.
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to launch the schema registry with " + command + ", but could not", e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** Polls the readiness endpoint; waiting on the process's exit between polls notices a crash at once. */
    private static void awaitReady(Process process, int managementPort, Path logFile) {
        URI ready = URI.create("http://" + Support.LOOPBACK + ":" + managementPort + "/health/ready");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastAnswer = "no answer yet";
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Expected the schema registry to become ready, but its process exited "
                            + "with code " + process.exitValue() + ". Last " + LOG_TAIL_LINES + " lines of " + logFile
                            + ":\n" + Support.tail(logFile, LOG_TAIL_LINES));
                }
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    lastAnswer = "HTTP " + response.statusCode() + " " + response.body();
                } catch (IOException notListeningYet) {
                    lastAnswer = notListeningYet.toString();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Expected the schema registry to be ready within "
                            + READY_TIMEOUT.toSeconds() + " s at " + ready + ", but its last answer was: " + lastAnswer
                            + ". Last " + LOG_TAIL_LINES + " lines of " + logFile + ":\n"
                            + Support.tail(logFile, LOG_TAIL_LINES));
                }
                try {
                    process.onExit().get(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    // The normal case: poll again.
                } catch (ExecutionException e) {
                    throw new IllegalStateException("Expected to watch the schema registry process, but could not", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the schema registry to become ready", e);
        }
    }

    /** SIGTERM, a grace period for Quarkus to stop, then SIGKILL. */
    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** {@return the base URL of the Confluent-compatible API, {@code http://127.0.0.1:<port>/apis/ccompat/v7}} */
    public String url() {
        return "http://" + Support.LOOPBACK + ":" + port + CONFLUENT_API_PATH;
    }

    /** {@return how long {@link #start()} took, from launching the process to the readiness check answering UP} */
    public Duration startupTime() {
        return startupTime;
    }

    /** {@return the file receiving the registry's output (deleted by {@link #close()})} */
    public Path logFile() {
        return logFile;
    }

    /** {@return the operating-system process id of the registry} */
    public long pid() {
        return process.pid();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and deletes its directory unless started persistent; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stop(process);
        Support.removeShutdownHook(shutdownHook);
        if (deleteOnClose) {
            Support.deleteRecursively(directory);
        }
    }

    @Override
    public String toString() {
        return "schema registry at " + url();
    }
}
