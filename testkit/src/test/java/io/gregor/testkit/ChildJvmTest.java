package io.gregor.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ChildJvmTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    @Test
    void killEndsAChildThatPrintedItsReadyLine() throws Exception {
        // given a child JVM running a main class from the test class path
        try (ChildJvm child = ChildJvm.start("blocking", BlockingMain.class, List.of("a", "b"),
                Map.of("child.greeting", "hello"))) {
            // when it prints its ready line
            assertThat(child.awaitOutput(BlockingMain.READY, STARTUP))
                    .as("ready line within %s; output so far: %s", STARTUP, child.outputLines())
                    .isTrue();

            // then arguments, system properties and this JVM's --add-opens (the build's argLine) arrived,
            // and SIGKILL ends it without running its hooks
            String ready = BlockingMain.READY + " args=a,b greeting=hello java.lang-open=true";
            assertThat(child.outputLines()).contains(ready);
            assertThat(child.isAlive()).isTrue();
            child.kill();
            assertThat(child.isAlive()).isFalse();
            assertThat(child.exitValue()).isEqualTo(128 + 9);
            assertThat(child.outputLines()).doesNotContain(BlockingMain.STOPPING);
            assertThat(Files.readAllLines(child.logFile())).contains(ready);
        }
    }

    @Test
    void theChildGetsTheModuleOptionsButNotTheMemoryOrAgentOptions() {
        List<String> parent = List.of("-Xmx2g", "--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-javaagent:/tmp/agent.jar",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-Dfoo=bar");

        assertThat(ChildJvm.moduleOptions(parent)).containsExactly("--enable-native-access=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    }

    @Test
    void stopLetsTheChildRunItsShutdownHooks() {
        // given a running child
        try (ChildJvm child = ChildJvm.start("stoppable", BlockingMain.class, List.of(), Map.of())) {
            assertThat(child.awaitOutput(BlockingMain.READY, STARTUP)).isTrue();

            // when it is stopped gracefully
            child.stop();

            // then its shutdown hook ran before it exited
            assertThat(child.isAlive()).isFalse();
            assertThat(child.awaitOutput(BlockingMain.STOPPING, Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void awaitOutputGivesUpWhenTheLineNeverComes() {
        try (ChildJvm child = ChildJvm.start("silent", BlockingMain.class, List.of(), Map.of())) {
            assertThat(child.awaitOutput(BlockingMain.READY, STARTUP)).isTrue();

            assertThat(child.awaitOutput("a line nobody prints", Duration.ofMillis(200))).isFalse();
        }
    }
}
