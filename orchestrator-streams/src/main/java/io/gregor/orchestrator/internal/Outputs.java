package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.orchestrator.internal.telemetry.TaskTelemetry;
import io.gregor.orchestrator.internal.telemetry.WorkflowTracing;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityCancellation;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.ChildWorkflowEnded;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RerunStart;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything the orchestrator emits, forwarded to the named sinks inside the current transaction. */
final class Outputs {
    static final String TASKS_SINK = "activity-tasks-sink";
    static final String STATUS_SINK = "workflow-status-sink";
    static final String COMPLETIONS_SINK = "workflow-completions-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    static final String CANCELLATIONS_SINK = "activity-cancellations-sink";
    /** To the inbox: due timers, the starts of reruns and children, children's ends and parents' controls of them. */
    static final String TIMERS_SINK = "due-timers-sink";
    /** The schema registry subject of {@link RerunStart}, an internal record of the inbox. */
    static final String RERUN_SUBJECT = "gregor-reruns";
    /** The schema registry subject of {@link ChildWorkflowEnded}, an internal record of the inbox. */
    static final String CHILD_ENDED_SUBJECT = "gregor-child-ends";
    /** The error type of a task failed because its task queue is not declared. */
    static final String UNDECLARED_QUEUE_ERROR = "io.gregor.UndeclaredTaskQueue";
    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);

    private final ProcessorContext<byte[], byte[]> context;
    private final Topics topics;
    private final AvroSerde<ActivityTask> tasks;
    private final AvroSerde<WorkflowStatus> statuses;
    private final AvroSerde<WorkflowCompletion> completions;
    private final AvroSerde<DurableTimer> timers;
    private final AvroSerde<RerunStart> reruns;
    private final AvroSerde<StartWorkflow> starts;
    private final AvroSerde<WorkflowControl> controls;
    private final AvroSerde<ChildWorkflowEnded> childEnds;
    private final AvroSerde<ActivityResult> results;
    private final AvroSerde<ActivityCancellation> cancellations;
    private final ThreadLocal<CommitPacer> pacer;
    private final boolean speculativeDispatch;
    private final Set<String> taskQueues;

    Outputs(ProcessorContext<byte[], byte[]> context, Topics topics, SchemaRegistryClient registry, ThreadLocal<CommitPacer> pacer,
            boolean speculativeDispatch, Set<String> taskQueues) {
        this.context = context;
        this.taskQueues = taskQueues;
        this.results = new AvroSerde<>(registry, ActivityResult.class);
        this.cancellations = new AvroSerde<>(registry, ActivityCancellation.class);
        this.pacer = pacer;
        this.speculativeDispatch = speculativeDispatch;
        this.topics = topics;
        this.tasks = new AvroSerde<>(registry, ActivityTask.class);
        this.statuses = new AvroSerde<>(registry, WorkflowStatus.class);
        this.completions = new AvroSerde<>(registry, WorkflowCompletion.class);
        this.timers = new AvroSerde<>(registry, DurableTimer.class);
        this.reruns = new AvroSerde<>(registry, RerunStart.class);
        this.starts = new AvroSerde<>(registry, StartWorkflow.class);
        this.controls = new AvroSerde<>(registry, WorkflowControl.class);
        this.childEnds = new AvroSerde<>(registry, ChildWorkflowEnded.class);
    }

    /** @return the sink of a task queue's topic ({@link OrchestratorTopology} adds one per declared queue) */
    static String tasksSink(String taskQueue) {
        return taskQueue == null ? TASKS_SINK : TASKS_SINK + "." + taskQueue;
    }

    /**
     * Keyed by instance and task id, so one instance's fan-out spreads over every task partition.
     *
     * <p>A task for a queue the orchestrator did not declare has no topic to go to (writing to a
     * topic that does not exist would block the stream thread, then kill it), so it is answered
     * here with a non-retriable failed result through the inbox: the workflow sees a
     * {@code TaskFailedException} that names the queue, in the same place of its input order on
     * every reprocessing.
     */
    void task(ActivityTask task, String taskQueue, byte[] traceParent, long now) {
        if (taskQueue != null && !taskQueues.contains(taskQueue)) {
            LOG.warn("Failed task {} of instance {} at once: its task queue '{}' is not declared", task.getTaskId(), task.getInstanceId(), taskQueue);
            ActivityResult refused = ActivityResult.newBuilder().setInstanceId(task.getInstanceId()).setTaskId(task.getTaskId())
                    .setAttempt(task.getAttempt()).setGeneration(task.getGeneration()).setSucceeded(false).setWorkerId("orchestrator")
                    .setFailure(new FailureDetails(UNDECLARED_QUEUE_ERROR, "Expected activity '" + task.getActivityName() + "' (task "
                            + task.getTaskId() + " of instance " + task.getInstanceId() + ") on a task queue the orchestrator declares "
                            + (taskQueues.isEmpty() ? "(it declares none besides the default)" : taskQueues)
                            + ", but found '" + taskQueue + "'; declare it with GregorOrchestrator.Builder.taskQueues(..)", null, true))
                    .build();
            // Registered under the inbox's subject, as workers register their results.
            toInbox(InputKind.RESULT, task.getInstanceId(), results.serialize(topics.inbox(), refused), now);
            return;
        }
        forward(tasksSink(taskQueue), task.getInstanceId() + "/" + task.getTaskId(), tasks.serialize(topics.activityTasks(taskQueue), task),
                traced(traceParent), now);
        if (!speculativeDispatch) {
            pacer.get().outputWaiting(context);
        }
    }

    /**
     * Tells the worker running an attempt that its result is no longer wanted; keyed as its task
     * was. Nobody waits for it to commit: the worker learns it on its next heartbeat.
     */
    void cancellation(ActivityCancellation cancellation, long now) {
        forward(CANCELLATIONS_SINK, cancellation.getInstanceId() + "/" + cancellation.getTaskId(),
                cancellations.serialize(topics.activityCancellations(), cancellation), now);
    }

    void status(InstanceMetadata m, long now) {
        WorkflowStatus status = new WorkflowStatus(m.getInstanceId(), m.getWorkflowName(), m.getStatus(), m.getInput(), m.getOutput(),
                m.getFailure(), m.getCustomStatus(), m.getCreatedAt(), m.getUpdatedAt(), m.getHistoryLength());
        forward(STATUS_SINK, m.getInstanceId(), statuses.serialize(topics.status(), status), now);
        pacer.get().outputWaiting(context);
    }

    void completion(InstanceMetadata m, long now) {
        WorkflowCompletion completion = new WorkflowCompletion(m.getInstanceId(), m.getWorkflowName(), m.getStatus(), m.getOutput(),
                m.getFailure(), m.getCreatedAt(), m.getUpdatedAt());
        forward(COMPLETIONS_SINK, m.getInstanceId(), completions.serialize(topics.completions(), completion),
                traced(TaskTelemetry.traceParent(m)), now);
    }

    /**
     * A due timer goes through the inbox rather than straight to its instance, so that it takes
     * its place in the instance's input order. The value is registered under the timer store's
     * subject: the inbox's own subject belongs to activity results.
     */
    void timerDue(DurableTimer timer, long now) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(InputKind.HEADER, InputKind.TIMER.headerValue());
        context.forward(new Record<>(timer.getInstanceId().getBytes(StandardCharsets.UTF_8), timers.serialize(TimerRepository.STORE, timer), now,
                headers), TIMERS_SINK);
        // The processor reads the inbox read_committed: the timer fires when this commits.
        pacer.get().outputWaiting(context);
    }

    /**
     * A purged instance's key is deleted from the compacted status topic, so readers of the topic
     * forget it as the stores do.
     */
    void statusDeleted(String instanceId, long now) {
        forward(STATUS_SINK, instanceId, null, now);
        pacer.get().outputWaiting(context);
    }

    /**
     * A rerun's new instance may live on another partition than its source, so its start travels
     * through the inbox, keyed by the new id, like any other input of that instance.
     */
    void rerun(RerunStart rerun, long now) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(InputKind.HEADER, InputKind.RERUN.headerValue());
        context.forward(new Record<>(rerun.getStart().getInstanceId().getBytes(StandardCharsets.UTF_8), reruns.serialize(RERUN_SUBJECT, rerun),
                now, headers), TIMERS_SINK);
        pacer.get().outputWaiting(context);
    }

    /**
     * A child may live on another partition than its parent, so its start goes through the inbox,
     * keyed by the child's id, as a client's start does (registered under the starts topic's subject).
     */
    void childStart(StartWorkflow start, byte[] traceParent, long now) {
        toInbox(InputKind.START, start.getInstanceId(), starts.serialize(topics.starts(), start), traced(traceParent), now);
    }

    /** A parent's control of its child (terminate, purge), through the inbox to the child's partition. */
    void childControl(WorkflowControl control, long now) {
        toInbox(InputKind.CONTROL, control.getInstanceId(), controls.serialize(topics.control(), control), now);
    }

    /** A child's end, through the inbox to its parent's partition. */
    void childEnded(ChildWorkflowEnded ended, long now) {
        toInbox(InputKind.CHILD, ended.getParentInstanceId(), childEnds.serialize(CHILD_ENDED_SUBJECT, ended), now);
    }

    private void toInbox(InputKind kind, String key, byte[] value, long now) {
        toInbox(kind, key, value, new RecordHeaders(), now);
    }

    private void toInbox(InputKind kind, String key, byte[] value, Headers headers, long now) {
        headers.add(InputKind.HEADER, kind.headerValue());
        context.forward(new Record<>(key.getBytes(StandardCharsets.UTF_8), value, now, headers), TIMERS_SINK);
        pacer.get().outputWaiting(context);
    }

    /** Keeps the original bytes and says why they were rejected, so an operator can fix and replay them. */
    void deadLetter(byte[] key, byte[] value, String sourceTopic, int partition, long offset, String reason, long now) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("gregor.error.reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("gregor.error.topic", String.valueOf(sourceTopic).getBytes(StandardCharsets.UTF_8));
        headers.add("gregor.error.partition", Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        headers.add("gregor.error.offset", Long.toString(offset).getBytes(StandardCharsets.UTF_8));
        headers.add("gregor.error.source", "orchestrator".getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(key, value, now, headers), DEAD_LETTERS_SINK);
    }

    private void forward(String sink, String key, byte[] value, long now) {
        context.forward(new Record<>(key.getBytes(StandardCharsets.UTF_8), value, now), sink);
    }

    private void forward(String sink, String key, byte[] value, Headers headers, long now) {
        context.forward(new Record<>(key.getBytes(StandardCharsets.UTF_8), value, now, headers), sink);
    }

    /** @return the trace-context header of an instance's record, or none when it is not traced */
    private static Headers traced(byte[] traceParent) {
        RecordHeaders headers = new RecordHeaders();
        if (traceParent != null) {
            headers.add(WorkflowTracing.TRACEPARENT, traceParent);
        }
        return headers;
    }
}
