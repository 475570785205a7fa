package io.gregor.loadtest;

import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.worker.ActivityWorker;
import io.gregor.worker.ConsumptionMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The driver's command line. Every flag takes a value ({@code --flag value}) except
 * {@code --no-engine}; durations are written {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}
 * or as plain seconds, and a rate as {@code 200} or {@code 200/s}.
 *
 * @param scenario          what to run
 * @param mode              closed loop (fixed concurrency) or open loop (fixed start rate)
 * @param concurrency       instances in flight in closed loop; starts in flight for fixed-count scenarios
 * @param rate              starts per second in open loop
 * @param duration          how long a rate scenario measures, after the warm-up (raw-two-hop: at most)
 * @param warmup            how long a rate scenario (or raw-two-hop) runs before measuring
 * @param out               where result.json and report.html go
 * @param instances         how many instances a fixed-count scenario starts (raw-two-hop: round trips it measures)
 * @param steps             steps of the longhist and recover workflows
 * @param width             fan-out of the fan10k workflow
 * @param timer             the durable timer of the timers workflow
 * @param bootstrap         Kafka to use, or null for the embedded default (or GREGOR_BOOTSTRAP_SERVERS)
 * @param registry          schema registry to use, or null for the embedded default (or GREGOR_SCHEMA_REGISTRY_URL)
 * @param prefix            topic prefix
 * @param startEngine       false to start no orchestrator and no worker (they run elsewhere)
 * @param partitions        partitions of the orchestrator's input topics, when it creates them
 * @param taskPartitions    partitions of the activity-tasks topic, when it creates it
 * @param workerConcurrency activities the in-process worker runs at once
 * @param instanceTimeout   how long a closed-loop caller waits for one instance before counting it timed out
 *                          (raw-two-hop: how long it waits for one round trip before it fails)
 * @param drainTimeout      how long the driver waits for instances in flight after it stopped starting
 * @param runId             unique per run; the prefix of every instance id
 * @param engine            the engine under load, by name (see {@link io.gregor.loadtest.engine.Engines})
 * @param sessionTimeout    recover: the orchestrator's consumer session timeout, or null for Kafka's default
 * @param speculative       whether the worker reads tasks before the orchestrator commits them (and the orchestrator knows)
 * @param commitInterval    the orchestrator's commit interval
 * @param maxCommitDelay    the orchestrator's maximum commit delay under load
 * @param streamsProperties Kafka Streams properties for the orchestrator, overriding Gregor's
 * @param workerMode        how the in-process worker consumes tasks: a share group or a consumer group
 * @param warmupConcurrency closed loop and longhist: instances in flight during the warm-up (the JIT compiles what runs
 *                          often, so a run measured at one in flight warms up faster under load)
 * @param clientProperties  starts: Kafka properties of the WorkflowClient, overriding its defaults (to compare settings)
 */
