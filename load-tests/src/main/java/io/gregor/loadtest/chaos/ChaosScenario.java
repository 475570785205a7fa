package io.gregor.loadtest.chaos;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The fault scenarios of the harness, each run on a fresh {@link ChaosSystem}. */
public enum ChaosScenario {
    /** No fault: the reference for what the others cost. */
    BASELINE("baseline"),
    /** SIGKILL an orchestrator every fault interval, the two in turn, each replaced at once. */
    ORCHESTRATOR_KILL("orchestrator-kill"),
    /** SIGKILL a worker while activities run, the two in turn, each replaced at once. */
    WORKER_KILL("worker-kill"),
    /** SIGKILL a broker, the three in turn, start it again 5 s later and wait for its replicas to catch up. */
    BROKER_KILL("broker-kill"),
    /**
     * SIGSTOP a worker for three heartbeat timeouts, then SIGCONT: its attempts time out, their
     * retries win, and its late results must be ignored. Instances run the heartbeating activity.
     */
    WORKER_PAUSE("worker-pause"),
    /** SIGKILL every broker, orchestrator and worker at once, once, and start them all again. */
    RESTART_ALL("restart-all");

    private final String label;

    ChaosScenario(String label) {
        this.label = label;
    }

    /** @return the name used on the command line and in reports */
    public String label() {
        return label;
    }

    /**
     * @param label a scenario's {@link #label()}
     * @return the scenario
     * @throws IllegalArgumentException if there is none of that name
     */
    public static ChaosScenario parse(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Expected a scenario of "
                        + Arrays.stream(values()).map(ChaosScenario::label).collect(Collectors.joining(", "))
                        + ", but found '" + label + "'"));
    }
}
