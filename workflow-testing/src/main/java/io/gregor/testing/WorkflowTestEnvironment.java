package io.gregor.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.internal.PayloadJson;
import io.gregor.client.internal.Validation;
import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.WorkflowRegistry;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.testing.internal.ActivityRunner;
import io.gregor.testing.internal.Blockers;
import io.gregor.testing.internal.HistoryJson;
import io.gregor.testing.internal.TopologyHarness;
import io.gregor.worker.Activity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Runs workflows and their activities in the test's own thread, without a broker or a schema
 * registry, on a clock that jumps: the orchestrator's real topology runs in Kafka Streams'
 * {@code TopologyTestDriver}, and the activity tasks it emits run at once on the registered
 * activities (real ones or stubs), so retries, failures, timers, events and replay behave as in
 * production. Nothing here depends on a test framework; a failed expectation throws
 * {@link AssertionError}, which every framework reports as a failure.
 *
 * <pre>{@code
 * try (WorkflowTestEnvironment env = WorkflowTestEnvironment.builder()
 *         .registerWorkflow(ApprovalWorkflow.class)
 *         .registerActivity("RequestApproval", ctx -> null)   // a stub
 *         .build()) {
 *     String id = env.start(ApprovalWorkflow.class, 3600);
 *     env.raiseEvent(id, "approval", "alice");
 *     WorkflowInstanceState done = env.waitForCompletion(id);
 *     assertEquals("approved by alice", done.readOutputAs(String.class));
 * }
 * }</pre>
 *
 * <p><b>Time.</b> The clock starts at {@link Builder#startTime} (default {@link #DEFAULT_START_TIME})
 * and moves only when the test lets it: {@link #waitForCompletion} jumps it to the next timer in
 * the orchestrator's timer store whenever nothing else can run, so a workflow that sleeps 30 days
 * completes in milliseconds; {@link #skip} moves it by a given amount, firing the timers due on the
 * way, each at its own time. Activities take no time. Every other method leaves the environment
 * idle at the current time: the work the call caused (workflow steps, activities, timers due now)
 * is done when it returns, so a test can look at the state right away.
 *
 * <p>Not thread-safe: use one environment from one thread, and close it.
 */
public final class WorkflowTestEnvironment implements AutoCloseable {
    /** Where the clock starts unless {@link Builder#startTime} says otherwise. */
    public static final Instant DEFAULT_START_TIME = Instant.parse("2026-01-01T00:00:00Z");
    /** How far {@link #waitForCompletion(String)} may move the clock. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofDays(3650);
    /** The most activity tasks one call may run before it is taken for a workflow that never stops scheduling. */
    static final int MAX_TASKS_PER_CALL = 100_000;

    private final WorkflowRegistry workflows;
    private final TopologyHarness harness;
    private final ActivityRunner activities;
    private int startedCount;

    private WorkflowTestEnvironment(Builder builder) {
        this.workflows = builder.workflows;
        this.harness = new TopologyHarness(builder.workflows, builder.converter, builder.taskQueues, builder.replayEachStep, builder.startTime);
        this.activities = new ActivityRunner(builder.activities, builder.converter);
    }

    /** @return a builder of an environment with no workflows and no activities yet */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ inputs

    /**
     * Starts an instance of a workflow registered by class, under a new id.
     *
     * @param type  the workflow class (registered under its simple name)
     * @param input its input, or null
     * @return the new instance's id
     */
    public String start(Class<? extends Workflow> type, Object input) {
        return start(type.getSimpleName(), input);
    }

    /**
     * Starts an instance under a new id ({@code <workflowName>-<n>}, the same in every run of a test).
     *
     * @param workflowName the registered name
     * @param input        its input, or null
     * @return the new instance's id
     * @throws IllegalArgumentException if no workflow is registered under the name
     */
    public String start(String workflowName, Object input) {
        String id;
        do {
            id = workflowName + "-" + ++startedCount;
        } while (harness.instance(id).isPresent());
        return start(workflowName, input, id);
    }

    /**
     * Starts an instance under the given id.
     *
     * @param workflowName the registered name
     * @param input        its input, or null
     * @param instanceId   the id
     * @return the id
     * @throws IllegalArgumentException if no workflow is registered under the name, the id is invalid, or an instance has it
     */
    public String start(String workflowName, Object input, String instanceId) {
        Validation.instanceId(instanceId);
        if (!workflows.names().contains(workflowName)) {
            throw new IllegalArgumentException("Expected a workflow registered as '" + workflowName + "', but this environment has only "
                    + workflows.names());
        }
        if (harness.instance(instanceId).isPresent()) {
            throw new IllegalArgumentException("Expected no instance with id '" + instanceId + "', but one exists");
        }
        harness.start(StartWorkflow.newBuilder().setInstanceId(instanceId).setWorkflowName(workflowName)
                .setInput(harness.converter().serialize(input)).build());
        runUntilIdle();
        return instanceId;
    }

    /**
     * Raises an external event on an instance, as {@code WorkflowClient.raiseEvent} does.
     *
     * @param instanceId the instance
     * @param eventName  the event's name
     * @param payload    its data, or null
     * @throws IllegalArgumentException if no instance has the id
     */
    public void raiseEvent(String instanceId, String eventName, Object payload) {
        existing(instanceId);
        harness.raise(new ExternalEvent(instanceId, eventName, harness.converter().serialize(payload)));
        runUntilIdle();
    }

    /**
     * Terminates an instance (and its children), as {@code WorkflowClient.terminateWorkflow} does.
     *
     * @param instanceId the instance
     * @param output     the output it ends with, or null
     * @param reason     why, for its history, or null
     */
    public void terminate(String instanceId, Object output, String reason) {
        control(instanceId, new TerminateWorkflow(reason, harness.converter().serialize(output), true));
    }

    /**
     * Suspends an instance: its code runs no more, and inputs are kept, until {@link #resume}.
     *
     * @param instanceId the instance
     * @param reason     why, or null
     */
    public void suspend(String instanceId, String reason) {
        control(instanceId, new SuspendWorkflow(reason));
    }

    /**
     * Resumes a suspended instance; the inputs kept meanwhile are fed to it in their order.
     *
     * @param instanceId the instance
     * @param reason     why, or null
     */
    public void resume(String instanceId, String reason) {
        control(instanceId, new ResumeWorkflow(reason));
    }

    private void control(String instanceId, Object action) {
        existing(instanceId);
        harness.control(new WorkflowControl(instanceId, action));
        runUntilIdle();
    }

    private InstanceMetadata existing(String instanceId) {
        return harness.instance(instanceId)
                .orElseThrow(() -> new IllegalArgumentException("Expected an instance with id '" + instanceId + "', but found none"));
    }

    // ------------------------------------------------------------------ time

    /** @return the environment's current time: what workflow code sees as {@code ctx.getCurrentInstant()} now */
    public Instant currentTime() {
        return harness.now();
    }

    /**
     * Runs everything that can run without moving the clock: workflow steps, the activities they
     * schedule (and their results), the timers due now. Every other method does this before it
     * returns; call it after work done outside the environment.
     *
     * @throws IllegalStateException if the orchestrator refused a record (dead-lettered it), naming why
     * @throws AssertionError        if the workflows keep scheduling activities without end
     */
    public void runUntilIdle() {
        int ran = 0;
        while (true) {
            failOnDeadLetters();
            Optional<ActivityTask> task = harness.nextTask();
            if (task.isPresent()) {
                if (++ran > MAX_TASKS_PER_CALL) {
                    throw new AssertionError("Expected the workflows to become idle, but they ran " + MAX_TASKS_PER_CALL
                            + " activity tasks without pause at " + currentTime() + " (last: " + task.get().getActivityName() + " of instance "
                            + task.get().getInstanceId() + ")");
                }
                harness.report(activities.run(task.get(), this::cancelReason));
            } else if (nextTimer().filter(timer -> !timer.getFireAt().isAfter(currentTime())).isPresent()) {
                harness.advanceTo(currentTime());
            } else {
                return;
            }
        }
    }

    /**
     * Moves the clock forward, firing every timer due on the way at its own due time (and running
     * what each leads to) before moving on.
     *
     * @param duration how far; not negative
     */
    public void skip(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("Expected a duration of zero or more, but found " + duration);
        }
        Instant target = currentTime().plus(duration);
        runUntilIdle();
        Optional<DurableTimer> next;
        while ((next = nextTimer()).isPresent() && !next.get().getFireAt().isAfter(target)) {
            harness.advanceTo(next.get().getFireAt());
            runUntilIdle();
        }
        if (target.isAfter(currentTime())) {
            harness.advanceTo(target);
            runUntilIdle();
        }
    }

    private Optional<DurableTimer> nextTimer() {
        // The store is ordered by due time: the first timer is the next.
        return harness.timers().stream().findFirst();
    }

    /** Why an activity of the instance is no longer wanted: its instance ended. */
    private String cancelReason(String instanceId) {
        return harness.instance(instanceId).map(InstanceMetadata::getStatus)
                .filter(status -> status == RuntimeStatus.COMPLETED || status == RuntimeStatus.FAILED || status == RuntimeStatus.TERMINATED)
                .map(status -> "its instance " + instanceId + " is " + status).orElse(null);
    }

    private void failOnDeadLetters() {
        List<String> reasons = harness.takeDeadLetterReasons();
        if (!reasons.isEmpty()) {
            throw new IllegalStateException("Expected the orchestrator to accept every record, but it dead-lettered " + reasons.size()
                    + ": " + String.join("; ", reasons));
        }
    }

    // ------------------------------------------------------------------ waiting and reading

    /**
     * Runs the instance until it is COMPLETED, FAILED or TERMINATED, jumping the clock to the next
     * timer whenever nothing else can run (at most {@link #DEFAULT_MAX_WAIT} ahead).
     *
     * @param instanceId the instance
     * @return its terminal state
     * @throws AssertionError if it cannot get there: it waits for something nobody will do (an
     *                        event never raised, with no timer left), it is STALLED or SUSPENDED,
     *                        or it would take longer than the limit
     */
    public WorkflowInstanceState waitForCompletion(String instanceId) {
        return waitForCompletion(instanceId, DEFAULT_MAX_WAIT);
    }

    /**
     * As {@link #waitForCompletion(String)}, moving the clock at most {@code maxWait} ahead.
     *
     * @param instanceId the instance
     * @param maxWait    how far the clock may move
     * @return its terminal state
     * @throws AssertionError as {@link #waitForCompletion(String)}
     */
    public WorkflowInstanceState waitForCompletion(String instanceId, Duration maxWait) {
        Instant limit = currentTime().plus(maxWait);
        while (true) {
            runUntilIdle();
            InstanceMetadata metadata = harness.instance(instanceId).orElseThrow(() -> new AssertionError("Expected instance " + instanceId
                    + " to complete, but no instance has that id"));
            WorkflowInstanceState state = state(metadata);
            if (state.getRuntimeStatus().isTerminal()) {
                return state;
            }
            String expected = "Expected instance " + instanceId + " to complete, but it is " + metadata.getStatus();
            if (metadata.getStatus() == RuntimeStatus.STALLED) {
                throw new AssertionError(expected + ": " + (state.getFailureDetails() == null ? "(no reason)" : state.getFailureDetails()));
            }
            if (metadata.getStatus() == RuntimeStatus.SUSPENDED) {
                throw new AssertionError(expected + "; resume it first");
            }
            Optional<DurableTimer> next = nextTimer();
            if (next.isEmpty()) {
                throw new AssertionError(expected + " and waits for nothing the environment can advance: pending "
                        + Blockers.describe(harness.history(instanceId)) + " (at " + currentTime() + ")");
            }
            if (next.get().getFireAt().isAfter(limit)) {
                throw new AssertionError(expected + " at " + currentTime() + " and its next timer is due at " + next.get().getFireAt()
                        + ", past the wait's limit " + limit + " (" + maxWait + ")");
            }
            harness.advanceTo(next.get().getFireAt());
        }
    }

    /**
     * @param instanceId the instance
     * @return its state now, or empty if no instance has the id
     */
    public Optional<WorkflowInstanceState> getInstanceState(String instanceId) {
        return harness.instance(instanceId).map(this::state);
    }

    private WorkflowInstanceState state(InstanceMetadata m) {
        int historyLength = Math.max(m.getHistoryLength(), harness.history(m.getInstanceId()).size());
        WorkflowStatus status = new WorkflowStatus(m.getInstanceId(), m.getWorkflowName(), m.getStatus(), m.getInput(), m.getOutput(),
                m.getFailure(), m.getCustomStatus(), m.getCreatedAt(), m.getUpdatedAt(), historyLength);
        return new WorkflowInstanceState(status, harness.converter(), m.getParentInstanceId());
    }

    /**
     * The instance's history (of its current generation, after a continue-as-new), as
     * {@code WorkflowClient.getHistory} returns it from the HTTP API.
     *
     * @param instanceId the instance
     * @return its events, in order
     * @throws IllegalArgumentException if no instance has the id
     */
    public List<WorkflowHistoryEvent> getHistory(String instanceId) {
        return HistoryJson.clientEvents(HistoryJson.export(instanceId, existing(instanceId).getWorkflowName(), harness.history(instanceId)));
    }

    /**
     * The instance's history as the export document of the HTTP API ({@code GET /v1/workflows/{id}/history},
     * docs/http-api.md#history-export), pretty-printed: what {@link WorkflowReplayer} reads, and
     * how golden histories are recorded (docs/testing-workflows.md).
     *
     * @param instanceId the instance
     * @return the JSON text
     * @throws IllegalArgumentException if no instance has the id
     */
    public String exportHistory(String instanceId) {
        try {
            return PayloadJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                    HistoryJson.export(instanceId, existing(instanceId).getWorkflowName(), harness.history(instanceId))) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Expected to write the history of " + instanceId + " as JSON, but: " + e.getMessage(), e);
        }
    }

    /** Stops the topology and lets go of the workflows' threads. */
    @Override
    public void close() {
        harness.close();
    }

    /** Configures a {@link WorkflowTestEnvironment}. */
    public static final class Builder {
        private final WorkflowRegistry workflows = new WorkflowRegistry();
        private final Map<String, Activity> activities = new LinkedHashMap<>();
        private final Set<String> taskQueues = new TreeSet<>();
        private DataConverter converter = DataConverter.defaultConverter();
        private Instant startTime = DEFAULT_START_TIME;
        private boolean replayEachStep;

        private Builder() {
        }

        /**
         * Registers a workflow class under its simple name, as {@code GregorOrchestrator.Builder.registerWorkflow(Class)} does.
         *
         * @param type the workflow class, with a no-argument constructor
         * @return this
         * @throws IllegalArgumentException if it has none, or its name is taken
         */
        public Builder registerWorkflow(Class<? extends Workflow> type) {
            workflows.register(type);
            return this;
        }

        /**
         * Registers a workflow under a name, as {@code GregorOrchestrator.Builder.registerWorkflow(String, Supplier)} does.
         *
         * @param name    the name instances are started by
         * @param factory makes a fresh workflow object per instance
         * @return this
         * @throws IllegalArgumentException if the name is blank or taken
         */
        public Builder registerWorkflow(String name, Supplier<? extends Workflow> factory) {
            workflows.register(name, Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Registers an activity (the real one or a stub, e.g. a lambda) under a name, as
         * {@code ActivityWorker.Builder.registerActivity(String, Activity)} does. A task naming an
         * activity that is not registered fails without retry, as on a worker.
         *
         * @param name     the name workflows call it by
         * @param activity the activity
         * @return this
         * @throws IllegalArgumentException if the name is blank or taken
         */
        public Builder registerActivity(String name, Activity activity) {
            Objects.requireNonNull(activity, "activity");
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("Expected a non-blank activity name, but found '" + name + "'");
            }
            if (activities.putIfAbsent(name, activity) != null) {
                throw new IllegalArgumentException("Expected unique activity names, but '" + name + "' is already registered");
            }
            return this;
        }

        /**
         * Registers an activity under its class's simple name, as {@code ActivityWorker.Builder.registerActivity(Activity)} does.
         *
         * @param activity an activity of a named class
         * @return this
         * @throws IllegalArgumentException if its class is anonymous or a lambda's, or the name is taken
         */
        public Builder registerActivity(Activity activity) {
            Class<?> type = Objects.requireNonNull(activity, "activity").getClass();
            if (type.isHidden() || type.isAnonymousClass() || type.isSynthetic()) {
                throw new IllegalArgumentException("Expected an activity of a named class, but found " + type.getName()
                        + "; register lambdas with registerActivity(name, activity)");
            }
            return registerActivity(type.getSimpleName(), activity);
        }

        /**
         * @param start where the clock starts (default {@link #DEFAULT_START_TIME})
         * @return this
         */
        public Builder startTime(Instant start) {
            this.startTime = Objects.requireNonNull(start, "start");
            return this;
        }

        /**
         * @param dataConverter the converter of inputs, outputs and event data (default: JSON), as configured on the orchestrator and workers
         * @return this
         */
        public Builder dataConverter(DataConverter dataConverter) {
            this.converter = Objects.requireNonNull(dataConverter, "dataConverter");
            return this;
        }

        /**
         * Declares named task queues, as {@code GregorOrchestrator.Builder.taskQueues} does; their
         * tasks run on the registered activities like any other.
         *
         * @param queues the queue names
         * @return this
         */
        public Builder taskQueues(String... queues) {
            taskQueues.addAll(List.of(queues));
            return this;
        }

        /**
         * Whether every step rebuilds its instance by replaying the history, as an orchestrator
         * does after a restart, instead of keeping live executions (default false). Turn it on to
         * catch code that is not deterministic: a step that replays differently fails with the
         * non-determinism error (the instance is STALLED).
         *
         * @param replay whether to replay every step
         * @return this
         */
        public Builder replayEachStep(boolean replay) {
            this.replayEachStep = replay;
            return this;
        }

        /** @return the environment, its clock at the start time */
        public WorkflowTestEnvironment build() {
            return new WorkflowTestEnvironment(this);
        }
    }
}
