package io.gregor.loadtest.littlehorse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java runtime for the LittleHorse server, whose classes need Java 25 while the driver
 * runs on 21 or later: system property {@value #JAVA_PROPERTY} (a JDK home or a java binary), else
 * {@code LH_JAVA_HOME}, else this JVM if it is new enough, else the newest JDK >= 25 under
 * {@code /usr/lib/jvm}.
 */
final class JavaFinder {
    /** System property: the JDK home (or java binary) to run the LittleHorse server with. */
    static final String JAVA_PROPERTY = "gregor.littlehorse.java";
    /** What LittleHorse 1.2.1's classes (version 69) need. */
    static final int REQUIRED = 25;

    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private JavaFinder() {
    }

    /** @return the java binary to start the server with */
    static Path javaForLittleHorse() {
        String given = System.getProperty(JAVA_PROPERTY, System.getenv("LH_JAVA_HOME"));
        if (given != null && !given.isBlank()) {
            Path path = Path.of(given);
            return Files.isDirectory(path) ? path.resolve("bin").resolve("java") : path;
        }
        Path self = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= REQUIRED) {
            return self.resolve("bin").resolve("java");
        }
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin").resolve("java")))
                    .filter(h -> feature(h).orElse(0) >= REQUIRED)
                    .max(Comparator.comparingInt(h -> feature(h).orElse(0)))
                    .map(h -> h.resolve("bin").resolve("java"))
                    .orElseThrow(JavaFinder::missing);
        } catch (IOException e) {
            throw missing();
        }
    }

    private static Optional<Integer> feature(Path home) {
        try {
            Matcher m = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static IllegalStateException missing() {
        return new IllegalStateException("Expected a Java " + REQUIRED + "+ runtime for the LittleHorse server (its classes "
                + "are version 69): set -D" + JAVA_PROPERTY + " or LH_JAVA_HOME, or install one under /usr/lib/jvm; found none");
    }
}
