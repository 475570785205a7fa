package io.gregor.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.orchestrator.it.support.ChildApps;
import io.gregor.orchestrator.it.support.CrashHarness;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.WorkflowCompleted;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.testkit.ChildJvm;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.testkit.ShareGroups;
import io.gregor.worker.ActivityWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier-4 fault tests (DESIGN §8): orchestrators and workers in separate JVMs, killed with SIGKILL
 * in the middle of a 100-activity workflow, replaced, and the outcome checked against what Kafka
 * holds — the history changelog, the task topic and the completions topic, all read
 * read_committed from the beginning, as an outside observer would.
 *
 * <p>What must hold after any crash (DESIGN §4): the workflow completes with the right output;
 * every task is scheduled once and completed once in the history; each history key is written by
 * exactly one committed transaction; each task is dispatched once; one completion record.
 * Activities themselves are at-least-once, so a worker crash may run some twice: that is counted
 * and logged, not forbidden.
 *
 * <p>Crashed orchestrators are replaced with an empty state directory, so the new one must rebuild
 * every store from the changelogs (the strongest form of recovery; a reused directory would only
 * replay the tail).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CrashRecoveryIntegrationTest {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIntegrationTest.class);

    private static final int ACTIVITIES = 100;
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMPLETION_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;
    private static final int TASK_PARTITIONS = 8;
    /**
     * The broker's default share lock is 30 s: a dead worker's tasks would wait that long. The
     * group config brings it down (the test broker allows 1 s and up), and a short share session
     * lets the group drop the dead member, so its partitions go to the new worker quickly.
     */
    private static final String SHARE_LOCK_MS = "3000";
    private static final String SHARE_SESSION_MS = "3000";

    private static final Pattern ACTIVITY_LINE = Pattern.compile(
            Pattern.quote(ChildApps.ACTIVITY_LINE) + " (start|end) #\\d+ instance=(\\S+) task=(\\d+) attempt=(\\d+)");

    private final GregorInfrastructure infra = GregorInfrastructure.shared();
    private final DataConverter converter = DataConverter.defaultConverter();
    @RegisterExtension
    final CrashHarness harness = new CrashHarness(infra);

    // ------------------------------------------------------------------ orchestrator crashes

    @Test
    void sequentialWorkflowCompletesExactlyOnceAfterOrchestratorIsKilledAndRestoredFromChangelogs() throws Exception {
        ChainOutcome outcome = runChainThroughOrchestratorKills("orch-kill", 40);

        assertRecoveredExactlyOnce(outcome);
    }

    @Test
    void sequentialWorkflowCompletesExactlyOnceAfterOrchestratorIsKilledTwice() throws Exception {
        ChainOutcome outcome = runChainThroughOrchestratorKills("orch-kill-twice", 30, 70);

        assertRecoveredExactlyOnce(outcome);
    }

    /**
     * Runs {@link ChildApps#COUNT_TO}(100) with the orchestrator in a child JVM and an in-process
     * worker; after the k-th activity execution for each k in {@code killAfter}, SIGKILLs the
     * orchestrator and starts a new one with the same application id and an empty state directory.
     */
    private ChainOutcome runChainThroughOrchestratorKills(String name, int... killAfter) throws Exception {
        // given topics of our own, an orchestrator in a child JVM and an in-process worker that counts executions
        Topics topics = harness.newTopics(name);
        String applicationId = topics.prefix() + "-orchestrator";
        ChildApps.Config orchestratorConfig = harness.baseConfig(topics).with("applicationId", applicationId);
        List<ChildJvm> orchestrators = new ArrayList<>();
        orchestrators.add(harness.startOrchestratorChild(orchestratorConfig, 1));

        Map<Integer, AtomicInteger> executionsByTask = new ConcurrentHashMap<>();
        AtomicInteger executions = new AtomicInteger();
        AtomicLongArray executionStartNanos = new AtomicLongArray(ACTIVITIES * 3);
        Map<Integer, CountDownLatch> reached = new TreeMap<>();
        for (int k : killAfter) {
            reached.put(k, new CountDownLatch(1));
        }
        ActivityWorker worker = ActivityWorker.builder()
                .bootstrapServers(infra.bootstrapServers())
                .schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topics.prefix())
                .workerId("in-process-worker")
                .registerActivity(ChildApps.INCREMENT, ctx -> {
                    int ordinal = executions.incrementAndGet();
                    if (ordinal <= executionStartNanos.length()) {
                        executionStartNanos.set(ordinal - 1, System.nanoTime());
                    }
                    executionsByTask.computeIfAbsent(ctx.getTaskId(), id -> new AtomicInteger()).incrementAndGet();
                    CountDownLatch latch = reached.get(ordinal);
                    if (latch != null) {
                        latch.countDown();
                    }
                    return ctx.getInput(Integer.class) + 1;
                })
                .build();
        harness.push(worker);
        worker.start();
        WorkflowClient client = harness.newClient(topics);

        // when the chain of 100 runs and the orchestrator is killed mid-way, each time
        String instanceId = "chain-" + UUID.randomUUID();
        long begin = System.nanoTime();
        client.scheduleNewWorkflow(ChildApps.COUNT_TO, ACTIVITIES, instanceId);
        List<KillFigures> kills = new ArrayList<>();
        for (int k : killAfter) {
            ChildJvm victim = orchestrators.getLast();
            if (!reached.get(k).await(PROGRESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Expected " + k + " activity executions within " + PROGRESS_TIMEOUT + ", but saw "
                        + executions.get() + "; orchestrator log " + victim.logFile() + ":\n" + CrashHarness.tail(victim));
            }
            int executedAtKill = executions.get();
            long killedAt = System.nanoTime();
            victim.kill();
            // A fresh, empty state directory: every store must come back from its changelog.
            ChildJvm replacement = harness.startOrchestratorChild(orchestratorConfig, orchestrators.size() + 1);
            orchestrators.add(replacement);
            long readyAt = System.nanoTime();
            kills.add(new KillFigures(executedAtKill, killedAt, readyAt));
        }
        WorkflowInstanceState state = CrashHarness.awaitCompletion(client, instanceId, orchestrators);
        long completedAt = System.nanoTime();

        // then (once every result that reached Kafka was processed, so late duplicates would show too)
        worker.close();
        harness.awaitOrchestratorConsumedAllInputs(applicationId, topics);
        List<Long> resumedAfterMs = new ArrayList<>();
        for (KillFigures kill : kills) {
            // Measured from the replacement's start: a task committed just before the kill may still run in between.
            resumedAfterMs.add(firstExecutionAfter(executionStartNanos, kill.readyAt())
                    .map(t -> TimeUnit.NANOSECONDS.toMillis(t - kill.killedAt())).orElse(-1L));
        }
        int duplicateExecutions = executionsByTask.values().stream().mapToInt(c -> c.get() - 1).sum();
        StringBuilder figures = new StringBuilder();
        for (int i = 0; i < kills.size(); i++) {
            KillFigures kill = kills.get(i);
            figures.append(String.format(" kill %d after %d activity executions: replacement RUNNING after %d ms, first activity it"
                            + " dispatched ran %d ms after the kill;", i + 1, kill.executedAtKill(),
                    TimeUnit.NANOSECONDS.toMillis(kill.readyAt() - kill.killedAt()), resumedAfterMs.get(i)));
        }
        LOG.info("FIGURES {}:{} {} activity executions for {} tasks ({} duplicate executions); total {} ms", name, figures,
                executions.get(), executionsByTask.size(), duplicateExecutions,
                TimeUnit.NANOSECONDS.toMillis(completedAt - begin));
        return new ChainOutcome(topics, applicationId, instanceId, state, ChildApps.INCREMENT, ACTIVITIES, orchestrators);
    }

    private record KillFigures(int executedAtKill, long killedAt, long readyAt) {
    }

    // ------------------------------------------------------------------ worker crash

    @ParameterizedTest(name = "worker in {0} mode")
    @ValueSource(strings = {"group", "share"})
    void fanOutCompletesWithEachResultRecordedOnceAfterWorkerIsKilledMidBatch(String workerMode) throws Exception {
        // given an in-process orchestrator, a worker in a child JVM running 4 activities of 100 ms at a time,
        // and a share group that redelivers a dead worker's tasks after 3 s instead of 30 s (or a
        // consumer group whose members time out after 6 s instead of 45 s)
        Topics topics = harness.newTopics("worker-kill-" + workerMode);
        String applicationId = topics.prefix() + "-orchestrator";
        ChildApps.Config config = harness.baseConfig(topics).with("applicationId", applicationId);
        GregorOrchestrator orchestrator = ChildApps.orchestrator(config)
                .stateDir(harness.stateDir("in-process-state").toString())
                .build();
        harness.push(orchestrator);
        orchestrator.start();
        orchestrator.awaitRunning(READY_TIMEOUT);
        String workerGroup = topics.prefix() + "-activity-workers";
        if (workerMode.equals("share")) {
            ShareGroups.configure(harness.admin(), workerGroup, Map.of(
                    ShareGroups.AUTO_OFFSET_RESET, "earliest",
                    ShareGroups.RECORD_LOCK_DURATION_MS, SHARE_LOCK_MS,
                    "share.session.timeout.ms", SHARE_SESSION_MS), Duration.ofSeconds(30));
        }
        ChildApps.Config workerConfig = harness.baseConfig(topics).with("maxConcurrency", "4").with("activityDelayMs", "100")
                .with("workerMode", workerMode).with("sessionTimeoutMs", "6000");
        ChildJvm firstWorker = harness.startWorkerChild(workerConfig, 1);
        WorkflowClient client = harness.newClient(topics);

        // when a fan-out of 100 runs and the worker is killed as its 42nd activity starts (so it dies mid-batch,
        // with that one and whichever others of its batch are still running)
        String instanceId = "fan-" + UUID.randomUUID();
        long begin = System.nanoTime();
        client.scheduleNewWorkflow(ChildApps.FAN_OUT, ACTIVITIES, instanceId);
        if (!firstWorker.awaitOutput(ChildApps.ACTIVITY_LINE + " start #42 ", PROGRESS_TIMEOUT)) {
            throw new AssertionError("Expected the worker to start 42 activities within " + PROGRESS_TIMEOUT
                    + ", but it did not; worker log " + firstWorker.logFile() + ":\n" + CrashHarness.tail(firstWorker));
        }
        long killedAt = System.nanoTime();
        firstWorker.kill();
        // A worker that dies after writing a result but before acknowledging the task makes the task
        // run again and its result arrive twice. Whether this kill hit that window is luck, so the
        // results the dead worker wrote are also delivered a second time, while the workflow still
        // waits for the rest: the orchestrator must drop every one of them.
        int resent = resendResults(topics, instanceId);
        ChildJvm secondWorker = harness.startWorkerChild(workerConfig, 2);
        long readyAt = System.nanoTime();
        WorkflowInstanceState state = CrashHarness.awaitCompletion(client, instanceId, List.of(firstWorker, secondWorker));
        long completedAt = System.nanoTime();

        // then: once every task record is acknowledged (a redelivered duplicate may still run after
        // completion) and every result was processed, count what ran and check what was recorded
        if (workerMode.equals("share")) {
            harness.awaitShareGroupDrained(workerGroup, topics.activityTasks());
        } else {
            harness.awaitWorkersConsumedTasks(workerGroup, topics.activityTasks());
        }
        secondWorker.kill();
        harness.awaitOrchestratorConsumedAllInputs(applicationId, topics);

        ActivityTrace first = ActivityTrace.of(firstWorker, instanceId);
        ActivityTrace second = ActivityTrace.of(secondWorker, instanceId);
        Set<Integer> interrupted = new TreeSet<>(first.started().keySet());
        interrupted.removeAll(first.ended().keySet());
        Set<Integer> ranInBoth = new TreeSet<>(first.started().keySet());
        ranInBoth.retainAll(second.started().keySet());
        int totalStarts = first.totalStarts() + second.totalStarts();
        Set<Integer> distinct = new TreeSet<>(first.started().keySet());
        distinct.addAll(second.started().keySet());
        int results = (int) KafkaReads.readAll(infra.bootstrapServers(), topics.inbox()).stream()
                .filter(r -> instanceId.equals(KafkaReads.keyText(r)) && isResult(r)).count();
        LOG.info("FIGURES worker-kill: worker 1 killed after {} activities ended ({} started, {} interrupted mid-run: {});"
                        + " replacement started after {} ms, workflow completed {} ms after the kill; {} executions of {} distinct"
                        + " tasks, {} duplicate executions (tasks run by both workers: {}); {} results on the topic: {} resent by"
                        + " the test, {} duplicates from redelivery; total {} ms",
                first.totalEnds(), first.totalStarts(), interrupted.size(), interrupted,
                TimeUnit.NANOSECONDS.toMillis(readyAt - killedAt), TimeUnit.NANOSECONDS.toMillis(completedAt - killedAt),
                totalStarts, distinct.size(), totalStarts - distinct.size(), ranInBoth, results, resent,
                results - resent - ACTIVITIES, TimeUnit.NANOSECONDS.toMillis(completedAt - begin));
        assertThat(resent).as("results of the killed worker delivered twice").isGreaterThan(0);

        // every task ran, and the ones the kill interrupted ran again on the new worker (at-least-once)
        assertThat(distinct).as("tasks that ran at least once").hasSize(ACTIVITIES);
        assertThat(second.started().keySet()).as("tasks interrupted by the kill must run again on the new worker")
                .containsAll(interrupted);
        assertRecoveredExactlyOnce(new ChainOutcome(topics, applicationId, instanceId, state, ChildApps.SLOW_INCREMENT,
                ACTIVITIES * (ACTIVITIES + 1) / 2, List.of(firstWorker, secondWorker)));
    }

    /** What a child worker printed about one instance's activities: starts and ends per task id. */
    private record ActivityTrace(Map<Integer, Integer> started, Map<Integer, Integer> ended) {
        static ActivityTrace of(ChildJvm worker, String instanceId) {
            Map<Integer, Integer> started = new TreeMap<>();
            Map<Integer, Integer> ended = new TreeMap<>();
            for (String line : worker.outputLines()) {
                Matcher m = ACTIVITY_LINE.matcher(line);
                if (m.find() && m.group(2).equals(instanceId)) {
                    (m.group(1).equals("start") ? started : ended).merge(Integer.parseInt(m.group(3)), 1, Integer::sum);
                }
            }
            return new ActivityTrace(started, ended);
        }

        int totalStarts() {
            return started.values().stream().mapToInt(Integer::intValue).sum();
        }

        int totalEnds() {
            return ended.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    // ------------------------------------------------------------------ the exactly-once checks

    private record ChainOutcome(Topics topics, String applicationId, String instanceId, WorkflowInstanceState state,
                                String activityName, int expectedOutput, List<ChildJvm> children) {
    }

    /**
     * The checks every crash test shares: output, history (from the changelog), dispatched tasks
     * and completions (from their topics).
     */
    private void assertRecoveredExactlyOnce(ChainOutcome outcome) {
        String id = outcome.instanceId();
        Supplier<String> logs = () -> outcome.children().stream()
                .map(c -> c.name() + " log: " + c.logFile()).collect(Collectors.joining(", "));

        // the workflow completed with the output only a gap-free, duplicate-free run produces
        assertThat(outcome.state().getRuntimeStatus()).as("status of %s (%s)", id, logs.get())
                .isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        assertThat(outcome.state().readOutputAs(Integer.class)).as("output of %s", id).isEqualTo(outcome.expectedOutput());

        // every history key was written by exactly one committed transaction
        List<CrashHarness.HistoryWrite> writes = harness.committedHistoryWrites(outcome.applicationId(), id);
        Map<Integer, Long> writesPerSequence = writes.stream()
                .collect(Collectors.groupingBy(CrashHarness.HistoryWrite::sequence, TreeMap::new, Collectors.counting()));
        assertThat(writesPerSequence.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("history sequence numbers of %s written more than once", id).isEmpty();

        // the history is gap-free, starts once, ends once, and has each task scheduled once and completed once
        List<HistoryEvent> history = KafkaReads.history(infra.bootstrapServers(), infra.schemaRegistryUrl(),
                outcome.applicationId(), id);
        assertThat(history).as("history of %s", id).hasSize(2 + 2 * ACTIVITIES);
        assertThat(history.getFirst().getEvent()).as("first event of %s", id).isInstanceOf(WorkflowStarted.class);
        assertThat(history.getLast().getEvent()).as("last event of %s", id).isInstanceOf(WorkflowCompleted.class);
        assertThat(history.stream().filter(e -> e.getEvent() instanceof TaskFailed).map(KafkaReads::summary).toList())
                .as("failed tasks of %s", id).isEmpty();
        Map<Integer, List<TaskScheduled>> scheduled = new TreeMap<>();
        Map<Integer, List<TaskCompleted>> completed = new TreeMap<>();
        Map<Integer, Integer> scheduledAt = new HashMap<>();
        Map<Integer, Integer> completedAt = new HashMap<>();
        for (int seq = 0; seq < history.size(); seq++) {
            switch (history.get(seq).getEvent()) {
                case TaskScheduled s -> {
                    scheduled.computeIfAbsent(s.getTaskId(), t -> new ArrayList<>()).add(s);
                    scheduledAt.putIfAbsent(s.getTaskId(), seq);
                }
                case TaskCompleted c -> {
                    completed.computeIfAbsent(c.getTaskId(), t -> new ArrayList<>()).add(c);
                    completedAt.putIfAbsent(c.getTaskId(), seq);
                }
                default -> {
                }
            }
        }
        assertThat(scheduled).as("scheduled tasks of %s", id).hasSize(ACTIVITIES);
        assertThat(CrashHarness.duplicated(scheduled)).as("tasks of %s scheduled more than once", id).isEmpty();
        assertThat(completed.keySet()).as("completed tasks of %s", id).isEqualTo(scheduled.keySet());
        assertThat(CrashHarness.duplicated(completed)).as("tasks of %s completed more than once", id).isEmpty();
        for (Map.Entry<Integer, List<TaskScheduled>> entry : scheduled.entrySet()) {
            int taskId = entry.getKey();
            TaskScheduled s = entry.getValue().getFirst();
            assertThat(s.getActivityName()).as("activity of task %d", taskId).isEqualTo(outcome.activityName());
            assertThat(completedAt.get(taskId)).as("position of the completion of task %d", taskId)
                    .isGreaterThan(scheduledAt.get(taskId));
            // each result belongs to its own task: input + 1, so no result was matched to the wrong task
            assertThat(decode(completed.get(taskId).getFirst().getOutput())).as("result of task %d", taskId)
                    .isEqualTo(decode(s.getInput()) + 1);
        }

        // each task was dispatched to workers by exactly one committed transaction
        Map<String, Long> dispatches = KafkaReads.readAll(infra.bootstrapServers(), outcome.topics().activityTasks()).stream()
                .map(KafkaReads::keyText)
                .filter(key -> key.startsWith(id + "/"))
                .collect(Collectors.groupingBy(key -> key, TreeMap::new, Collectors.counting()));
        assertThat(dispatches).as("committed task records of %s", id).hasSize(ACTIVITIES);
        assertThat(dispatches.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("tasks of %s dispatched more than once", id).isEmpty();

        // exactly one completion record, and it carries the output
        List<WorkflowCompletion> completions = KafkaReads.completions(infra.bootstrapServers(), infra.schemaRegistryUrl(),
                outcome.topics(), id);
        assertThat(completions).as("completion records of %s", id).hasSize(1);
        assertThat(completions.getFirst().getStatus()).isEqualTo(RuntimeStatus.COMPLETED);
        assertThat(decode(completions.getFirst().getOutput())).as("output in the completion record of %s", id)
                .isEqualTo(outcome.expectedOutput());
    }

    private int decode(Payload payload) {
        assertThat(payload).as("payload").isNotNull();
        return converter.deserialize(payload, Integer.class);
    }

    private static Optional<Long> firstExecutionAfter(AtomicLongArray startNanos, long instant) {
        for (int i = 0; i < startNanos.length(); i++) {
            long t = startNanos.get(i);
            if (t != 0 && t - instant > 0) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static boolean isResult(ConsumerRecord<byte[], byte[]> record) {
        return KafkaReads.header(record, InputKind.HEADER).equals(Optional.of(InputKind.RESULT.toString()));
    }

    /** Writes every result of the instance that is in the inbox once more, byte for byte, headers included. */
    private int resendResults(Topics topics, String instanceId) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> written = KafkaReads.readAll(infra.bootstrapServers(), topics.inbox())
                .stream().filter(r -> instanceId.equals(KafkaReads.keyText(r)) && isResult(r)).toList();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> record : written) {
                producer.send(new ProducerRecord<>(record.topic(), record.partition(), null, record.key(), record.value(), record.headers())).get();
            }
        }
        return written.size();
    }


}
