package io.gregor.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Another JVM running a main class with this JVM's class path — for crash tests that SIGKILL an
 * orchestrator or a worker and check that nothing is lost.
 *
 * <p>The child runs on the same {@code java} as this JVM with {@code -Xmx512m} and this JVM's
 * module options ({@code --add-opens}, {@code --enable-native-access}, ...), so code that needs
 * them (the orchestrator's inline workflow code) runs in the child as it does here. Its standard
 * output and error are merged; every line goes to a log file and stays in memory for
 * {@link #outputLines()} and {@link #awaitOutput}. The log file outlives the child for
 * post-mortems; the first {@code ChildJvm} of a later JVM deletes it once this JVM is gone. A
 * shutdown hook kills the child if this JVM exits first, and if this JVM is SIGKILLed (so no hook
 * runs) a later JVM's first {@code ChildJvm} kills the orphan.
 */
public final class ChildJvm implements AutoCloseable {

    private static final List<String> MODULE_OPTIONS = List.of("--add-opens", "--add-exports", "--add-reads",
            "--add-modules", "--enable-native-access");
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private boolean outputEnded;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        Thread pump = new Thread(this::pumpOutput, "child-jvm-output-" + name);
        pump.setDaemon(true);
        pump.start();
        this.shutdownHook = Support.addShutdownHook("child-jvm-kill-" + name, () -> process.toHandle().destroyForcibly());
    }

    /**
     * Launches {@code java -Xmx512m -cp <this class path> [-Dk=v ...] mainClass args...}.
     *
     * <p>The class path is {@code surefire.test.class.path} when set (under Surefire,
     * {@code java.class.path} is only a manifest jar), else {@code java.class.path}.
     *
     * @param name                  a short name for thread and log file names, e.g. {@code orchestrator-1}
     * @param mainClass             the class whose {@code main} the child runs
     * @param args                  its program arguments
     * @param extraSystemProperties system properties passed as {@code -Dkey=value}
     * @return the running child; the caller closes it
     */
    public static ChildJvm start(String name, Class<?> mainClass, List<String> args,
                                 Map<String, String> extraSystemProperties) {
        return start(name, mainClass, List.of(), args, extraSystemProperties);
    }

    /**
     * Like {@link #start(String, Class, List, Map)}, with JVM options after {@code -Xmx512m}, e.g.
     * {@code -XX:+UseSerialGC} for fault tests that run many children on few cores.
     *
     * @param name                  a short name for thread and log file names
     * @param mainClass             the class whose {@code main} the child runs
     * @param jvmOptions            options for the child's {@code java} (a later {@code -Xmx} wins)
     * @param args                  its program arguments
     * @param extraSystemProperties system properties passed as {@code -Dkey=value}
     * @return the running child; the caller closes it
     */
    public static ChildJvm start(String name, Class<?> mainClass, List<String> jvmOptions, List<String> args,
                                 Map<String, String> extraSystemProperties) {
        String classPath = System.getProperty("surefire.test.class.path");
        if (classPath == null || classPath.isBlank()) {
            classPath = System.getProperty("java.class.path");
        }
        Path directory = Support.createOwnedTempDirectory("gregor-child-", "gregor-child-" + safe(name) + "-");
        List<String> command = new ArrayList<>();
        command.add(Support.currentJavaExecutable());
        command.add("-Xmx512m");
        command.addAll(jvmOptions);
        command.addAll(moduleOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        // Names the directory on the command line, so a later run can tell the orphan from a reused pid.
        command.add("-Dgregor.child.directory=" + directory);
        extraSystemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(args);
        Path logFile = directory.resolve(safe(name) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process process = builder.start();
            Support.recordProcess(directory, "child", process.pid());
            return new ChildJvm(name, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to launch child JVM " + name + " running " + mainClass.getName()
                    + ", but could not", e);
        }
    }

    /**
     * The options among a JVM's input arguments that open or grant module access: the child needs
     * the same to run the same code paths. Memory, agent and debug options are not passed on.
     */
    static List<String> moduleOptions(List<String> inputArguments) {
        return inputArguments.stream().filter(ChildJvm::isModuleOption).toList();
    }

    private static boolean isModuleOption(String argument) {
        return MODULE_OPTIONS.stream().anyMatch(option -> argument.startsWith(option + "="));
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private void pumpOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.write(line);
                log.newLine();
                // Flushed per line: after a SIGKILL of the child the file must already hold everything it said.
                log.flush();
                lock.lock();
                try {
                    lines.add(line);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            // The stream closes when the child dies; anything else is recorded where the test will look.
            if (process.isAlive()) {
                append("[gregor-testkit] output of " + name + " could not be read: " + e);
            }
        } finally {
            lock.lock();
            try {
                outputEnded = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void append(String line) {
        lock.lock();
        try {
            lines.add(line);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a line of the child's output contains {@code substring}, including lines already printed.
     *
     * @param substring text to look for
     * @param timeout   how long to wait at most
     * @return true if such a line appeared; false on timeout or if the child's output ended without it
     */
    public boolean awaitOutput(String substring, Duration timeout) {
        long remaining = timeout.toNanos();
        int checked = 0;
        lock.lock();
        try {
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (lines.get(checked).contains(substring)) {
                        return true;
                    }
                }
                if (outputEnded || remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Kills the child with SIGKILL (no shutdown hooks run in it) and waits for it to be gone. */
    public void kill() {
        // Through the handle: Process.destroyForcibly() would also close our end of the output pipe,
        // losing the last lines the child wrote.
        process.toHandle().destroyForcibly();
        awaitExit(KILL_WAIT);
        if (process.isAlive()) {
            throw new IllegalStateException("Expected child JVM " + name + " (pid " + process.pid()
                    + ") to be dead " + KILL_WAIT.toSeconds() + " s after SIGKILL, but it is still alive");
        }
    }

    /** Asks the child to stop with SIGTERM (its shutdown hooks run); kills it if it is still alive after 30 s. */
    public void stop() {
        // Through the handle: Process.destroy() would close our end of the output pipe at once, so what
        // the child prints while shutting down (and the child itself, on EPIPE) would be lost.
        process.toHandle().destroy();
        if (!awaitExit(STOP_GRACE)) {
            kill();
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** {@return whether the child process is still running} */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@return the child's exit code; throws {@link IllegalStateException} while it is running} */
    public int exitValue() {
        return process.exitValue();
    }

    /** {@return the child's operating-system process id} */
    public long pid() {
        return process.pid();
    }

    /** {@return the name given at start} */
    public String name() {
        return name;
    }

    /** {@return the file receiving the child's output; it is kept after the child ends} */
    public Path logFile() {
        return logFile;
    }

    /** {@return a snapshot of every line the child has printed so far} */
    public List<String> outputLines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /** Kills the child if it is still alive. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        Support.removeShutdownHook(shutdownHook);
    }

    @Override
    public String toString() {
        return "child JVM " + name + " (pid " + process.pid() + (process.isAlive() ? ", alive)" : ", ended)");
    }

    /**
     * For a child's main method: ties this JVM's life to the JVM that started it (a harness that
     * dies without closing its children, by SIGKILL or OOM, must not leave them behind) and reads
     * the child's {@code key=value} arguments.
     *
     * @param args the child's arguments
     * @return them as a map, in order
     * @throws IllegalArgumentException naming an argument without {@code =}
     */
    public static Map<String, String> childSettings(String[] args) {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Expected arguments of the form key=value, but found '" + arg + "'");
            }
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return settings;
    }

    /**
     * @param settings a child's settings ({@link #childSettings})
     * @param key      the one it needs
     * @return its value
     * @throws IllegalArgumentException if it is missing or blank
     */
    public static String require(Map<String, String> settings, String key) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Expected setting '" + key + "', but found none in " + settings);
        }
        return value;
    }
}
