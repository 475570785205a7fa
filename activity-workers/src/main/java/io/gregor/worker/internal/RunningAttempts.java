package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The attempts running on this worker, by (instance id, task id, attempt), so that a
 * cancellation from the orchestrator reaches the attempt's context. Cancellations of attempts
 * not (yet) running here are remembered for a while: a task can be cancelled while it still
 * waits in the worker for a permit.
 */
final class RunningAttempts {

  /**
   * Identifies one attempt. The generation is part of it: task ids start again in every
   * continue-as-new generation, and an ended generation's cancellation must not cancel the next
   * generation's attempt with the same id.
   */
  record Key(String instanceId, int generation, int taskId, int attempt) {
    /** @param generation as the task or cancellation carries it; null (an older orchestrator) is generation 0 */
    Key(String instanceId, Integer generation, int taskId, int attempt) {
      this(instanceId, generation == null ? 0 : generation.intValue(), taskId, attempt);
    }
  }

  /** Cancellations arrive seconds before a late task at most; this many is plenty. */
  private static final int REMEMBERED = 10_000;

  private final DataConverter converter;
  private final HeartbeatSender heartbeats;
  private final Clock clock;
  private final Map<Key, Set<TaskContext>> running = new HashMap<>();
  private final Map<Key, String> cancelled = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
      return size() > REMEMBERED;
    }
  };

  RunningAttempts(DataConverter converter, HeartbeatSender heartbeats, Clock clock) {
    this.converter = converter;
    this.heartbeats = heartbeats;
    this.clock = clock;
  }

  /** Starts an attempt: its context, cancelled at once if its cancellation came first. */
  synchronized TaskContext begin(ActivityTask task) {
    TaskContext context = new TaskContext(task, converter, heartbeats, clock);
    Key key = keyOf(task);
    running.computeIfAbsent(key, k -> new HashSet<>()).add(context);
    String reason = cancelled.get(key);
    if (reason != null) {
      context.cancel(reason);
    }
    return context;
  }

  /** Ends an attempt: it sends no more heartbeats and no longer hears of cancellations. */
  synchronized void end(TaskContext context) {
    context.finish();
    Key key = keyOf(context.task());
    Set<TaskContext> contexts = running.get(key);
    if (contexts != null && contexts.remove(context) && contexts.isEmpty()) {
      running.remove(key);
    }
  }

  /**
   * Cancels an attempt, running or to come.
   *
   * @return whether it is running here
   */
  synchronized boolean cancel(Key key, String reason) {
    cancelled.put(key, reason);
    Set<TaskContext> contexts = running.get(key);
    if (contexts == null) {
      return false;
    }
    contexts.forEach(c -> c.cancel(reason));
    return true;
  }

  private static Key keyOf(ActivityTask task) {
    return new Key(task.getInstanceId(), task.getGeneration(), task.getTaskId(), task.getAttempt());
  }
}
