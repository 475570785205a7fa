package io.gregor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.worker.internal.RunRegistry.Claim;
import org.junit.jupiter.api.Test;

/** A record delivered again to the same worker runs at most once there. */
class RunRegistryTest {

  private final RunRegistry runs = new RunRegistry();
  private final RecordId id = new RecordId("tasks", 1, 42);
  private final Inbox first = new Inbox();
  private final Inbox second = new Inbox();

  @Test
  void aRedeliveryWhileRunningJoinsTheRunAndBothInboxesHearOfIt() {
    assertThat(runs.claim(id, first)).isEqualTo(Claim.START);
    assertThat(runs.claim(id, second)).isEqualTo(Claim.JOINED);
    assertThat(runs.finish(id, Outcome.WRITTEN)).containsExactly(first, second);
  }

  @Test
  void aRedeliveryAfterTheResultWasWrittenIsAcknowledgedWithoutRunning() {
    runs.claim(id, first);
    runs.finish(id, Outcome.WRITTEN);
    assertThat(runs.peek(id, second)).isEqualTo(Claim.ALREADY_WRITTEN);
  }

  @Test
  void aRunThatWroteNothingRunsAgainWhenRedelivered() {
    runs.claim(id, first);
    runs.finish(id, Outcome.REDELIVER);
    assertThat(runs.claim(id, second)).isEqualTo(Claim.START);
  }

  @Test
  void peekingNeverRegistersARun() {
    assertThat(runs.peek(id, first)).isEqualTo(Claim.START);
    assertThat(runs.peek(id, first)).isEqualTo(Claim.START);
  }
}
