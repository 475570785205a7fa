package io.gregor.orchestrator.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.schemas.Topics;
import io.gregor.testkit.ChildJvm;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.testkit.Support;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the crash tests share: fresh topics, child JVMs of {@link ChildApps}, clients, and the
 * waits and raw reads their checks need. A JUnit extension of each test
 * ({@code @RegisterExtension final CrashHarness harness = new CrashHarness(infra)}): it owns
 * everything it starts and closes it last-in first-out after the test, whatever happened, so no
 * child JVM outlives its test, and then deletes the test's state directories.
 */
public final class CrashHarness implements AfterEachCallback, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CrashHarness.class);

    /** How long a child app may take to start. */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration COMPLETION_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;
    private static final int TASK_PARTITIONS = 8;

    private final GregorInfrastructure infra;
    private final Path temp;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Admin admin;

    /** @param infra the broker and registry */
    public CrashHarness(GregorInfrastructure infra) {
        this.infra = infra;
        try {
            this.temp = Files.createTempDirectory("gregor-crash-test");
        } catch (IOException e) {
            throw new UncheckedIOException("Expected a temporary directory for the crash test's state, but found " + e, e);
        }
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        resources.push(admin);
    }

    /** @return an admin client on the broker, closed with the harness */
    public Admin admin() {
        return admin;
    }

    /**
     * @param resource closed with the harness, before everything pushed earlier
     * @param <T>      its type
     * @return the resource
     */
    public <T extends AutoCloseable> T push(T resource) {
        resources.push(resource);
        return resource;
    }

    /**
     * @param name what it is for
     * @return a directory of this test's, deleted after it
     */
    public Path stateDir(String name) {
        return temp.resolve(name);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
        Support.deleteRecursively(temp);
    }

    /** Closes everything it started, last first, logging what fails to close. */
    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Could not close {}: {}", resource, e.toString());
            }
        }
    }

    /** @param name part of the prefix @return fresh topics, created with the crash tests' partition counts */
    public Topics newTopics(String name) {
        Topics topics = new Topics("crash-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
        // Created up front, so workers and share-group settings can be in place before any orchestrator runs.
        topics.ensureCreated(admin, PARTITIONS, TASK_PARTITIONS, (short) 1);
        return topics;
    }

    /** @param topics the test's topics @return the settings every child app needs */
    public ChildApps.Config baseConfig(Topics topics) {
        return new ChildApps.Config(Map.of(
                "bootstrap", infra.bootstrapServers(),
                "registry", infra.schemaRegistryUrl(),
                "prefix", topics.prefix()));
    }

    /**
     * @param config the orchestrator's settings
     * @param number its ordinal in the test; names its log and its (empty) state directory
     * @return the child, once it printed {@link ChildApps#READY}
     * @throws Exception if it does not start
     */
    public ChildJvm startOrchestratorChild(ChildApps.Config config, int number) throws Exception {
        Path stateDir = stateDir("orchestrator-" + number + "-state");
        assertThat(Files.exists(stateDir)).as("state directory %s must start empty", stateDir).isFalse();
        ChildJvm child = ChildJvm.start("orchestrator-" + number, ChildApps.OrchestratorApp.class,
                config.with("stateDir", stateDir.toString()).toArgs(), Map.of());
        resources.push(child);
        awaitReady(child);
        return child;
    }

    /** @param config the worker's settings @param number its ordinal in the test @return the child, once ready */
    public ChildJvm startWorkerChild(ChildApps.Config config, int number) {
        ChildJvm child = ChildJvm.start("worker-" + number, ChildApps.WorkerApp.class, config.toArgs(), Map.of());
        resources.push(child);
        awaitReady(child);
        return child;
    }

    private static void awaitReady(ChildJvm child) {
        if (!child.awaitOutput(ChildApps.READY, READY_TIMEOUT)) {
            throw new AssertionError("Expected " + child + " to print " + ChildApps.READY + " within " + READY_TIMEOUT
                    + ", but it did not; log " + child.logFile() + ":\n" + tail(child));
        }
    }

    /** @param topics the test's topics @return a client on them, closed with the harness */
    public WorkflowClient newClient(Topics topics) {
        WorkflowClient client = WorkflowClient.builder()
                .bootstrapServers(infra.bootstrapServers())
                .schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topics.prefix())
                .build();
        resources.push(client);
        return client;
    }

    /** @param child a child app @return the last 40 lines it printed */
    public static String tail(ChildJvm child) {
        List<String> lines = child.outputLines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
    /**
     * Waits for a terminal status; fails at once on STALLED (an instance stalls on a
     * non-determinism or engine error and never finishes by itself), with the error and the logs.
     */
    public static WorkflowInstanceState awaitCompletion(WorkflowClient client, String instanceId, List<ChildJvm> children)
            throws Exception {
        long deadline = System.nanoTime() + COMPLETION_TIMEOUT.toNanos();
        Optional<WorkflowInstanceState> state = Optional.empty();
        while (System.nanoTime() < deadline) {
            try {
                // Blocks without polling until a status arrives; the short slice only lets STALLED end the wait early.
                return client.waitForInstanceCompletion(instanceId, Duration.ofSeconds(1));
            } catch (TimeoutException notYet) {
                state = client.getInstanceState(instanceId);
                if (state.isPresent() && state.get().getRuntimeStatus() == WorkflowRuntimeStatus.STALLED) {
                    throw new AssertionError("Expected instance " + instanceId + " to complete, but it is STALLED: "
                            + state.get().getFailureDetails() + "\n" + logTails(children));
                }
            }
        }
        throw new AssertionError("Expected instance " + instanceId + " to complete within " + COMPLETION_TIMEOUT
                + ", but its status is " + state.map(s -> s.getRuntimeStatus().toString()).orElse("(none)") + "\n"
                + logTails(children));
    }

    private static String logTails(List<ChildJvm> children) {
        return children.stream().map(c -> c + " log " + c.logFile() + ":\n" + tail(c)).collect(Collectors.joining("\n"));
    }


    // ------------------------------------------------------------------ waiting for quiescence

    /**
     * Waits until the orchestrator (its Kafka Streams application id is its consumer group) has
     * committed offsets at the end of every input partition: then everything written to its inputs,
     * late duplicate results included, was processed and its effects committed.
     */
    public void awaitOrchestratorConsumedAllInputs(String applicationId, Topics topics) throws Exception {
        // Kafka Streams commits its consumer's position, which is past the last commit marker.
        awaitCommitted(applicationId, endOffsets(partitionsOf(topics.orchestratorInputs())));
    }

    /**
     * Waits until a worker's consumer group has committed every committed task record. Unlike
     * Kafka Streams, the worker commits the offset after the last task it finished, so the
     * partition's trailing commit marker stays behind it: the target is the last task's offset + 1.
     */
    public void awaitWorkersConsumedTasks(String groupId, String taskTopic) throws Exception {
        Map<TopicPartition, Long> target = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> task : KafkaReads.readAll(infra.bootstrapServers(), taskTopic)) {
            target.merge(new TopicPartition(task.topic(), task.partition()), task.offset() + 1, Math::max);
        }
        awaitCommitted(groupId, target);
    }

    private void awaitCommitted(String groupId, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, Long> behind = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        awaitCondition(DRAIN_TIMEOUT, () -> {
            Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(groupId,
                    new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata());
            behind.clear();
            end.forEach((tp, target) -> {
                OffsetAndMetadata offset = committed.get(tp);
                long position = offset == null ? 0 : offset.offset();
                if (position < target) {
                    behind.put(tp, target - position);
                }
            });
            return behind.isEmpty();
        }, () -> "group " + groupId + " to commit offsets up to " + end + "; records left: " + behind);
    }

    /** Waits until the share group has acknowledged (or archived) every task record. */
    public void awaitShareGroupDrained(String shareGroup, String taskTopic) throws Exception {
        List<TopicPartition> partitions = partitionsOf(List.of(taskTopic));
        Map<TopicPartition, Long> end = endOffsets(partitions);
        Map<TopicPartition, String> pending = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        awaitCondition(DRAIN_TIMEOUT, () -> {
            Map<TopicPartition, SharePartitionOffsetInfo> offsets = get(admin.listShareGroupOffsets(
                    Map.of(shareGroup, new ListShareGroupOffsetsSpec().topicPartitions(partitions))).partitionsToOffsetInfo(shareGroup));
            pending.clear();
            for (TopicPartition tp : partitions) {
                SharePartitionOffsetInfo info = offsets.get(tp);
                boolean drained = end.get(tp) == 0 || info != null
                        && info.lag().map(lag -> lag == 0).orElse(info.startOffset() >= end.get(tp));
                if (!drained) {
                    pending.put(tp, String.valueOf(info));
                }
            }
            return pending.isEmpty();
        }, () -> "share group " + shareGroup + " to finish every task record up to " + end + "; pending: " + pending);
    }

    private List<TopicPartition> partitionsOf(List<String> topicNames) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        get(admin.describeTopics(topicNames).allTopicNames()).forEach((topic, description) ->
                description.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        return partitions;
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        get(admin.listOffsets(latest).all()).forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Re-checks a condition every 100 ms until it holds; fails with the description on timeout. */
    private static void awaitCondition(Duration timeout, Condition condition, Supplier<String> description) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Expected " + description.get() + " within " + timeout + ", but it did not happen");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }


    /**
     * One committed write of a history key.
     *
     * @param sequence the history sequence number written
     * @param offset   where in the changelog
     */
    public record HistoryWrite(int sequence, long offset) {
    }

    /**
     * Every committed write of one instance's history events, duplicates included: KafkaReads'
     * history view keeps the latest value per key, which would hide an event written again after
     * a crash. A record holding several events counts as a write of each.
     */
    public List<HistoryWrite> committedHistoryWrites(String applicationId, String instanceId) {
        return committedHistoryWrites(applicationId).getOrDefault(instanceId, List.of());
    }

    /** As {@link #committedHistoryWrites(String, String)}, for every instance in one read of the changelog. */
    public Map<String, List<HistoryWrite>> committedHistoryWrites(String applicationId) {
        Map<String, List<HistoryWrite>> writes = new HashMap<>();
        for (KafkaReads.HistoryRecord record : KafkaReads.historyRecords(infra.bootstrapServers(), infra.schemaRegistryUrl(),
                applicationId)) {
            if (record.events() != null) {
                List<HistoryWrite> ofInstance = writes.computeIfAbsent(record.instanceId(), id -> new ArrayList<>());
                for (int sequence = record.firstSequence(); sequence <= record.lastSequence(); sequence++) {
                    ofInstance.add(new HistoryWrite(sequence, record.offset()));
                }
            }
        }
        return writes;
    }


    /** @param byTask events per task id @param <T> event type @return the task ids with more than one */
    public static <T> List<Integer> duplicated(Map<Integer, List<T>> byTask) {
        return byTask.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
    }
}
