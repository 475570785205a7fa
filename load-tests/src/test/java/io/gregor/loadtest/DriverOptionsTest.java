package io.gregor.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DriverOptionsTest {

    @Test
    void rateScenarioDefaultsToOneCallerClosedLoopWithAWarmUp() {
        DriverOptions options = DriverOptions.parse("--scenario", "seq10");

        assertThat(options.mode()).isEqualTo(DriverOptions.Mode.CLOSED);
        assertThat(options.concurrency()).isEqualTo(1);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.out().toString()).startsWith("target/loadtest/seq10-");
        assertThat(options.startEngine()).isTrue();
    }

    @Test
    void theEngineIsGregorUnlessNamedAndGoesIntoTheResultsParameters() {
        assertThat(DriverOptions.parse("--scenario", "seq10").engine()).isEqualTo("gregor");
        DriverOptions peer = DriverOptions.parse("--scenario", "seq10", "--engine", "littlehorse");

        assertThat(peer.engine()).isEqualTo("littlehorse");
        assertThat(peer.describe()).containsEntry("engine", "littlehorse");
    }

    @Test
    void fixedCountScenariosTakeTheirOwnDefaultsAndTimersWaitForTheirTimer() {
        DriverOptions timers = DriverOptions.parse("--scenario", "timers", "--timer", "2m");
        DriverOptions longhist = DriverOptions.parse("--scenario", "longhist", "--steps", "500");

        assertThat(timers.instances()).isEqualTo(100);
        assertThat(timers.scenario().input(timers)).isEqualTo(120_000L);
        assertThat(timers.drainTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(longhist.instances()).isEqualTo(1);
        assertThat(longhist.scenario().input(longhist)).isEqualTo(500);
    }

    @Test
    void durationsAndRatesAcceptTheirUnits() {
        assertThat(DriverOptions.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DriverOptions.duration("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DriverOptions.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DriverOptions.parse("--scenario", "hello1", "--mode", "open", "--rate", "250/s").rate()).isEqualTo(250.0);
    }

    @Test
    void badInputIsRejectedWithWhatWasExpected() {
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "hello2"))
                .hasMessageContaining("Expected a scenario among hello1, seq10");
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "hello1", "--duration", "5x"))
                .hasMessageContaining("Expected a duration");
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "hello1", "--no-engine"))
                .hasMessageContaining("Expected --prefix with --no-engine");
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "hello1", "--mode", "half-open"))
                .hasMessageContaining("Expected --mode closed or open");
    }
}
