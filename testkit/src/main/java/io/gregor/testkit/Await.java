package io.gregor.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a bounded timeout, checking it every few milliseconds: tests await conditions, never sleep. */
public final class Await {

  private static final Duration CHECK_EVERY = Duration.ofMillis(20);

  private Await() {}

  /**
   * Returns as soon as the condition holds.
   *
   * @param timeout   how long to wait at most
   * @param condition checked at once and then every 20 ms
   * @param what      what is awaited, for the failure message
   *
   * @throws AssertionError naming what was awaited if it does not hold within the timeout
   */
  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Expected " + what.get() + " within " + timeout + ", but it did not happen");
      }
      LockSupport.parkNanos(CHECK_EVERY.toNanos());
    }
  }
}
