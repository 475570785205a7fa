package io.gregor.worker.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one poll thread: one Kafka consumer taking tasks until {@link #stop}, then
 * draining. A worker runs several, sharing one {@link ActivityDispatcher}. This class holds what
 * both kinds share: the inbox, the stop flag and the waits.
 */
abstract class PollLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);
  /** Waits are cut into slices this long so a stop is noticed promptly. */
  static final Duration SLICE = Duration.ofSeconds(1);
  /**
   * Short on purpose: a share consumer's poll can sit out its whole timeout although tasks are
   * waiting (seen right after a round is acknowledged). With 500 ms, a 100-task fan-out at one in
   * flight measured p90 491 ms; with 50 ms, 204 ms (p50 about 105 ms either way).
   */
  static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
  static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /** The longest a loop goes without polling while it waits for a permit (group liveness). */
  private static final Duration MAX_PERMIT_WAIT = Duration.ofSeconds(30);

  final WorkerSettings settings;
  final ActivityDispatcher dispatcher;
  final Inbox inbox = new Inbox();
  final String name;
  volatile boolean running = true;
  private volatile long deadlineNanos;

  PollLoop(WorkerSettings settings, ActivityDispatcher dispatcher, String name) {
    this.settings = settings;
    this.dispatcher = dispatcher;
    this.name = name;
  }

  /**
   * Asks the loop to stop taking tasks, wait for its running tasks until the deadline, and
   * close its consumer.
   *
   * @param deadlineNanos {@link System#nanoTime()} after which running tasks are given up on
   */
  final void stop(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    running = false;
    inbox.wakeUp();
  }

  /**
   * The loop every consumer kind shares: subscribe, poll rounds until stopped, then drain and
   * close. One failed round (a broker restarting, say) backs off and goes on; it never stops the
   * worker.
   */
  @Override
  public final void run() {
    try {
      subscribe();
      while (running) {
        try {
          pollRound();
        } catch (InterruptException e) {
          LOG.warn("{} was interrupted; stopping", name);
          running = false;
        } catch (RuntimeException e) {
          backOff(e);
        }
      }
      drain();
    } finally {
      closeConsumer();
    }
  }

  /** Subscribes the consumer to the task topic. */
  abstract void subscribe();

  /** Polls once and hands the records to activities, acknowledging or committing what is done. */
  abstract void pollRound();

  /** After the last round: waits for running tasks (until the shutdown deadline) and settles their records. */
  abstract void drain();

  /** Closes the loop's consumer (bounded), logging rather than throwing. */
  abstract void closeConsumer();

  /** Applies one task's completion (never {@link Completion#WAKE_UP}). */
  abstract void apply(Completion completion);

  /** Waits up to the timeout for completions and applies every one that came. */
  final void applyCompletionsFor(Duration timeout) {
    try {
      Completion c = inbox.next(timeout);
      while (c != null) {
        if (c != Completion.WAKE_UP) {
          apply(c);
        }
        c = inbox.nextNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Before fetching, waits (applying completions) until a task could start, so that the loop
   * does not take tasks off the queue that an idle worker could run sooner.
   */
  final void awaitFreePermit() {
    long giveUp = System.nanoTime() + MAX_PERMIT_WAIT.toNanos();
    while (running && !dispatcher.hasFreePermit(inbox) && System.nanoTime() < giveUp) {
      applyCompletionsFor(SLICE);
    }
  }

  /** The deadline given to {@link #stop}. */
  final long stopDeadline() {
    return deadlineNanos;
  }

  /** Waits for running tasks until the deadline; returns whether all of them finished. */
  final boolean awaitRunningTasks(BooleanSupplier anyRunning, long deadline) {
    while (anyRunning.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      applyCompletionsFor(Duration.ofNanos(left));
    }
    return true;
  }

  /** Logs a failure of the loop and waits a little, so a broker outage is not a busy loop. */
  final void backOff(RuntimeException e) {
    LOG.error("{} failed to consume {}; retrying in {} ms", name,
        settings.taskTopic(), ERROR_BACKOFF.toMillis(), e);
    applyCompletionsFor(ERROR_BACKOFF);
  }
}
