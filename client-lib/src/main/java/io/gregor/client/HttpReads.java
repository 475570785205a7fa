package io.gregor.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.client.internal.OrchestratorHttp;
import io.gregor.client.internal.PayloadJson;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.payload.DataConverter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/** The client's reads through the orchestrators' HTTP API, turned into the client's types. */
final class HttpReads {

    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
    };

    private final OrchestratorHttp http;
    private final DataConverter converter;

    HttpReads(OrchestratorHttp http, DataConverter converter) {
        this.http = http;
        this.converter = converter;
    }

    Optional<WorkflowInstanceState> state(String instanceId) {
        return http.get("/v1/workflows/" + OrchestratorHttp.segment(instanceId), "the state of instance " + instanceId)
                .map(this::state);
    }

    Optional<List<WorkflowHistoryEvent>> history(String instanceId) {
        return historyJson(instanceId).map(export -> {
            List<WorkflowHistoryEvent> events = new ArrayList<>();
            for (JsonNode event : export.path("events")) {
                events.add(new WorkflowHistoryEvent(event.path("eventId").asInt(), event.path("type").asText(),
                        Instant.parse(event.path("timestamp").asText()), text(event.get("name")),
                        PayloadJson.mapper().convertValue(event.path("details"), DETAILS)));
            }
            return List.copyOf(events);
        });
    }

    Optional<JsonNode> historyJson(String instanceId) {
        return http.get("/v1/workflows/" + OrchestratorHttp.segment(instanceId) + "/history", "the history of instance " + instanceId);
    }

    WorkflowInstancePage list(WorkflowInstanceQuery query) {
        StringJoiner params = filters(query);
        params.add("pageSize=" + query.pageSize());
        if (query.pageToken() != null) {
            params.add("pageToken=" + OrchestratorHttp.query(query.pageToken()));
        }
        JsonNode page = http.get("/v1/workflows" + params, "a page of instances (" + query + ")")
                .orElseThrow(() -> new WorkflowClientException("Expected a page of instances, but the orchestrator answered 404", null));
        List<WorkflowInstanceState> states = new ArrayList<>();
        page.path("instances").forEach(instance -> states.add(state(instance)));
        return new WorkflowInstancePage(states, text(page.get("nextPageToken")));
    }

    Map<WorkflowRuntimeStatus, Long> countByStatus(WorkflowInstanceQuery query) {
        StringJoiner params = filters(query);
        params.add("groupBy=status");
        JsonNode counts = http.get("/v1/workflows/count" + params, "the instance counts (" + query + ")")
                .orElseThrow(() -> new WorkflowClientException("Expected instance counts, but the orchestrator answered 404", null));
        Map<WorkflowRuntimeStatus, Long> byStatus = new EnumMap<>(WorkflowRuntimeStatus.class);
        counts.path("groups").fields().forEachRemaining(group ->
                byStatus.put(WorkflowRuntimeStatus.valueOf(group.getKey()), group.getValue().asLong()));
        return byStatus;
    }

    int purge(WorkflowInstanceQuery query, boolean recursive) {
        ObjectNode body = PayloadJson.mapper().createObjectNode();
        if (!query.statuses().isEmpty()) {
            ArrayNode statuses = body.putArray("status");
            query.statuses().stream().sorted().forEach(status -> statuses.add(status.name()));
        }
        body.put("name", query.workflowName());
        body.put("createdFrom", query.createdFrom() == null ? null : query.createdFrom().toString());
        body.put("createdBefore", query.createdTo() == null ? null : query.createdTo().toString());
        body.put("recursive", recursive);
        JsonNode answer = http.post("/v1/workflows/purge", body, "the purge of the instances (" + query + ")")
                .orElseThrow(() -> new WorkflowClientException("Expected the purge to be accepted, but the orchestrator answered 404", null));
        return answer.path("purged").asInt();
    }

    private static StringJoiner filters(WorkflowInstanceQuery query) {
        StringJoiner params = new StringJoiner("&", "?", "");
        params.setEmptyValue("");
        if (!query.statuses().isEmpty()) {
            StringJoiner statuses = new StringJoiner(",");
            query.statuses().stream().sorted().forEach(status -> statuses.add(status.name()));
            params.add("status=" + statuses);
        }
        if (query.workflowName() != null) {
            params.add("name=" + OrchestratorHttp.query(query.workflowName()));
        }
        if (query.createdFrom() != null) {
            params.add("createdFrom=" + OrchestratorHttp.query(query.createdFrom().toString()));
        }
        if (query.createdTo() != null) {
            params.add("createdTo=" + OrchestratorHttp.query(query.createdTo().toString()));
        }
        return params;
    }

    private WorkflowInstanceState state(JsonNode json) {
        JsonNode failure = json.get("failure");
        WorkflowStatus status = WorkflowStatus.newBuilder()
                .setInstanceId(json.path("instanceId").asText())
                .setWorkflowName(json.path("workflowName").asText())
                .setStatus(RuntimeStatus.valueOf(json.path("runtimeStatus").asText()))
                .setCreatedAt(Instant.parse(json.path("createdAt").asText()))
                .setUpdatedAt(Instant.parse(json.path("lastUpdatedAt").asText()))
                .setHistoryLength(json.path("historyLength").asInt())
                .setInput(PayloadJson.fromJson(json.get("input")))
                .setOutput(PayloadJson.fromJson(json.get("output")))
                .setCustomStatus(PayloadJson.fromJson(json.get("customStatus")))
                .setFailure(failure == null || failure.isNull() ? null : new io.gregor.schemas.avro.FailureDetails(
                        failure.path("type").asText(), failure.path("message").asText(), text(failure.get("stackTrace")),
                        failure.path("nonRetriable").asBoolean()))
                .build();
        return new WorkflowInstanceState(status, converter, text(json.get("parentInstanceId")));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
