package io.gregor.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.avro.Payload;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void ordinaryIdsAreAccepted() {
        assertThat(Validation.instanceId("order-42")).isEqualTo("order-42");
        assertThat(Validation.instanceId("x".repeat(200))).hasSize(200);
        assertThat(Validation.instanceId("bestellung-ä:1 2")).isEqualTo("bestellung-ä:1 2");
    }

    @Test
    void controlCharactersAreNamedByCodePoint() {
        assertThatThrownBy(() -> Validation.instanceId("a\u0000b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected an instance id without control characters, but found U+0000 at index 1 of 'a?b'");
    }

    @Test
    void payloadsAtTheLimitAreAcceptedAndLargerOnesRejected() {
        Payload atLimit = new Payload("json", ByteBuffer.wrap(new byte[8]));

        assertThat(Validation.payloadSize(atLimit, 8, "an input", "for x")).isSameAs(atLimit);
        assertThat(Validation.payloadSize(null, 8, "an input", "for x")).isNull();
        assertThatThrownBy(() -> Validation.payloadSize(atLimit, 7, "an input", "for workflow 'w' (instance i)"))
                .hasMessage("Expected an input of at most 7 bytes for workflow 'w' (instance i), but found 8 bytes");
    }
}
