package io.gregor.orchestrator.internal;

import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.engine.Command;
import io.gregor.orchestrator.internal.engine.FailureMapping;
import io.gregor.orchestrator.internal.engine.NonDeterministicWorkflowException;
import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.orchestrator.internal.engine.WorkflowExecution;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.orchestrator.internal.telemetry.TaskTelemetry;
import io.gregor.schemas.Failures;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.ChildWorkflowEnded;
import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.ParentClosePolicy;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.avro.WorkflowFailed;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.avro.WorkflowTerminated;
import io.gregor.schemas.payload.DataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one step of an instance: load its execution (cache, else replay), record the input event,
 * run the code, record one event per command and apply the command's effect, then write the
 * step's events as one history record, save the metadata if it changed and publish status
 * changes. All of it lands in the current stream transaction, so a step is either wholly
 * recorded and emitted or not at all.
 *
 * <p>The metadata store is written only when something replay cannot give back changes (status,
 * custom status, failure): the history's length comes from the history store's newest key and
 * the instance's time from its execution, so an ordinary step writes two records (its history
 * record and its task), not four.
 *
 * <p>It also carries out what the lifecycle handlers decide (create a delayed instance, terminate,
 * purge, continue a rerun's copied history) without deciding anything itself: whether a verb
 * applies to an instance is the handler's rule. What every instance that ends needs is done
 * here, once: its pending timers leave the timer store, its running activities are cancelled, its
 * running children under the TERMINATE parent-close policy are terminated, a child tells its parent
 * (both through the inbox, as they may live on other partitions) and, under a retention policy, a
 * timer to purge it is written. A continue-as-new ends one generation and starts the next in the
 * same step.
 */
final class InstanceStepper {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceStepper.class);
    /**
     * Generations that may follow one another in one step (each continuing before it awaits
     * anything); beyond it the code loops, and the instance is stalled rather than the thread.
     */
    static final int MAX_GENERATIONS_PER_STEP = 100;

    private final InstanceRepository instances;
    private final HistoryRepository history;
    private final TimerRepository timers;
    private final Outputs outputs;
    private final ExecutionCache cache;
    private final WorkflowRegistry registry;
    private final DataConverter converter;
    private final Duration yieldTimeout;
    private final WorkflowCarrier carrier;
    private final Retention retention;
    private final TaskTelemetry telemetry;
    private final ActivityTimeouts activityTimeouts;

    InstanceStepper(InstanceRepository instances, HistoryRepository history, TimerRepository timers, Outputs outputs, ExecutionCache cache,
                    WorkflowRegistry registry, DataConverter converter, Duration yieldTimeout, WorkflowCarrier carrier, Retention retention,
                    TaskTelemetry telemetry, ActivityTimeouts activityTimeouts) {
        this.instances = instances;
        this.history = history;
        this.timers = timers;
        this.outputs = outputs;
        this.cache = cache;
        this.registry = registry;
        this.converter = converter;
        this.yieldTimeout = yieldTimeout;
        this.carrier = carrier;
        this.retention = retention;
        this.telemetry = telemetry;
        this.activityTimeouts = activityTimeouts;
    }

    /** @return the instance's metadata with its current history length, or null if there is none */
    InstanceMetadata find(String instanceId) {
        InstanceMetadata meta = instances.get(instanceId);
        if (meta != null) {
            meta.setHistoryLength(history.length(instanceId));
        }
        return meta;
    }

    /** @return the instance's recorded history, in sequence order */
    List<HistoryEvent> history(String instanceId) {
        return history.load(instanceId);
    }

    /** Creates the instance and runs its code up to its first await. */
    void start(StartWorkflow start, long now) {
        InstanceMetadata meta = create(start, now);
        HistoryEvent started = new HistoryEvent(Instant.ofEpochMilli(now), new WorkflowStarted(meta.getWorkflowName(), start.getInput()));
        Step step = new Step(meta, null);
        Optional<Workflow> workflow = workflowOf(step, started, now);
        if (workflow.isPresent()) {
            run(step, newExecution(meta, workflow.get()), started);
        }
    }

    /**
     * Creates a PENDING instance whose code first runs when its start timer fires at
     * {@code startAt}; the instance exists meanwhile (events raised to it are kept for it).
     */
    void schedule(StartWorkflow start, long now) {
        InstanceMetadata meta = create(start, now);
        if (workflowOf(new Step(meta, null), new HistoryEvent(Instant.ofEpochMilli(now), new WorkflowStarted(meta.getWorkflowName(), start.getInput())),
                now).isEmpty()) {
            return;
        }
        meta.setInput(start.getInput());
        meta.setStartAt(start.getStartAt());
        timers.schedule(SystemTimer.START.at(meta.getInstanceId(), start.getStartAt()));
        new Step(meta, null).save(true, now);
    }

    /**
     * Creates an instance whose history begins with {@code copied} (a rerun's prefix of another
     * instance's history, its WorkflowStarted first), replays it, records the commands the code
     * issues after it and dispatches again what the copy left open: activities scheduled without
     * a result run again, timers not fired are set again.
     */
    void startFrom(StartWorkflow start, List<HistoryEvent> copied, long now) {
        InstanceMetadata meta = create(start, now);
        Step step = new Step(meta, null);
        Optional<Workflow> workflow = workflowOf(step, copied.getFirst(), now);
        if (workflow.isEmpty()) {
            return;
        }
        copied.forEach(step::record);
        WorkflowExecution execution = newExecution(meta, workflow.get());
        try {
            execution.replay(copied);
        } catch (RuntimeException e) {
            execution.destroy();
            stall(step, e);
            return;
        }
        OpenWork open = OpenWork.of(copied);
        // Dispatched anew now, so their timeouts count from now.
        open.activities().values().forEach(task -> dispatch(meta, task, now));
        open.timers().forEach((timerId, fireAt) -> timers.schedule(new DurableTimer(meta.getInstanceId(), timerId, Instant.ofEpochMilli(fireAt))));
        // The copied children belong to the source: starting them again under their ids is refused, which fails the task rather than leave it waiting.
        open.children().values().forEach(child -> applyEffect(meta, new Command.ScheduleChild(child.getTaskId(), child.getName(),
                child.getInstanceId(), child.getInput(), child.getAttempt(), child.getParentClosePolicy()), now));
        execute(step, execution, List.of(), Instant.ofEpochMilli(now));
    }

    private InstanceMetadata create(StartWorkflow start, long now) {
        InstanceMetadata meta = pending(start, now);
        telemetry.created(meta, now);
        return meta;
    }

    private static InstanceMetadata pending(StartWorkflow start, long now) {
        return InstanceMetadata.newBuilder().setInstanceId(start.getInstanceId()).setWorkflowName(start.getWorkflowName())
                .setStatus(RuntimeStatus.PENDING).setCreatedAt(Instant.ofEpochMilli(now)).setUpdatedAt(Instant.ofEpochMilli(now))
                .setHistoryLength(0).setParentInstanceId(start.getParentInstanceId()).setParentTaskId(start.getParentTaskId()).build();
    }

    /**
     * A child's start that cannot run (its id is taken) fails the parent's task at once, rather
     * than leave the parent waiting for an end that never comes.
     */
    void refuseChild(StartWorkflow start, String reason, long now) {
        outputs.childEnded(new ChildWorkflowEnded(start.getParentInstanceId(), start.getParentTaskId(), start.getInstanceId(),
                RuntimeStatus.FAILED, null, FailureMapping.of("io.gregor.ChildStartRefused", reason)), now);
    }

    /** Sends a purge to every child the instance ever started: their ids are in its history. */
    void purgeChildren(InstanceMetadata meta, long now) {
        for (HistoryEvent event : history.load(meta.getInstanceId())) {
            if (event.getEvent() instanceof ChildWorkflowScheduled child) {
                outputs.childControl(new WorkflowControl(child.getInstanceId(), new PurgeWorkflow(true)), now);
            }
        }
    }

    /** @return the registered workflow; for an unregistered name the instance is recorded as failed at its start, and empty */
    private Optional<Workflow> workflowOf(Step step, HistoryEvent started, long now) {
        String name = step.meta.getWorkflowName();
        Optional<Workflow> workflow = registry.create(name);
        if (workflow.isEmpty()) {
            step.record(started);
            step.record(new HistoryEvent(Instant.ofEpochMilli(now), new WorkflowFailed(FailureMapping.of("io.gregor.WorkflowNotRegistered", registry.notRegistered(name)))));
            step.save(false, now);
            LOG.warn("Instance {} failed at start: {}", step.meta.getInstanceId(), registry.notRegistered(name));
        }
        return workflow;
    }

    /**
     * Feeds one input event to a running or stalled instance.
     *
     * @return false if the event completes nothing (a duplicate or late result), so it was not recorded
     */
    boolean step(InstanceMetadata meta, Object body, long now) {
        Step step = new Step(meta);
        WorkflowExecution execution;
        try {
            execution = load(meta);
        } catch (RuntimeException e) {
            // Keep the input: once fixed code is deployed, the next replay consumes it.
            resultOf(meta, body);
            step.record(new HistoryEvent(monotonic(now, meta, null), body));
            stall(step, e);
            return true;
        }
        if (!execution.accepts(body)) {
            return false;
        }
        resultOf(meta, body);
        run(step, execution, new HistoryEvent(monotonic(now, meta, execution), body));
        return true;
    }

    /**
     * Runs a stalled instance's code again without a new input, as fixed code deployed since would
     * on its next input: replay either passes now and the instance runs on from where it stopped,
     * or it stalls again with the current reason.
     */
    void retry(InstanceMetadata meta, long now) {
        Step step = new Step(meta);
        WorkflowExecution execution;
        try {
            execution = load(meta);
        } catch (RuntimeException e) {
            stall(step, e);
            return;
        }
        execute(step, execution, List.of(), monotonic(now, meta, execution));
    }

    /**
     * An activity attempt's result is recorded: its timeouts end before the code runs, as the code
     * may continue as new and schedule a task with the same sequence id in the same step.
     */
    private void resultOf(InstanceMetadata meta, Object body) {
        switch (body) {
            case TaskCompleted c -> activityTimeouts.closed(meta.getInstanceId(), c.getTaskId());
            case TaskFailed f -> activityTimeouts.closed(meta.getInstanceId(), f.getTaskId());
            default -> {
                // not an activity's result
            }
        }
    }

    /** Ends a live instance: its open timers and activities are read from its history, which is read once, here. */
    void terminate(InstanceMetadata meta, TerminateWorkflow request, long now) {
        Step step = new Step(meta);
        cache.evict(meta.getInstanceId());
        OpenWork open = OpenWork.of(history.load(meta.getInstanceId()));
        step.leftoverTimers = open.timers();
        Map<Integer, Integer> activities = new TreeMap<>();
        open.activities().forEach((taskId, task) -> activities.put(taskId, task.getAttempt()));
        step.leftoverActivities = activities;
        // Not recursive: every child runs on, whatever its parent-close policy.
        step.leftoverChildren = request.getRecursive() ? List.copyOf(open.children().values()) : List.of();
        step.record(new HistoryEvent(monotonic(now, meta, null), new WorkflowTerminated(request.getReason(), request.getOutput())));
        step.save(false, meta.getUpdatedAt().toEpochMilli());
    }

    /**
     * Deletes the instance, its history and its timers with tombstones, so the compacted
     * changelogs and the status topic forget it; the id may then be started again. Its workflow
     * timers left the store when it ended; the ones kept in its metadata go now.
     */
    void purge(InstanceMetadata meta, long now) {
        String id = meta.getInstanceId();
        cache.evict(id);
        if (meta.getStartAt() != null) {
            timers.cancel(id, SystemTimer.START.timerId(), meta.getStartAt().toEpochMilli());
        }
        if (meta.getPurgeAt() != null) {
            timers.cancel(id, SystemTimer.RETENTION.timerId(), meta.getPurgeAt().toEpochMilli());
        }
        int records = history.deleteAll(id);
        instances.delete(id);
        telemetry.purged(meta);
        outputs.statusDeleted(id, now);
        LOG.info("Purged instance {} ({}, {}): {} history records", id, meta.getWorkflowName(), meta.getStatus(), records);
    }

    private void run(Step step, WorkflowExecution execution, HistoryEvent input) {
        step.record(input);
        execute(step, execution, List.of(input), input.getTimestamp());
    }

    /** Feeds the recorded inputs to the execution and records what it does, at the time {@code at}. */
    private void execute(Step step, WorkflowExecution execution, List<HistoryEvent> inputs, Instant at) {
        InstanceMetadata meta = step.meta;
        long now = at.toEpochMilli();
        List<Command> commands;
        try {
            commands = execution.apply(inputs);
        } catch (RuntimeException e) {
            cache.evict(meta.getInstanceId());
            execution.destroy();
            stall(step, e);
            return;
        }
        if (meta.getStatus() == RuntimeStatus.STALLED) {
            // A suspension recorded while it was stalled still holds.
            meta.setStatus(execution.isSuspended() ? RuntimeStatus.SUSPENDED : RuntimeStatus.RUNNING);
            meta.setFailure(null);
            LOG.info("Instance {} recovered from its stall and runs again", meta.getInstanceId());
        }
        for (Command command : commands) {
            step.record(new HistoryEvent(at, command.toEvent()));
            applyEffect(meta, command, now);
        }
        boolean customChanged = execution.customStatusChanged();
        if (customChanged) {
            meta.setCustomStatus(execution.takeCustomStatusChange());
        }
        if (execution.isEnded()) {
            step.leftoverTimers = execution.openTimers();
            step.leftoverActivities = execution.openActivities();
            step.leftoverChildren = execution.openChildren().stream().map(c -> (ChildWorkflowScheduled) c.toEvent()).toList();
            cache.evict(meta.getInstanceId());
            execution.destroy();
            if (!commands.isEmpty() && commands.getLast() instanceof Command.ContinueAsNew next) {
                continueAsNew(step, next, at);
                return;
            }
        } else {
            cache.put(meta.getInstanceId(), execution);
        }
        step.save(customChanged, now);
    }

    private void applyEffect(InstanceMetadata meta, Command command, long now) {
        switch (command) {
            case Command.ScheduleTask t -> {
                dispatch(meta, (TaskScheduled) t.toEvent(), now);
                telemetry.taskScheduled(t.activityName(), t.attempt());
            }
            case Command.CreateTimer t -> timers.schedule(new DurableTimer(meta.getInstanceId(), t.timerId(), Instant.ofEpochMilli(t.fireAt())));
            case Command.CancelTimer t -> timers.cancel(meta.getInstanceId(), t.timerId(), t.fireAt());
            case Command.CompleteWorkflow c -> {
                // status and output come from the recorded event (InstanceApplier)
            }
            case Command.FailWorkflow f -> {
                // status and failure come from the recorded event (InstanceApplier)
            }
            case Command.ScheduleChild c -> outputs.childStart(StartWorkflow.newBuilder().setInstanceId(c.instanceId()).setWorkflowName(c.name())
                    .setInput(c.input()).setRequestedBy("workflow " + meta.getInstanceId()).setParentInstanceId(meta.getInstanceId())
                    .setParentTaskId(c.taskId()).build(), TaskTelemetry.traceParent(meta), now);
            case Command.ContinueAsNew c -> {
                // the next generation starts in execute(), once this one's commands are recorded
            }
            case Command.RecordPatch p -> {
                // only recorded: replay reads it back
            }
            case Command.CancelTask c -> {
                String reason = "The code of instance " + meta.getInstanceId() + " canceled " + (c.childInstanceId() == null ? "activity '" : "child workflow '")
                        + c.name() + "' (task " + c.taskId() + ")";
                if (c.childInstanceId() == null) {
                    activityTimeouts.cancel(meta.getInstanceId(), meta.getGeneration(), c.taskId(), c.attempt(), reason, now);
                } else {
                    terminateChild(c.childInstanceId(), reason, now);
                }
            }
        }
    }

    /** Terminates a child and, recursively, its own children; its end notice then finds no open task in the parent and is dropped. */
    private void terminateChild(String childInstanceId, String reason, long now) {
        outputs.childControl(new WorkflowControl(childInstanceId, new TerminateWorkflow(reason, null, true)), now);
    }

    /** Sends an activity attempt to its workers, with its deadline, and starts its timeouts. */
    private void dispatch(InstanceMetadata meta, TaskScheduled task, long now) {
        Instant deadline = activityTimeouts.dispatched(meta.getInstanceId(), meta.getGeneration(), task, now);
        outputs.task(new ActivityTask(meta.getInstanceId(), meta.getWorkflowName(), task.getTaskId(), task.getActivityName(), task.getInput(),
                task.getAttempt(), Instant.ofEpochMilli(now), task.getHeartbeatDetails(), task.getHeartbeatTimeoutMillis(), deadline, meta.getGeneration()),
                task.getTaskQueue(), TaskTelemetry.traceParent(meta), now);
    }

    /**
     * Ends the generation {@code ending} recorded and starts the next in the same step, so that
     * both are durable together: the old generation's history records are deleted (tombstones),
     * its timers and children are let go as at any end, and the new generation's history starts
     * at sequence 0 with its WorkflowStarted and then the events the old code did not consume,
     * in their order. The old generation's own events are never written: they would be deleted
     * in the same transaction.
     */
    private void continueAsNew(Step ending, Command.ContinueAsNew next, Instant at) {
        InstanceMetadata meta = ending.meta;
        String id = meta.getInstanceId();
        ending.release(at.toEpochMilli());
        history.deleteAll(id);
        Step step = new Step(meta, ending.stored);
        step.generation = ending.generation + 1;
        if (step.generation > MAX_GENERATIONS_PER_STEP) {
            step.record(new HistoryEvent(at, new WorkflowStarted(meta.getWorkflowName(), next.input())));
            stall(step, new IllegalStateException("Expected each generation of instance " + id + " to await something before it continues"
                    + " as new, but " + MAX_GENERATIONS_PER_STEP + " generations continued in one step"));
            return;
        }
        List<HistoryEvent> inputs = new ArrayList<>();
        inputs.add(new HistoryEvent(at, new WorkflowStarted(meta.getWorkflowName(), next.input())));
        for (EventRaised carried : next.carried()) {
            inputs.add(new HistoryEvent(at, new EventRaised(carried.getName(), carried.getPayload())));
        }
        inputs.forEach(step::record);
        Optional<Workflow> workflow = registry.create(meta.getWorkflowName());
        if (workflow.isEmpty()) {
            stall(step, new IllegalStateException(registry.notRegistered(meta.getWorkflowName())));
            return;
        }
        execute(step, newExecution(meta, workflow.get()), inputs, at);
    }

    private WorkflowExecution load(InstanceMetadata meta) {
        WorkflowExecution cached = cache.get(meta.getInstanceId(), meta.getHistoryLength());
        if (cached != null) {
            telemetry.cacheHit();
            return cached;
        }
        telemetry.cacheMiss();
        Workflow workflow = registry.create(meta.getWorkflowName())
                .orElseThrow(() -> new IllegalStateException(registry.notRegistered(meta.getWorkflowName())));
        WorkflowExecution execution = newExecution(meta, workflow);
        try {
            execution.replay(history.load(meta.getInstanceId()));
        } catch (RuntimeException e) {
            execution.destroy();
            throw e;
        }
        return execution;
    }

    private WorkflowExecution newExecution(InstanceMetadata meta, Workflow workflow) {
        return new WorkflowExecution(meta.getInstanceId(), meta.getGeneration(), meta.getWorkflowName(), workflow, converter, yieldTimeout, carrier);
    }

    /**
     * Instance time never goes backwards, even if the clocks of the processes writing its inputs
     * disagree. The stored metadata's time is that of its last status change; the execution, when
     * there is one, knows the time of the last event.
     */
    private static Instant monotonic(long now, InstanceMetadata meta, WorkflowExecution execution) {
        long last = meta.getUpdatedAt().toEpochMilli();
        if (execution != null) {
            last = Math.max(last, execution.getCurrentInstant().toEpochMilli());
        }
        return Instant.ofEpochMilli(Math.max(now, last));
    }

    private void stall(Step step, RuntimeException cause) {
        InstanceMetadata meta = step.meta;
        if (cause instanceof NonDeterministicWorkflowException) {
            LOG.warn("Instance {} ({}) is stalled: {}", meta.getInstanceId(), meta.getWorkflowName(), cause.getMessage());
        } else {
            LOG.warn("Instance {} ({}) is stalled by an unexpected error", meta.getInstanceId(), meta.getWorkflowName(), cause);
        }
        meta.setStatus(RuntimeStatus.STALLED);
        meta.setFailure(Failures.of(cause));
        step.save(true, meta.getUpdatedAt().toEpochMilli());
    }

    /** What one step recorded, written together when it ends. */
    private final class Step {
        private final InstanceMetadata meta;
        private final RuntimeStatus before;
        /** The status the store holds for the instance, null for a new one: what the metrics count it as until saved. */
        private final RuntimeStatus stored;
        private final int firstSequence;
        private final List<HistoryEvent> events = new ArrayList<>();
        /** The instance's pending workflow timers, should the step end it: timer id to fire time. */
        private Map<Integer, Long> leftoverTimers = Map.of();
        /** The instance's activity attempts without a result, should the step end it: task id to attempt, cancelled. */
        private Map<Integer, Integer> leftoverActivities = Map.of();
        /** The instance's running children, should the step end it: their parent-close policy applies. */
        private List<ChildWorkflowScheduled> leftoverChildren = List.of();
        /** How many generations ended before this one in the same step (continue-as-new). */
        private int generation;
        /** The instance's generation the step runs: its tasks' ids are counted in it. */
        private final int instanceGeneration;

        Step(InstanceMetadata meta) {
            this(meta, meta.getStatus());
        }

        Step(InstanceMetadata meta, RuntimeStatus stored) {
            this.meta = meta;
            this.before = meta.getStatus();
            this.stored = stored;
            this.firstSequence = meta.getHistoryLength();
            this.instanceGeneration = meta.getGeneration();
        }

        void record(HistoryEvent event) {
            events.add(event);
            InstanceApplier.apply(meta, event);
            telemetry.recorded(meta, event);
        }

        /**
         * @param changed true if the step changed metadata besides the status (custom status,
         *                stall failure): it is saved and published even if the status did not change
         */
        void save(boolean changed, long now) {
            history.append(meta.getInstanceId(), firstSequence, events);
            boolean ended = InstanceApplier.isTerminal(meta.getStatus()) && !InstanceApplier.isTerminal(before);
            if (ended) {
                ended(now);
            }
            boolean statusChanged = before != meta.getStatus();
            if (changed || statusChanged || firstSequence == 0) {
                instances.put(meta);
            }
            if (changed || statusChanged) {
                outputs.status(meta, now);
            }
            if (ended) {
                outputs.completion(meta, now);
            }
            telemetry.saved(meta, stored, ended);
        }

        /**
         * What an ending generation lets go: its pending timers leave the store, its running
         * activities are cancelled (their timeouts end, their workers are told), and its running
         * children under {@link ParentClosePolicy#TERMINATE} are terminated (recursively).
         */
        void release(long now) {
            String id = meta.getInstanceId();
            leftoverTimers.forEach((timerId, fireAt) -> timers.cancel(id, timerId, fireAt));
            leftoverActivities.forEach((taskId, attempt) -> activityTimeouts.cancel(id, instanceGeneration, taskId, attempt, "Instance " + id
                    + " ended " + meta.getStatus(), now));
            for (ChildWorkflowScheduled child : leftoverChildren) {
                if (child.getParentClosePolicy() == ParentClosePolicy.TERMINATE) {
                    terminateChild(child.getInstanceId(), "Parent " + id + " ended " + meta.getStatus(), now);
                }
            }
        }

        /**
         * An ended instance leaves no timer behind but, under a retention policy, the one that
         * purges it; a child tells its parent.
         */
        private void ended(long now) {
            String id = meta.getInstanceId();
            release(now);
            if (meta.getParentInstanceId() != null) {
                outputs.childEnded(new ChildWorkflowEnded(meta.getParentInstanceId(), meta.getParentTaskId(), id, meta.getStatus(),
                        meta.getOutput(), meta.getFailure()), now);
            }
            if (meta.getStartAt() != null) {
                timers.cancel(id, SystemTimer.START.timerId(), meta.getStartAt().toEpochMilli());
                meta.setStartAt(null);
            }
            retention.purgeAt(meta).ifPresent(purgeAt -> {
                meta.setPurgeAt(purgeAt);
                timers.schedule(SystemTimer.RETENTION.at(id, purgeAt));
            });
        }
    }
}
