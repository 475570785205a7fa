package io.gregor.client.internal;

import io.gregor.client.WorkflowClientException;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.IdReusePolicy;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.RerunWorkflow;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Every record an operator or a client writes (starts, external events, lifecycle control), built
 * from already converted payloads, validated, and written with one {@link RecordWriter}. The
 * {@code WorkflowClient} (which converts Java values first) and the orchestrator's HTTP API (whose
 * payloads arrive as JSON) both write through it, so both validate and shape records the same way.
 *
 * <p>Every method validates first and throws {@link IllegalArgumentException} before anything is
 * sent; it returns once the broker acknowledged the record, or, for the {@code ...Async} ones and
 * {@link #startAll}, returns a future of that acknowledgement. Records go straight to the inbox under
 * their public topic's schema subject ({@link RecordWriter#writeToInbox}), as the intake would
 * copy them, without waiting for its commit.
 */
public final class WorkflowWrites implements AutoCloseable {

    /** Failures a batch's message quotes; the rest are counted, and carried up to {@link #MAX_SUPPRESSED}. */
    private static final int MAX_FAILURES_SHOWN = 3;
    /** Failures a batch's exception carries as suppressed, so a batch that fails as a whole does not carry thousands. */
    private static final int MAX_SUPPRESSED = 100;

    private final RecordWriter writer;
    private final Topics topics;
    private final int maxPayloadBytes;

    /**
     * @param writer          the writer; closed with this object
     * @param topics          the topic names
     * @param maxPayloadBytes the largest payload accepted
     */
    public WorkflowWrites(RecordWriter writer, Topics topics, int maxPayloadBytes) {
        this.writer = writer;
        this.topics = topics;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Writes a start record.
     *
     * @param workflowName  the registered workflow name
     * @param instanceId    the new instance's id
     * @param input         the input, or null
     * @param idReusePolicy what happens if the id exists (null for the default, refuse)
     * @param startAt       when the instance should run, or null for now
     * @return {@code instanceId}
     */
    public String start(String workflowName, String instanceId, Payload input, IdReusePolicy idReusePolicy, Instant startAt) {
        return Futures.await(startAsync(workflowName, instanceId, input, idReusePolicy, startAt),
                startOf(workflowName, instanceId) + " on topic " + topics.inbox());
    }

    /**
     * Writes a start record without waiting for the broker's acknowledgement; validates first.
     *
     * @param workflowName  the registered workflow name
     * @param instanceId    the new instance's id
     * @param input         the input, or null
     * @param idReusePolicy what happens if the id exists (null for the default, refuse)
     * @param startAt       when the instance should run, or null for now
     * @return completed with {@code instanceId} once the broker acknowledged the start, or exceptionally
     *         with a {@code WorkflowClientException} naming the instance and the topic
     * @throws IllegalArgumentException if an argument is invalid; nothing is sent then
     */
    public CompletableFuture<String> startAsync(String workflowName, String instanceId, Payload input,
                                                IdReusePolicy idReusePolicy, Instant startAt) {
        Validation.name("workflow name", workflowName);
        Validation.instanceId(instanceId);
        checkSize(input, "an input", "for workflow '" + workflowName + "' (instance " + instanceId + ")");
        StartWorkflow.Builder start = StartWorkflow.newBuilder().setInstanceId(instanceId)
                .setWorkflowName(workflowName).setInput(input).setStartAt(startAt);
        if (idReusePolicy != null) {
            start.setIdReusePolicy(idReusePolicy);
        }
        String what = startOf(workflowName, instanceId);
        return Futures.map(writer.writeToInboxAsync(topics, topics.starts(), instanceId, start.build(), what), ack -> instanceId);
    }

    private static String startOf(String workflowName, String instanceId) {
        return "the start of workflow '" + workflowName + "' (instance " + instanceId + ")";
    }

    /**
     * Writes the start records of a batch: validates all of them first, so that an invalid one
     * sends none, then hands every one to the producer (which batches them) without waiting, and
     * completes when every write is acknowledged. Starts of ids that exist already leave those
     * instances alone (the default id-reuse policy refuses them), so after a failure the whole batch
     * can be sent again.
     *
     * @param starts the starts, each with its converted input; distinct instance ids
     * @return completed with the instance ids in the order of {@code starts} once every start is
     *         acknowledged, or exceptionally once every write has ended, with a
     *         {@code WorkflowClientException} that says how many failed, names them, and carries each
     *         failure (the first as the cause, the others as suppressed)
     * @throws IllegalArgumentException if a start is invalid or an id appears twice; nothing is sent then
     */
    public CompletableFuture<List<String>> startAll(List<Start> starts) {
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < starts.size(); i++) {
            Start start = starts.get(i);
            Validation.name("workflow name", start.workflowName());
            Validation.instanceId(start.instanceId());
            checkSize(start.input(), "an input", "for workflow '" + start.workflowName() + "' (instance "
                    + start.instanceId() + ")");
            Integer earlier = positions.putIfAbsent(start.instanceId(), i);
            if (earlier != null) {
                throw new IllegalArgumentException("Expected distinct instance ids in a batch of starts, but found "
                        + start.instanceId() + " at positions " + earlier + " and " + i);
            }
        }
        List<CompletableFuture<String>> writes = new ArrayList<>(starts.size());
        for (Start start : starts) {
            writes.add(startAsync(start.workflowName(), start.instanceId(), start.input(), null, null));
        }
        CompletableFuture<List<String>> batch = new CompletableFuture<>();
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
            if (failure == null) {
                batch.complete(writes.stream().map(CompletableFuture::join).toList());
            } else {
                batch.completeExceptionally(batchFailure(writes));
            }
        });
        return batch;
    }

    private static WorkflowClientException batchFailure(List<CompletableFuture<String>> writes) {
        List<Throwable> failures = writes.stream().filter(CompletableFuture::isCompletedExceptionally)
                .map(WorkflowWrites::failureOf).toList();
        String shown = failures.stream().limit(MAX_FAILURES_SHOWN).map(Throwable::getMessage)
                .collect(Collectors.joining("; "));
        WorkflowClientException batch = new WorkflowClientException("Expected the broker to acknowledge all "
                + writes.size() + " starts of the batch, but " + failures.size() + " failed (the others are written): "
                + shown + (failures.size() > MAX_FAILURES_SHOWN ? "; ..." : ""), failures.get(0));
        failures.stream().skip(1).limit(MAX_SUPPRESSED).forEach(batch::addSuppressed);
        return batch;
    }

    private static Throwable failureOf(CompletableFuture<?> write) {
        return Futures.unwrap(write.handle((ignored, failure) -> failure).join());
    }

    /**
     * A start of a batch ({@link #startAll}).
     *
     * @param workflowName the registered workflow name
     * @param instanceId   the new instance's id
     * @param input        the converted input, or null
     */
    public record Start(String workflowName, String instanceId, Payload input) {
    }

    /**
     * Writes an external event.
     *
     * @param instanceId the instance
     * @param eventName  the event's name
     * @param payload    the event data, or null
     */
    public void raiseEvent(String instanceId, String eventName, Payload payload) {
        Futures.await(raiseEventAsync(instanceId, eventName, payload),
                "event '" + eventName + "' for instance " + instanceId + " on topic " + topics.inbox());
    }

    /**
     * Writes an external event without waiting for the broker's acknowledgement; validates first.
     *
     * @param instanceId the instance
     * @param eventName  the event's name
     * @param payload    the event data, or null
     * @return completed once the broker acknowledged the event, or exceptionally with a
     *         {@code WorkflowClientException} naming the event, the instance and the topic
     * @throws IllegalArgumentException if an argument is invalid; nothing is sent then
     */
    public CompletableFuture<Void> raiseEventAsync(String instanceId, String eventName, Payload payload) {
        Validation.instanceId(instanceId);
        Validation.name("event name", eventName);
        checkSize(payload, "a payload", "for event '" + eventName + "' (instance " + instanceId + ")");
        ExternalEvent event = ExternalEvent.newBuilder().setInstanceId(instanceId).setName(eventName)
                .setPayload(payload).build();
        return Futures.map(writer.writeToInboxAsync(topics, topics.events(), instanceId, event,
                "event '" + eventName + "' for instance " + instanceId), ack -> null);
    }

    /**
     * Writes a terminate request.
     *
     * @param instanceId the instance
     * @param output     the output to record, or null
     * @param reason     why, or null
     * @param recursive  whether running children are terminated too
     */
    public void terminate(String instanceId, Payload output, String reason, boolean recursive) {
        Validation.instanceId(instanceId);
        checkSize(output, "an output", "for the termination of instance " + instanceId);
        control(instanceId, TerminateWorkflow.newBuilder().setReason(reason).setOutput(output).setRecursive(recursive).build(),
                "the termination of instance " + instanceId);
    }

    /**
     * Writes a suspend request.
     *
     * @param instanceId the instance
     * @param reason     why, or null
     */
    public void suspend(String instanceId, String reason) {
        Validation.instanceId(instanceId);
        control(instanceId, SuspendWorkflow.newBuilder().setReason(reason).build(), "the suspension of instance " + instanceId);
    }

    /**
     * Writes a resume request.
     *
     * @param instanceId the instance
     * @param reason     why, or null
     */
    public void resume(String instanceId, String reason) {
        Validation.instanceId(instanceId);
        control(instanceId, ResumeWorkflow.newBuilder().setReason(reason).build(), "the resumption of instance " + instanceId);
    }

    /**
     * Writes a purge request.
     *
     * @param instanceId the instance
     * @param recursive  whether its children are purged too
     */
    public void purge(String instanceId, boolean recursive) {
        Validation.instanceId(instanceId);
        control(instanceId, PurgeWorkflow.newBuilder().setRecursive(recursive).build(), "the purge of instance " + instanceId);
    }

    /**
     * Writes a rerun request. The new instance's id is chosen here when none is given, so the
     * caller can tell it to whoever waits for the new instance.
     *
     * @param instanceId    the terminal instance to run again
     * @param fromEventId   the history event id from which on the history runs again (0 = all of it)
     * @param newInstanceId the new instance's id, or null for a random one
     * @param input         the new input, or null to keep the source's
     * @return the new instance's id
     */
    public String rerun(String instanceId, int fromEventId, String newInstanceId, Payload input) {
        Validation.instanceId(instanceId);
        String target = newInstanceId != null ? Validation.instanceId(newInstanceId) : UUID.randomUUID().toString();
        if (fromEventId < 0) {
            throw new IllegalArgumentException("Expected a history event id >= 0 to rerun instance " + instanceId
                    + " from, but found " + fromEventId);
        }
        if (target.equals(instanceId)) {
            throw new IllegalArgumentException("Expected a new instance id for the rerun of instance " + instanceId
                    + ", but found the source's own id");
        }
        checkSize(input, "an input", "for the rerun of instance " + instanceId + " as " + target);
        control(instanceId, RerunWorkflow.newBuilder().setFromEventId(fromEventId).setNewInstanceId(target).setInput(input).build(),
                "the rerun of instance " + instanceId + " as " + target);
        return target;
    }

    /**
     * @param payload a converted payload, or null
     * @param what    the payload with its article, e.g. "an input"
     * @param context whose payload, e.g. "for workflow 'X' (instance Y)"
     * @return the payload, unchanged
     * @throws IllegalArgumentException if it is larger than the configured maximum
     */
    public Payload checkSize(Payload payload, String what, String context) {
        return Validation.payloadSize(payload, maxPayloadBytes, what, context);
    }

    private void control(String instanceId, Object action, String what) {
        writer.writeToInbox(topics, topics.control(), instanceId,
                WorkflowControl.newBuilder().setInstanceId(instanceId).setAction(action).build(), what);
    }

    /** Closes the writer (and its producer). */
    @Override
    public void close() {
        writer.close();
    }
}
