package io.gregor.testing.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.internal.PayloadJson;
import io.gregor.orchestrator.http.JsonViews;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The history export of the HTTP API and the CLI (docs/http-api.md#history-export) read back into
 * the engine's Avro events, and written from them.
 *
 * <p>Events are rebuilt from their schema, not from a list of kinds: {@code type} names a branch
 * of {@code HistoryEvent.event} in gregor.avdl and {@code details} holds its fields by Avro name,
 * so event kinds added to the contract later are read without a change here. A field missing
 * from {@code details} (an export written before the field existed) takes its schema default;
 * fields this version does not know are ignored, as the format asks.
 */
public final class HistoryJson {
    /** The format tag of the export document. */
    public static final String FORMAT = "gregor-history/1";

    private static final ObjectMapper MAPPER = PayloadJson.mapper();
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
    };
    private static final Schema EVENT_UNION = HistoryEvent.getClassSchema().getField("event").schema();

    private HistoryJson() {
    }

    /**
     * @param instanceId   the instance
     * @param workflowName its workflow
     * @param events       its history
     * @return the export document, exactly as the HTTP API writes it
     */
    public static JsonNode export(String instanceId, String workflowName, List<HistoryEvent> events) {
        return JsonViews.historyExport(instanceId, workflowName, events);
    }

    /**
     * @param export an export document
     * @return its events as the client's view type
     */
    public static List<WorkflowHistoryEvent> clientEvents(JsonNode export) {
        List<WorkflowHistoryEvent> events = new ArrayList<>();
        for (JsonNode event : export.path("events")) {
            JsonNode name = event.get("name");
            events.add(new WorkflowHistoryEvent(event.path("eventId").asInt(), event.path("type").asText(),
                    Instant.parse(event.path("timestamp").asText()), name == null || name.isNull() ? null : name.asText(),
                    MAPPER.convertValue(event.path("details"), DETAILS)));
        }
        return List.copyOf(events);
    }

    /**
     * A history read from its export.
     *
     * @param instanceId  the instance the export names, or null when it names none (one event per line)
     * @param generations its generations, each a history starting at event 0, oldest first
     */
    public record Export(String instanceId, List<List<HistoryEvent>> generations) {
    }

    /**
     * Reads what the HTTP API ({@code GET /v1/workflows/{id}/history}), {@code WorkflowClient.exportHistory}
     * and {@code gregor history -o json} write (one export document), a bare JSON array of its
     * events, or what {@code gregor history -f -o json} prints (one event per line; a line that is
     * not JSON, such as {@code -- continued as new --}, is skipped).
     *
     * @param text the JSON text
     * @return the instance and the generations it holds
     * @throws IllegalArgumentException if it is none of these, or an event cannot be read
     */
    public static Export read(String text) {
        JsonNode whole = parseOrNull(text.strip());
        String instanceId = whole != null && whole.isObject() && whole.path("instanceId").isTextual() ? whole.get("instanceId").asText() : null;
        List<JsonNode> nodes = eventNodes(text);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("Expected a history with at least one event, but found none");
        }
        List<List<HistoryEvent>> generations = new ArrayList<>();
        for (JsonNode node : nodes) {
            // Continue-as-new restarts the numbering: a followed history holds several generations.
            if (generations.isEmpty() || node.path("eventId").asInt(-1) == 0) {
                generations.add(new ArrayList<>());
            }
            generations.getLast().add(event(node));
        }
        return new Export(instanceId, generations);
    }

    private static List<JsonNode> eventNodes(String text) {
        String trimmed = text.strip();
        JsonNode whole = parseOrNull(trimmed);
        List<JsonNode> nodes = new ArrayList<>();
        if (whole != null && whole.isObject() && whole.has("events")) {
            String format = whole.path("format").asText(FORMAT);
            if (!FORMAT.equals(format)) {
                throw new IllegalArgumentException("Expected a history export of format '" + FORMAT + "', but found format '" + format + "'");
            }
            whole.get("events").forEach(nodes::add);
        } else if (whole != null && whole.isArray()) {
            whole.forEach(nodes::add);
        } else if (whole != null && whole.isObject()) {
            nodes.add(whole);
        } else {
            for (String line : trimmed.split("\\R")) {
                JsonNode node = parseOrNull(line.strip());
                if (node != null && node.isObject()) {
                    nodes.add(node);
                }
            }
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("Expected a history export (docs/http-api.md#history-export) or one JSON event per line,"
                        + " but found neither in: " + abbreviate(trimmed));
            }
        }
        return nodes;
    }

    private static JsonNode parseOrNull(String text) {
        if (text.isEmpty() || !(text.startsWith("{") || text.startsWith("["))) {
            return null;
        }
        try {
            // Several values (one event per line) are not one document: refuse trailing ones.
            return MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * @param node one event of an export: eventId, type, timestamp, details
     * @return the engine's event
     * @throws IllegalArgumentException if its type is not an event kind of this version, or a field is malformed
     */
    public static HistoryEvent event(JsonNode node) {
        String type = node.path("type").asText("");
        String where = "event " + node.path("eventId").asText("?") + " (" + type + ")";
        Schema schema = EVENT_UNION.getTypes().stream().filter(branch -> branch.getName().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Expected a history event type this version of Gregor knows ("
                        + EVENT_UNION.getTypes().stream().map(Schema::getName).toList() + "), but " + where + " has type '" + type
                        + "'; replay it with the Gregor version that wrote it, or a newer one"));
        return HistoryEvent.newBuilder().setTimestamp(instant(node.path("timestamp"), where + " timestamp"))
                .setEvent(record(schema, node.path("details"), where)).build();
    }

    private static SpecificRecord record(Schema schema, JsonNode node, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("Expected the fields of " + where + " as a JSON object, but found " + abbreviate(node.toString()));
        }
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node.get(field.name());
            record.put(field.pos(), value == null ? SpecificData.get().getDefaultValue(field) : value(field.schema(), value, where + "." + field.name()));
        }
        return record;
    }

    private static Object value(Schema schema, JsonNode node, String where) {
        if (node.isNull() && schema.getType() != Schema.Type.UNION) {
            throw new IllegalArgumentException("Expected a value for " + where + ", but found null");
        }
        return switch (schema.getType()) {
            case UNION -> union(schema, node, where);
            case RECORD -> switch (schema.getName()) {
                case "Payload" -> PayloadJson.fromJson(node);
                case "FailureDetails" -> failure(node, where);
                default -> record(schema, node, where);
            };
            case STRING -> text(node, where);
            case BOOLEAN -> node.asBoolean();
            case INT -> node.intValue();
            case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis ? instant(node, where) : node.longValue();
            case DOUBLE -> node.doubleValue();
            case FLOAT -> node.floatValue();
            case ENUM -> SpecificData.get().createEnum(text(node, where), schema);
            case BYTES -> ByteBuffer.wrap(Base64.getDecoder().decode(text(node, where)));
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                node.forEach(item -> items.add(value(schema.getElementType(), item, where + "[]")));
                yield items;
            }
            default -> throw new IllegalArgumentException("Expected a field type the history export uses, but " + where + " has " + schema);
        };
    }

    private static Object union(Schema schema, JsonNode node, String where) {
        List<Schema> branches = schema.getTypes().stream().filter(branch -> branch.getType() != Schema.Type.NULL).toList();
        if (node.isNull()) {
            if (branches.size() < schema.getTypes().size()) {
                return null;
            }
            throw new IllegalArgumentException("Expected a value for " + where + ", but found null");
        }
        if (branches.size() != 1) {
            throw new IllegalArgumentException("Expected " + where + " to be an optional value of one type, but its schema is " + schema);
        }
        return value(branches.getFirst(), node, where);
    }

    /** A failure as the export writes it: {"type", "message", "stackTrace", "nonRetriable"}. */
    private static FailureDetails failure(JsonNode node, String where) {
        JsonNode type = node.has("errorType") ? node.get("errorType") : node.path("type");
        JsonNode stackTrace = node.path("stackTrace");
        return FailureDetails.newBuilder().setErrorType(text(type, where + ".type")).setMessage(text(node.path("message"), where + ".message"))
                .setStackTrace(stackTrace.isTextual() ? stackTrace.asText() : null).setNonRetriable(node.path("nonRetriable").asBoolean(false))
                .build();
    }

    private static String text(JsonNode node, String where) {
        if (!node.isValueNode() || node.isNull()) {
            throw new IllegalArgumentException("Expected text for " + where + ", but found " + abbreviate(node.toString()));
        }
        return node.asText();
    }

    private static Instant instant(JsonNode node, String where) {
        try {
            return node.isNumber() ? Instant.ofEpochMilli(node.longValue()) : Instant.parse(text(node, where));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Expected an ISO-8601 instant for " + where + ", but found " + node, e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
