package io.gregor.orchestrator.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.registry.SchemaRegistryException;
import io.gregor.schemas.serde.WireFormatException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RegistryFailuresTest {

    @Test
    void anUnreachableRegistryIsThrownSoTheRecordIsProcessedAgain() {
        var outage = new SchemaRegistryException("Expected a schema registry at any of [..]", new IOException("refused"));

        assertThatThrownBy(() -> RegistryFailures.rethrowIfRegistryFailure(outage, "inbox/0/7"))
                .isInstanceOf(IllegalStateException.class)
                .hasCause(outage)
                .hasMessageStartingWith("Expected the schema registry to serve record inbox/0/7, but it could not now: ");
    }

    @Test
    void aRegistryFailureInsideAnotherExceptionIsFound() {
        var outage = new SchemaRegistryException("busy", 503, 50301);
        var wrapped = new IllegalStateException("step failed", outage);

        assertThatThrownBy(() -> RegistryFailures.rethrowIfRegistryFailure(wrapped, "inbox/0/7"))
                .hasRootCause(outage);
    }

    @Test
    void refusedCredentialsAreThrownAsNeedingAnOperator() {
        var refused = new SchemaRegistryException("401", 401, 40101);

        assertThatThrownBy(() -> RegistryFailures.rethrowIfRegistryFailure(refused, "inbox/0/7"))
                .hasMessageContaining("but it refused (this needs an operator): 401");
    }

    @Test
    void anUnknownSchemaIdIsTheRecordsFaultAndLeftToTheDeadLetterTopic() {
        var unknownId = new WireFormatException("Expected a schema id known to the schema registry",
                new SchemaRegistryException("not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND));

        assertThatCode(() -> RegistryFailures.rethrowIfRegistryFailure(unknownId, "inbox/0/7")).doesNotThrowAnyException();
    }

    @Test
    void anyOtherFailureIsLeftToTheDeadLetterTopic() {
        assertThatCode(() -> RegistryFailures.rethrowIfRegistryFailure(new IllegalArgumentException("bad"), "inbox/0/7"))
                .doesNotThrowAnyException();
    }
}
