package io.gregor.worker.internal;

/**
 * A task thread's report to the poll thread, the only thread that may touch the consumer.
 *
 * @param id the task record
 * @param outcome what became of it
 */
record Completion(RecordId id, Outcome outcome) {

  /** Not a completion: only wakes the poll thread (on close). */
  static final Completion WAKE_UP = new Completion(null, Outcome.REDELIVER);
}
