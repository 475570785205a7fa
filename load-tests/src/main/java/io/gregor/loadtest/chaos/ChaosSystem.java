package io.gregor.loadtest.chaos;

import io.gregor.schemas.Topics;
import io.gregor.testkit.ChildJvm;
import io.gregor.testkit.EmbeddedSchemaRegistry;
import io.gregor.testkit.KafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a fault scenario runs on, each part in a process of its own so it can be killed: a
 * three-node Kafka cluster ({@link KafkaCluster}), two orchestrators and two activity workers
 * ({@link ChaosProcesses}), and the schema registry, which is not under test (its schemas are
 * in its own in-memory database, not in Kafka, so broker faults do not touch it).
 *
 * <p>A killed orchestrator or worker is replaced by a process with the same settings and the same
 * state directory, as a supervisor (systemd, Kubernetes) would restart it.
 */
public final class ChaosSystem implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration ISR_TIMEOUT = Duration.ofSeconds(90);

    /** Orchestrators and workers, two of each. */
    public static final int PROCESSES = 2;
    /** Partitions of the orchestrator's topics and of the task topic. */
    public static final int PARTITIONS = 6;
    private static final int REPLICATION = 3;
    /** Nine JVMs share the machine: the serial collector keeps each one's GC to one core. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final ChaosOptions options;
    private final Path directory;
    private final KafkaCluster cluster;
    private final EmbeddedSchemaRegistry registry;
    private final Admin admin;
    private final Topics topics;
    private final String applicationId;
    private final ChildJvm[] orchestrators = new ChildJvm[PROCESSES];
    private final ChildJvm[] workers = new ChildJvm[PROCESSES];

    private ChaosSystem(ChaosOptions options, Path directory, KafkaCluster cluster, EmbeddedSchemaRegistry registry,
                        String runId) {
        this.options = options;
        this.directory = directory;
        this.cluster = cluster;
        this.registry = registry;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
        this.topics = new Topics("chaos-" + runId);
        this.applicationId = "chaos-" + runId + "-orchestrator";
    }

    /**
     * Starts the cluster, the registry, the topics, the orchestrators and the workers.
     *
     * @param options   the run's settings
     * @param directory where the brokers' logs and the orchestrators' state go
     * @param runId     names the topics and the application id
     * @return the running system
     */
    public static ChaosSystem start(ChaosOptions options, Path directory, String runId) {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
        KafkaCluster cluster;
        try {
            cluster = KafkaCluster.start(directory.resolve("kafka"), REPLICATION, options.brokerSettings());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        ChaosSystem system = new ChaosSystem(options, directory, cluster, registry, runId);
        try {
            system.topics.ensureCreated(system.admin, PARTITIONS, PARTITIONS, (short) REPLICATION);
            // The first orchestrator alone: two first starts at once race to create the public subjects'
            // compatibility rules, and Apicurio refuses the second creation (409 "A rule named 'COMPATIBILITY'
            // already exists"), which fails that orchestrator's start.
            system.launchOrchestrator(0);
            awaitReady(system.orchestrators[0]);
            for (int i = 0; i < PROCESSES; i++) {
                if (i > 0) {
                    system.launchOrchestrator(i);
                }
                system.launchWorker(i);
            }
            for (int i = 0; i < PROCESSES; i++) {
                awaitReady(system.orchestrators[i]);
                awaitReady(system.workers[i]);
            }
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        return system;
    }

    private void launchOrchestrator(int i) {
        Map<String, String> settings = base();
        settings.put("applicationId", applicationId);
        settings.put("stateDir", directory.resolve("orchestrator-" + (i + 1)).toString());
        settings.put("partitions", Integer.toString(PARTITIONS));
        settings.put("taskPartitions", Integer.toString(PARTITIONS));
        settings.put("replication", Integer.toString(REPLICATION));
        settings.put("fenceDeadOrchestrators", Boolean.toString(options.fencing()));
        options.orchestratorStreams().forEach((key, value) -> settings.put("streams." + key, value));
        if (options.staticMembership()) {
            settings.put("streams.group.instance.id", applicationId + "-" + (i + 1));
        }
        orchestrators[i] = ChildJvm.start("chaos-orchestrator-" + (i + 1), ChaosProcesses.Orchestrator.class, JVM_OPTIONS,
                ChaosProcesses.toArgs(settings), Map.of());
    }

    private void launchWorker(int i) {
        Map<String, String> settings = base();
        settings.put("workerId", "chaos-worker-" + (i + 1));
        settings.put("activityDelayMs", Long.toString(options.activityDelay().toMillis()));
        // A dead worker's partitions move once its session expires (45 s by default).
        settings.put("kafka.session.timeout.ms", Long.toString(options.workerSessionTimeout().toMillis()));
        settings.put("kafka.heartbeat.interval.ms", Long.toString(Math.max(100, options.workerSessionTimeout().toMillis() / 4)));
        workers[i] = ChildJvm.start("chaos-worker-" + (i + 1), ChaosProcesses.Worker.class, JVM_OPTIONS,
                ChaosProcesses.toArgs(settings), Map.of());
    }

    private Map<String, String> base() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap", cluster.bootstrapServers());
        settings.put("registry", registry.url());
        settings.put("prefix", topics.prefix());
        return settings;
    }

    private static void awaitReady(ChildJvm child) {
        if (!child.awaitOutput(ChaosProcesses.READY, READY_TIMEOUT)) {
            List<String> lines = child.outputLines();
            throw new IllegalStateException("Expected " + child + " to print " + ChaosProcesses.READY + " within "
                    + READY_TIMEOUT + ", but it did not; log " + child.logFile() + " ends:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    /** @param i 0 or 1 @return how long from the kill until the replacement printed READY */
    Duration killAndRestartOrchestrator(int i) throws InterruptedException {
        return killAndRestart(orchestrators, i, this::launchOrchestrator);
    }

    /** @param i 0 or 1 @return how long from the kill until the replacement printed READY */
    Duration killAndRestartWorker(int i) throws InterruptedException {
        return killAndRestart(workers, i, this::launchWorker);
    }

    /** SIGKILLs {@code group[i]} and launches its replacement {@code --restart-delay} later. */
    private Duration killAndRestart(ChildJvm[] group, int i, IntConsumer launch) throws InterruptedException {
        group[i].kill();
        long begin = System.nanoTime();
        Thread.sleep(options.restartDelay().toMillis());
        launch.accept(i);
        awaitReady(group[i]);
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /** @param node 1 to 3 */
    void killBroker(int node) {
        cluster.kill(node);
    }

    /** @param node 1 to 3 @return how long it took to serve clients again */
    Duration restartBroker(int node) {
        long begin = System.nanoTime();
        cluster.restart(node);
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /** @param i 0 or 1 @param stop SIGSTOP if true, else SIGCONT */
    void signalWorker(int i, boolean stop) {
        signal(workers[i].pid(), stop ? "STOP" : "CONT");
    }

    /** Kills every broker, orchestrator and worker at once, then starts them all again. @return time to all READY */
    Duration killAndRestartEverything() {
        for (int i = 0; i < PROCESSES; i++) {
            orchestrators[i].kill();
            workers[i].kill();
        }
        for (int node = 1; node <= REPLICATION; node++) {
            cluster.kill(node);
        }
        long begin = System.nanoTime();
        cluster.restartAll();
        for (int i = 0; i < PROCESSES; i++) {
            launchOrchestrator(i);
            launchWorker(i);
        }
        for (int i = 0; i < PROCESSES; i++) {
            awaitReady(orchestrators[i]);
            awaitReady(workers[i]);
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("Expected kill -" + signal + " " + pid + " to succeed, but it did not");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to send SIG" + signal + " to " + pid + ", but could not", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }

    /** Waits until every partition of every topic, internal ones included, has all its replicas in sync again. */
    void awaitFullIsr() {
        long deadline = System.nanoTime() + ISR_TIMEOUT.toNanos();
        List<String> behind = new ArrayList<>();
        while (true) {
            behind.clear();
            try {
                Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(30, TimeUnit.SECONDS);
                for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                    topic.partitions().stream().filter(p -> p.isr().size() < p.replicas().size())
                            .forEach(p -> behind.add(topic.name() + "-" + p.partition()));
                }
            } catch (Exception e) {
                behind.add("(cluster not readable: " + e + ")");
            }
            if (behind.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Expected every replica back in sync within " + ISR_TIMEOUT
                        + ", but these partitions are short: " + behind);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
    }

    /** @return Kafka's bootstrap servers */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** @return the registry's Confluent-API URL */
    public String registryUrl() {
        return registry.url();
    }

    /** @return the run's topics */
    public Topics topics() {
        return topics;
    }

    /** @return the orchestrators' application id (their consumer group) */
    public String applicationId() {
        return applicationId;
    }

    /** @return the changelog topic of the history store, which holds every committed step */
    public String historyChangelog() {
        return applicationId + "-gregor-history-changelog";
    }

    /** @return the processes' log files, for a report that has to point at them */
    public List<Path> logFiles() {
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            logs.add(orchestrators[i].logFile());
            logs.add(workers[i].logFile());
        }
        return logs;
    }

    @Override
    public void close() {
        for (int i = 0; i < PROCESSES; i++) {
            for (ChildJvm child : new ChildJvm[] {orchestrators[i], workers[i]}) {
                if (child != null) {
                    child.close(); // SIGKILL, which ends a SIGSTOPped process too
                }
            }
        }
        admin.close(Duration.ofSeconds(5));
        cluster.close();
        registry.close();
    }
}
