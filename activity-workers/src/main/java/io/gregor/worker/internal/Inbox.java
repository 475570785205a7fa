package io.gregor.worker.internal;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where the task threads of one poll loop report back. Kafka consumers are single-threaded, so
 * only the poll thread may acknowledge or commit; it blocks here (never spins) while it waits
 * for completions or for a permit.
 */
final class Inbox {

  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

  void add(Completion completion) {
    completions.add(completion);
  }

  /** Makes a waiting {@link #next} return: on close, or when a permit was freed. */
  void wakeUp() {
    completions.add(Completion.WAKE_UP);
  }

  /**
   * Waits for the next completion.
   *
   * @return a completion, {@link Completion#WAKE_UP}, or null if none came within the timeout
   */
  Completion next(Duration timeout) throws InterruptedException {
    return completions.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
  }

  /** The next completion if one is waiting, else null. */
  Completion nextNow() {
    return completions.poll();
  }
}
