package io.gregor.testing.internal;

import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.ActivityCanceledException;
import io.gregor.worker.ActivityContext;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link ActivityContext} of one attempt run by the test environment. Heartbeat details are
 * kept in memory and go with the attempt's result, as a worker sends them, so the engine hands
 * them to the next attempt. The attempt counts as cancelled once its instance has ended: the
 * environment runs activities one at a time between workflow steps, so that is the one way a
 * result can stop being wanted while it runs.
 */
final class TestActivityContext implements ActivityContext {
    private final ActivityTask task;
    private final DataConverter converter;
    /** Why the attempt is no longer wanted, or null while it is. */
    private final Supplier<String> cancelReason;
    private Payload details;

    TestActivityContext(ActivityTask task, DataConverter converter, Supplier<String> cancelReason) {
        this.task = task;
        this.converter = converter;
        this.cancelReason = cancelReason;
        this.details = task.getHeartbeatDetails();
    }

    @Override
    public String getName() {
        return task.getActivityName();
    }

    @Override
    public String getInstanceId() {
        return task.getInstanceId();
    }

    @Override
    public String getWorkflowName() {
        return task.getWorkflowName();
    }

    @Override
    public int getTaskId() {
        return task.getTaskId();
    }

    @Override
    public int getAttempt() {
        return task.getAttempt();
    }

    @Override
    public <T> T getInput(Class<T> type) {
        Objects.requireNonNull(type, "type");
        Payload input = task.getInput();
        return input == null ? null : converter.deserialize(input, type);
    }

    @Override
    public void heartbeat(Object progress) {
        if (progress != null) {
            details = converter.serialize(progress);
        }
        String reason = cancelReason.get();
        if (reason != null) {
            throw new ActivityCanceledException("Expected activity '" + getName() + "' (" + this + ") to be still wanted, but it was cancelled: "
                    + reason, reason);
        }
    }

    @Override
    public <T> Optional<T> getHeartbeatDetails(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return details == null ? Optional.empty() : Optional.ofNullable(converter.deserialize(details, type));
    }

    @Override
    public boolean isCancelled() {
        return cancelReason.get() != null;
    }

    /** @return the details of the last heartbeat, or the previous attempt's; null if none */
    Payload details() {
        return details;
    }

    @Override
    public String toString() {
        return task.getInstanceId() + "/" + task.getTaskId() + " attempt " + task.getAttempt();
    }
}
