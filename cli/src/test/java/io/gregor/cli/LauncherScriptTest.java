package io.gregor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher the build writes to {@code target/gregor} (before the tests run): it finds a JDK
 * 21 or newer even when JAVA_HOME and the PATH offer an older one, and runs the CLI.
 */
class LauncherScriptTest {

    private static final Path LAUNCHER = Path.of("target", "gregor");
    private static final Path OLD_JDK = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    private record Outcome(int exitCode, String output) {
    }

    private static Outcome launch(List<String> args, Path javaHome) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("GREGOR_JAVA");
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("PATH", javaHome.resolve("bin") + ":/usr/bin:/bin");
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Expected the launcher to end within 60 s, but it did not");
        }
        return new Outcome(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theLauncherFindsAJdk21EvenWhenJavaHomeIsOlderAndRunsTheCli() throws Exception {
        // given: a launcher from the build, and Java 17 as JAVA_HOME and first on the PATH
        assumeTrue(Files.isRegularFile(LAUNCHER), "the build writes target/gregor at process-classes");
        assumeTrue(Files.isExecutable(OLD_JDK.resolve("bin/java")), "a Java 17 to hide the newer JDKs behind");

        // when
        Outcome version = launch(List.of("--version"), OLD_JDK);
        Outcome unreachable = launch(List.of("--url", "http://127.0.0.1:1", "count"), OLD_JDK);

        // then
        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("gregor ");
        assertThat(unreachable.exitCode()).as(unreachable.output()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(unreachable.output()).contains("could not reach it");
    }

    @Test
    void theLauncherIsExecutable() {
        assumeTrue(Files.isRegularFile(LAUNCHER), "the build writes target/gregor at process-classes");

        assertThat(Files.isExecutable(LAUNCHER)).isTrue();
    }
}
