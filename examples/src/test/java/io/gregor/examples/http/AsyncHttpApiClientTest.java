package io.gregor.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.examples.ExampleStack;
import io.gregor.examples.patterns.PatternsStack;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The async HTTP API pattern against a real orchestrator: start answers 202 and a Location, polling it reaches the output. */
@ExtendWith(PatternsStack.class)
class AsyncHttpApiClientTest {

    @Test
    void startAnswersTheInstancesLocationAndPollingItReachesTheOutput(ExampleStack stack) throws Exception {
        // given
        AsyncHttpApiClient client = new AsyncHttpApiClient(stack.apiUrl());
        String id = "http-" + UUID.randomUUID();

        // when
        URI location = client.start("ChainingWorkflow", id, "\"Hi!\"");
        JsonNode instance = client.awaitTerminal(location, ExampleStack.TIMEOUT);

        // then
        assertThat(location).isEqualTo(stack.apiUrl().resolve("/v1/workflows/" + id));
        assertThat(instance.path("instanceId").asText()).isEqualTo(id);
        assertThat(instance.path("runtimeStatus").asText()).isEqualTo("COMPLETED");
        assertThat(instance.path("output").asText()).isEqualTo("Hi! Hello Tokyo! Hello Seattle! Hello London!");
    }

    @Test
    void startOfAnUnknownWorkflowFailsWithTheServersAnswer(ExampleStack stack) {
        AsyncHttpApiClient client = new AsyncHttpApiClient(stack.apiUrl());

        assertThatThrownBy(() -> client.start("NoSuchWorkflow", null, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("400")
                .hasMessageContaining("NoSuchWorkflow");
    }
}
