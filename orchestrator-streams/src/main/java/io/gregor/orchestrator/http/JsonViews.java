package io.gregor.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.client.internal.PayloadJson;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.Payload;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON shapes of the API (docs/http-api.md), written from the stores' Avro records. History
 * events are rendered generically from their schema, so event types added to the contract later
 * appear in the export without a change here. Public for {@link #historyExport} only: the
 * workflow test kit (gregor-workflow-testing) writes the same export, so that a history recorded
 * in a test and one downloaded from the API are the same document.
 */
public final class JsonViews {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Fields whose value names the event, in the order they are looked for. */
    private static final List<String> NAME_FIELDS = List.of("activityName", "name", "workflowName");

    private JsonViews() {
    }

    /**
     * @param metadata      the instance's metadata, as of its last status change
     * @param historyLength its live history length
     * @param lastEventAt   the timestamp of its newest history event, or null
     * @return the instance view of {@code GET /v1/workflows/{id}}
     */
    static ObjectNode instance(InstanceMetadata metadata, int historyLength, Instant lastEventAt) {
        Instant updated = metadata.getUpdatedAt();
        if (lastEventAt != null && lastEventAt.isAfter(updated)) {
            updated = lastEventAt;
        }
        ObjectNode view = JSON.objectNode();
        view.put("instanceId", metadata.getInstanceId());
        view.put("workflowName", metadata.getWorkflowName());
        view.put("runtimeStatus", metadata.getStatus().name());
        view.put("createdAt", metadata.getCreatedAt().toString());
        view.put("lastUpdatedAt", updated.toString());
        view.set("input", PayloadJson.toJson(metadata.getInput()));
        view.set("output", PayloadJson.toJson(metadata.getOutput()));
        view.set("customStatus", PayloadJson.toJson(metadata.getCustomStatus()));
        view.set("failure", failure(metadata.getFailure()));
        view.set("parentInstanceId", value(optionalField(metadata, "parentInstanceId")));
        view.put("historyLength", Math.max(historyLength, metadata.getHistoryLength()));
        return view;
    }

    /**
     * The history export of {@code GET /v1/workflows/{id}/history} (docs/http-api.md#history-export).
     *
     * @param instanceId   the instance
     * @param workflowName its workflow, or null when its metadata is gone
     * @param events       its history, in sequence order
     * @return the export document
     */
    public static ObjectNode historyExport(String instanceId, String workflowName, List<HistoryEvent> events) {
        ObjectNode export = JSON.objectNode();
        export.put("format", "gregor-history/1");
        export.put("instanceId", instanceId);
        export.put("workflowName", workflowName);
        export.put("historyLength", events.size());
        ArrayNode list = export.putArray("events");
        for (int i = 0; i < events.size(); i++) {
            list.add(historyEvent(i, events.get(i)));
        }
        return export;
    }

    /**
     * @param eventId the event's sequence number
     * @param event   the event
     * @return one entry of the history export
     */
    static ObjectNode historyEvent(int eventId, HistoryEvent event) {
        SpecificRecord body = (SpecificRecord) event.getEvent();
        ObjectNode view = JSON.objectNode();
        view.put("eventId", eventId);
        view.put("type", body.getSchema().getName());
        view.put("timestamp", event.getTimestamp().toString());
        view.set("name", value(firstNameField(body)));
        view.set("details", value(body));
        return view;
    }

    private static Object firstNameField(SpecificRecord body) {
        for (String name : NAME_FIELDS) {
            Object value = optionalField(body, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** A field that newer versions of the contract may add, read by name so that it shows once it exists. */
    private static Object optionalField(SpecificRecord record, String name) {
        Schema.Field field = record.getSchema().getField(name);
        return field == null ? null : record.get(field.pos());
    }

    private static JsonNode failure(FailureDetails failure) {
        if (failure == null) {
            return JSON.nullNode();
        }
        ObjectNode view = JSON.objectNode();
        view.put("type", failure.getErrorType());
        view.put("message", failure.getMessage());
        view.put("stackTrace", failure.getStackTrace());
        view.put("nonRetriable", failure.getNonRetriable());
        return view;
    }

    /** Any value of a Gregor record as JSON: payloads as their JSON values, timestamps as ISO-8601 text. */
    static JsonNode value(Object value) {
        return switch (value) {
            case null -> JSON.nullNode();
            case Payload payload -> PayloadJson.toJson(payload);
            case FailureDetails failure -> failure(failure);
            case SpecificRecord record -> {
                ObjectNode object = JSON.objectNode();
                for (Schema.Field field : record.getSchema().getFields()) {
                    object.set(field.name(), value(record.get(field.pos())));
                }
                yield object;
            }
            case CharSequence text -> JSON.textNode(text.toString());
            case Instant instant -> JSON.textNode(instant.toString());
            case Integer i -> JSON.numberNode(i);
            case Long l -> JSON.numberNode(l);
            case Boolean b -> JSON.booleanNode(b);
            case Double d -> JSON.numberNode(d);
            case Float f -> JSON.numberNode(f);
            case Enum<?> e -> JSON.textNode(e.name());
            case GenericEnumSymbol<?> e -> JSON.textNode(e.toString());
            case ByteBuffer bytes -> {
                ByteBuffer copy = bytes.duplicate();
                byte[] data = new byte[copy.remaining()];
                copy.get(data);
                yield JSON.textNode(Base64.getEncoder().encodeToString(data));
            }
            case List<?> list -> {
                ArrayNode array = JSON.arrayNode();
                list.forEach(item -> array.add(value(item)));
                yield array;
            }
            case Map<?, ?> map -> {
                ObjectNode object = JSON.objectNode();
                map.forEach((k, v) -> object.set(String.valueOf(k), value(v)));
                yield object;
            }
            default -> JSON.textNode(value.toString());
        };
    }
}
