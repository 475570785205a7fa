package io.gregor.orchestrator.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * The Node.js program of {@code interop/node} (docs/polyglot.md), run as child processes against one
 * {@link GregorTestApp}'s topics. {@link #install()} runs {@code npm ci} from the committed lockfile
 * (once: not again while {@code node_modules} is newer than the lockfile). Without Node.js 20+ the
 * tests that need it are skipped with a message, except under CI ({@code CI=true}), where they must run.
 */
public final class NodeProgram {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    private final Path directory;
    private final Map<String, String> environment;

    private NodeProgram(Path directory, Map<String, String> environment) {
        this.directory = directory;
        this.environment = environment;
    }

    /**
     * Installs the program's dependencies, or skips the calling test when Node.js is missing (fails under CI).
     *
     * @param app the app whose broker, registry and topic prefix the program uses
     * @return the program
     */
    public static NodeProgram install(GregorTestApp app) throws IOException, InterruptedException {
        String missing = nodeMissingReason();
        if (missing != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("Expected Node.js 20 or newer on the PATH under CI, but " + missing);
            }
            Assumptions.abort("Skipped: the Node.js interoperability tests need Node.js 20 or newer on the PATH, but " + missing);
        }
        Path directory = findProgram();
        Path lock = directory.resolve("package-lock.json");
        Path installed = directory.resolve("node_modules/.package-lock.json");
        if (!Files.exists(installed) || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) < 0) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                fail("Expected `npm ci` in " + directory + " to succeed, but it " + (npm.isAlive() ? "timed out" : "exited " + npm.exitValue()));
            }
        }
        return new NodeProgram(directory, Map.of(
                "GREGOR_BOOTSTRAP_SERVERS", app.bootstrapServers(),
                "GREGOR_SCHEMA_REGISTRY_URL", app.schemaRegistryUrl(),
                "GREGOR_TOPIC_PREFIX", app.topics().prefix(),
                // Each step of a task on stderr, so that a test that fails says where a worker stopped.
                "GREGOR_DEBUG", "1"));
    }

    /**
     * Runs a command to its end.
     *
     * @param args the command and its arguments, e.g. {@code start Approval id-1 "\"x\""}
     * @return the JSON lines it printed on stdout
     * @throws AssertionError if it fails or does not end within the test timeout
     */
    public List<JsonNode> run(String... args) throws IOException, InterruptedException {
        Running process = start(Map.of(), args);
        if (!process.process.waitFor(GregorTestApp.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.kill();
            fail("Expected `node gregor-node.mjs " + String.join(" ", args) + "` to end within " + GregorTestApp.TIMEOUT + ", but it did not");
        }
        process.reader.join();
        if (process.process.exitValue() != 0) {
            fail("Expected `node gregor-node.mjs " + String.join(" ", args) + "` to exit 0, but it exited " + process.process.exitValue()
                    + " (its stderr is in the test output)");
        }
        return new ArrayList<>(process.lines);
    }

    /**
     * Starts a long-running command, such as {@code worker <queue>}.
     *
     * @param extraEnvironment further variables, e.g. {@code GREGOR_ACTIVITY_DELAY_MS}
     * @param args             the command and its arguments
     * @return the running process; kill it when done
     */
    public Running start(Map<String, String> extraEnvironment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", "gregor-node.mjs"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        builder.environment().putAll(extraEnvironment);
        return new Running(builder.start());
    }

    /** A running Node.js process whose stdout JSON lines are collected as they come. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
        private final List<JsonNode> seen = new ArrayList<>();
        private final Thread reader;

        private Running(Process process) {
            this.process = process;
            this.reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        System.out.println("[node " + process.pid() + "] " + line);
                        lines.add(JSON.readTree(line));
                    }
                } catch (IOException e) {
                    // The process was killed: its output ends here.
                }
            });
        }

        /**
         * Waits for the next printed line that matches.
         *
         * @param what    what is awaited, for the failure message
         * @param matches the condition
         * @return the line
         */
        public JsonNode await(String what, Predicate<JsonNode> matches) throws InterruptedException {
            long deadline = System.nanoTime() + GregorTestApp.TIMEOUT.toNanos();
            while (true) {
                JsonNode line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("Expected the Node.js process " + process.pid() + " to print " + what + " within " + GregorTestApp.TIMEOUT
                            + ", but it printed only " + seen + (process.isAlive() ? "" : " and exited " + process.exitValue()));
                }
                seen.add(line);
                if (matches.test(line)) {
                    return line;
                }
            }
        }

        /** Kills the process at once (SIGKILL): it gets no chance to finish or clean up anything. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    private static String nodeMissingReason() throws InterruptedException {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
                return "`node --version` failed: " + version;
            }
            int major = Integer.parseInt(version.replaceFirst("^v(\\d+).*", "$1"));
            return major >= 20 ? null : "found " + version;
        } catch (IOException | NumberFormatException e) {
            return "found none (" + e.getMessage() + ")";
        }
    }

    /** interop/node of this checkout, found from the module's directory upwards. */
    private static Path findProgram() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("interop/node");
            if (Files.exists(candidate.resolve("package-lock.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Expected interop/node/package-lock.json above " + Path.of("").toAbsolutePath() + ", but found none");
    }
}
