package io.gregor.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Small helpers shared by the infrastructure classes of this package; {@link #deleteRecursively}
 * is public for the temporary directories of tests.
 */
public final class Support {

    /** The loopback address every embedded service binds to, so nothing is reachable from outside. */
    static final String LOOPBACK = "127.0.0.1";

    private static final String OWNER_FILE = "owner.pid";
    private static final String PID_SUFFIX = ".pid";
    private static final Set<String> REAPED_PREFIXES = ConcurrentHashMap.newKeySet();

    private Support() {
    }

    /**
     * Finds a port that is free on the loopback interface right now.
     *
     * <p>Another process may take it before the caller binds it; callers that must bind a fixed port
     * (the KRaft controller, the registry) retry with a new port when binding fails.
     */
    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Expected a free port on " + LOOPBACK + ", but could not bind one", e);
        }
    }

    /**
     * Deletes a file tree, tolerating files that vanish meanwhile; failures are reported, not thrown.
     *
     * @param root the tree's root; nothing happens if it is null or absent
     */
    public static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("gregor-testkit: could not delete temporary directory " + root + ": " + e);
        }
    }

    /** The last {@code lines} lines of a text file, for error messages; empty text if it cannot be read. */
    static String tail(Path file, int lines) {
        Deque<String> last = new ArrayDeque<>(lines);
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            all.forEach(line -> {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
        return String.join(System.lineSeparator(), last);
    }

    /** The {@code java} launcher of the JVM running this code, so children use the same JDK. */
    static String currentJavaExecutable() {
        Optional<String> command = ProcessHandle.current().info().command();
        if (command.isPresent() && Files.isExecutable(Path.of(command.get()))) {
            return command.get();
        }
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        throw new IllegalStateException("Expected an executable java launcher at " + command.orElse("(unknown command)")
                + " or " + fromHome + ", but found neither");
    }

    /** Reads a setting from a system property first (more local), then from the environment. */
    static Optional<String> setting(String systemProperty, String environmentVariable) {
        String value = System.getProperty(systemProperty);
        if (value == null || value.isBlank()) {
            value = System.getenv(environmentVariable);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * Creates a temporary directory that records this JVM as its owner, after cleaning up what
     * earlier JVMs left behind under the same prefix.
     *
     * <p>Shutdown hooks do not run when a JVM is SIGKILLed (a hung test run killed by hand, a
     * Surefire fork timeout), which would leave 250 MB registry processes and broker data behind
     * on a shared machine. So directories whose owner is dead are deleted, and the processes they
     * recorded (see {@link #recordProcess}) are killed if their command line still names the
     * directory, which rules out an unrelated process that reused the pid.
     */
    static Path createOwnedTempDirectory(String prefix) {
        return createOwnedTempDirectory(prefix, prefix);
    }

    /** Like {@link #createOwnedTempDirectory(String)}, cleaning up every directory named {@code familyPrefix*}. */
    static Path createOwnedTempDirectory(String familyPrefix, String prefix) {
        reapOrphans(familyPrefix);
        try {
            Path directory = Files.createTempDirectory(prefix);
            Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to create a temporary directory " + prefix + "*, but could not", e);
        }
    }

    /** Records a child process in an owned directory; its command line must contain the directory's path. */
    static void recordProcess(Path ownedDirectory, String name, long pid) {
        try {
            Files.writeString(ownedDirectory.resolve(name + PID_SUFFIX), Long.toString(pid));
        } catch (IOException e) {
            System.err.println("gregor-testkit: could not record pid " + pid + " in " + ownedDirectory + ": " + e);
        }
    }

    private static void reapOrphans(String prefix) {
        if (!REAPED_PREFIXES.add(prefix)) {
            return;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path candidate : candidates) {
                if (Files.isDirectory(candidate) && ownerIsDead(candidate)) {
                    killRecordedProcesses(candidate);
                    deleteRecursively(candidate);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("gregor-testkit: could not clean up leftovers " + tmp.resolve(prefix) + "*: " + e);
        }
    }

    private static boolean ownerIsDead(Path directory) {
        Optional<Long> owner = readPid(directory.resolve(OWNER_FILE));
        // No owner file: a directory from before this mechanism or one being created right now; leave it.
        return owner.isPresent() && ProcessHandle.of(owner.get()).map(h -> !h.isAlive()).orElse(true);
    }

    private static void killRecordedProcesses(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(PID_SUFFIX)
                    && !f.getFileName().toString().equals(OWNER_FILE)).toList()) {
                readPid(file).flatMap(ProcessHandle::of)
                        .filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().commandLine().map(c -> c.contains(directory.toString())).orElse(false))
                        .ifPresent(h -> {
                            System.err.println("gregor-testkit: killing orphaned process " + h.pid()
                                    + " left behind in " + directory);
                            h.destroyForcibly();
                            h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join();
                        });
            }
        }
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Registers a JVM shutdown hook; returns null if the JVM is already shutting down. */
    static Thread addShutdownHook(String name, Runnable action) {
        Thread hook = new Thread(action, name);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return hook;
        } catch (IllegalStateException alreadyShuttingDown) {
            return null;
        }
    }

    /** Removes a hook registered by {@link #addShutdownHook}; harmless while the JVM is shutting down. */
    static void removeShutdownHook(Thread hook) {
        if (hook == null || hook == Thread.currentThread()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs (or ran) anyway; close() being idempotent makes that harmless.
        }
    }
}