public record DriverOptions(Scenario scenario, Mode mode, int concurrency, double rate, Duration duration, Duration warmup,
                            Path out, int instances, int steps, int width, Duration timer, String bootstrap, String registry,
                            String prefix, boolean startEngine, int partitions, int taskPartitions, int workerConcurrency,
                            Duration instanceTimeout, Duration drainTimeout, String runId, String engine,
                            Duration sessionTimeout, boolean speculative, Duration commitInterval,
                            Duration maxCommitDelay, Map<String, String> streamsProperties, ConsumptionMode workerMode,
                            int warmupConcurrency, Map<String, String> clientProperties) {

    /** How instances are started. */
    public enum Mode {
        /** N callers each start an instance and wait for it before starting the next. */
        CLOSED,
        /** Starts at a fixed rate whatever the engine does; latency counts from the intended start time. */
        OPEN
    }

    /** The command-line help. */
    public static final String USAGE = """
            Usage: LoadDriver --scenario hello1|seq10|fan100|fan10k|longhist|timers|recover|queries|raw-two-hop|starts [options]
                   LoadDriver --engine gregor,littlehorse [comparison options]   (see Comparison)
              --engine NAME            the engine under load: gregor (default) or a peer such as littlehorse
                                       (hello1, seq10 and fan100 only; needs the peer profile: run.sh builds it)
              --mode closed|open       closed: fixed concurrency (default); open: fixed start rate
              --concurrency N          closed loop: instances in flight (default 1); fixed-count scenarios: starts in flight (default 32)
              --rate R[/s]             open loop: starts per second (default 10)
              --duration 60s           measured time of hello1/seq10/fan100, whole seconds (default 60s); raw-two-hop:
                                       the longest its measurement runs
              --warmup 30s             unmeasured time before it, whole seconds (default 30s); longhist runs instances
                                       of 100 steps for it before the measured one (0s: none); raw-two-hop runs round
                                       trips for it, and at least 200
              --warmup-concurrency N   instances in flight during the warm-up (closed loop: at least and by default
                                       --concurrency; the extra callers stop starting 2 s (at most a quarter of it)
                                       before it ends;
                                       longhist: default 1, the measured instance's own path)
              --instances N            fixed-count scenarios: instances (fan10k 1, longhist 1, timers 100, recover 10000,
                                       queries 1000);
                                       raw-two-hop: measured round trips (default 10000); starts: starts each way
                                       (default 10000)
              --steps N                sequential steps of longhist (default 20000), recover (default 3) and of the
                                       long instance of queries (default 10000: a history of 20002 events)
              --width N                fan10k: parallel activities (default 10000)
              --timer 10s              timers: the durable timer of each instance (default 10s)
              --out DIR                default target/loadtest/<scenario>-<timestamp>
              --bootstrap HOST:PORT    Kafka (default: GREGOR_BOOTSTRAP_SERVERS, else an embedded broker)
              --registry URL           schema registry (default: GREGOR_SCHEMA_REGISTRY_URL, else an embedded one)
              --prefix P               topic prefix (default loadtest-<timestamp>: fresh topics per run)
              --no-engine              start no orchestrator and no worker (requires --prefix)
              --partitions N           orchestrator input partitions (default: the builder's, 1)
              --task-partitions N      activity-tasks partitions (default: twice --partitions if given, else the
                                       builder's, 8)
              --worker-concurrency N   activities the in-process worker runs at once (default 64)
              --worker-mode share|group how the in-process worker reads tasks: a consumer group (default, as the
                                       builder's) or a share group
              --instance-timeout 60s   closed loop: give up waiting for one instance after this (raw-two-hop: for one
                                       round trip, and fail)
              --drain-timeout 60s      wait this long for instances in flight at the end (timers: plus the timer;
                                       recover: default 5m, counted from the restarted orchestrator's RUNNING)
              --speculative true|false the worker reads tasks before the orchestrator's transaction commits
                                       (default true, as the builders'; see GregorOrchestrator.Builder.speculativeDispatch)
              --commit-interval 100ms  the orchestrator's commit.interval.ms (default: the builder's, 100ms)
              --max-commit-delay 50ms the longest a waited-for step stays uncommitted while input is buffered
                                       (default: the builder's, 50ms)
              --streams-properties K=V,K=V  Kafka Streams (or producer./consumer. prefixed) properties of the orchestrator
              --session-timeout 45s    recover: session.timeout.ms of the orchestrator's consumers, which bounds how
                                       long its replacement waits for the killed one to leave the group (default:
                                       Kafka's own, 45s)

            recover: starts --instances workflows of --steps echo activities with the orchestrator in a child JVM,
            SIGKILLs that JVM once every start is acknowledged, starts a new one on the same state directory and
            topics, and waits for every instance. It records the time from the kill to the new orchestrator's
            RUNNING and to the last completion, and counts lost instances (no completion record) and duplicated
            completions (raw read_committed records on the completions topic beyond one per instance); it exits 1
            if either is not zero or the drain timed out.

            queries: starts --instances one-step workflows and one workflow of --steps steps, waits for all, then
            times the orchestrator's HTTP API over them: a page of 1000, every page of 100, the count by status,
            one status and the long instance's whole history, each 20 times after 3 untimed (gregor only).

            raw-two-hop: no engine. Plain Kafka clients (no Streams, no transactions) on the run's broker, on two fresh
            one-partition topics under --prefix: the probe produces a record to the first (acks=all, idempotent,
            linger.ms=1 like the orchestrator's producer), a relay thread consumes it and produces it to the second
            (linger.ms=0 like the worker's), the probe consumes it there. One round trip in flight; its latency is
            the floor of one Gregor step (task to the worker, result back). Takes --warmup, --duration, --instances,
            --instance-timeout, --prefix, --out, --bootstrap, --registry.

            starts: no engine. One WorkflowClient thread (default producer settings) writes --instances starts each way
            to the inbox of fresh topics under --prefix with --partitions partitions: sync (scheduleNewWorkflow, one at
            a time), async (scheduleNewWorkflowAsync for all, then the wait) and batch (scheduleNewWorkflows of 1000 at
            a time), after 2000 untimed starts each way; it reports starts/s and call-to-acknowledgement latency per way,
            then reads the inbox back and fails the run if a start is missing or written twice. Takes --instances,
            --partitions, --instance-timeout (the client's request timeout), --prefix, --out, --bootstrap, --registry,
            and --client-properties K=V,K=V: Kafka properties of the client, overriding its own (e.g. linger.ms=5).
            """;

    private static final Set<String> FLAGS = Set.of("--scenario", "--engine", "--mode", "--concurrency", "--rate", "--duration",
            "--warmup", "--instances", "--steps", "--width", "--timer", "--out", "--bootstrap", "--registry", "--prefix",
            "--partitions", "--task-partitions", "--worker-concurrency", "--instance-timeout", "--drain-timeout", "--session-timeout",
            "--speculative", "--commit-interval", "--max-commit-delay", "--streams-properties", "--worker-mode",
            "--warmup-concurrency", "--client-properties");
    /** What raw-two-hop and starts run is fixed: no engine to choose, one round trip or one client thread. */
    private static final List<String> PROBE_CONTRADICTS = List.of("--engine", "--mode", "--concurrency", "--rate",
            "--warmup-concurrency");

    /**
     * @param args the command line
     * @return the options, defaults filled in
     * @throws IllegalArgumentException saying which flag or value is wrong
     */
    public static DriverOptions parse(String... args) {
        Map<String, String> given = new HashMap<>();
        boolean noEngine = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--no-engine")) {
                noEngine = true;
            } else if (FLAGS.contains(flag) && i + 1 < args.length) {
                given.put(flag, args[++i]);
            } else {
                throw new IllegalArgumentException("Expected one of " + FLAGS + " with a value, or --no-engine, but found '" + flag + "'");
            }
        }
        if (!given.containsKey("--scenario")) {
            throw new IllegalArgumentException("Expected --scenario " + Scenario.ids() + ", but found none");
        }
        Scenario scenario = Scenario.of(given.get("--scenario"));
        if (scenario == Scenario.RAW_TWO_HOP || scenario == Scenario.STARTS) {
            List<String> contradicting = PROBE_CONTRADICTS.stream().filter(given::containsKey).toList();
            if (!contradicting.isEmpty()) {
                throw new IllegalArgumentException("Expected " + scenario.id() + " without " + PROBE_CONTRADICTS
                        + " (no engine, " + (scenario == Scenario.STARTS ? "one client thread" : "one round trip in flight")
                        + "), but found " + contradicting);
            }
        }
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (noEngine && !given.containsKey("--prefix")) {
            throw new IllegalArgumentException("Expected --prefix with --no-engine (the topics of the engine that runs elsewhere), but found none");
        }
        boolean recover = scenario == Scenario.RECOVER;
        if (recover && noEngine) {
            throw new IllegalArgumentException("Expected recover to start the orchestrator it kills, but found --no-engine");
        }
        if (!recover && given.containsKey("--session-timeout")) {
            throw new IllegalArgumentException("Expected --session-timeout only with --scenario recover, but found it with "
                    + scenario.id());
        }
        Duration timer = duration(given.getOrDefault("--timer", "10s"));
        // The backlog of the outage drains after the restart, so recover gets a longer default.
        Duration drain = duration(given.getOrDefault("--drain-timeout", recover ? "5m" : "60s"));
        Mode mode = mode(given.getOrDefault("--mode", "closed"));
        int partitions = positive("--partitions", given.getOrDefault("--partitions", String.valueOf(GregorOrchestrator.DEFAULT_PARTITIONS)));
        boolean startsInParallel = scenario.fixedCount() && scenario.workflowName() != null;
        int concurrency = positive("--concurrency", given.getOrDefault("--concurrency", startsInParallel ? "32" : "1"));
        boolean warmsUp = scenario.warmsUpFirst() || !scenario.fixedCount() && mode == Mode.CLOSED;
        if (given.containsKey("--warmup-concurrency") && !warmsUp) {
            throw new IllegalArgumentException("Expected --warmup-concurrency only with longhist or in closed loop, but found it with "
                    + scenario.id() + " in " + mode.name().toLowerCase() + " loop");
        }
        int warmupConcurrency = positive("--warmup-concurrency", given.getOrDefault("--warmup-concurrency",
                String.valueOf(scenario.warmsUpFirst() ? 1 : concurrency)));
        if (!scenario.fixedCount() && warmupConcurrency < concurrency) {
            // The measured callers run from the start: fewer in the warm-up would need callers that start late.
            throw new IllegalArgumentException("Expected --warmup-concurrency of at least --concurrency (" + concurrency
                    + "), but found " + warmupConcurrency);
        }
        return new DriverOptions(scenario,
                mode,
                concurrency,
                rate(given.getOrDefault("--rate", "10")),
                wholeSeconds(duration(given.getOrDefault("--duration", "60s"))),
                wholeSeconds(duration(given.getOrDefault("--warmup", "30s"))),
                Path.of(given.getOrDefault("--out", "target/loadtest/" + scenario.id() + "-" + runId)),
                positive("--instances", given.getOrDefault("--instances", String.valueOf(Math.max(1, scenario.defaultInstances())))),
                positive("--steps", given.getOrDefault("--steps", recover ? "3" : scenario == Scenario.QUERIES ? "10000" : "20000")),
                positive("--width", given.getOrDefault("--width", "10000")),
                timer,
                given.get("--bootstrap"), given.get("--registry"),
                given.getOrDefault("--prefix", "loadtest-" + runId.replace("-", "")),
                !noEngine,
                partitions,
                positive("--task-partitions", given.getOrDefault("--task-partitions",
                        String.valueOf(given.containsKey("--partitions") ? 2 * partitions : GregorOrchestrator.DEFAULT_TASK_PARTITIONS))),
                positive("--worker-concurrency", given.getOrDefault("--worker-concurrency", "64")),
                duration(given.getOrDefault("--instance-timeout", "60s")),
                scenario == Scenario.TIMERS ? drain.plus(timer) : drain,
                "lt-" + runId + "-" + Long.toHexString(System.nanoTime() & 0xffffff),
                given.getOrDefault("--engine", "gregor"),
                given.containsKey("--session-timeout") ? duration(given.get("--session-timeout")) : null,
                bool("--speculative", given.getOrDefault("--speculative", String.valueOf(GregorOrchestrator.DEFAULT_SPECULATIVE_DISPATCH))),
                given.containsKey("--commit-interval") ? positiveDuration("--commit-interval", given.get("--commit-interval"))
                        : GregorOrchestrator.DEFAULT_COMMIT_INTERVAL,
                given.containsKey("--max-commit-delay") ? positiveDuration("--max-commit-delay", given.get("--max-commit-delay"))
                        : GregorOrchestrator.DEFAULT_MAX_COMMIT_DELAY,
                properties(given.getOrDefault("--streams-properties", "")),
                given.containsKey("--worker-mode") ? workerMode(given.get("--worker-mode")) : ActivityWorker.DEFAULT_MODE,
                warmupConcurrency,
                clientProperties(scenario, given));
    }

    private static Map<String, String> clientProperties(Scenario scenario, Map<String, String> given) {
        if (given.containsKey("--client-properties") && scenario != Scenario.STARTS) {
            throw new IllegalArgumentException("Expected --client-properties only with --scenario starts, but found it with "
                    + scenario.id());
        }
        return properties(given.getOrDefault("--client-properties", ""));
    }

    /** @return the options that shaped this run, for result.json */
    public Map<String, Object> describe() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("scenario", scenario.id());
        if (scenario == Scenario.RAW_TWO_HOP) {
            p.put("engine", "none (plain Kafka clients)");
            p.put("warmupSeconds", warmup.toMillis() / 1000.0);
            p.put("roundTrips", instances);
            p.put("maxDurationSeconds", duration.toMillis() / 1000.0);
            p.put("roundTripTimeoutSeconds", instanceTimeout.toMillis() / 1000.0);
            p.put("topicPrefix", prefix);
            p.put("runId", runId);
            return p;
        }
        if (scenario == Scenario.STARTS) {
            p.put("engine", "none (a WorkflowClient alone)");
            p.put("startsPerWay", instances);
            p.put("partitions", partitions);
            p.put("requestTimeoutSeconds", instanceTimeout.toMillis() / 1000.0);
            p.put("clientProperties", clientProperties);
            p.put("topicPrefix", prefix);
            p.put("runId", runId);
            return p;
        }
        p.put("engine", engine);
        if (scenario.fixedCount()) {
            p.put("instances", instances);
            p.put("startConcurrency", concurrency);
            switch (scenario) {
                case FAN10K -> p.put("width", width);
                case LONGHIST -> {
                    p.put("steps", steps);
                    p.put("warmupSeconds", warmup.toMillis() / 1000.0);
                    p.put("warmupConcurrency", warmupConcurrency);
                }
                case TIMERS -> p.put("timerSeconds", timer.toMillis() / 1000.0);
                case QUERIES -> p.put("longInstanceSteps", steps);
                case RECOVER -> {
                    p.put("steps", steps);
                    p.put("drainTimeoutSeconds", drainTimeout.toMillis() / 1000.0);
                    p.put("sessionTimeoutSeconds", sessionTimeout == null ? "Kafka default" : sessionTimeout.toMillis() / 1000.0);
                }
                default -> { }
            }
        } else {
            p.put("mode", mode.name().toLowerCase());
            if (mode == Mode.CLOSED) {
                p.put("concurrency", concurrency);
                if (warmupConcurrency != concurrency) {
                    p.put("warmupConcurrency", warmupConcurrency);
                }
            } else {
                p.put("ratePerSecond", rate);
            }
            p.put("durationSeconds", duration.toMillis() / 1000.0);
            p.put("warmupSeconds", warmup.toMillis() / 1000.0);
        }
        p.put("topicPrefix", prefix);
        p.put("engineInProcess", startEngine);
        p.put("partitions", partitions);
        p.put("taskPartitions", taskPartitions);
        p.put("workerConcurrency", workerConcurrency);
        p.put("workerMode", workerMode == ConsumptionMode.SHARE_GROUP ? "share" : "group");
        p.put("speculativeDispatch", speculative);
        p.put("commitIntervalMs", commitInterval.toMillis());
        p.put("maxCommitDelayMs", maxCommitDelay.toMillis());
        p.put("streamsProperties", streamsProperties);
        p.put("runId", runId);
        return p;
    }

    /**
     * @param text {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or plain seconds
     * @return the duration
     */
    static Duration duration(String text) {
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            char unit = text.charAt(text.length() - 1);
            String number = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
            long value = Long.parseLong(number);
            return switch (unit) {
                case 'h' -> Duration.ofHours(value);
                case 'm' -> Duration.ofMinutes(value);
                case 's' -> Duration.ofSeconds(value);
                default -> {
                    if (!Character.isDigit(unit)) {
                        throw new IllegalArgumentException("unknown unit " + unit);
                    }
                    yield Duration.ofSeconds(value);
                }
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Expected a duration like 500ms, 30s, 2m or 1h, but found '" + text + "'", e);
        }
    }

    /** Phases are cut at whole seconds (one interval histogram per second), so their lengths are too. */
    private static Duration wholeSeconds(Duration duration) {
        return Duration.ofSeconds((duration.toMillis() + 999) / 1000);
    }

    private static ConsumptionMode workerMode(String text) {
        return switch (text) {
            case "share" -> ConsumptionMode.SHARE_GROUP;
            case "group" -> ConsumptionMode.CONSUMER_GROUP;
            default -> throw new IllegalArgumentException("Expected --worker-mode share or group, but found '" + text + "'");
        };
    }

    private static Mode mode(String text) {
        return switch (text) {
            case "closed" -> Mode.CLOSED;
            case "open" -> Mode.OPEN;
            default -> throw new IllegalArgumentException("Expected --mode closed or open, but found '" + text + "'");
        };
    }

    private static double rate(String text) {
        String number = text.endsWith("/s") ? text.substring(0, text.length() - 2) : text;
        double rate = Double.parseDouble(number);
        if (!(rate > 0)) {
            throw new IllegalArgumentException("Expected a positive --rate, but found '" + text + "'");
        }
        return rate;
    }

    /**
     * @param text {@code k=v} pairs separated by commas, or empty
     * @return them, in order
     */
    public static Map<String, String> properties(String text) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Expected properties key=value[,key=value...], but found '" + pair + "'");
            }
            properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return Map.copyOf(properties);
    }

    private static boolean bool(String flag, String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Expected " + flag + " true or false, but found '" + text + "'");
        };
    }

    private static Duration positiveDuration(String flag, String text) {
        Duration value = duration(text);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("Expected a positive " + flag + ", but found '" + text + "'");
        }
        return value;
    }

    private static int positive(String flag, String text) {
        int value = Integer.parseInt(text);
        if (value <= 0) {
            throw new IllegalArgumentException("Expected a positive " + flag + ", but found " + value);
        }
        return value;
    }
}
