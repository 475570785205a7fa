package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.ActivityCanceledException;
import io.gregor.worker.ActivityContext;
import java.util.Objects;
import java.util.Optional;

/**
 * What every {@link ActivityContext} reads off its task, and the heartbeat details it keeps. The
 * worker's context and the workflow test kit's share it; they differ only in how a heartbeat
 * travels and how a cancellation is learnt. Internal: not part of the API.
 */
public abstract class TaskContextBase implements ActivityContext {

  private final ActivityTask task;
  private final DataConverter converter;
  /** This attempt's latest details, else the previous attempt's last ones; null if none. */
  private volatile Payload details;

  /**
   * @param task the attempt's task
   * @param converter converts its input and the heartbeat details
   */
  protected TaskContextBase(ActivityTask task, DataConverter converter) {
    this.task = task;
    this.converter = converter;
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
  public <T> Optional<T> getHeartbeatDetails(Class<T> type) {
    Objects.requireNonNull(type, "type");
    Payload current = details;
    return current == null ? Optional.empty() : Optional.ofNullable(converter.deserialize(current, type));
  }

  /**
   * The attempt's task.
   *
   * @return the task
   */
  public ActivityTask task() {
    return task;
  }

  /**
   * The details to send with a heartbeat or the result.
   *
   * @return the latest details, the previous attempt's if this one sent none; null if none
   */
  public Payload details() {
    return details;
  }

  /**
   * Keeps a heartbeat's details.
   *
   * @param progress the details, or null to keep the ones before
   */
  protected void recordDetails(Object progress) {
    if (progress != null) {
      details = converter.serialize(progress);
    }
  }

  /**
   * What a heartbeat throws once the attempt is cancelled.
   *
   * @param reason why the orchestrator no longer wants the result
   * @return the exception, naming the attempt and the reason
   */
  protected ActivityCanceledException canceled(String reason) {
    return new ActivityCanceledException("Expected activity '" + getName() + "' (" + describe()
        + ") to be still wanted, but it was cancelled: " + reason, reason);
  }

  /**
   * Names the attempt in messages.
   *
   * @return "instance I, task T, attempt A"
   */
  public String describe() {
    return "instance " + getInstanceId() + ", task " + getTaskId() + ", attempt " + getAttempt();
  }
}
