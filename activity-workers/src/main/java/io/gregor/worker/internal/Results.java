package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.Payload;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Builds the {@link ActivityResult} of a task. */
final class Results {

  /** Wrappers nest rarely; the bound only guards against a cause cycle. */
  private static final int MAX_UNWRAP_DEPTH = 16;

  private Results() {}

  /**
   * @param details the attempt's latest heartbeat details (else the previous attempt's), for
   *     the next attempt to resume from
   */
  static ActivityResult succeeded(ActivityTask task, String workerId, Payload output, Payload details) {
    return base(task, workerId).setSucceeded(true).setOutput(output).setHeartbeatDetails(details).build();
  }

  /** A failure, passing on the details {@link #succeeded} describes. */
  static ActivityResult failed(ActivityTask task, String workerId, FailureDetails failure, Payload details) {
    return base(task, workerId).setSucceeded(false).setFailure(failure).setHeartbeatDetails(details).build();
  }

  /** A failure of an attempt that did not run: the previous attempt's details are passed on. */
  static ActivityResult failed(ActivityTask task, String workerId, FailureDetails failure) {
    return failed(task, workerId, failure, task.getHeartbeatDetails());
  }

  private static ActivityResult.Builder base(ActivityTask task, String workerId) {
    return ActivityResult.newBuilder()
        .setInstanceId(task.getInstanceId())
        .setTaskId(task.getTaskId())
        .setAttempt(task.getAttempt())
        .setGeneration(task.getGeneration())
        .setWorkerId(workerId)
        .setOutput(null)
        .setFailure(null);
  }

  /**
   * The exception the activity meant to report: reflection, proxies and futures wrap the real
   * one, and the orchestrator matches non-retryable error types against the real type.
   */
  static Throwable unwrap(Throwable thrown) {
    Throwable current = thrown;
    for (int depth = 0; depth < MAX_UNWRAP_DEPTH; depth++) {
      Throwable inner = switch (current) {
        case InvocationTargetException e -> e.getTargetException();
        case UndeclaredThrowableException e -> e.getUndeclaredThrowable();
        case ExecutionException e -> e.getCause();
        case CompletionException e -> e.getCause();
        default -> null;
      };
      if (inner == null || inner == current) {
        return current;
      }
      current = inner;
    }
    return current;
  }
}
