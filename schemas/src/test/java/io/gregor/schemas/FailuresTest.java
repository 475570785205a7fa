package io.gregor.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.avro.FailureDetails;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void describesTheExceptionsTypeMessageAndStackTrace() {
    IllegalStateException failure = new IllegalStateException("out of stock");

    FailureDetails details = Failures.of(failure);

    assertThat(details.getErrorType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(details.getMessage()).isEqualTo("out of stock");
    assertThat(details.getStackTrace())
        .startsWith("java.lang.IllegalStateException: out of stock")
        .contains("FailuresTest.describesTheExceptionsTypeMessageAndStackTrace");
    assertThat(details.getNonRetriable()).isFalse();
  }

  @Test
  void anExceptionWithoutMessageIsNamedByItsClass() {
    FailureDetails details = Failures.of(new NullPointerException(null));

    assertThat(details.getMessage()).isEqualTo("java.lang.NullPointerException");
  }

  @Test
  void aHugeStackTraceIsCutToEightKibibytes() {
    RuntimeException deep = new RuntimeException("x".repeat(20_000));

    FailureDetails details = Failures.of(deep);

    assertThat(details.getStackTrace()).hasSize(8192).endsWith("... (truncated)");
    assertThat(details.getMessage()).hasSize(20_000);
  }

  @Test
  void aFailureCanBeMarkedNonRetriable() {
    assertThat(Failures.of(new IllegalArgumentException("no such activity"), true).getNonRetriable())
        .isTrue();
  }
}
