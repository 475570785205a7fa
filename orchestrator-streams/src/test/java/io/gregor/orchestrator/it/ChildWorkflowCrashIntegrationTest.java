package io.gregor.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.it.support.ChildApps;
import io.gregor.orchestrator.it.support.CrashHarness;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ChildWorkflowCompleted;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowCompleted;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.testkit.ChildJvm;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.worker.ActivityWorker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12's fault test for child workflows (DESIGN §8, tier 4): a parent with 50 children whose
 * derived ids hash to every partition of the inputs, which two orchestrator JVMs share. Once some
 * children have completed, the JVM that owns the parent (and half of the children) is killed with
 * SIGKILL; the survivor takes over its partitions, rebuilding their stores from the changelogs,
 * while the worker keeps writing results and the children's ends keep crossing partitions.
 *
 * <p>Checked from the raw topics (read_committed, from the beginning), as an outside observer:
 * the parent and each child complete exactly once with the right output, each child activity is
 * dispatched once, the parent records each child as scheduled once and completed once, and no
 * history sequence of any of them is written by two committed transactions.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ChildWorkflowCrashIntegrationTest {

    private static final Logger LOG = LoggerFactory.getLogger(ChildWorkflowCrashIntegrationTest.class);

    private static final int CHILDREN = 50;
    /** Each child's slow activity; with two at a time the 50 children take about 4 s of worker time. */
    private static final long ACTIVITY_DELAY_MS = 150;
    private static final int WORKER_CONCURRENCY = 2;
    /** Children that must have completed (committed) before the kill. */
    private static final int COMPLETED_BEFORE_KILL = 10;
    private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(120);

    private final GregorInfrastructure infra = GregorInfrastructure.shared();
    private final DataConverter converter = DataConverter.defaultConverter();
    @RegisterExtension
    final CrashHarness harness = new CrashHarness(infra);

    @Test
    void parentAndEveryChildCompleteExactlyOnceAfterTheParentsOrchestratorIsKilledMidRun() throws Exception {
        // given two orchestrator JVMs sharing the inputs' partitions, and an in-process worker of slow activities
        Topics topics = harness.newTopics("children-kill");
        String applicationId = topics.prefix() + "-orchestrator";
        ChildApps.Config config = harness.baseConfig(topics).with("applicationId", applicationId);
        List<String> clientIds = List.of("orchestrator-1", "orchestrator-2");
        List<ChildJvm> orchestrators = new ArrayList<>();
        for (int i = 0; i < clientIds.size(); i++) {
            orchestrators.add(harness.startOrchestratorChild(config.with("clientId", clientIds.get(i)), i + 1));
        }
        Map<Integer, String> owners = awaitOwnersOfEveryPartition(applicationId, topics.inbox(), clientIds);

        AtomicInteger executions = new AtomicInteger();
        ActivityWorker worker = ActivityWorker.builder()
                .bootstrapServers(infra.bootstrapServers())
                .schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topics.prefix())
                .workerId("in-process-worker")
                .maxConcurrency(WORKER_CONCURRENCY)
                .registerActivity(ChildApps.SLOW_INCREMENT, ctx -> {
                    executions.incrementAndGet();
                    Thread.sleep(ACTIVITY_DELAY_MS); // the activity's own work, so the run lasts seconds
                    return ctx.getInput(Integer.class) + 1;
                })
                .registerActivity(ChildApps.INCREMENT, ctx -> {
                    executions.incrementAndGet();
                    return ctx.getInput(Integer.class) + 1;
                })
                .build();
        harness.push(worker);
        worker.start();
        WorkflowClient client = harness.newClient(topics);

        String parentId = "parent-" + UUID.randomUUID();
        List<String> childIds = IntStream.range(0, CHILDREN).mapToObj(i -> parentId + ":" + i).toList();
        Set<String> childOwners = childIds.stream().map(id -> owners.get(partitionOf(id, owners.size()))).collect(Collectors.toSet());
        assertThat(childOwners).as("orchestrators owning the children of %s (partitions: %s)", parentId, owners)
                .containsExactlyInAnyOrderElementsOf(clientIds);
        String victimId = owners.get(partitionOf(parentId, owners.size()));
        ChildJvm victim = orchestrators.get(clientIds.indexOf(victimId));

        // when the parent runs and its orchestrator is killed once some children have completed
        long begin = System.nanoTime();
        client.scheduleNewWorkflow(ChildApps.SUM_OF_CHILDREN, CHILDREN, parentId);
        Map<String, Integer> completedAtKill = awaitChildCompletions(topics, parentId, COMPLETED_BEFORE_KILL, orchestrators);
        int executedAtKill = executions.get();
        long killedAt = System.nanoTime();
        victim.kill();
        assertThat(completedAtKill).as("completions of %s and its children before the kill", parentId)
                .doesNotContainKey(parentId).hasSizeLessThan(CHILDREN);
        WorkflowInstanceState state = CrashHarness.awaitCompletion(client, parentId, orchestrators);
        long completedAt = System.nanoTime();

        // then (once every result that reached Kafka was processed, so late duplicates would show too)
        worker.close();
        harness.awaitOrchestratorConsumedAllInputs(applicationId, topics);
        LOG.info("FIGURES children-kill: killed {} (owner of the parent's partition; partitions {}) after {} activity executions"
                        + " and {} committed child completions; parent completed {} ms after the kill, {} activity executions"
                        + " in all; total {} ms", victimId, owners, executedAtKill, completedAtKill.size(),
                TimeUnit.NANOSECONDS.toMillis(completedAt - killedAt), executions.get(),
                TimeUnit.NANOSECONDS.toMillis(completedAt - begin));

        int expectedSum = IntStream.range(0, CHILDREN).map(i -> i + 2).sum();
        assertThat(state.getRuntimeStatus()).as("status of %s", parentId).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(state.readOutputAs(Integer.class)).as("output of %s", parentId).isEqualTo(expectedSum);

        // exactly one completion record for the parent and for each child, with its own output
        Map<String, List<WorkflowCompletion>> completions = KafkaReads.readAllAvro(infra.bootstrapServers(),
                        infra.schemaRegistryUrl(), topics.completions(), WorkflowCompletion.class).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, TreeMap::new,
                        Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
        Set<String> expectedIds = new HashSet<>(childIds);
        expectedIds.add(parentId);
        assertThat(completions.keySet()).as("instances with a completion record").containsExactlyInAnyOrderElementsOf(expectedIds);
        assertThat(moreThanOnce(completions)).as("instances with more than one completion record").isEmpty();
        for (int i = 0; i < CHILDREN; i++) {
            WorkflowCompletion child = completions.get(childIds.get(i)).getFirst();
            assertThat(child.getStatus()).as("status of %s", childIds.get(i)).isEqualTo(RuntimeStatus.COMPLETED);
            assertThat(decode(child.getOutput())).as("output of %s", childIds.get(i)).isEqualTo(i + 2);
        }
        assertThat(decode(completions.get(parentId).getFirst().getOutput())).as("output in the completion record of %s", parentId)
                .isEqualTo(expectedSum);

        // each child activity was dispatched to workers by exactly one committed transaction
        Map<String, List<String>> dispatches = KafkaReads.readAll(infra.bootstrapServers(), topics.activityTasks()).stream()
                .map(KafkaReads::keyText)
                .filter(key -> key.startsWith(parentId + ":"))
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.toList()));
        assertThat(dispatches).as("committed task records of the children of %s", parentId).hasSize(2 * CHILDREN);
        assertThat(moreThanOnce(dispatches)).as("child tasks dispatched more than once").isEmpty();

        // no history sequence of the parent or of a child was written by two committed transactions
        Map<String, List<CrashHarness.HistoryWrite>> writes = harness.committedHistoryWrites(applicationId);
        Map<String, List<Integer>> rewritten = new TreeMap<>();
        for (String id : expectedIds) {
            Map<Integer, Long> perSequence = writes.getOrDefault(id, List.of()).stream()
                    .collect(Collectors.groupingBy(CrashHarness.HistoryWrite::sequence, TreeMap::new, Collectors.counting()));
            List<Integer> twice = perSequence.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            if (!twice.isEmpty()) {
                rewritten.put(id, twice);
            }
        }
        assertThat(writes).as("instances with history writes").containsKeys(expectedIds.toArray(String[]::new));
        assertThat(rewritten).as("history sequence numbers written more than once, by instance").isEmpty();

        // the parent recorded each child as scheduled once and completed once, and then completed
        NavigableMap<Integer, HistoryEvent> history = KafkaReads.historyBySequence(infra.bootstrapServers(),
                infra.schemaRegistryUrl(), applicationId, parentId);
        Map<String, List<Integer>> scheduled = new TreeMap<>();
        Map<String, List<Integer>> completed = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        for (HistoryEvent event : history.values()) {
            switch (event.getEvent()) {
                case ChildWorkflowScheduled s -> scheduled.computeIfAbsent(s.getInstanceId(), id -> new ArrayList<>()).add(s.getTaskId());
                case ChildWorkflowCompleted c -> completed.computeIfAbsent(c.getInstanceId(), id -> new ArrayList<>()).add(c.getTaskId());
                case ChildWorkflowFailed f -> failed.add(KafkaReads.summary(event));
                default -> {
                }
            }
        }
        assertThat(scheduled.keySet()).as("children scheduled by %s", parentId).containsExactlyInAnyOrderElementsOf(childIds);
        assertThat(moreThanOnce(scheduled)).as("children of %s scheduled more than once", parentId).isEmpty();
        assertThat(completed).as("children of %s completed, with their task ids", parentId).isEqualTo(scheduled);
        assertThat(failed).as("children of %s recorded as failed", parentId).isEmpty();
        assertThat(history.lastEntry().getValue().getEvent()).as("last event of %s", parentId).isInstanceOf(WorkflowCompleted.class);
    }

    /**
     * Waits until the group is stable with every partition of {@code topic} assigned and each
     * orchestrator owning some, so the children are spread over both JVMs before the run starts.
     *
     * @return the owner (client id) of each partition
     */
    private Map<Integer, String> awaitOwnersOfEveryPartition(String applicationId, String topic, List<String> clientIds)
            throws Exception {
        int partitions = harness.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        long deadline = System.nanoTime() + ASSIGNMENT_TIMEOUT.toNanos();
        Map<Integer, String> owners = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            ConsumerGroupDescription group = harness.admin().describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get(30, TimeUnit.SECONDS);
            owners.clear();
            for (MemberDescription member : group.members()) {
                // Kafka Streams names its consumer "<client.id>-StreamThread-<n>-consumer".
                String owner = clientIds.stream().filter(id -> member.clientId().startsWith(id + "-")).findFirst()
                        .orElse(member.clientId());
                for (TopicPartition tp : member.assignment().topicPartitions()) {
                    if (tp.topic().equals(topic)) {
                        owners.put(tp.partition(), owner);
                    }
                }
            }
            if (group.groupState() == GroupState.STABLE && owners.size() == partitions
                    && new HashSet<>(owners.values()).equals(new HashSet<>(clientIds))) {
                return Map.copyOf(owners);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("Expected the " + partitions + " partitions of " + topic + " spread over " + clientIds + " within "
                + ASSIGNMENT_TIMEOUT + ", but found owners " + owners);
    }

    /**
     * Polls the completions topic (read_committed) until at least {@code count} children of the
     * parent have a completion record.
     *
     * @return the number of completion records per instance id (the parent's and its children's), as last read
     */
    private Map<String, Integer> awaitChildCompletions(Topics topics, String parentId, int count, List<ChildJvm> orchestrators)
            throws Exception {
        long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
        Map<String, Integer> seen = Map.of();
        while (System.nanoTime() < deadline) {
            seen = KafkaReads.readAllAvro(infra.bootstrapServers(), infra.schemaRegistryUrl(), topics.completions(),
                            WorkflowCompletion.class).stream()
                    .filter(r -> r.key().startsWith(parentId))
                    .collect(Collectors.toMap(ConsumerRecord::key, r -> 1, Integer::sum));
            if (seen.keySet().stream().filter(id -> !id.equals(parentId)).count() >= count) {
                return seen;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("Expected " + count + " children of " + parentId + " to complete within " + PROGRESS_TIMEOUT
                + ", but found completions of " + seen.keySet() + "\n" + orchestrators.stream()
                .map(c -> c + " log " + c.logFile() + ":\n" + CrashHarness.tail(c)).collect(Collectors.joining("\n")));
    }

    /** The partition the default partitioner gives a key, as for every record keyed by instance id. */
    private static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static <T> Map<String, Integer> moreThanOnce(Map<String, List<T>> byKey) {
        return byKey.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size(), (a, b) -> a, TreeMap::new));
    }

    private int decode(Payload payload) {
        assertThat(payload).as("payload").isNotNull();
        return converter.deserialize(payload, Integer.class);
    }
}
