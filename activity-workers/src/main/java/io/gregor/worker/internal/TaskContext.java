package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.ActivityContext;
import java.time.Clock;
import java.time.Instant;

/**
 * The {@link ActivityContext} of one attempt: a view of its task, its latest heartbeat details
 * and whether it was cancelled. Heartbeats are handed to a {@link HeartbeatSender}, which sends
 * them off the activity's thread.
 */
final class TaskContext extends TaskContextBase {

  private final HeartbeatSender heartbeats;
  private final Clock clock;
  private volatile String cancelReason;
  /** Guards the heartbeat throttle below; held only briefly, never while sending. */
  private final Object throttle = new Object();
  private boolean sendPending;
  private boolean sentBefore;
  private long lastSentNanos;
  private boolean finished;

  TaskContext(ActivityTask task, DataConverter converter, HeartbeatSender heartbeats, Clock clock) {
    super(task, converter);
    this.heartbeats = heartbeats;
    this.clock = clock;
  }

  @Override
  public void heartbeat(Object progress) {
    recordDetails(progress);
    if (isCancelled()) {
      throw canceled(cancelReason);
    }
    heartbeats.requested(this);
  }

  @Override
  public boolean isCancelled() {
    if (cancelReason == null) {
      Instant deadline = task().getDeadline();
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

  @Override
  public String toString() {
    return "ActivityContext[" + getName() + " " + getInstanceId() + "/" + getTaskId()
        + " attempt " + getAttempt() + "]";
  }
}
