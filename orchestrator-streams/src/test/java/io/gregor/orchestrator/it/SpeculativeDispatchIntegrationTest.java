package io.gregor.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.it.support.ChildApps;
import io.gregor.orchestrator.it.support.CrashHarness;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.testkit.ChildJvm;
import io.gregor.testkit.GregorInfrastructure;
import io.gregor.worker.ActivityWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier-4 fault test of speculative dispatch (DESIGN §4): workers read tasks before the
 * orchestrator's transaction commits, and SIGKILLs of the orchestrator abort transactions whose
 * tasks already ran. What the final history holds, read from Kafka as an outside observer would,
 * must account for every run.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpeculativeDispatchIntegrationTest {
    private static final Logger LOG = LoggerFactory.getLogger(SpeculativeDispatchIntegrationTest.class);
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(120);

    private final GregorInfrastructure infra = GregorInfrastructure.shared();
    private final DataConverter converter = DataConverter.defaultConverter();
    @RegisterExtension
    final CrashHarness harness = new CrashHarness(infra);

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
        Topics topics = harness.newTopics("speculative");
        String applicationId = topics.prefix() + "-orchestrator";
        ChildApps.Config orchestratorConfig = harness.baseConfig(topics).with("applicationId", applicationId)
                .with("speculativeDispatch", "true").with("commitIntervalMs", "2000");
        List<ChildJvm> orchestrators = new ArrayList<>(List.of(harness.startOrchestratorChild(orchestratorConfig, 1)));
        record Execution(int taskId, String activity, String input) {
        }
        List<Execution> executions = new CopyOnWriteArrayList<>();
        Map<Integer, CountDownLatch> oddRoundsReached = Map.of(8, new CountDownLatch(1), 20, new CountDownLatch(1));
        AtomicInteger oddRounds = new AtomicInteger();
        String instanceId = "race-" + UUID.randomUUID();
        WorkflowClient client = harness.newClient(topics);
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
        harness.push(worker);
        worker.start();

        // when 60 rounds race their events, and the orchestrator is killed in the middle of odd rounds (no commit asked for)
        int rounds = 60;
        client.scheduleNewWorkflow(ChildApps.RACE, rounds, instanceId);
        for (CountDownLatch reached : new TreeMap<>(oddRoundsReached).values()) {
            ChildJvm victim = orchestrators.getLast();
            assertThat(reached.await(PROGRESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("progress before the kill; log %s", victim.logFile()).isTrue();
            victim.kill();
            orchestrators.add(harness.startOrchestratorChild(orchestratorConfig, orchestrators.size() + 1));
        }
        WorkflowInstanceState state = CrashHarness.awaitCompletion(client, instanceId, orchestrators);
        worker.close();
        harness.awaitOrchestratorConsumedAllInputs(applicationId, topics);

        // then every task the worker ran is one the final history schedules, with the same activity and input
        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
        List<HistoryEvent> history = KafkaReads.history(infra.bootstrapServers(), infra.schemaRegistryUrl(), applicationId, instanceId);
        Map<Integer, List<TaskScheduled>> scheduled = history.stream().map(HistoryEvent::getEvent)
                .filter(TaskScheduled.class::isInstance).map(TaskScheduled.class::cast)
                .collect(Collectors.groupingBy(TaskScheduled::getTaskId, TreeMap::new, Collectors.toList()));
        assertThat(CrashHarness.duplicated(scheduled)).as("tasks scheduled more than once").isEmpty();
        List<Execution> phantoms = executions.stream().filter(e -> {
            TaskScheduled s = scheduled.getOrDefault(e.taskId(), List.of()).stream().findFirst().orElse(null);
            return s == null || !s.getActivityName().equals(e.activity())
                    || !converter.deserialize(s.getInput(), Object.class).toString().equals(e.input());
        }).toList();
        assertThat(phantoms).as("activities run that the final history never scheduled").isEmpty();
        // and no history entry was written twice
        assertThat(harness.committedHistoryWrites(applicationId, instanceId).stream()
                .collect(Collectors.groupingBy(CrashHarness.HistoryWrite::sequence, Collectors.counting()))
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
}
