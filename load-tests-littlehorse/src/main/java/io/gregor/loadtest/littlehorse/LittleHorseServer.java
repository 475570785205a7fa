package io.gregor.loadtest.littlehorse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LittleHorse server ({@code io.littlehorse.App}) as a child process on the driver's broker,
 * one per driver JVM: a comparison alternates many runs, and a fresh server costs 10-14 s and
 * a cold JIT each time. Stopped by a shutdown hook.
 *
 * <p>Its class path comes from the file lh-server resolved (system property
 * {@value #CLASSPATH_PROPERTY}); it needs Java 25 (its classes are version 69), found by
 * {@link JavaFinder}. Its config is the one of ../shared/RECIPES.md; any {@code LHS_*}
 * environment variable is added to it and wins. It listens on all interfaces (LittleHorse has no
 * bind-address setting), so the driver sends it loopback traffic only. Its files (config, log,
 * state) go to {@code target/littlehorse/<cluster id>/} under the working directory; the state
 * is deleted when it stops, the log is kept.
 */
final class LittleHorseServer {
    /** System property: the file listing the server's class path. */
    static final String CLASSPATH_PROPERTY = "gregor.littlehorse.server.classpath";
    /** System property: the server JVM's maximum heap (default 2g, like the driver's). */
    static final String HEAP_PROPERTY = "gregor.littlehorse.heap";

    private static final Logger LOG = LoggerFactory.getLogger(LittleHorseServer.class);
    private static final Duration STARTUP = Duration.ofMinutes(2);
    private static final Pattern RUNNING = Pattern.compile("\"coreState\"\\s*:\\s*\"RUNNING\"");

    private static LittleHorseServer shared;

    private final String bootstrap;
    private final int partitions;
    private final Path dir;
    private final int apiPort;
    private final Process process;
    private Duration startupTime;

    private LittleHorseServer(String bootstrap, int partitions, Path dir, int apiPort, Process process) {
        this.bootstrap = bootstrap;
        this.partitions = partitions;
        this.dir = dir;
        this.apiPort = apiPort;
        this.process = process;
    }

    /**
     * The server of this JVM, started on the first call.
     *
     * @param bootstrap  the Kafka broker (the one Gregor uses)
     * @param partitions LHS_CLUSTER_PARTITIONS
     * @return the running server
     * @throws IllegalStateException if it was started for another broker or partition count
     */
    static synchronized LittleHorseServer shared(String bootstrap, int partitions) throws IOException, InterruptedException {
        if (shared == null) {
            shared = start(bootstrap, partitions);
            LittleHorseServer started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "littlehorse-server-stop"));
        } else if (!shared.bootstrap.equals(bootstrap) || shared.partitions != partitions) {
            throw new IllegalStateException("Expected every LittleHorse run of this JVM to use " + shared.bootstrap + " and "
                    + shared.partitions + " partitions (the server is started once), but found " + bootstrap + " and " + partitions);
        }
        return shared;
    }

    private static LittleHorseServer start(String bootstrap, int partitions) throws IOException, InterruptedException {
        String clusterId = "gregor-lt-lh-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        Path dir = Path.of("target", "littlehorse", clusterId).toAbsolutePath();
        Files.createDirectories(dir);
        int apiPort = freePort();
        int internalPort = freePort();
        int healthPort = freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("LHS_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        config.put("LHS_CLUSTER_ID", clusterId);
        config.put("LHS_INSTANCE_ID", "1");
        config.put("LHS_REPLICATION_FACTOR", "1");
        config.put("LHS_CLUSTER_PARTITIONS", String.valueOf(partitions));
        config.put("LHS_STATE_DIR", dir.resolve("state").toString());
        config.put("LHS_SHOULD_CREATE_TOPICS", "true");
        config.put("LHS_CORE_STREAM_THREADS", "1");
        config.put("LHS_HEALTH_SERVICE_PORT", String.valueOf(healthPort));
        config.put("LHS_INTERNAL_BIND_PORT", String.valueOf(internalPort));
        config.put("LHS_INTERNAL_ADVERTISED_HOST", "127.0.0.1");
        config.put("LHS_INTERNAL_ADVERTISED_PORT", String.valueOf(internalPort));
        config.put("LHS_LISTENERS", "PLAIN:" + apiPort);
        config.put("LHS_LISTENERS_PROTOCOL_MAP", "PLAIN:PLAIN");
        config.put("LHS_ADVERTISED_LISTENERS", "PLAIN://127.0.0.1:" + apiPort);
        // The default (65) fails a 100-way fan-out.
        config.put("LHS_X_MAX_THREAD_RUNS_PER_WF_RUN", "1000");
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("LHS_")) {
                config.put(key, value);
            }
        });
        Path configFile = dir.resolve("lh.config");
        Files.write(configFile, config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, """
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n
                rootLogger.level = WARN
                rootLogger.appenderRef.out.ref = out
                logger.lh.name = io.littlehorse
                logger.lh.level = INFO
                """);

        // RocksDB loads a native library; allowing it up front keeps the JVM's warning out of the log.
        List<String> command = new ArrayList<>(List.of(JavaFinder.javaForLittleHorse().toString(),
                "-Xmx" + System.getProperty(HEAP_PROPERTY, "2g"), "--enable-native-access=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + log4j));
        String extra = System.getenv("LOADTEST_LH_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", serverClasspath(), "io.littlehorse.App", configFile.toString()));
        Path log = dir.resolve("lh-server.log");
        LOG.info("Starting the LittleHorse server (cluster {}, API on 127.0.0.1:{}); log: {}", clusterId, apiPort, log);
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        LittleHorseServer server = new LittleHorseServer(bootstrap, partitions, dir, apiPort, process);
        try {
            awaitRunning(process, healthPort, log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.stop();
            throw e;
        }
        server.startupTime = Duration.ofNanos(System.nanoTime() - t0);
        LOG.info("LittleHorse server running after {} ms", server.startupTime.toMillis());
        return server;
    }

    /** Its /readiness answers before the core topology runs; /status says when it does. */
    private static void awaitRunning(Process process, int healthPort, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest status = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/status"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Expected the LittleHorse server to start, but it exited with "
                        + process.exitValue() + "; last lines of " + log + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> response = http.send(status, HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (RUNNING.matcher(response.body()).find()) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Expected the LittleHorse server to report \"coreState\":\"RUNNING\" on /status within "
                + STARTUP.toSeconds() + " s, but its last answer was: " + last + "\nLast lines of " + log + ":\n" + tail(log));
    }

    private static String serverClasspath() throws IOException {
        String file = System.getProperty(CLASSPATH_PROPERTY);
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException("Expected system property " + CLASSPATH_PROPERTY + " to name the LittleHorse "
                    + "server's class path file (load-tests-littlehorse/lh-server/target/lh-server-classpath.txt, written by "
                    + "a -Ppeer build; load-tests/run.sh sets it), but found " + file);
        }
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(cannot read it: " + e + ")";
        }
    }

    /** @return the gRPC API port on 127.0.0.1 */
    int apiPort() {
        return apiPort;
    }

    /** @return where it runs and how long it took to start, for result.json */
    String description() {
        return "LittleHorse server 1.2.1, separate JVM (pid " + process.pid() + ", started in "
                + (startupTime == null ? "?" : startupTime.toMillis() + " ms") + "), API on 127.0.0.1:" + apiPort
                + ", files in " + dir;
    }

    /** Stops the process (SIGTERM, then SIGKILL after 20 s) and deletes its state; keeps the log. */
    void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> paths = Files.walk(dir.resolve("state"))) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a leftover state directory under target/ is harmless
        }
    }
}
