package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.ActivityContext;
import java.util.Objects;

/** The {@link ActivityContext} of one attempt: a read-only view of its task. */
final class TaskContext implements ActivityContext {

  private final ActivityTask task;
  private final DataConverter converter;

  TaskContext(ActivityTask task, DataConverter converter) {
    this.task = task;
    this.converter = converter;
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
  public String toString() {
    return "ActivityContext[" + getName() + " " + getInstanceId() + "/" + getTaskId()
        + " attempt " + getAttempt() + "]";
  }
}
