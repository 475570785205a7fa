package io.gregor.loadtest.engine.gregor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrchestratorProcessTest {

    @Test
    void theChildReadsBackTheSettingsTheDriverWrites() {
        OrchestratorProcess.Settings plain = new OrchestratorProcess.Settings("localhost:9092", "http://localhost:8081",
                "loadtest-1", 4, 8, Path.of("/tmp/state"), null, true, Duration.ofMillis(20),
                Duration.ofMillis(5), Map.of());
        OrchestratorProcess.Settings shortSession = new OrchestratorProcess.Settings("localhost:9092", "http://localhost:8081",
                "loadtest-1", 4, 3, Path.of("/tmp/state"), Duration.ofSeconds(6), false, Duration.ofMillis(100),
                Duration.ofMillis(1), Map.of("num.stream.threads", "2", "producer.linger.ms", "5"));

        assertThat(OrchestratorProcess.Settings.parse(plain.toArgs().toArray(String[]::new))).isEqualTo(plain);
        assertThat(OrchestratorProcess.Settings.parse(shortSession.toArgs().toArray(String[]::new))).isEqualTo(shortSession);
    }

    @Test
    void aMissingOrUnknownFlagIsNamed() {
        assertThatThrownBy(() -> OrchestratorProcess.Settings.parse("--bootstrap", "b", "--registry", "r", "--prefix", "p",
                "--partitions", "4", "--task-partitions", "8", "--speculative", "true", "--commit-interval-ms", "20",
                "--max-commit-delay-ms", "5", "--streams-properties", ""))
                .hasMessage("Expected --state-dir, but found none");
        assertThatThrownBy(() -> OrchestratorProcess.Settings.parse("--bootstrap", "b", "--threads", "2"))
                .hasMessageStartingWith("Expected one of").hasMessageEndingWith("but found '--threads'");
    }
}
