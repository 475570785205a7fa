package io.gregor.loadtest;

import io.gregor.loadtest.scenario.FanOutWorkflow;
import io.gregor.loadtest.scenario.SequenceWorkflow;
import io.gregor.loadtest.scenario.TimerWorkflow;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The named scenarios of issue 3. Rate scenarios (hello1, seq10, fan100) start instances for a
 * duration, closed- or open-loop; fixed-count scenarios (fan10k, longhist, timers, recover) start a given
 * number of instances and wait for all of them, since what matters there is that they finish,
 * how long it takes and what it costs. {@code raw-two-hop} runs no engine and no workflow: it
 * measures the Kafka round trip beneath one step (see {@link RawTwoHopProbe}); {@code starts} runs no engine either:
 * it measures how fast the client writes starts (see {@link StartsProbe}).
 */
public enum Scenario {
    /** One echo activity. */
    HELLO1("hello1", SequenceWorkflow.NAME, false, 0),
    /** Ten sequential echo activities. */
    SEQ10("seq10", SequenceWorkflow.NAME, false, 0),
    /** A hundred parallel echo activities and a join. */
    FAN100("fan100", FanOutWorkflow.NAME, false, 0),
    /** One workflow fanning out to {@code --width} (default 10,000) activities. */
    FAN10K("fan10k", FanOutWorkflow.NAME, true, 1),
    /** One workflow of {@code --steps} (default 20,000) sequential activities, timed per step. */
    LONGHIST("longhist", SequenceWorkflow.NAME, true, 1),
    /** {@code --instances} workflows each sleeping on one durable timer of {@code --timer}. */
    TIMERS("timers", TimerWorkflow.NAME, true, 100),
    /**
     * {@code --instances} (default 10,000) workflows of {@code --steps} (default 3) sequential
     * echo activities, all in flight when the orchestrator is SIGKILLed and replaced.
     */
    RECOVER("recover", SequenceWorkflow.NAME, true, 10_000),
    /**
     * {@code --instances} (default 1,000) one-step workflows and one of {@code --steps} (default 10,000, a history of
     * 20,002 events), then the HTTP API's list, count, status and history requests over them, timed (see
     * {@link QueryTimings}).
     */
    QUERIES("queries", SequenceWorkflow.NAME, true, 1_000),
    /**
     * No workflow: {@code --instances} (default 10,000) round trips produce, consume, produce, consume with plain Kafka
     * clients, one at a time (see {@link RawTwoHopProbe}).
     */
    RAW_TWO_HOP("raw-two-hop", null, true, 10_000),
    /**
     * No orchestrator: one client thread writes {@code --instances} (default 10,000) starts each way, synchronously,
     * asynchronously and in batches, timed to their acknowledgements (see {@link StartsProbe}).
     */
    STARTS("starts", null, true, 10_000);

    private final String id;
    private final String workflowName;
    private final boolean fixedCount;
    private final int defaultInstances;

    Scenario(String id, String workflowName, boolean fixedCount, int defaultInstances) {
        this.id = id;
        this.workflowName = workflowName;
        this.fixedCount = fixedCount;
        this.defaultInstances = defaultInstances;
    }

    /**
     * @param id a scenario's name as given on the command line
     * @return the scenario
     * @throws IllegalArgumentException naming the known scenarios if there is none of that name
     */
    public static Scenario of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Expected a scenario among " + ids() + ", but found '" + id + "'"));
    }

    /** @return the known names, comma-separated */
    public static String ids() {
        return Arrays.stream(values()).map(Scenario::id).collect(Collectors.joining(", "));
    }

    /** @return the name on the command line and in results */
    public String id() {
        return id;
    }

    /** @return the workflow the scenario starts, or null for {@code raw-two-hop} and {@code starts}, which run none */
    public String workflowName() {
        return workflowName;
    }

    /** @return true if the scenario starts a fixed number of instances instead of running for a duration */
    public boolean fixedCount() {
        return fixedCount;
    }

    /** @return how many instances a fixed-count scenario starts when {@code --instances} is not given */
    public int defaultInstances() {
        return defaultInstances;
    }

    /**
     * @param options the run's options
     * @return the input of every instance: a step count, a fan-out width or timer milliseconds
     */
    public Object input(DriverOptions options) {
        return switch (this) {
            case HELLO1, QUERIES -> 1;
            case SEQ10 -> 10;
            case FAN100 -> 100;
            case FAN10K -> options.width();
            case LONGHIST, RECOVER -> options.steps();
            case TIMERS -> options.timer().toMillis();
            case RAW_TWO_HOP, STARTS -> throw new IllegalStateException("Expected a scenario that runs workflows, but found " + id);
        };
    }

    /**
     * @return true if the run starts with unmeasured short instances of the workflow for {@code --warmup} (only
     *         {@code longhist}, the one fixed-count scenario whose figure compares its own early and late parts)
     */
    public boolean warmsUpFirst() {
        return this == LONGHIST;
    }

    /** @return true if the worker should time each step (only {@code longhist}) */
    public boolean timesSteps() {
        return this == LONGHIST;
    }
}
