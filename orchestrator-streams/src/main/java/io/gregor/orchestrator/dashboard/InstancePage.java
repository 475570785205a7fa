package io.gregor.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.internal.OrchestratorHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One instance: its summary, input, output, custom status and failure, its parent and children,
 * the timeline and the history table (with the JSON export), then the actions its status allows.
 * While the instance is not terminal, everything but the actions refreshes itself every 2 s.
 */
final class InstancePage {

    static final String FRAGMENT = "/ui/fragments/workflows/";
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "TERMINATED");
    /** The table shows this many events; the JSON export has them all. */
    private static final int MAX_ROWS = 1_000;

    private InstancePage() {
    }

    static String page(JsonNode instance, JsonNode history, Layout.Notice notice) {
        String id = instance.path("instanceId").asText();
        return Layout.page("Instance " + id, notice, html -> {
            html.open("p", "class", "crumbs").element("a", "\u2190 All workflows", "href", ListPage.PATH).close("p")
                    .open("h1").text("Instance ").element("code", id).close("h1");
            live(html, instance, history);
            Actions.forms(html, id, instance.path("runtimeStatus").asText(), history.path("historyLength").asInt());
        });
    }

    static String notFound(String instanceId) {
        return Layout.page("Not found", new Layout.Notice(true, "Expected an instance with id '" + instanceId + "', but found none."),
                html -> html.element("h1", "No such instance").open("p").element("a", "Back to the list", "href", ListPage.PATH).close("p"));
    }

    /** The part that refreshes; once the instance is terminal it has no trigger, so the polling stops. */
    static String live(JsonNode instance, JsonNode history) {
        Html html = new Html();
        live(html, instance, history);
        return html.toString();
    }

    private static void live(Html html, JsonNode instance, JsonNode history) {
        String id = instance.path("instanceId").asText();
        String status = instance.path("runtimeStatus").asText();
        boolean terminal = TERMINAL.contains(status);
        html.open("div", "id", "live", "hx-get", terminal ? null : FRAGMENT + OrchestratorHttp.segment(id),
                "hx-trigger", terminal ? null : "every 2s", "hx-swap", terminal ? null : "outerHTML");
        summary(html, instance);
        payloads(html, instance);
        children(html, history.path("events"));
        html.open("section", "aria-labelledby", "h-timeline").element("h2", "Timeline", "id", "h-timeline");
        Timeline.of(history.path("events")).write(html);
        html.open("ul", "class", "legend", "aria-label", "Legend");
        for (String outcome : new String[] {"completed", "failed", "pending", "fired", "cancelled"}) {
            html.open("li").open("span", "class", "swatch " + outcome, "aria-hidden", "true").close("span").text(outcome).close("li");
        }
        html.close("ul").close("section");
        historyTable(html, id, history.path("events"));
        html.close("div");
    }

    private static void summary(Html html, JsonNode instance) {
        String status = instance.path("runtimeStatus").asText();
        html.open("dl", "class", "summary")
                .element("dt", "Workflow").element("dd", instance.path("workflowName").asText())
                .element("dt", "Status").open("dd").element("span", status, "class", "status status-" + status, "id", "status").close("dd")
                .element("dt", "Created (UTC)").open("dd");
        Layout.time(html, instance.path("createdAt").asText());
        html.close("dd").element("dt", "Last update (UTC)").open("dd");
        Layout.time(html, instance.path("lastUpdatedAt").asText());
        Instant created = Layout.instant(instance.path("createdAt").asText());
        Instant updated = Layout.instant(instance.path("lastUpdatedAt").asText());
        html.close("dd").element("dt", "Elapsed")
                .element("dd", created == null || updated == null ? "-" : Layout.duration(Duration.between(created, updated)))
                .element("dt", "History length").element("dd", instance.path("historyLength").asInt());
        JsonNode parent = instance.path("parentInstanceId");
        if (parent.isTextual()) {
            html.element("dt", "Parent").open("dd").element("a", parent.asText(), "href", Layout.instancePath(parent.asText())).close("dd");
        }
        html.close("dl");
    }

    private static void payloads(Html html, JsonNode instance) {
        for (String[] field : new String[][] {{"input", "Input"}, {"output", "Output"}, {"customStatus", "Custom status"}}) {
            JsonNode value = instance.path(field[0]);
            html.open("section", "class", "payload").element("h2", field[1]);
            if (value.isNull() || value.isMissingNode()) {
                html.element("p", "none", "class", "none");
            } else {
                html.element("pre", Layout.json(value), "id", "payload-" + field[0]);
            }
            html.close("section");
        }
        JsonNode failure = instance.path("failure");
        if (failure.isObject()) {
            html.open("section", "class", "failure", "aria-labelledby", "h-failure").element("h2", "Failure", "id", "h-failure")
                    .open("p").element("strong", failure.path("type").asText()).text(": " + failure.path("message").asText()).close("p");
            if (failure.path("stackTrace").isTextual()) {
                html.open("details").element("summary", "Stack trace").element("pre", failure.path("stackTrace").asText()).close("details");
            }
            html.close("section");
        }
    }

    /** Children are named by the history: each ChildWorkflowScheduled, with the outcome of its attempt. */
    private static void children(Html html, JsonNode events) {
        Map<String, String[]> children = new LinkedHashMap<>();
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            JsonNode details = event.path("details");
            String child = details.path("instanceId").asText();
            switch (type) {
                case "ChildWorkflowScheduled" -> children.put(child, new String[] {event.path("name").asText(), "running"});
                case "ChildWorkflowCompleted", "ChildWorkflowFailed" -> {
                    String[] known = children.get(child);
                    if (known != null) {
                        known[1] = type.endsWith("Completed") ? "completed" : "failed";
                    }
                }
                default -> {
                }
            }
        }
        if (children.isEmpty()) {
            return;
        }
        html.open("section", "aria-labelledby", "h-children").element("h2", "Child workflows", "id", "h-children")
                .open("table").open("thead").open("tr").element("th", "Instance ID", "scope", "col").element("th", "Workflow", "scope", "col")
                .element("th", "Outcome seen by the parent", "scope", "col").close("tr").close("thead").open("tbody");
        children.forEach((child, known) -> html.open("tr").open("th", "scope", "row").element("a", child, "href", Layout.instancePath(child))
                .close("th").element("td", known[0]).element("td", known[1]).close("tr"));
        html.close("tbody").close("table").close("section");
    }

    private static void historyTable(Html html, String id, JsonNode events) {
        html.open("section", "aria-labelledby", "h-history").element("h2", "History", "id", "h-history")
                .open("p").element("a", "Download the history as JSON", "href", "/v1/workflows/" + OrchestratorHttp.segment(id) + "/history",
                        "download", "history.json").close("p")
                .open("table", "class", "history").element("caption", events.size() + " events")
                .open("thead").open("tr");
        for (String column : new String[] {"Event ID", "Type", "Name", "Since start", "Recorded (UTC)", "Details"}) {
            html.element("th", column, "scope", "col");
        }
        html.close("tr").close("thead").open("tbody");
        Instant origin = events.isEmpty() ? null : Layout.instant(events.get(0).path("timestamp").asText());
        int rows = 0;
        for (JsonNode event : events) {
            if (rows++ == MAX_ROWS) {
                html.open("tr").element("td", "The first " + MAX_ROWS + " of " + events.size() + " events; the JSON export has all.",
                        "colspan", "6").close("tr");
                break;
            }
            Instant at = Layout.instant(event.path("timestamp").asText());
            html.open("tr").element("th", event.path("eventId").asInt(), "scope", "row")
                    .element("td", event.path("type").asText())
                    .element("td", event.path("name").isTextual() ? event.path("name").asText() : "")
                    .element("td", origin == null || at == null ? "" : "+" + Layout.duration(Duration.between(origin, at)))
                    .open("td");
            Layout.time(html, event.path("timestamp").asText());
            html.close("td").open("td").element("code", Layout.brief(event.path("details"), 200)).close("td").close("tr");
        }
        html.close("tbody").close("table").close("section");
    }
}
