package io.gregor.client.internal;

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
import java.util.UUID;

/**
 * Every record an operator or a client writes (starts, external events, lifecycle control), built
 * from already converted payloads, validated, and written with one {@link RecordWriter}. The
 * {@code WorkflowClient} (which converts Java values first) and the orchestrator's HTTP API (whose
 * payloads arrive as JSON) both write through it, so both validate and shape records the same way.
 *
 * <p>Every method validates first and throws {@link IllegalArgumentException} before anything is
 * sent; it returns once the broker acknowledged the record. Records go straight to the inbox under
 * their public topic's schema subject ({@link RecordWriter#writeToInbox}), as the intake would
 * copy them, without waiting for its commit.
 */
public final class WorkflowWrites implements AutoCloseable {

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
        Validation.name("workflow name", workflowName);
        Validation.instanceId(instanceId);
        checkSize(input, "an input", "for workflow '" + workflowName + "' (instance " + instanceId + ")");
        StartWorkflow.Builder start = StartWorkflow.newBuilder().setInstanceId(instanceId)
                .setWorkflowName(workflowName).setInput(input).setStartAt(startAt);
        if (idReusePolicy != null) {
            start.setIdReusePolicy(idReusePolicy);
        }
        writer.writeToInbox(topics, topics.starts(), instanceId, start.build(),
                "the start of workflow '" + workflowName + "' (instance " + instanceId + ")");
        return instanceId;
    }

    /**
     * Writes an external event.
     *
     * @param instanceId the instance
     * @param eventName  the event's name
     * @param payload    the event data, or null
     */
    public void raiseEvent(String instanceId, String eventName, Payload payload) {
        Validation.instanceId(instanceId);
        Validation.name("event name", eventName);
        checkSize(payload, "a payload", "for event '" + eventName + "' (instance " + instanceId + ")");
        ExternalEvent event = ExternalEvent.newBuilder().setInstanceId(instanceId).setName(eventName)
                .setPayload(payload).build();
        writer.writeToInbox(topics, topics.events(), instanceId, event, "event '" + eventName + "' for instance " + instanceId);
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
