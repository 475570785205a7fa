package io.gregor.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.internal.OrchestratorHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's reads and writes, as requests to this orchestrator's own JSON API. Going through
 * the API rather than around it means the pages see exactly what {@code /v1} answers: an instance
 * owned by another orchestrator is relayed to it, lists and counts fan out to every orchestrator,
 * and an action is checked (and refused) the same way, with no second copy of that logic here.
 */
final class ApiCalls {

    private final OrchestratorHttp http;

    ApiCalls(URI api, Duration timeout) {
        this.http = new OrchestratorHttp(List.of(api.toString()), timeout);
    }

    Optional<JsonNode> instance(String instanceId) {
        return http.get("/v1/workflows/" + OrchestratorHttp.segment(instanceId), "instance " + instanceId);
    }

    Optional<JsonNode> history(String instanceId) {
        return http.get("/v1/workflows/" + OrchestratorHttp.segment(instanceId) + "/history", "the history of instance " + instanceId);
    }

    /** @param query the filters and paging, each {@code &}-prefixed and encoded */
    JsonNode list(String query) {
        return http.get("/v1/workflows?" + query, "the instance list").orElseThrow();
    }

    /** @param query the filters, each {@code &}-prefixed and encoded */
    JsonNode countByStatus(String query) {
        return http.get("/v1/workflows/count?groupBy=status" + query, "the instance counts").orElseThrow();
    }

    /**
     * @param path an encoded {@code /v1} path
     * @param body the request body (a payload, or an object of options)
     * @return the id of the instance the API accepted the request for, or empty if it found none (404)
     */
    Optional<String> post(String path, JsonNode body, String what) {
        return http.post(path, body, what).map(answer -> answer.path("instanceId").asText());
    }
}
