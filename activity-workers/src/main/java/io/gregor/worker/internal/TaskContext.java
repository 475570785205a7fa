package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.ActivityCanceledException;
import io.gregor.worker.ActivityContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ActivityContext} of one attempt: a view of its task, its latest heartbeat details
 * and whether it was cancelled. Heartbeats are handed to a {@link HeartbeatSender}, which sends
 * them off the activity's thread.
 */
final class TaskContext implements ActivityContext {

  private final ActivityTask task;
  private final DataConverter converter;
  private final HeartbeatSender heartbeats;
  private final Clock clock;
  /** This attempt's latest details, else the previous attempt's last ones; null if none. */
  private volatile Payload details;
  private volatile String cancelReason;
  /** Guards the heartbeat throttle below; held only briefly, never while sending. */
  private final Object throttle = new Object();
  private boolean sendPending;
  private boolean sentBefore;
  private long lastSentNanos;
  private boolean finished;

  TaskContext(ActivityTask task, DataConverter converter, HeartbeatSender heartbeats, Clock clock) {
    this.task = task;
    this.converter = converter;
    this.heartbeats = heartbeats;
    this.clock = clock;
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
    if (isCancelled()) {
      throw new ActivityCanceledException("Expected activity '" + getName() + "' (" + describe()
          + ") to be still wanted, but it was cancelled: " + cancelReason, cancelReason);
    }
    heartbeats.requested(this);
  }

  @Override
  public <T> Optional<T> getHeartbeatDetails(Class<T> type) {
    Objects.requireNonNull(type, "type");
    Payload current = details;
    return current == null ? Optional.empty() : Optional.ofNullable(converter.deserialize(current, type));
  }

  @Override
  public boolean isCancelled() {
    if (cancelReason == null) {
      Instant deadline = task.getDeadline();
      if (deadline != null && clock.instant().isAfter(deadline)) {
        cancel("its deadline " + deadline + " passed (start-to-close or schedule-to-close timeout)");
      }
    }
    return cancelReason != null;
  }

  /** Marks the attempt cancelled; the first reason stays. */
  void cancel(String reason) {
    synchronized (throttle) {
      if (cancelReason == null) {
        cancelReason = reason;
      }
    }
  }

  /** Why the attempt was cancelled; null if it was not. */
  String cancelReason() {
    return cancelReason;
  }

  ActivityTask task() {
    return task;
  }

  /** The details to send with a heartbeat or the result; null if no attempt recorded any. */
  Payload details() {
    return details;
  }

  /**
   * Claims the next heartbeat send.
   *
   * @return how many nanoseconds from now to send it; -1 if one is already pending (it will
   *     carry the latest details) or the attempt is over
   */
  long claimSend(long nowNanos, long intervalNanos) {
    synchronized (throttle) {
      if (sendPending || finished) {
        return -1;
      }
      sendPending = true;
      return sentBefore ? Math.max(0, lastSentNanos + intervalNanos - nowNanos) : 0;
    }
  }

  /**
   * Starts the pending send.
   *
   * @return false if the attempt ended meanwhile: its result carries the details
   */
  boolean startSend(long nowNanos) {
    synchronized (throttle) {
      sendPending = false;
      if (finished) {
        return false;
      }
      sentBefore = true;
      lastSentNanos = nowNanos;
      return true;
    }
  }

  /** The activity returned: no more heartbeats. */
  void finish() {
    synchronized (throttle) {
      finished = true;
    }
  }

  /** Names the attempt in messages. */
  String describe() {
    return "instance " + getInstanceId() + ", task " + getTaskId() + ", attempt " + getAttempt();
  }

  @Override
  public String toString() {
    return "ActivityContext[" + getName() + " " + getInstanceId() + "/" + getTaskId()
        + " attempt " + getAttempt() + "]";
  }
}
