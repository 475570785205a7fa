package io.gregor.loadtest.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of a fault-harness run.
 *
 * @param scenarios            the scenarios to run, each on a fresh system
 * @param workflows            instances started per scenario
 * @param startsPerSecond      the pace of the starts, so that faults land while instances are in flight
 * @param faultInterval        the time between two faults of a scenario
 * @param faults               faults per scenario (restart-all: at most one)
 * @param activityDelay        how long each {@link ChaosWorkload#MIX} works
 * @param workerSessionTimeout the workers' consumer session timeout: how long a dead worker's tasks wait
 * @param orchestratorStreams  Kafka Streams properties of both orchestrators (standby replicas, session timeout...)
 * @param brokerSettings       broker properties of all three nodes, on top of the cluster's own
 * @param staticMembership     whether each orchestrator has a {@code group.instance.id}
 * @param fencing              whether the orchestrators fence a dead one's open transaction ({@code fenceDeadOrchestrators})
 * @param probesPerSecond      {@link ChaosWorkload#PROBE} starts per second, spread over the partitions in turn (0: none)
 * @param restartDelay         how long after killing an orchestrator or a worker its replacement is launched: in
 *                             production it starts elsewhere, here it takes the same two cores the failover needs
 * @param completionTimeout    how long the instances may take to finish after the last start and fault
 * @param out                  where the report goes
 */
public record ChaosOptions(List<ChaosScenario> scenarios, int workflows, double startsPerSecond, Duration faultInterval,
                           int faults, Duration activityDelay, Duration workerSessionTimeout, Map<String, String> orchestratorStreams,
                           Map<String, String> brokerSettings, boolean staticMembership, boolean fencing, double probesPerSecond, Duration restartDelay,
                           Duration completionTimeout, Path out) {

    /**
     * The orchestrators' failover settings by default: a standby replica of every task on the
     * other orchestrator, and a session of 2 s (Kafka's default is 45 s), so the group notices a
     * SIGKILLed member (which never says goodbye) within 2 s and moves its tasks to their
     * standbys. The transaction timeout stays Kafka Streams' 10 s: the orchestrators fence a dead
     * one's open transaction (ZombieFencer), so it no longer holds the new owner back (a median
     * stall of 12.5 s without fencing, 4.1 s with it; load-tests/results/2026-12-07-failover).
     */
    public static final Map<String, String> DEFAULT_STREAMS = Map.of(
            "num.standby.replicas", "1",
            "session.timeout.ms", "2000",
            "heartbeat.interval.ms", "500");

    /** @return the settings of a by-hand run: every scenario, 200 instances at 4 per second, 3 faults 15 s apart */
    public static ChaosOptions defaults() {
        return new ChaosOptions(List.of(ChaosScenario.values()), 200, 4, Duration.ofSeconds(15), 3, Duration.ofMillis(20),
                Duration.ofSeconds(3), DEFAULT_STREAMS, Map.of(), false, true, 0, Duration.ZERO, Duration.ofMinutes(5),
                Path.of("target", "chaos", "chaos-" + System.currentTimeMillis()));
    }

    /**
     * @param args {@code --scenarios a,b --workflows N --rate R --fault-interval S --faults N --activity-delay-ms MS
     *             --worker-session-ms MS --streams k=v,k=v --broker k=v,k=v --static-membership true|false --fencing true|false --probe-rate R --restart-delay S --out DIR}
     * @return the defaults with the given settings
     * @throws IllegalArgumentException on an unknown option or a bad value
     */
    public static ChaosOptions parse(String[] args) {
        ChaosOptions d = defaults();
        List<ChaosScenario> scenarios = d.scenarios;
        int workflows = d.workflows;
        double rate = d.startsPerSecond;
        Duration faultInterval = d.faultInterval;
        int faults = d.faults;
        Duration activityDelay = d.activityDelay;
        Duration workerSession = d.workerSessionTimeout;
        Map<String, String> streams = d.orchestratorStreams;
        Map<String, String> brokers = d.brokerSettings;
        boolean staticMembership = d.staticMembership;
        boolean fencing = d.fencing;
        Duration restartDelay = d.restartDelay;
        double probes = d.probesPerSecond;
        Path out = d.out;
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected a value after " + name + ", but found none");
            }
            String value = args[i + 1];
            switch (name) {
                case "--scenarios" -> scenarios = Arrays.stream(value.split(",")).map(ChaosScenario::parse).toList();
                case "--workflows" -> workflows = Integer.parseInt(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--fault-interval" -> faultInterval = Duration.ofSeconds(Long.parseLong(value));
                case "--faults" -> faults = Integer.parseInt(value);
                case "--activity-delay-ms" -> activityDelay = Duration.ofMillis(Long.parseLong(value));
                case "--worker-session-ms" -> workerSession = Duration.ofMillis(Long.parseLong(value));
                case "--streams" -> streams = withPairs(streams, value, name);
                case "--broker" -> brokers = withPairs(brokers, value, name);
                case "--static-membership" -> staticMembership = Boolean.parseBoolean(value);
                case "--fencing" -> fencing = Boolean.parseBoolean(value);
                case "--probe-rate" -> probes = Double.parseDouble(value);
                case "--restart-delay" -> restartDelay = Duration.ofSeconds(Long.parseLong(value));
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("Expected an option of --scenarios, --workflows, --rate, "
                        + "--fault-interval, --faults, --activity-delay-ms, --worker-session-ms, --streams, --broker, --static-membership, "
                        + "--fencing, --probe-rate, --restart-delay, --out, but found " + name);
            }
        }
        return new ChaosOptions(scenarios, workflows, rate, faultInterval, faults, activityDelay, workerSession, streams,
                brokers, staticMembership, fencing, probes, restartDelay, d.completionTimeout, out);
    }

    /** @param list scenarios @return these options with them */
    public ChaosOptions with(List<ChaosScenario> list) {
        return new ChaosOptions(List.copyOf(list), workflows, startsPerSecond, faultInterval, faults, activityDelay,
                workerSessionTimeout, orchestratorStreams, brokerSettings, staticMembership, fencing, probesPerSecond, restartDelay,
                completionTimeout, out);
    }

    /**
     * @param count    instances per scenario
     * @param rate     starts per second
     * @param interval between faults
     * @param number   faults per scenario
     * @return a copy with that load and those faults
     */
    public ChaosOptions withLoad(int count, double rate, Duration interval, int number) {
        return new ChaosOptions(scenarios, count, rate, interval, number, activityDelay, workerSessionTimeout, orchestratorStreams,
                brokerSettings, staticMembership, fencing, probesPerSecond, restartDelay, completionTimeout, out);
    }

    /** @param directory where the report goes @return a copy */
    public ChaosOptions withOut(Path directory) {
        return new ChaosOptions(scenarios, workflows, startsPerSecond, faultInterval, faults, activityDelay,
                workerSessionTimeout, orchestratorStreams, brokerSettings, staticMembership, fencing, probesPerSecond, restartDelay,
                completionTimeout, directory);
    }

    private static Map<String, String> withPairs(Map<String, String> base, String pairs, String option) {
        Map<String, String> merged = new LinkedHashMap<>(base);
        List<String> bad = new ArrayList<>();
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                bad.add(pair);
            } else if (pair.substring(eq + 1).trim().equals("-")) {
                merged.remove(pair.substring(0, eq).trim()); // k=- drops a default
            } else {
                merged.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("Expected " + option + " key=value pairs, but found " + bad);
        }
        return Map.copyOf(merged);
    }
}
