package io.gregor.orchestrator.internal.engine;

import io.gregor.client.workflow.ChildWorkflowOptions;
import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.client.workflow.TaskFailedException;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import io.gregor.orchestrator.internal.engine.Command.CancelTask;
import io.gregor.orchestrator.internal.engine.Command.CancelTimer;
import io.gregor.orchestrator.internal.engine.Command.CompleteWorkflow;
import io.gregor.orchestrator.internal.engine.Command.ContinueAsNew;
import io.gregor.orchestrator.internal.engine.Command.CreateTimer;
import io.gregor.orchestrator.internal.engine.Command.FailWorkflow;
import io.gregor.orchestrator.internal.engine.Command.RecordPatch;
import io.gregor.orchestrator.internal.engine.Command.ScheduleChild;
import io.gregor.orchestrator.internal.engine.Command.ScheduleTask;
import io.gregor.schemas.Failures;
import io.gregor.schemas.avro.ChildWorkflowCompleted;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.ParentClosePolicy;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.TaskCancelRequested;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerCancelled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowCompleted;
import io.gregor.schemas.avro.WorkflowContinuedAsNew;
import io.gregor.schemas.avro.WorkflowFailed;
import io.gregor.schemas.avro.WorkflowPatched;
import io.gregor.schemas.avro.WorkflowResumed;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.avro.WorkflowSuspended;
import io.gregor.schemas.avro.WorkflowTerminated;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live run of a workflow instance: its code parked on a virtual thread plus the state rebuilt
 * from its history. The execution is a pure function of the events fed to it: {@link #replay}
 * rebuilds it from recorded history, {@link #apply} feeds new input events and returns the new
 * commands, which the caller must record, in order, right after those inputs.
 *
 * <p>Kept alive in a cache between events, so a step costs O(new events); rebuilt by replay only
 * after a restart, a rebalance or an eviction.
 *
 * <p>Between a {@link WorkflowSuspended} and the next {@link WorkflowResumed} no code runs: the
 * inputs recorded meanwhile are held and fed to the code at the resume, in their order, at the
 * resume's time. Because suspension is itself in the history, replay holds and releases the same
 * inputs at the same places.
 *
 * <p>A timer the code no longer needs leaves the timer store through a {@link CancelTimer}
 * command (recorded as {@link TimerCancelled}): the timeout timer of an event wait once the event
 * arrived, and a timer that lost an anyOf once no other combinator uses it. A cancelled timer the
 * code awaits or combines again is created anew with its original fire time, so cancelling never
 * changes what the code observes.
 *
 * <p>{@link Task#cancel()} fails the task at once, for the code, and stops what it waits for: an
 * activity attempt or a child through a {@link CancelTask} command (recorded as
 * {@link TaskCancelRequested}, taking no sequence id), after which a result of theirs is refused
 * or, if already recorded in the same step or held by a suspension, ignored; a timer through
 * {@link CancelTimer}; an event wait by leaving the queue of waiters. The code decides it, so
 * replay decides it at the same point.
 *
 * <p>Activity timeouts are the orchestrator's to enforce: the engine only puts them on each
 * attempt's {@link ScheduleTask} (the schedule-to-close one as what is left of it), hands the
 * failed attempt's heartbeat details (recorded on its {@link TaskFailed}) to the next, and
 * schedules no attempt at or after the schedule-to-close deadline. A timeout arrives as an
 * ordinary TaskFailed, so replay never needs a clock.
 *
 * <p>A child workflow is a task like an activity: {@link ScheduleChild} names the child's
 * instance, and its end arrives as {@link ChildWorkflowCompleted} or {@link ChildWorkflowFailed}.
 * {@link #continueAsNew} ends the execution with a {@link ContinueAsNew} command carrying the
 * events no code consumed; the orchestrator starts the next generation with a new execution.
 *
 * <p>{@link #isPatched} answers from the whole history, not from the event at hand: replay first
 * collects every {@link WorkflowPatched} the instance recorded. Code replaying a point it reached
 * before a change was deployed finds no patch and takes the old branch; code running live takes
 * the new one and records it. Patches take no sequence id, so guards can come and go without
 * shifting the ids the other commands are matched by.
 */
public final class WorkflowExecution implements WorkflowContext {
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowExecution.class);

    private final String instanceId;
    private final int generation;
    private final String workflowName;
    private final Workflow workflow;
    private final DataConverter converter;
    private final WorkflowThread thread;
    private final Logger replaySafeLogger;

    private Payload input;
    private long currentTime;
    private boolean replaying;
    private int nextSequenceId;
    private int historyLength;
    private int uuidCounter;
    private CompletableTask<?> blockedOn;
    private Command completion;
    private boolean ended;
    /** A transient schema-registry failure the code ran into: the step's failure, not the workflow's. */
    private RuntimeException registryOutage;
    private boolean started;
    private boolean suspended;
    private Payload customStatus;
    private boolean customStatusChanged;
    /** Whether the continue-as-new being issued carries the unconsumed events to the next generation. */
    private boolean carryEvents;

    /**
     * A task waiting for its result event; activityName is null for timers (the workflow name for
     * children), fireAt meaningful only for timers, child only for children, attempt only for activities.
     */
    private record Open(CompletableTask<Payload> task, String activityName, long fireAt, ScheduleChild child, int attempt) {
        Open(CompletableTask<Payload> task, String activityName, long fireAt) {
            this(task, activityName, fireAt, null, 0);
        }

        Open(CompletableTask<Payload> task, String activityName, long fireAt, ScheduleChild child) {
            this(task, activityName, fireAt, child, 0);
        }
    }

    /** Stops the code of a generation that continues as new; an Error so that code catching exceptions cannot swallow it. */
    private static final class ContinuedAsNew extends Error {
        private static final long serialVersionUID = 1L;

        ContinuedAsNew() {
            super(null, null, false, false);
        }
    }

    /**
     * A timer the code holds as a task. {@code users} counts the combinators waiting on it: when
     * the last one lets go while it is pending, nobody waits for it and it is cancelled.
     */
    static final class TimerRef {
        private int timerId;
        private final long fireAt;
        private final CompletableTask<Payload> raw;
        private int users;
        private boolean cancelled;

        private TimerRef(int timerId, long fireAt, CompletableTask<Payload> raw) {
            this.timerId = timerId;
            this.fireAt = fireAt;
            this.raw = raw;
        }
    }

    /** The change ids the history records as patched, collected before a replay. */
    private final Set<String> recordedPatches = new HashSet<>();
    /** What isPatched answered in this run, by change id: the answer never changes within a run. */
    private final Map<String, Boolean> patches = new LinkedHashMap<>();
    /** Patches taken live and not yet recorded; recorded before the commands they guard. */
    private final List<Command> unmatchedPatches = new ArrayList<>();
    /** Tasks waiting for a result event, by sequence id. */
    private final Map<Integer, Open> open = new HashMap<>();
    /** Commands issued by the code and not yet matched with (replay) or recorded as (live) history. */
    private final LinkedHashMap<Integer, Command> unmatched = new LinkedHashMap<>();
    /** Cancellations (of timers and tasks) issued and not yet matched or recorded, by sequence id; recorded after the new commands. */
    private final LinkedHashMap<Integer, Command> unmatchedCancels = new LinkedHashMap<>();
    /** Activity attempts and children the code canceled: a result of theirs recorded before the cancellation counted is ignored. */
    private final Set<Integer> canceledTasks = new HashSet<>();
    /** Timers cancelled by the code, whose firing (already on its way when they were cancelled) is ignored. */
    private final Set<Integer> cancelledTimers = new HashSet<>();
    /** Inputs recorded while suspended, fed to the code on resume in their order. */
    private final List<Object> held = new ArrayList<>();
    /** The sequence ids the held inputs complete, so that a duplicate arriving meanwhile is still refused. */
    private final Set<Integer> heldIds = new HashSet<>();
    private final Map<String, ArrayDeque<CompletableTask<Payload>>> eventWaiters = new HashMap<>();
    /** Events no one waited for yet; kept as records because a payload may be null. */
    private final Map<String, ArrayDeque<EventRaised>> bufferedEvents = new HashMap<>();
    /** The same events in arrival order across names: what a continue-as-new carries over. */
    private final List<EventRaised> unconsumedEvents = new ArrayList<>();

    /**
     * @param instanceId   the instance
     * @param generation   continue-as-new generations of the instance before this one
     * @param workflowName its registered name
     * @param workflow     a fresh object of the workflow's class
     * @param converter    payload converter
     * @param yieldTimeout how long code may run without awaiting before the instance is stalled
     * @param carrier      which threads carry the code
     */
    public WorkflowExecution(String instanceId, int generation, String workflowName, Workflow workflow, DataConverter converter,
                             Duration yieldTimeout, WorkflowCarrier carrier) {
        this.instanceId = instanceId;
        this.generation = generation;
        this.workflowName = workflowName;
        this.workflow = workflow;
        this.converter = converter;
        this.thread = new WorkflowThread(yieldTimeout, carrier);
        this.replaySafeLogger = ReplaySafeLogger.wrap(LoggerFactory.getLogger("gregor.workflow." + workflowName), () -> replaying);
    }

    // ------------------------------------------------------------------ engine side

    /**
     * Rebuilds the execution from recorded history, checking every command the code issues
     * against the recorded one. Commands issued after the last recorded event (possible only for
     * an instance that was stalled) are returned by the next {@link #apply}.
     *
     * @param past the instance's history, in sequence order
     * @throws NonDeterministicWorkflowException if the code no longer matches the history
     */
    public void replay(List<HistoryEvent> past) {
        replaying = true;
        for (HistoryEvent event : past) {
            if (event.getEvent() instanceof WorkflowPatched patched) {
                recordedPatches.add(patched.getChangeId());
            }
        }
        try {
            for (HistoryEvent event : past) {
                applyEvent(event);
            }
        } finally {
            replaying = false;
        }
    }

    /**
     * Feeds new input events (already accepted, see {@link #accepts}) and runs the code.
     *
     * @param inputs new input events, in the order they are recorded
     * @return the new commands, in order; the caller records one history event per command
     */
    public List<Command> apply(List<HistoryEvent> inputs) {
        for (HistoryEvent event : inputs) {
            applyEvent(event);
        }
        List<Command> commands = new ArrayList<>(unmatchedPatches);
        unmatchedPatches.clear();
        commands.addAll(unmatched.values());
        unmatched.clear();
        // After the new commands: a timer created and given up within one step is scheduled, then removed.
        commands.addAll(unmatchedCancels.values());
        unmatchedCancels.clear();
        if (completion instanceof ContinueAsNew next && carryEvents) {
            // Taken now, not when the code continued: a resume feeds held inputs after that, and their events belong to the next generation.
            completion = new ContinueAsNew(next.input(), List.copyOf(unconsumedEvents));
        }
        if (completion != null) {
            commands.add(completion);
            completion = null;
            ended = true; // the caller records the completion with these commands
        }
        historyLength += commands.size();
        return commands;
    }

    /**
     * Whether a new input event still has something to complete here; results of finished or
     * unknown tasks (duplicates, redeliveries) return false and must be dropped, not recorded.
     *
     * @param event the event body (TaskCompleted, TaskFailed, TimerFired, EventRaised ...)
     * @return true if the event should be recorded and applied
     */
    public boolean accepts(Object event) {
        return switch (event) {
            case TaskCompleted c -> isOpenActivity(c.getTaskId()) && !heldIds.contains(c.getTaskId());
            case TaskFailed f -> isOpenActivity(f.getTaskId()) && !heldIds.contains(f.getTaskId());
            case TimerFired t -> isOpenTimer(t.getTimerId()) && !heldIds.contains(t.getTimerId());
            case ChildWorkflowCompleted c -> isOpenChild(c.getTaskId(), c.getInstanceId()) && !heldIds.contains(c.getTaskId());
            case ChildWorkflowFailed f -> isOpenChild(f.getTaskId(), f.getInstanceId()) && !heldIds.contains(f.getTaskId());
            case WorkflowStarted s -> !started && !ended;
            default -> !ended;
        };
    }

    private boolean isOpenActivity(int id) {
        Open o = open.get(id);
        return o != null && o.activityName() != null && o.child() == null;
    }

    /** A notice from an earlier attempt's child (another instance id) completes nothing. */
    private boolean isOpenChild(int id, String childInstanceId) {
        Open o = open.get(id);
        return o != null && o.child() != null && o.child().instanceId().equals(childInstanceId);
    }

    /** @return the children started and not ended, in sequence order: what the parent-close policy applies to */
    public List<ScheduleChild> openChildren() {
        return open.entrySet().stream().filter(e -> e.getValue().child() != null).sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue().child()).toList();
    }

    private boolean isOpenTimer(int id) {
        Open o = open.get(id);
        return o != null && o.activityName() == null;
    }

    /** @return the activity attempts dispatched and without a result, task id to attempt: what an ending instance cancels */
    public Map<Integer, Integer> openActivities() {
        Map<Integer, Integer> activities = new TreeMap<>();
        open.forEach((id, o) -> {
            if (o.activityName() != null && o.child() == null) {
                activities.put(id, o.attempt());
            }
        });
        return activities;
    }

    /** @return the timers the code has pending, timer id to fire time; what an ending instance leaves in the timer store */
    public Map<Integer, Long> openTimers() {
        Map<Integer, Long> timers = new TreeMap<>();
        open.forEach((id, o) -> {
            if (o.activityName() == null) {
                timers.put(id, o.fireAt());
            }
        });
        return timers;
    }

    /** @return true while suspended: no code runs, inputs are held */
    public boolean isSuspended() {
        return suspended;
    }

    /** @return the number of history events this execution has consumed or produced */
    public int historyLength() {
        return historyLength;
    }

    /** @return true once the workflow completed, failed or was terminated */
    public boolean isEnded() {
        return ended;
    }

    /** @return the custom status if it changed since the last call, else null */
    public Payload takeCustomStatusChange() {
        if (!customStatusChanged) {
            return null;
        }
        customStatusChanged = false;
        return customStatus;
    }

    /** @return true if {@link #takeCustomStatusChange()} has a change */
    public boolean customStatusChanged() {
        return customStatusChanged;
    }

    /** Ends the parked code so its virtual thread exits; the execution is unusable afterwards. */
    public void destroy() {
        thread.destroy();
    }

    private void applyEvent(HistoryEvent event) {
        historyLength++;
        Object body = event.getEvent();
        if (suspended && isInput(body)) {
            hold(body);
            return;
        }
        currentTime = event.getTimestamp().toEpochMilli();
        dispatch(body);
    }

    private static boolean isInput(Object body) {
        return body instanceof TaskCompleted || body instanceof TaskFailed || body instanceof TimerFired || body instanceof EventRaised
                || body instanceof WorkflowStarted || body instanceof ChildWorkflowCompleted || body instanceof ChildWorkflowFailed;
    }

    private void hold(Object body) {
        held.add(body);
        if (body instanceof WorkflowStarted) {
            started = true;
        }
        Integer id = sequenceIdOf(body);
        if (id != null) {
            heldIds.add(id);
        }
    }

    /** @return the sequence id an input completes, or null for one that completes none (an event, the start) */
    private static Integer sequenceIdOf(Object body) {
        return switch (body) {
            case TaskCompleted c -> c.getTaskId();
            case TaskFailed f -> f.getTaskId();
            case TimerFired t -> t.getTimerId();
            case ChildWorkflowCompleted c -> c.getTaskId();
            case ChildWorkflowFailed f -> f.getTaskId();
            default -> null;
        };
    }

    /**
     * Feeds the held inputs at the resume's time: the code runs now, not when they arrived. An
     * input stays in {@link #heldIds} until it is fed, so a timer whose firing is still to come is
     * not cancelled by an earlier one.
     */
    private void release() {
        suspended = false;
        List<Object> due = new ArrayList<>(held);
        held.clear();
        for (Object body : due) {
            heldIds.remove(sequenceIdOf(body));
            dispatch(body);
        }
    }

    private void dispatch(Object body) {
        switch (body) {
            case WorkflowStarted workflowStarted -> {
                started = true;
                input = workflowStarted.getInput();
                thread.start("gregor-wf-" + instanceId, this::runCode);
                afterRun();
            }
            case TaskScheduled scheduled -> match(scheduled.getTaskId(), scheduled, "TaskScheduled(id=" + scheduled.getTaskId()
                    + ", activity='" + scheduled.getActivityName() + "')");
            case TimerCreated created -> match(created.getTimerId(), created, "TimerCreated(id=" + created.getTimerId() + ", fireAt="
                    + created.getFireAt() + ")");
            case TaskCompleted completed -> {
                Open task = resolveResult(completed.getTaskId(), "TaskCompleted");
                if (task != null) {
                    task.task().complete(completed.getOutput());
                }
            }
            case TaskFailed failed -> {
                Open task = resolveResult(failed.getTaskId(), "TaskFailed");
                if (task != null) {
                    // Recorded with the failure, so the next attempt gets the same details on every replay.
                    task.task().heartbeatDetails = failed.getHeartbeatDetails();
                    task.task().fail(new TaskFailedException(task.activityName(), failed.getTaskId(),
                            FailureMapping.toPublic(failed.getFailure())));
                }
            }
            case TimerFired fired -> {
                // Defensive: a firing of a cancelled timer is refused by accepts(), so it is never recorded to replay.
                if (!cancelledTimers.contains(fired.getTimerId()) || open.containsKey(fired.getTimerId())) {
                    resolve(fired.getTimerId(), "TimerFired").task().complete(null);
                }
            }
            case TimerCancelled cancelled -> matchCancel(cancelled.getTimerId(), cancelled, "TimerCancelled(id=" + cancelled.getTimerId() + ")",
                    "the code did not give up timer " + cancelled.getTimerId());
            case TaskCancelRequested cancelled -> matchCancel(cancelled.getTaskId(), cancelled, "TaskCancelRequested(id=" + cancelled.getTaskId()
                    + ")", "the code did not cancel task " + cancelled.getTaskId());
            case ChildWorkflowScheduled scheduled -> {
                match(scheduled.getTaskId(), scheduled, "ChildWorkflowScheduled(id=" + scheduled.getTaskId() + ", workflow='"
                        + scheduled.getName() + "', instance='" + scheduled.getInstanceId() + "')");
                // The recorded child id wins: a rerun's copied history names the source's children, whose ids derive from the source id.
                open.computeIfPresent(scheduled.getTaskId(), (id, o) -> new Open(o.task(), o.activityName(), -1, new ScheduleChild(id,
                        scheduled.getName(), scheduled.getInstanceId(), scheduled.getInput(), scheduled.getAttempt(),
                        scheduled.getParentClosePolicy())));
            }
            case ChildWorkflowCompleted completed -> {
                Open task = resolveResult(completed.getTaskId(), "ChildWorkflowCompleted");
                if (task != null) {
                    task.task().complete(completed.getOutput());
                }
            }
            case ChildWorkflowFailed failed -> {
                Open task = resolveResult(failed.getTaskId(), "ChildWorkflowFailed");
                if (task != null) {
                    task.task().fail(new TaskFailedException(task.activityName(), failed.getTaskId(), FailureMapping.toPublic(failed.getFailure())));
                }
            }
            case WorkflowContinuedAsNew c -> matchCompletion(c, "WorkflowContinuedAsNew");
            case WorkflowPatched p -> {
                // Collected before the replay (recordedPatches); a patch whose guard was removed needs nothing to match it.
            }
            case WorkflowSuspended s -> suspended = true;
            case WorkflowResumed r -> release();
            case EventRaised raised -> deliver(raised);
            case WorkflowCompleted c -> matchCompletion(c, "WorkflowCompleted");
            case WorkflowFailed f -> matchCompletion(f, "WorkflowFailed");
            case WorkflowTerminated t -> {
                ended = true;
                thread.destroy();
            }
            default -> throw new IllegalStateException("Expected a known history event, but found "
                    + body.getClass().getName() + " in instance " + instanceId);
        }
        resumeWhileUnblocked();
    }

    private void match(int sequenceId, Object recorded, String recordedDescription) {
        if (!replaying) {
            throw new IllegalStateException("Expected only input events in a live step, but found " + recordedDescription);
        }
        Command issued = unmatched.remove(sequenceId);
        if (issued == null) {
            throw NonDeterministicWorkflowException.missing(where(), sequenceId, recordedDescription);
        }
        if (!issued.matches(recorded)) {
            throw NonDeterministicWorkflowException.mismatch(where(), sequenceId, recordedDescription, issued.describe());
        }
    }

    /** Cancellations are matched by the sequence id they refer to: they are recorded after the step's other commands. */
    private void matchCancel(int sequenceId, Object recorded, String description, String notIssued) {
        if (!replaying) {
            throw new IllegalStateException("Expected only input events in a live step, but found " + description);
        }
        Command issued = unmatchedCancels.remove(sequenceId);
        if (issued == null) {
            throw NonDeterministicWorkflowException.unexpected(where(), "history has " + description + ", but " + notIssued);
        }
        if (!issued.matches(recorded)) {
            throw NonDeterministicWorkflowException.mismatch(where(), sequenceId, description, issued.describe());
        }
    }

    private void matchCompletion(Object recorded, String recordedDescription) {
        if (!replaying) {
            throw new IllegalStateException("Expected only input events in a live step, but found " + recordedDescription);
        }
        if (completion == null || !completion.matches(recorded)) {
            throw NonDeterministicWorkflowException.mismatch(where(), nextSequenceId, recordedDescription,
                    completion == null ? "no completion (the code has not returned)" : completion.describe());
        }
        completion = null;
        ended = true;
    }

    /** Names the instance, its workflow and the changes its code asked about, for non-determinism errors. */
    private NonDeterministicWorkflowException.Where where() {
        return new NonDeterministicWorkflowException.Where(instanceId, workflowName, Map.copyOf(patches));
    }

    private Open resolve(int sequenceId, String what) {
        Open task = open.remove(sequenceId);
        if (task == null) {
            throw NonDeterministicWorkflowException.unexpected(where(), "history has " + what + " for sequence id " + sequenceId
                    + ", but the code has no open task with that id");
        }
        return task;
    }

    /** Like {@link #resolve}, but a result of a task the code canceled before it counted is ignored: null. */
    private Open resolveResult(int sequenceId, String what) {
        if (canceledTasks.contains(sequenceId) && !open.containsKey(sequenceId)) {
            return null;
        }
        return resolve(sequenceId, what);
    }

    private void deliver(EventRaised raised) {
        String key = raised.getName().toLowerCase(Locale.ROOT);
        ArrayDeque<CompletableTask<Payload>> waiters = eventWaiters.get(key);
        // Once the code has finished, a waiter it left behind can take nothing: the event stays unconsumed.
        if (waiters != null && !waiters.isEmpty() && completion == null) {
            waiters.poll().complete(raised.getPayload());
        } else {
            bufferedEvents.computeIfAbsent(key, k -> new ArrayDeque<>()).add(raised);
            unconsumedEvents.add(raised);
        }
    }

    private void resumeWhileUnblocked() {
        while (blockedOn != null && blockedOn.isDone() && !thread.isFinished() && !ended) {
            blockedOn = null;
            thread.resume();
            afterRun();
        }
    }

    private void afterRun() {
        if (registryOutage != null) {
            // Thrown out of the step so that its transaction aborts and the input is processed again once the
            // registry answers; recording FailWorkflow would end the instance for good over an outage.
            throw new IllegalStateException("Expected the schema registry to serve a payload of instance " + instanceId
                    + ", but it could not now; the step is not recorded and runs again", registryOutage);
        }
        if (thread.isFinished() && completion == null && !ended) {
            throw new IllegalStateException("Expected workflow code of instance " + instanceId + " to return or fail, but it ended without either");
        }
    }

    // ------------------------------------------------------------------ workflow side

    private void runCode() {
        try {
            Object output = workflow.run(this);
            completion = new CompleteWorkflow(converter.serialize(output));
        } catch (WorkflowThread.Destroyed e) {
            throw e;
        } catch (ContinuedAsNew e) {
            // completion was set by continueAsNew
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
            if (SchemaRegistryException.isTransient(t)) {
                registryOutage = t instanceof RuntimeException runtime ? runtime : new IllegalStateException(t);
                return;
            }
            completion = new FailWorkflow(Failures.of(t));
            if (!replaying) {
                LOG.info("Workflow {} (instance {}) failed: {}", workflowName, instanceId, t.toString());
            }
        }
    }

    void awaitTask(CompletableTask<?> task) {
        if (task.isDone()) {
            return;
        }
        checkWorkflowThread("Task.await()");
        if (task.timer != null) {
            revive(task.timer);
        }
        while (!task.isDone()) {
            blockedOn = task;
            thread.yieldToEngine();
        }
    }

    private void checkWorkflowThread(String what) {
        if (!thread.isWorkflowThread()) {
            throw new IllegalStateException("Expected " + what + " to be called on the workflow thread of instance " + instanceId
                    + ", but it was called on " + Thread.currentThread() + "; workflow code must not start threads");
        }
    }

    private CompletableTask<Payload> issue(Command command, int sequenceId, String activityName, long fireAt) {
        unmatched.put(sequenceId, command);
        CompletableTask<Payload> task = new CompletableTask<>(this);
        task.sequenceId = sequenceId;
        open.put(sequenceId, new Open(task, activityName, fireAt, null, command instanceof ScheduleTask t ? t.attempt() : 0));
        return task;
    }

    /**
     * @param closeBy the activity's schedule-to-close deadline, {@link Long#MAX_VALUE} for none: the
     *                attempt gets what is left of it, so its timeout counts from the attempt's own dispatch
     * @param details the last heartbeat details of the attempts before, for this one to resume from
     */
    private CompletableTask<Payload> scheduleAttempt(String name, Payload payload, int attempt, TaskOptions options, long closeBy,
                                                     Payload details) {
        int id = nextSequenceId++;
        ScheduleTask command = options == null ? new ScheduleTask(id, name, payload, attempt, null, null, null, null, details)
                : new ScheduleTask(id, name, payload, attempt, options.taskQueue(), millis(options.startToCloseTimeout()),
                        closeBy == Long.MAX_VALUE ? null : closeBy - currentTime, millis(options.heartbeatTimeout()), details);
        return issue(command, id, name, -1);
    }

    private static Long millis(Duration duration) {
        return duration == null ? null : duration.toMillis();
    }

    private CompletableTask<Payload> startTimer(long fireAt) {
        int id = nextSequenceId++;
        return issue(new CreateTimer(id, fireAt), id, null, fireAt);
    }

    /**
     * Removes a pending timer from the store; one that fired already, or whose firing is held, is left alone.
     *
     * @return whether it was cancelled
     */
    private boolean cancelTimer(int timerId) {
        Open timer = open.get(timerId);
        if (timer == null || timer.activityName() != null || heldIds.contains(timerId)) {
            return false;
        }
        open.remove(timerId);
        cancelledTimers.add(timerId);
        unmatchedCancels.put(timerId, new CancelTimer(timerId, timer.fireAt()));
        return true;
    }

    /** {@link Task#cancel()}: the task fails for the code at once, then what it waits for is stopped. */
    boolean cancel(CompletableTask<?> task) {
        checkWorkflowThread("Task.cancel()");
        if (task.isDone()) {
            return false;
        }
        task.fail(new TaskCanceledException(TaskCanceledException.Reason.CANCELED, "Canceled by the code of instance " + instanceId));
        if (task.canceller != null) {
            task.canceller.run();
        }
        return true;
    }

    /**
     * Gives up an activity attempt or a child: no result of it will count. Its cancellation is
     * recorded unless its result is already recorded and held (a suspension), when nothing runs to stop.
     */
    private void abandon(int taskId) {
        canceledTasks.add(taskId);
        Open task = open.remove(taskId);
        if (task != null && !heldIds.contains(taskId)) {
            unmatchedCancels.put(taskId, new CancelTask(taskId, task.activityName(), task.attempt(), task.child() == null ? null
                    : task.child().instanceId()));
        }
    }

    /** A combinator waits on the task: a cancelled timer comes back, and it is not cancelled while the combinator waits. */
    void combined(CompletableTask<?> task) {
        TimerRef timer = task.timer;
        if (timer != null) {
            revive(timer);
            timer.users++;
        }
    }

    /** A combinator no longer waits on the task: a timer nobody else waits for is cancelled. */
    void released(CompletableTask<?> task) {
        TimerRef timer = task.timer;
        if (timer != null && --timer.users == 0 && !task.isDone() && blockedOn != task && !timer.cancelled) {
            timer.cancelled = cancelTimer(timer.timerId);
        }
    }

    /** The code uses a timer it gave up: it is created anew under a new sequence id, due at its original time. */
    private void revive(TimerRef timer) {
        if (!timer.cancelled || timer.raw.isDone()) {
            return;
        }
        int id = nextSequenceId++;
        unmatched.put(id, new CreateTimer(id, timer.fireAt));
        open.put(id, new Open(timer.raw, null, timer.fireAt));
        timer.timerId = id;
        timer.cancelled = false;
    }

    /** Schedules one attempt (of an activity or a child) under a new sequence id. */
    @FunctionalInterface
    private interface Attempts {
        /** @param details the last heartbeat details of the attempts before it (activities only) */
        CompletableTask<Payload> schedule(int attempt, Payload details);
    }

    /**
     * Each failed attempt waits on a durable timer, then schedules the next attempt under a new id;
     * none starts at or after {@code closeBy} (an activity's schedule-to-close deadline). The next
     * attempt gets the failed one's heartbeat details or, if it had none, those it was given.
     */
    private void attempt(Attempts attempts, int attempt, RetryPolicy policy, long firstAttemptAt, long closeBy, Payload details,
                         CompletableTask<Payload> result) {
        CompletableTask<Payload> task = attempts.schedule(attempt, details);
        result.canceller = () -> abandon(task.sequenceId);
        task.onDone(() -> {
            if (!task.isFailed()) {
                result.complete(task.value());
                return;
            }
            long retryAt = policy == null ? Long.MAX_VALUE : currentTime + policy.delayAfter(attempt).toMillis();
            if (policy != null && task.failure() instanceof TaskFailedException failed && retryAt < closeBy
                    && policy.shouldRetry(attempt, failed.getFailureDetails(), Duration.ofMillis(currentTime - firstAttemptAt))) {
                Payload next = task.heartbeatDetails != null ? task.heartbeatDetails : details;
                CompletableTask<Payload> backoff = startTimer(retryAt);
                result.canceller = () -> cancelTimer(backoff.sequenceId);
                backoff.onDone(() -> attempt(attempts, attempt + 1, policy, firstAttemptAt, closeBy, next, result));
            } else {
                result.fail(task.failure());
            }
        });
    }

    @Override
    public String getInstanceId() {
        return instanceId;
    }

    @Override
    public String getName() {
        return workflowName;
    }

    @Override
    public <T> T getInput(Class<T> type) {
        return converter.deserialize(input, type);
    }

    @Override
    public Instant getCurrentInstant() {
        return Instant.ofEpochMilli(currentTime);
    }

    @Override
    public UUID newUuid() {
        String name = instanceId + "/" + currentTime + "/" + (uuidCounter++);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean isReplaying() {
        return replaying;
    }

    @Override
    public Logger getLogger() {
        return replaySafeLogger;
    }

    @Override
    public boolean isPatched(String changeId) {
        checkWorkflowThread("isPatched");
        if (changeId == null || changeId.isBlank()) {
            throw new IllegalArgumentException("Expected a change id, but found '" + changeId + "' in instance " + instanceId);
        }
        Boolean known = patches.get(changeId);
        if (known != null) {
            return known;
        }
        // Replaying, the code is where it was before: it took the new branch only if that was recorded.
        boolean patched = !replaying || recordedPatches.contains(changeId);
        if (patched && !recordedPatches.contains(changeId)) {
            recordedPatches.add(changeId);
            unmatchedPatches.add(new RecordPatch(changeId));
        }
        patches.put(changeId, patched);
        return patched;
    }

    @Override
    public void setCustomStatus(Object status) {
        customStatus = converter.serialize(status);
        customStatusChanged = true;
    }

    @Override
    public <T> Task<T> callActivity(String name, Object activityInput, TaskOptions options, Class<T> resultType) {
        checkWorkflowThread("callActivity");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Expected an activity name, but found '" + name + "' in instance " + instanceId);
        }
        Payload payload = converter.serialize(activityInput);
        CompletableTask<Payload> result = new CompletableTask<>(this);
        long closeBy = options == null || options.scheduleToCloseTimeout() == null ? Long.MAX_VALUE
                : currentTime + options.scheduleToCloseTimeout().toMillis();
        attempt((n, details) -> scheduleAttempt(name, payload, n, options, closeBy, details), 1, options == null ? null : options.retryPolicy(),
                currentTime, closeBy, null, result);
        return result.map(p -> converter.deserialize(p, resultType));
    }

    @Override
    public <T> Task<T> callChildWorkflow(String name, Object childInput, ChildWorkflowOptions options, Class<T> resultType) {
        checkWorkflowThread("callChildWorkflow");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Expected a child workflow name, but found '" + name + "' in instance " + instanceId);
        }
        ChildWorkflowOptions opts = options == null ? ChildWorkflowOptions.defaults() : options;
        Payload payload = converter.serialize(childInput);
        // The id is fixed by the first attempt's sequence id, so every replay derives the same one; a later generation's
        // carries its number, or it would name a child of an earlier generation (refused, or taken for its late result).
        String baseId = opts.instanceId() != null ? opts.instanceId()
                : instanceId + ":" + (generation == 0 ? "" : generation + ".") + nextSequenceId;
        ParentClosePolicy policy = ParentClosePolicy.valueOf(opts.parentClosePolicy().name());
        CompletableTask<Payload> result = new CompletableTask<>(this);
        attempt((n, details) -> scheduleChild(name, n == 1 ? baseId : baseId + "#" + n, payload, n, policy), 1, opts.retryPolicy(), currentTime,
                Long.MAX_VALUE, null, result);
        return result.map(p -> converter.deserialize(p, resultType));
    }

    private CompletableTask<Payload> scheduleChild(String name, String childId, Payload payload, int attempt, ParentClosePolicy policy) {
        int id = nextSequenceId++;
        ScheduleChild command = new ScheduleChild(id, name, childId, payload, attempt, policy);
        unmatched.put(id, command);
        CompletableTask<Payload> task = new CompletableTask<>(this);
        task.sequenceId = id;
        open.put(id, new Open(task, name, -1, command));
        return task;
    }

    @Override
    public void continueAsNew(Object newInput, boolean keepUnprocessedEvents) {
        checkWorkflowThread("continueAsNew");
        carryEvents = keepUnprocessedEvents;
        completion = new ContinueAsNew(converter.serialize(newInput), List.of());
        throw new ContinuedAsNew();
    }

    @Override
    public Task<Void> createTimer(Duration delay) {
        return createTimer(getCurrentInstant().plus(delay));
    }

    @Override
    public Task<Void> createTimer(Instant fireAt) {
        checkWorkflowThread("createTimer");
        int id = nextSequenceId;
        CompletableTask<Payload> raw = startTimer(fireAt.toEpochMilli());
        CompletableTask<Void> task = raw.map(p -> null);
        TimerRef timer = new TimerRef(id, fireAt.toEpochMilli(), raw);
        task.timer = timer;
        raw.canceller = () -> {
            if (!timer.cancelled) {
                timer.cancelled = cancelTimer(timer.timerId);
            }
        };
        return task;
    }

    @Override
    public <T> Task<T> waitForExternalEvent(String name, Class<T> type) {
        return waitForExternalEvent(name, null, type);
    }

    @Override
    public <T> Task<T> waitForExternalEvent(String name, Duration timeout, Class<T> type) {
        checkWorkflowThread("waitForExternalEvent");
        String key = name.toLowerCase(Locale.ROOT);
        CompletableTask<Payload> event = new CompletableTask<>(this);
        ArrayDeque<EventRaised> buffered = bufferedEvents.get(key);
        if (buffered != null && !buffered.isEmpty()) {
            EventRaised taken = buffered.poll();
            unconsumedEvents.remove(taken);
            event.complete(taken.getPayload());
        } else if (timeout != null && timeout.isZero()) {
            event.fail(new TaskCanceledException(TaskCanceledException.Reason.TIMED_OUT, "No external event '" + name + "' had arrived for instance " + instanceId
                    + " and the timeout is zero"));
        } else {
            ArrayDeque<CompletableTask<Payload>> waiters = eventWaiters.computeIfAbsent(key, k -> new ArrayDeque<>());
            waiters.add(event);
            event.canceller = () -> waiters.remove(event);
            if (timeout != null && !timeout.isNegative()) {
                int timerId = nextSequenceId;
                CompletableTask<Payload> timer = startTimer(currentTime + timeout.toMillis());
                event.onDone(() -> cancelTimer(timerId));
                timer.onDone(() -> {
                    if (!event.isDone()) {
                        waiters.remove(event);
                        event.fail(new TaskCanceledException(TaskCanceledException.Reason.TIMED_OUT, "Timed out after " + timeout + " waiting for external event '"
                                + name + "' (instance " + instanceId + ")"));
                    }
                });
            }
        }
        return event.map(p -> converter.deserialize(p, type));
    }

    @Override
    public <T> Task<List<T>> allOf(List<? extends Task<T>> tasks) {
        return TaskCombinators.allOf(this, tasks);
    }

    @Override
    public Task<Task<?>> anyOf(List<? extends Task<?>> tasks) {
        return TaskCombinators.anyOf(this, instanceId, tasks);
    }
}
