package io.gregor.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.orchestrator.it.support.ChildApps;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
    /** Closed last-in first-out after each test, whatever happened, so no child JVM outlives it. */
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Admin admin;

    @TempDir
    Path temp;

    @BeforeEach
    void openAdmin() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        resources.push(admin);
    }

    @AfterEach
    void closeEverything() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Could not close {}: {}", resource, e.toString());
            }
        }
    }

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
        Topics topics = newTopics(name);
        String applicationId = topics.prefix() + "-orchestrator";
        ChildApps.Config orchestratorConfig = baseConfig(topics).with("applicationId", applicationId);
        List<ChildJvm> orchestrators = new ArrayList<>();
        orchestrators.add(startOrchestratorChild(orchestratorConfig, 1));

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
        resources.push(worker);
        worker.start();
        WorkflowClient client = newClient(topics);

        // when the chain of 100 runs and the orchestrator is killed mid-way, each time
        String instanceId = "chain-" + UUID.randomUUID();
        long begin = System.nanoTime();
        client.scheduleNewWorkflow(ChildApps.COUNT_TO, ACTIVITIES, instanceId);
        List<KillFigures> kills = new ArrayList<>();
        for (int k : killAfter) {
            ChildJvm victim = orchestrators.getLast();
            if (!reached.get(k).await(PROGRESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Expected " + k + " activity executions within " + PROGRESS_TIMEOUT + ", but saw "
                        + executions.get() + "; orchestrator log " + victim.logFile() + ":\n" + tail(victim));
            }
            int executedAtKill = executions.get();
            long killedAt = System.nanoTime();
            victim.kill();
            // A fresh, empty state directory: every store must come back from its changelog.
            ChildJvm replacement = startOrchestratorChild(orchestratorConfig, orchestrators.size() + 1);
            orchestrators.add(replacement);
            long readyAt = System.nanoTime();
            kills.add(new KillFigures(executedAtKill, killedAt, readyAt));
        }
        WorkflowInstanceState state = awaitCompletion(client, instanceId, orchestrators);
        long completedAt = System.nanoTime();

        // then (once every result that reached Kafka was processed, so late duplicates would show too)
        worker.close();
        awaitOrchestratorConsumedAllInputs(applicationId, topics);
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

    // ------------------------------------------------------------------ speculative dispatch through aborts

    /**
     * Workers that read tasks before the orchestrator commits them run tasks of transactions that
     * a crash then aborts. That is safe only if reprocessing schedules exactly those tasks again:
     * the same ids, activities and inputs. The race workflow's decisions depend on whether a
     * result or an event came first and on the instance's time, and a commit interval of 2 s keeps
     * transactions open long enough that each SIGKILL aborts tasks the worker already ran.
     */
    @Test
    void speculativelyDispatchedTasksOfAbortedTransactionsAreAllScheduledAgainByTheFinalHistory() throws Exception {
        // given an orchestrator in a child JVM committing every 2 s, and a speculative in-process worker that logs each run
        Topics topics = newTopics("speculative");
        String applicationId = topics.prefix() + "-orchestrator";
        ChildApps.Config orchestratorConfig = baseConfig(topics).with("applicationId", applicationId)
                .with("speculativeDispatch", "true").with("commitIntervalMs", "2000");
        List<ChildJvm> orchestrators = new ArrayList<>(List.of(startOrchestratorChild(orchestratorConfig, 1)));
        record Execution(int taskId, String activity, String input) {
        }
        List<Execution> executions = new CopyOnWriteArrayList<>();
        Map<Integer, CountDownLatch> oddRoundsReached = Map.of(8, new CountDownLatch(1), 20, new CountDownLatch(1));
        AtomicInteger oddRounds = new AtomicInteger();
        String instanceId = "race-" + UUID.randomUUID();
        WorkflowClient client = newClient(topics);
        ActivityWorker worker = ActivityWorker.builder()
                .bootstrapServers(infra.bootstrapServers()).schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topics.prefix()).workerId("speculative-worker").speculativeDispatch(true)
                .registerActivity(ChildApps.INCREMENT, ctx -> {
                    int input = ctx.getInput(Integer.class);
                    executions.add(new Execution(ctx.getTaskId(), ChildApps.INCREMENT, String.valueOf(input)));
                    if (input % 2 == 0) {
                        // the event races this activity's result through the intake: either may reach the inbox first
                        client.raiseEvent(instanceId, "nudge-" + input, "go");
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(0, 25)));
                    } else {
                        Optional.ofNullable(oddRoundsReached.get(oddRounds.incrementAndGet())).ifPresent(CountDownLatch::countDown);
                    }
                    return input + 1;
                })
                .registerActivity(ChildApps.NOTE, ctx -> {
                    String input = ctx.getInput(String.class);
                    executions.add(new Execution(ctx.getTaskId(), ChildApps.NOTE, input));
                    return input;
                })
                .build();
        resources.push(worker);
        worker.start();

        // when 60 rounds race their events, and the orchestrator is killed in the middle of odd rounds (no commit asked for)
        int rounds = 60;
        client.scheduleNewWorkflow(ChildApps.RACE, rounds, instanceId);
        for (CountDownLatch reached : new TreeMap<>(oddRoundsReached).values()) {
            ChildJvm victim = orchestrators.getLast();
            assertThat(reached.await(PROGRESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("progress before the kill; log %s", victim.logFile()).isTrue();
            victim.kill();
            orchestrators.add(startOrchestratorChild(orchestratorConfig, orchestrators.size() + 1));
        }
        WorkflowInstanceState state = awaitCompletion(client, instanceId, orchestrators);
        worker.close();
        awaitOrchestratorConsumedAllInputs(applicationId, topics);

        // then every task the worker ran is one the final history schedules, with the same activity and input
        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        List<HistoryEvent> history = KafkaReads.history(infra.bootstrapServers(), infra.schemaRegistryUrl(), applicationId, instanceId);
        Map<Integer, List<TaskScheduled>> scheduled = history.stream().map(HistoryEvent::getEvent)
                .filter(TaskScheduled.class::isInstance).map(TaskScheduled.class::cast)
                .collect(Collectors.groupingBy(TaskScheduled::getTaskId, TreeMap::new, Collectors.toList()));
        assertThat(duplicated(scheduled)).as("tasks scheduled more than once").isEmpty();
        List<Execution> phantoms = executions.stream().filter(e -> {
            TaskScheduled s = scheduled.getOrDefault(e.taskId(), List.of()).stream().findFirst().orElse(null);
            return s == null || !s.getActivityName().equals(e.activity())
                    || !converter.deserialize(s.getInput(), Object.class).toString().equals(e.input());
        }).toList();
        assertThat(phantoms).as("activities run that the final history never scheduled").isEmpty();
        // and no history entry was written twice
        assertThat(committedHistoryWrites(applicationId, instanceId).stream()
                .collect(Collectors.groupingBy(HistoryWrite::sequence, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("history sequence numbers written more than once").isEmpty();
        // and the kills really aborted tasks that had already run: more runs than committed task records
        Map<Integer, Long> committedTasks = KafkaReads.readAll(infra.bootstrapServers(), topics.activityTasks()).stream()
                .filter(r -> KafkaReads.keyText(r).startsWith(instanceId + "/"))
                .collect(Collectors.groupingBy(r -> Integer.parseInt(KafkaReads.keyText(r).substring(instanceId.length() + 1)),
                        Collectors.counting()));
        Map<Integer, Long> runs = executions.stream().collect(Collectors.groupingBy(Execution::taskId, Collectors.counting()));
        long runsOfAbortedTasks = runs.entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue() - committedTasks.getOrDefault(e.getKey(), 0L))).sum();
        LOG.info("FIGURES speculative: {} runs of {} tasks, {} of them from aborted transactions; {} of {} races won by the event",
                executions.size(), runs.size(), runsOfAbortedTasks, state.readOutputAs(Integer.class), rounds / 2);
        assertThat(runsOfAbortedTasks).as("runs of tasks whose record was aborted by a kill").isPositive();
    }

    // ------------------------------------------------------------------ worker crash

    @Test
    void fanOutCompletesWithEachResultRecordedOnceAfterWorkerIsKilledMidBatch() throws Exception {
        // given an in-process orchestrator, a worker in a child JVM running 4 activities of 100 ms at a time,
        // and a share group that redelivers a dead worker's tasks after 3 s instead of 30 s
        Topics topics = newTopics("worker-kill");
        String applicationId = topics.prefix() + "-orchestrator";
        ChildApps.Config config = baseConfig(topics).with("applicationId", applicationId);
        GregorOrchestrator orchestrator = ChildApps.orchestrator(config)
                .stateDir(temp.resolve("in-process-state").toString())
                .build();
        resources.push(orchestrator);
        orchestrator.start();
        orchestrator.awaitRunning(READY_TIMEOUT);
        String shareGroup = topics.prefix() + "-activity-workers";
        ShareGroups.configure(admin, shareGroup, Map.of(
                ShareGroups.AUTO_OFFSET_RESET, "earliest",
                ShareGroups.RECORD_LOCK_DURATION_MS, SHARE_LOCK_MS,
                "share.session.timeout.ms", SHARE_SESSION_MS), Duration.ofSeconds(30));
        ChildApps.Config workerConfig = baseConfig(topics).with("maxConcurrency", "4").with("activityDelayMs", "100");
        ChildJvm firstWorker = startWorkerChild(workerConfig, 1);
        WorkflowClient client = newClient(topics);

        // when a fan-out of 100 runs and the worker is killed as its 42nd activity starts (so it dies mid-batch,
        // with that one and whichever others of its batch are still running)
        String instanceId = "fan-" + UUID.randomUUID();
        long begin = System.nanoTime();
        client.scheduleNewWorkflow(ChildApps.FAN_OUT, ACTIVITIES, instanceId);
        if (!firstWorker.awaitOutput(ChildApps.ACTIVITY_LINE + " start #42 ", PROGRESS_TIMEOUT)) {
            throw new AssertionError("Expected the worker to start 42 activities within " + PROGRESS_TIMEOUT
                    + ", but it did not; worker log " + firstWorker.logFile() + ":\n" + tail(firstWorker));
        }
        long killedAt = System.nanoTime();
        firstWorker.kill();
        // A worker that dies after writing a result but before acknowledging the task makes the task
        // run again and its result arrive twice. Whether this kill hit that window is luck, so the
        // results the dead worker wrote are also delivered a second time, while the workflow still
        // waits for the rest: the orchestrator must drop every one of them.
        int resent = resendResults(topics, instanceId);
        ChildJvm secondWorker = startWorkerChild(workerConfig, 2);
        long readyAt = System.nanoTime();
        WorkflowInstanceState state = awaitCompletion(client, instanceId, List.of(firstWorker, secondWorker));
        long completedAt = System.nanoTime();

        // then: once every task record is acknowledged (a redelivered duplicate may still run after
        // completion) and every result was processed, count what ran and check what was recorded
        awaitShareGroupDrained(shareGroup, topics.activityTasks());
        secondWorker.kill();
        awaitOrchestratorConsumedAllInputs(applicationId, topics);

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
        List<HistoryWrite> writes = committedHistoryWrites(outcome.applicationId(), id);
        Map<Integer, Long> writesPerSequence = writes.stream()
                .collect(Collectors.groupingBy(HistoryWrite::sequence, TreeMap::new, Collectors.counting()));
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
        assertThat(duplicated(scheduled)).as("tasks of %s scheduled more than once", id).isEmpty();
        assertThat(completed.keySet()).as("completed tasks of %s", id).isEqualTo(scheduled.keySet());
        assertThat(duplicated(completed)).as("tasks of %s completed more than once", id).isEmpty();
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

    private static <T> List<Integer> duplicated(Map<Integer, List<T>> byTask) {
        return byTask.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
    }

    private int decode(Payload payload) {
        assertThat(payload).as("payload").isNotNull();
        return converter.deserialize(payload, Integer.class);
    }

    private record HistoryWrite(int sequence, long offset) {
    }

    /**
     * Every committed write of one instance's history keys, duplicates included: KafkaReads'
     * history view keeps the latest value per key, which would hide a key rewritten after a crash.
     */
    private List<HistoryWrite> committedHistoryWrites(String applicationId, String instanceId) {
        List<HistoryWrite> writes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KafkaReads.readAll(infra.bootstrapServers(),
                KafkaReads.historyChangelog(applicationId))) {
            ByteBuffer key = ByteBuffer.wrap(record.key());
            byte[] id = new byte[key.getShort()];
            key.get(id);
            if (new String(id, StandardCharsets.UTF_8).equals(instanceId)) {
                writes.add(new HistoryWrite(key.getInt(), record.offset()));
            }
        }
        return writes;
    }

    // ------------------------------------------------------------------ waiting for quiescence

    /**
     * Waits until the orchestrator (its Kafka Streams application id is its consumer group) has
     * committed offsets at the end of every input partition: then everything written to its inputs,
     * late duplicate results included, was processed and its effects committed.
     */
    private void awaitOrchestratorConsumedAllInputs(String applicationId, Topics topics) throws Exception {
        List<TopicPartition> inputs = partitionsOf(topics.orchestratorInputs());
        Map<TopicPartition, Long> end = endOffsets(inputs);
        Map<TopicPartition, Long> behind = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        awaitCondition(DRAIN_TIMEOUT, () -> {
            Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(applicationId,
                    new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata());
            behind.clear();
            for (TopicPartition tp : inputs) {
                OffsetAndMetadata offset = committed.get(tp);
                long position = offset == null ? 0 : offset.offset();
                if (position < end.get(tp)) {
                    behind.put(tp, end.get(tp) - position);
                }
            }
            return behind.isEmpty();
        }, () -> "orchestrator " + applicationId + " to consume its inputs up to " + end + "; records left: " + behind);
    }

    /** Waits until the share group has acknowledged (or archived) every task record. */
    private void awaitShareGroupDrained(String shareGroup, String taskTopic) throws Exception {
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

    private static Optional<Long> firstExecutionAfter(AtomicLongArray startNanos, long instant) {
        for (int i = 0; i < startNanos.length(); i++) {
            long t = startNanos.get(i);
            if (t != 0 && t - instant > 0) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Waits for a terminal status; fails at once on STALLED (an instance stalls on a
     * non-determinism or engine error and never finishes by itself), with the error and the logs.
     */
    private static WorkflowInstanceState awaitCompletion(WorkflowClient client, String instanceId, List<ChildJvm> children)
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

    // ------------------------------------------------------------------ processes and clients

    private Topics newTopics(String name) {
        Topics topics = new Topics("crash-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
        // Created up front, so workers and share-group settings can be in place before any orchestrator runs.
        topics.ensureCreated(admin, PARTITIONS, TASK_PARTITIONS, (short) 1);
        return topics;
    }

    private ChildApps.Config baseConfig(Topics topics) {
        return new ChildApps.Config(Map.of(
                "bootstrap", infra.bootstrapServers(),
                "registry", infra.schemaRegistryUrl(),
                "prefix", topics.prefix()));
    }

    private ChildJvm startOrchestratorChild(ChildApps.Config config, int number) throws Exception {
        Path stateDir = temp.resolve("orchestrator-" + number + "-state");
        assertThat(Files.exists(stateDir)).as("state directory %s must start empty", stateDir).isFalse();
        ChildJvm child = ChildJvm.start("orchestrator-" + number, ChildApps.OrchestratorApp.class,
                config.with("stateDir", stateDir.toString()).toArgs(), Map.of());
        resources.push(child);
        awaitReady(child);
        return child;
    }

    private ChildJvm startWorkerChild(ChildApps.Config config, int number) {
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

    private WorkflowClient newClient(Topics topics) {
        WorkflowClient client = WorkflowClient.builder()
                .bootstrapServers(infra.bootstrapServers())
                .schemaRegistryUrl(infra.schemaRegistryUrl())
                .topicPrefix(topics.prefix())
                .build();
        resources.push(client);
        return client;
    }

    private static String tail(ChildJvm child) {
        List<String> lines = child.outputLines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
