package io.gregor.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.registry.SchemaRegistryException;
import io.gregor.schemas.serde.WireFormatException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Unwrapping of reported failures and the retry decision for undecodable records. */
class ResultsTest {

  @Test
  void wrappersAreUnwrappedToTheExceptionTheActivityMeant() {
    var real = new IllegalArgumentException("bad input");
    Throwable wrapped = new UndeclaredThrowableException(new InvocationTargetException(
        new ExecutionException(new CompletionException(real))));
    assertThat(Results.unwrap(wrapped)).isSameAs(real);
  }

  @Test
  void anExceptionWithACauseIsKeptAsItIs() {
    var thrown = new IllegalStateException("outer", new RuntimeException("inner"));
    assertThat(Results.unwrap(thrown)).isSameAs(thrown);
  }

  @Test
  void aWrapperWithoutCauseIsKept() {
    var empty = new ExecutionException("no cause", null);
    assertThat(Results.unwrap(empty)).isSameAs(empty);
  }

  @Test
  void anUnreachableRegistryIsTransientButAnUnknownSchemaIsNot() {
    var unreachable = new SchemaRegistryException("down", new java.io.IOException("refused"));
    var serverError = new SchemaRegistryException("oops", 503, 50301);
    var unknown = new WireFormatException("unknown id 7",
        new SchemaRegistryException("no such id", 404, SchemaRegistryException.SCHEMA_NOT_FOUND));
    assertThat(TaskHandler.isTransient(unreachable)).isTrue();
    assertThat(TaskHandler.isTransient(serverError)).isTrue();
    assertThat(TaskHandler.isTransient(unknown)).isFalse();
    assertThat(TaskHandler.isTransient(new WireFormatException("Expected magic byte 0"))).isFalse();
  }
}
