package io.gregor.client.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TaskOptionsTest {

    @Test
    void timeoutsAreAddedWithoutLosingTheOtherOptions() {
        RetryPolicy policy = RetryPolicy.of(3, Duration.ofSeconds(1));

        TaskOptions options = TaskOptions.withRetryPolicy(policy).withTaskQueue("payments").withStartToCloseTimeout(Duration.ofSeconds(10))
                .withHeartbeatTimeout(Duration.ofSeconds(2)).withScheduleToCloseTimeout(Duration.ofMinutes(1)).withTaskQueue("billing");

        assertThat(options).isEqualTo(new TaskOptions(policy, "billing", Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(2)));
    }

    @Test
    void theFactoriesOfBeforeTimeoutsSetNone() {
        assertThat(new TaskOptions(null, "q")).isEqualTo(TaskOptions.onTaskQueue("q"));
        assertThat(TaskOptions.defaults()).isEqualTo(new TaskOptions(null));
        assertThat(TaskOptions.defaults().startToCloseTimeout()).isNull();
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> TaskOptions.defaults().withStartToCloseTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a positive startToCloseTimeout or null for none, but found PT0S");
        assertThatThrownBy(() -> TaskOptions.defaults().withHeartbeatTimeout(Duration.ofSeconds(-1)))
                .hasMessage("Expected a positive heartbeatTimeout or null for none, but found PT-1S");
        assertThatThrownBy(() -> TaskOptions.defaults().withScheduleToCloseTimeout(Duration.ofMillis(-5)))
                .hasMessage("Expected a positive scheduleToCloseTimeout or null for none, but found PT-0.005S");
    }
}
