package io.gregor.client;

import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.payload.DataConverter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * What is known about one workflow instance at one moment: an immutable view of the latest
 * status record the orchestrator published for it. Values (input, output, custom status) stay
 * in their serialized form until read with the {@code read...As} methods, so a state can be
 * inspected even when the caller lacks the classes to decode them.
 */
public final class WorkflowInstanceState {

    private final WorkflowStatus status;
    private final DataConverter converter;
    private final String parentInstanceId;

    WorkflowInstanceState(WorkflowStatus status, DataConverter converter) {
        this(status, converter, null);
    }

    /**
     * A state from a status record. Applications get states from {@link WorkflowClient}; this
     * constructor is for Gregor's own modules that read the records themselves (the workflow
     * test kit, gregor-workflow-testing).
     *
     * @param status           the instance's status record
     * @param converter        decodes its values
     * @param parentInstanceId its parent when it is a child workflow, else null
     */
    public WorkflowInstanceState(WorkflowStatus status, DataConverter converter, String parentInstanceId) {
        this.status = WorkflowStatus.newBuilder(Objects.requireNonNull(status, "status")).build();
        this.converter = Objects.requireNonNull(converter, "converter");
        this.parentInstanceId = parentInstanceId;
    }

    /** @return the instance id */
    public String getInstanceId() {
        return status.getInstanceId();
    }

    /** @return the name the workflow was started with */
    public String getName() {
        return status.getWorkflowName();
    }

    /** @return the instance's life-cycle status */
    public WorkflowRuntimeStatus getRuntimeStatus() {
        return WorkflowRuntimeStatus.valueOf(status.getStatus().name());
    }

    /** @return when the instance (its current run) was created */
    public Instant getCreatedAt() {
        return status.getCreatedAt();
    }

    /** @return when the orchestrator last changed the instance */
    public Instant getLastUpdatedAt() {
        return status.getUpdatedAt();
    }

    /**
     * @return the id of the workflow that started this one as its child, or null (also when the
     *         state was read from the status topic, which does not carry it)
     */
    public String getParentInstanceId() {
        return parentInstanceId;
    }

    /** @return the number of events in the instance's history */
    public int getHistoryLength() {
        return status.getHistoryLength();
    }

    /**
     * The workflow's input, decoded with the client's data converter.
     *
     * @param type the type to decode into (JSON-mapped by default)
     * @param <T>  the type
     * @return the input, or null if there was none
     * @throws io.gregor.schemas.payload.DataConversionException if it cannot be read as {@code type}
     */
    public <T> T readInputAs(Class<T> type) {
        return converter.deserialize(status.getInput(), type);
    }

    /**
     * The workflow's output (or the output given when it was terminated).
     *
     * @param type the type to decode into
     * @param <T>  the type
     * @return the output, or null if there is none (yet)
     * @throws io.gregor.schemas.payload.DataConversionException if it cannot be read as {@code type}
     */
    public <T> T readOutputAs(Class<T> type) {
        return converter.deserialize(status.getOutput(), type);
    }

    /**
     * The custom status the workflow set with {@code ctx.setCustomStatus(..)}.
     *
     * @param type the type to decode into
     * @param <T>  the type
     * @return the custom status, or null if none is set
     * @throws io.gregor.schemas.payload.DataConversionException if it cannot be read as {@code type}
     */
    public <T> T readCustomStatusAs(Class<T> type) {
        return converter.deserialize(status.getCustomStatus(), type);
    }

    /**
     * @return the input as JSON text, or null if there was none
     * @throws IllegalStateException if the input is not JSON-encoded (e.g. an Avro record)
     */
    public String getSerializedInput() {
        return jsonText(status.getInput(), "input");
    }

    /**
     * @return the output as JSON text, or null if there is none (yet)
     * @throws IllegalStateException if the output is not JSON-encoded (e.g. an Avro record)
     */
    public String getSerializedOutput() {
        return jsonText(status.getOutput(), "output");
    }

    /** @return why the instance failed, or null unless it is FAILED (or stalled with an error) */
    public FailureDetails getFailureDetails() {
        io.gregor.schemas.avro.FailureDetails failure = status.getFailure();
        if (failure == null) {
            return null;
        }
        return new FailureDetails(failure.getErrorType(), failure.getMessage(), failure.getStackTrace(),
                failure.getNonRetriable());
    }

    /** @return true if the status is RUNNING */
    public boolean isRunning() {
        return status.getStatus() == io.gregor.schemas.avro.RuntimeStatus.RUNNING;
    }

    /** @return true if the instance reached a terminal status: COMPLETED, FAILED or TERMINATED */
    public boolean isCompleted() {
        return getRuntimeStatus().isTerminal();
    }

    private String jsonText(Payload payload, String what) {
        if (payload == null) {
            return null;
        }
        if (!"json".equals(payload.getEncoding())) {
            throw new IllegalStateException("Expected a json-encoded " + what + " for instance " + getInstanceId()
                    + ", but found encoding '" + payload.getEncoding() + "'; use read" + capitalized(what) + "As");
        }
        ByteBuffer data = payload.getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /** @return the id, name, status, timestamps, history length and failure, without the payloads */
    @Override
    public String toString() {
        return "WorkflowInstanceState[instanceId=" + getInstanceId() + ", name=" + getName()
                + ", status=" + getRuntimeStatus() + ", createdAt=" + getCreatedAt()
                + ", lastUpdatedAt=" + getLastUpdatedAt() + ", historyLength=" + getHistoryLength()
                + (status.getFailure() != null ? ", failure=" + getFailureDetails() : "") + "]";
    }
}
