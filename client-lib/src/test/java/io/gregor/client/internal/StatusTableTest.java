package io.gregor.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.client.WorkflowClientException;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class StatusTableTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Predicate<WorkflowStatus> COMPLETED = s -> s.getStatus() == RuntimeStatus.COMPLETED;

    private final StatusTable table = new StatusTable();

    @Test
    void laterStatusesReplaceEarlierOnes() {
        table.put("a", status(RuntimeStatus.RUNNING, 1, 2, T0));
        boolean taken = table.put("a", status(RuntimeStatus.COMPLETED, 2, 4, T0));

        assertThat(taken).isTrue();
        assertThat(table.get("a")).get().extracting(WorkflowStatus::getStatus).isEqualTo(RuntimeStatus.COMPLETED);
    }

    @Test
    void anEarlierUpdateDoesNotReplaceALaterOne() {
        table.put("a", status(RuntimeStatus.COMPLETED, 5, 4, T0));

        assertThat(table.put("a", status(RuntimeStatus.RUNNING, 4, 9, T0))).isFalse();
        assertThat(table.get("a")).get().extracting(WorkflowStatus::getStatus).isEqualTo(RuntimeStatus.COMPLETED);
    }

    @Test
    void withEqualUpdateTimesTheLongerHistoryOfTheSameRunWins() {
        table.put("a", status(RuntimeStatus.RUNNING, 5, 4, T0));

        assertThat(table.put("a", status(RuntimeStatus.RUNNING, 5, 3, T0))).isFalse();
        assertThat(table.put("a", status(RuntimeStatus.RUNNING, 5, 4, T0))).isTrue();
    }

    @Test
    void withEqualUpdateTimesANewRunFollowsTopicOrder() {
        // continue-as-new starts a fresh, shorter history in the same millisecond
        table.put("a", status(RuntimeStatus.CONTINUED_AS_NEW, 5, 40, T0));

        assertThat(table.put("a", status(RuntimeStatus.RUNNING, 5, 1, T0.plusSeconds(5)))).isTrue();
    }

    @Test
    void removeForgetsAPurgedInstance() {
        table.put("a", status(RuntimeStatus.COMPLETED, 1, 1, T0));
        table.remove("a");

        assertThat(table.get("a")).isEmpty();
        assertThat(table.size()).isZero();
    }

    @Test
    void aWaiterIsCompletedByTheFirstMatchingStatusOnly() {
        CompletableFuture<WorkflowStatus> completion = table.when("a", COMPLETED);

        table.put("a", status(RuntimeStatus.RUNNING, 1, 1, T0));
        assertThat(completion).isNotDone();
        table.put("b", status(RuntimeStatus.COMPLETED, 2, 2, T0));
        assertThat(completion).isNotDone();
        table.put("a", status(RuntimeStatus.COMPLETED, 3, 3, T0));

        assertThat(completion).isCompletedWithValueMatching(s -> s.getHistoryLength() == 3);
    }

    @Test
    void aWaiterForAStatusAlreadyHeldIsCompletedAtOnce() {
        table.put("a", status(RuntimeStatus.COMPLETED, 1, 1, T0));

        assertThat(table.when("a", COMPLETED)).isCompleted();
    }

    @Test
    void awaitTimesOutNamingTheLastStatusAndForgetsTheWaiter() {
        table.put("a", status(RuntimeStatus.SUSPENDED, 1, 1, T0));

        assertThatThrownBy(() -> table.await("a", Duration.ofMillis(50), COMPLETED, "to reach a terminal status"))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("Expected instance a to reach a terminal status within PT0.05S, but it is still SUSPENDED");
        assertThatThrownBy(() -> table.await("b", Duration.ZERO, COMPLETED, "to start"))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("Expected instance b to start within PT0S, but found no status for it");
    }

    @Test
    void aFailedTableFailsWaitersNowAndLater() {
        CompletableFuture<WorkflowStatus> before = table.when("a", COMPLETED);
        WorkflowClientException cause = new WorkflowClientException("Expected the view to read, but it stopped", null);

        table.fail(cause);

        assertThat(before).isCompletedExceptionally();
        assertThatThrownBy(() -> table.await("a", Duration.ofSeconds(5), COMPLETED, "to start")).isSameAs(cause);
    }

    private static WorkflowStatus status(RuntimeStatus status, long updatedSeconds, int historyLength, Instant createdAt) {
        return WorkflowStatus.newBuilder().setInstanceId("a").setWorkflowName("w").setStatus(status)
                .setCreatedAt(createdAt).setUpdatedAt(T0.plusSeconds(updatedSeconds))
                .setHistoryLength(historyLength).build();
    }
}
