package io.gregor.worker.internal;

/** What became of one task record once its thread finished with it. */
enum Outcome {
  /** A result (or, for an unreadable record, a dead letter) was written and acknowledged. */
  WRITTEN,
  /** Nothing was written (the worker is stopping, or Kafka refused the write): deliver again. */
  REDELIVER
}
