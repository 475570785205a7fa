package io.gregor.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.ActivityWorker;
import io.gregor.worker.ConsumptionMode;
import java.time.Duration;
import java.util.Map;
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
    void theWarmUpRunsAtTheMeasuredConcurrencyUnlessToldOtherwise() {
        assertThat(DriverOptions.parse("--scenario", "seq10", "--concurrency", "4").warmupConcurrency()).isEqualTo(4);
        DriverOptions warmedAtLoad = DriverOptions.parse("--scenario", "seq10", "--warmup-concurrency", "64");

        assertThat(warmedAtLoad.concurrency()).isEqualTo(1);
        assertThat(warmedAtLoad.warmupConcurrency()).isEqualTo(64);
        assertThat(warmedAtLoad.describe()).containsEntry("warmupConcurrency", 64);
        assertThat(DriverOptions.parse("--scenario", "longhist").warmupConcurrency()).isEqualTo(1);
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "seq10", "--concurrency", "8", "--warmup-concurrency", "4"))
                .hasMessage("Expected --warmup-concurrency of at least --concurrency (8), but found 4");
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "fan10k", "--warmup-concurrency", "8"))
                .hasMessageContaining("Expected --warmup-concurrency only with longhist or in closed loop").hasMessageContaining("fan10k");
    }

    @Test
    void theEngineIsGregorUnlessNamedAndGoesIntoTheResultsParameters() {
        assertThat(DriverOptions.parse("--scenario", "seq10").engine()).isEqualTo("gregor");
        DriverOptions peer = DriverOptions.parse("--scenario", "seq10", "--engine", "littlehorse");

        assertThat(peer.engine()).isEqualTo("littlehorse");
        assertThat(peer.describe()).containsEntry("engine", "littlehorse");
    }

    @Test
    void withoutTuningFlagsTheEngineRunsWithTheBuildersDefaults() {
        // given no engine flag
        DriverOptions defaults = DriverOptions.parse("--scenario", "seq10");

        // then every knob is the product's own default
        assertThat(defaults.workerMode()).isEqualTo(ActivityWorker.DEFAULT_MODE);
        assertThat(defaults.partitions()).isEqualTo(GregorOrchestrator.DEFAULT_PARTITIONS);
        assertThat(defaults.taskPartitions()).isEqualTo(GregorOrchestrator.DEFAULT_TASK_PARTITIONS);
        assertThat(defaults.speculative()).isEqualTo(GregorOrchestrator.DEFAULT_SPECULATIVE_DISPATCH);
        assertThat(defaults.commitInterval()).isEqualTo(GregorOrchestrator.DEFAULT_COMMIT_INTERVAL);
        assertThat(defaults.maxCommitDelay()).isEqualTo(GregorOrchestrator.DEFAULT_MAX_COMMIT_DELAY);
    }

    @Test
    void tuningFlagsOverrideTheDefaultsAndActivityTasksGetTwiceTheGivenPartitions() {
        DriverOptions tuned = DriverOptions.parse("--scenario", "seq10", "--worker-mode", "share", "--partitions", "3");

        assertThat(tuned.workerMode()).isEqualTo(ConsumptionMode.SHARE_GROUP);
        assertThat(tuned.describe()).containsEntry("workerMode", "share").containsEntry("partitions", 3).containsEntry("taskPartitions", 6);
        assertThat(DriverOptions.parse("--scenario", "seq10", "--partitions", "3", "--task-partitions", "5").taskPartitions())
                .isEqualTo(5);
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
    void recoverDefaultsToTenThousandShortSequencesAndALongerDrain() {
        DriverOptions recover = DriverOptions.parse("--scenario", "recover");
        DriverOptions tuned = DriverOptions.parse("--scenario", "recover", "--instances", "2000", "--steps", "5",
                "--session-timeout", "6s");

        assertThat(recover.instances()).isEqualTo(10_000);
        assertThat(recover.scenario().input(recover)).isEqualTo(3);
        assertThat(recover.drainTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(recover.sessionTimeout()).isNull();
        assertThat(tuned.instances()).isEqualTo(2_000);
        assertThat(tuned.scenario().input(tuned)).isEqualTo(5);
        assertThat(tuned.sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(tuned.describe()).containsEntry("steps", 5).containsEntry("sessionTimeoutSeconds", 6.0);
    }

    @Test
    void recoverNeedsItsOwnOrchestratorAndTheSessionTimeoutNeedsRecover() {
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "recover", "--no-engine", "--prefix", "p"))
                .hasMessageContaining("Expected recover to start the orchestrator it kills, but found --no-engine");
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "seq10", "--session-timeout", "6s"))
                .hasMessageContaining("Expected --session-timeout only with --scenario recover, but found it with seq10");
    }

    @Test
    void rawTwoHopIsAProbeOfTenThousandRoundTripsWithoutAnEngine() {
        // given
        String[] defaults = {"--scenario", "raw-two-hop"};
        String[] tuned = {"--scenario", "raw-two-hop", "--instances", "500", "--warmup", "2s", "--duration", "5s"};

        // when
        DriverOptions probe = DriverOptions.parse(defaults);
        DriverOptions shortProbe = DriverOptions.parse(tuned);

        // then
        assertThat(probe.scenario()).isEqualTo(Scenario.RAW_TWO_HOP);
        assertThat(probe.instances()).isEqualTo(10_000);
        assertThat(probe.concurrency()).isEqualTo(1);
        assertThat(probe.warmup()).isEqualTo(Duration.ofSeconds(30));
        assertThat(probe.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(probe.out().toString()).startsWith("target/loadtest/raw-two-hop-");
        assertThat(probe.describe()).containsEntry("engine", "none (plain Kafka clients)").containsEntry("roundTrips", 10_000)
                .doesNotContainKeys("partitions", "workerMode", "speculativeDispatch");
        assertThat(shortProbe.instances()).isEqualTo(500);
        assertThat(shortProbe.describe()).containsEntry("warmupSeconds", 2.0).containsEntry("maxDurationSeconds", 5.0);
    }

    @Test
    void startsWritesTenThousandStartsEachWayWithoutAnEngineAndTakesClientProperties() {
        // when
        DriverOptions starts = DriverOptions.parse("--scenario", "starts");
        DriverOptions tuned = DriverOptions.parse("--scenario", "starts", "--instances", "500", "--client-properties",
                "linger.ms=1,batch.size=16384");

        // then
        assertThat(starts.scenario()).isEqualTo(Scenario.STARTS);
        assertThat(starts.instances()).isEqualTo(10_000);
        assertThat(starts.clientProperties()).isEmpty();
        assertThat(starts.describe()).containsEntry("engine", "none (a WorkflowClient alone)").containsEntry("startsPerWay", 10_000)
                .doesNotContainKeys("workerMode", "speculativeDispatch");
        assertThat(tuned.describe()).containsEntry("startsPerWay", 500)
                .containsEntry("clientProperties", Map.of("linger.ms", "1", "batch.size", "16384"));
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "starts", "--concurrency", "4"))
                .hasMessage("Expected starts without [--engine, --mode, --concurrency, --rate, --warmup-concurrency] "
                        + "(no engine, one client thread), but found [--concurrency]");
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "hello1", "--client-properties", "linger.ms=1"))
                .hasMessage("Expected --client-properties only with --scenario starts, but found it with hello1");
    }

    @Test
    void rawTwoHopRefusesAnEngineAndMoreThanOneRoundTripInFlight() {
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "raw-two-hop", "--engine", "littlehorse"))
                .hasMessage("Expected raw-two-hop without [--engine, --mode, --concurrency, --rate, --warmup-concurrency] "
                        + "(no engine, one round trip in flight), but found [--engine]");
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "raw-two-hop", "--concurrency", "4", "--mode", "open"))
                .hasMessageEndingWith("but found [--mode, --concurrency]");
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
        assertThatThrownBy(() -> DriverOptions.parse("--scenario", "hello1", "--worker-mode", "kip932"))
                .hasMessageContaining("Expected --worker-mode share or group, but found 'kip932'");
    }
}
