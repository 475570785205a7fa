package io.gregor.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.client.internal.OrchestratorHttp;
import io.gregor.client.internal.PayloadJson;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The actions of the dashboard. Each is a plain form (it works without script) posted twice: the
 * first post answers a confirmation page that shows what will be sent, the second (with
 * {@code confirmed=yes}) sends it to the JSON API and redirects to a page that shows the result.
 */
final class Actions {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A form field: {@code kind} is text, number or json (a textarea whose text must be JSON). */
    record Field(String name, String label, String kind, boolean required) {
    }

    /** What an action asks, and what it says once the API accepted it ({@code %s}: the instance id). */
    enum Verb {
        START("start", "Start", "Start accepted for instance %s; it is listed once the orchestrator has recorded it.",
                new Field("name", "Workflow name", "text", true), new Field("instanceId", "Instance ID (a new UUID if empty)", "text", false),
                new Field("input", "Input (JSON)", "json", false)),
        RAISE_EVENT("raise-event", "Raise event", "Event accepted for instance %s; the instance receives it in order.",
                new Field("event", "Event name", "text", true), new Field("payload", "Payload (JSON)", "json", false)),
        SUSPEND("suspend", "Suspend", "Suspend accepted for instance %s; the status changes once the orchestrator has processed it.",
                new Field("reason", "Reason", "text", false)),
        RESUME("resume", "Resume", "Resume accepted for instance %s; the status changes once the orchestrator has processed it.",
                new Field("reason", "Reason", "text", false)),
        TERMINATE("terminate", "Terminate", "Terminate accepted for instance %s (and its children); the status changes once the "
                + "orchestrator has processed it.", new Field("reason", "Reason", "text", false)),
        PURGE("purge", "Purge", "Purge accepted for instance %s (and its children); it leaves the list once the orchestrator has processed it."),
        RERUN("rerun", "Rerun", "Rerun accepted: instance %s runs again from the chosen event.",
                new Field("fromEventId", "From event ID (0 = from the start)", "number", false),
                new Field("newInstanceId", "New instance ID (empty: rerun under the same id)", "text", false),
                new Field("input", "New input (JSON; empty: the same input)", "json", false));

        final String path;
        final String label;
        final String done;
        final List<Field> fields;

        Verb(String path, String label, String done, Field... fields) {
            this.path = path;
            this.label = label;
            this.done = done;
            this.fields = List.of(fields);
        }

        static Optional<Verb> of(String path) {
            return Arrays.stream(values()).filter(v -> v.path.equals(path)).findFirst();
        }
    }

    private Actions() {
    }

    /** The actions an instance's status allows, each folded in a {@code <details>}. */
    static void forms(Html html, String instanceId, String status, int historyLength) {
        List<Verb> verbs = switch (status) {
            case "COMPLETED", "FAILED", "TERMINATED" -> List.of(Verb.RERUN, Verb.PURGE);
            case "SUSPENDED" -> List.of(Verb.RESUME, Verb.RAISE_EVENT, Verb.TERMINATE);
            default -> List.of(Verb.RAISE_EVENT, Verb.SUSPEND, Verb.TERMINATE);
        };
        html.open("section", "class", "actions", "aria-labelledby", "h-actions").element("h2", "Actions", "id", "h-actions");
        for (Verb verb : verbs) {
            String prefix = "a-" + verb.path + "-";
            html.open("details", "class", "action " + verb.path).element("summary", verb.label + "\u2026")
                    .open("form", "method", "post", "action", Layout.instancePath(instanceId) + "/" + verb.path);
            for (Field field : verb.fields) {
                String id = prefix + field.name();
                Layout.field(html, id, field.label(), h -> {
                    if (field.kind().equals("json")) {
                        h.open("textarea", "id", id, "name", field.name(), "rows", "3", "spellcheck", "false").close("textarea");
                    } else {
                        h.open("input", "id", id, "name", field.name(), "type", field.kind(), "required", field.required() ? "" : null,
                                "min", field.kind().equals("number") ? "0" : null, "max", field.kind().equals("number") ? "" + historyLength : null);
                    }
                });
            }
            html.element("button", verb.label + "\u2026", "type", "submit").close("form").close("details");
        }
        html.close("section");
    }

    /** The page that asks to confirm: what will be sent, the same form again with {@code confirmed=yes}, and a way back. */
    static String confirmation(Verb verb, String instanceId, Map<String, String> form, String back) {
        String subject = verb == Verb.START ? "workflow " + form.getOrDefault("name", "") : "instance " + instanceId;
        return Layout.page("Confirm " + verb.label.toLowerCase(), null, html -> {
            html.element("h1", verb.label + " " + subject + "?");
            html.open("dl", "class", "summary");
            if (verb != Verb.START) {
                html.element("dt", "Instance").open("dd").element("code", instanceId).close("dd");
            }
            for (Field field : verb.fields) {
                String value = form.getOrDefault(field.name(), "");
                html.element("dt", field.label()).open("dd").element("code", value.isBlank() ? "(empty)" : value).close("dd");
            }
            html.close("dl").open("form", "method", "post", "action", verb == Verb.START ? ListPage.PATH + "/start"
                    : Layout.instancePath(instanceId) + "/" + verb.path);
            for (Field field : verb.fields) {
                html.open("input", "type", "hidden", "name", field.name(), "value", form.getOrDefault(field.name(), ""));
            }
            html.open("input", "type", "hidden", "name", "confirmed", "value", "yes")
                    .element("button", "Yes, " + verb.label.toLowerCase(), "type", "submit", "class", "confirm")
                    .element("a", "Cancel", "href", back, "class", "cancel").close("form");
        });
    }

    /**
     * Sends the action to the JSON API.
     *
     * @return the path to redirect to, with the result to show
     * @throws IllegalArgumentException if the form or the API refused it (the message says why)
     */
    static String perform(Verb verb, String instanceId, Map<String, String> form, ApiCalls api) {
        String instance = verb == Verb.START ? null : "/v1/workflows/" + OrchestratorHttp.segment(instanceId);
        ObjectNode options = JSON.objectNode();
        Optional<String> accepted = switch (verb) {
            case START -> {
                String name = required(form, "name", "a workflow name");
                String given = form.getOrDefault("instanceId", "").trim();
                yield api.post("/v1/workflows/" + OrchestratorHttp.segment(name) + "/start"
                        + (given.isEmpty() ? "" : "?instanceId=" + OrchestratorHttp.query(given)), json(form, "input"), "a start of " + name);
            }
            case RAISE_EVENT -> api.post(instance + "/raiseEvent/" + OrchestratorHttp.segment(required(form, "event", "an event name")),
                    json(form, "payload"), "an event for " + instanceId);
            case SUSPEND, RESUME, TERMINATE -> {
                put(options, "reason", form.get("reason"));
                yield api.post(instance + "/" + verb.path, options, "a " + verb.path + " of " + instanceId);
            }
            case PURGE -> api.post(instance + "/purge", options, "a purge of " + instanceId);
            case RERUN -> {
                String from = form.getOrDefault("fromEventId", "").trim();
                try {
                    options.put("fromEventId", from.isEmpty() ? 0 : Integer.parseInt(from));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Expected the event ID to rerun from to be a whole number, but found '" + from + "'");
                }
                put(options, "newInstanceId", form.get("newInstanceId"));
                if (!form.getOrDefault("input", "").isBlank()) {
                    options.set("input", json(form, "input"));
                }
                yield api.post(instance + "/rerun", options, "a rerun of " + instanceId);
            }
        };
        String target = accepted.orElseThrow(() -> new IllegalArgumentException("Expected an instance with id '" + instanceId
                + "', but found none (purged meanwhile?)"));
        String result = "?done=" + verb.path + "&id=" + OrchestratorHttp.query(target);
        return switch (verb) {
            case START, PURGE, RERUN -> ListPage.PATH + result;
            default -> Layout.instancePath(instanceId) + result;
        };
    }

    private static String required(Map<String, String> form, String field, String what) {
        String value = form.getOrDefault(field, "").trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("Expected " + what + ", but found none");
        }
        return value;
    }

    private static void put(ObjectNode options, String field, String value) {
        if (value != null && !value.isBlank()) {
            options.put(field, value.trim());
        }
    }

    /** An empty field is JSON null: no payload. */
    private static JsonNode json(Map<String, String> form, String field) {
        String text = form.getOrDefault(field, "");
        if (text.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return PayloadJson.mapper().readTree(text);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            throw new IllegalArgumentException("Expected the " + field + " to be JSON, such as {\"quantity\": 10} or \"text\", but found: "
                    + (message.contains("\n") ? message.substring(0, message.indexOf('\n')) : message));
        }
    }
}
