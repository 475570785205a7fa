package io.gregor.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.internal.OrchestratorHttp;
import io.gregor.schemas.avro.RuntimeStatus;
import io.helidon.common.parameters.Parameters;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The instance list: filters by status, workflow name and created time, counts by status (which
 * double as status filters), one page of instances with a link to the next, and the start form.
 * The results part refreshes itself every 2 s through htmx; without script the page is the same,
 * refreshed by reloading.
 */
final class ListPage {

    static final String PATH = "/ui/workflows";
    static final String FRAGMENT = "/ui/fragments/workflows";
    private static final String DEFAULT_PAGE_SIZE = "20";

    /**
     * The list's query, as the dashboard's own URL carries it.
     *
     * @param createdFrom as typed: an ISO-8601 instant, or a {@code datetime-local} value read as UTC
     */
    record Query(String status, String name, String createdFrom, String createdTo, String pageSize, String pageToken) {

        static Query of(Parameters query) {
            return new Query(value(query, "status"), value(query, "name"), value(query, "createdFrom"), value(query, "createdTo"),
                    query.first("pageSize").filter(s -> !s.isBlank()).orElse(DEFAULT_PAGE_SIZE), value(query, "pageToken"));
        }

        private static String value(Parameters query, String name) {
            return query.first(name).map(String::trim).orElse("");
        }

        /** @return the filters as the JSON API's query parameters, each {@code &}-prefixed; status left out if {@code withStatus} is false */
        String api(boolean withStatus) {
            return (withStatus ? param("status", status) : "") + param("name", name) + param("createdFrom", instant(createdFrom))
                    + param("createdTo", instant(createdTo));
        }

        /** @return this query as the dashboard's, for a link, with another status and page token ("" for none) */
        String ui(String newStatus, String newToken) {
            String query = param("status", newStatus) + param("name", name) + param("createdFrom", createdFrom) + param("createdTo", createdTo)
                    + (pageSize.equals(DEFAULT_PAGE_SIZE) ? "" : param("pageSize", pageSize)) + param("pageToken", newToken);
            return query.isEmpty() ? "" : "?" + query.substring(1);
        }

        private static String param(String name, String value) {
            return value == null || value.isEmpty() ? "" : "&" + name + "=" + OrchestratorHttp.query(value);
        }

        /** A {@code datetime-local} value has no zone: the form says it is UTC. Anything else goes to the API as typed, which says what it expects. */
        private static String instant(String typed) {
            try {
                return LocalDateTime.parse(typed).toInstant(ZoneOffset.UTC).toString();
            } catch (DateTimeParseException e) {
                return typed;
            }
        }
    }

    private ListPage() {
    }

    static String page(Query query, Layout.Notice notice, ApiCalls api, Set<String> workflowNames) {
        return Layout.page("Workflows", notice, html -> {
            html.element("h1", "Workflows");
            startForm(html, workflowNames);
            filters(html, query, workflowNames);
            results(html, query, api);
        });
    }

    /** The part that htmx swaps in every 2 s. */
    static String fragment(Query query, ApiCalls api) {
        Html html = new Html();
        results(html, query, api);
        return html.toString();
    }

    private static void results(Html html, Query query, ApiCalls api) {
        String refresh = FRAGMENT + query.ui(query.status(), query.pageToken());
        html.open("div", "id", "results", "hx-get", refresh, "hx-trigger", "every 2s", "hx-swap", "outerHTML");
        JsonNode counts;
        JsonNode page;
        try {
            counts = api.countByStatus(query.api(false));
            page = api.list(query.api(true) + "&pageSize=" + OrchestratorHttp.query(query.pageSize())
                    + (query.pageToken().isEmpty() ? "" : "&pageToken=" + OrchestratorHttp.query(query.pageToken())));
        } catch (RuntimeException e) {
            Layout.notice(html, new Layout.Notice(true, Dashboard.message(e)));
            html.close("div");
            return;
        }
        counts(html, query, counts);
        table(html, page.path("instances"));
        html.open("nav", "class", "pages", "aria-label", "Pages");
        if (!query.pageToken().isEmpty()) {
            html.element("a", "First page", "href", PATH + query.ui(query.status(), ""));
        }
        JsonNode next = page.path("nextPageToken");
        if (next.isTextual()) {
            html.element("a", "Next page", "href", PATH + query.ui(query.status(), next.asText()), "rel", "next");
        }
        html.close("nav").close("div");
    }

    private static void counts(Html html, Query query, JsonNode counts) {
        html.open("nav", "class", "counts", "aria-label", "Counts by status").open("ul");
        count(html, query, "", "All", counts.path("total").asLong());
        counts.path("groups").fields().forEachRemaining(group -> count(html, query, group.getKey(), group.getKey(), group.getValue().asLong()));
        html.close("ul").close("nav");
    }

    private static void count(Html html, Query query, String status, String label, long count) {
        html.open("li").open("a", "href", PATH + query.ui(status, ""), "class", "count", "aria-current", status.equals(query.status()) ? "page" : null)
                .text(label + " ").element("strong", count).close("a").close("li");
    }

    private static void table(Html html, JsonNode instances) {
        html.open("table", "class", "instances").element("caption", "Instances, in instance-id order")
                .open("thead").open("tr");
        for (String column : new String[] {"Instance ID", "Workflow", "Status", "Custom status", "Created (UTC)", "Last update (UTC)",
                "Elapsed", "Failure"}) {
            html.element("th", column, "scope", "col");
        }
        html.close("tr").close("thead").open("tbody");
        if (instances.isEmpty()) {
            html.open("tr").element("td", "No instances match.", "colspan", "8").close("tr");
        }
        for (JsonNode instance : instances) {
            String id = instance.path("instanceId").asText();
            String status = instance.path("runtimeStatus").asText();
            html.open("tr", "data-instance-id", id).open("th", "scope", "row")
                    .element("a", id, "href", Layout.instancePath(id)).close("th")
                    .element("td", instance.path("workflowName").asText())
                    .open("td").element("span", status, "class", "status status-" + status).close("td")
                    .element("td", Layout.brief(instance.path("customStatus"), 60))
                    .open("td");
            Layout.time(html, instance.path("createdAt").asText());
            html.close("td").open("td");
            Layout.time(html, instance.path("lastUpdatedAt").asText());
            html.close("td").element("td", elapsed(instance))
                    .element("td", Layout.brief(instance.path("failure").path("message"), 80)).close("tr");
        }
        html.close("tbody").close("table");
    }

    private static String elapsed(JsonNode instance) {
        Instant created = Layout.instant(instance.path("createdAt").asText());
        Instant updated = Layout.instant(instance.path("lastUpdatedAt").asText());
        return created == null || updated == null ? "" : Layout.duration(Duration.between(created, updated));
    }

    private static void filters(Html html, Query query, Set<String> workflowNames) {
        html.open("form", "class", "filters", "method", "get", "action", PATH, "role", "search", "aria-label", "Filter instances");
        Layout.field(html, "f-status", "Status", h -> {
            h.open("select", "id", "f-status", "name", "status")
                    .element("option", "any", "value", "", "selected", query.status().isEmpty() ? "" : null);
            for (RuntimeStatus status : RuntimeStatus.values()) {
                h.element("option", status.name(), "value", status.name(), "selected", status.name().equals(query.status()) ? "" : null);
            }
            h.close("select");
        });
        Layout.field(html, "f-name", "Workflow name", h -> h.open("input", "id", "f-name", "name", "name", "value", query.name(),
                "list", "workflow-names"));
        Layout.field(html, "f-from", "Created from (UTC)", h -> h.open("input", "id", "f-from", "name", "createdFrom",
                "type", "datetime-local", "step", "1", "value", query.createdFrom()));
        Layout.field(html, "f-to", "Created before (UTC)", h -> h.open("input", "id", "f-to", "name", "createdTo",
                "type", "datetime-local", "step", "1", "value", query.createdTo()));
        Layout.field(html, "f-size", "Page size", h -> h.open("input", "id", "f-size", "name", "pageSize", "type", "number",
                "min", "1", "max", "1000", "value", query.pageSize()));
        html.element("button", "Filter", "type", "submit").element("a", "Clear filters", "href", PATH).close("form");
        html.open("datalist", "id", "workflow-names");
        workflowNames.forEach(name -> html.open("option", "value", name).close("option"));
        html.close("datalist");
    }

    private static void startForm(Html html, Set<String> workflowNames) {
        html.open("details", "class", "action start").element("summary", "Start a workflow")
                .open("form", "method", "post", "action", PATH + "/start");
        Layout.field(html, "s-name", "Workflow name", h -> h.open("input", "id", "s-name", "name", "name", "required", "",
                "list", "workflow-names", "value", workflowNames.size() == 1 ? workflowNames.iterator().next() : ""));
        Layout.field(html, "s-id", "Instance ID (optional: a new UUID if empty)", h -> h.open("input", "id", "s-id", "name", "instanceId"));
        Layout.field(html, "s-input", "Input (JSON, optional)", h -> h.open("textarea", "id", "s-input", "name", "input", "rows", "3",
                "spellcheck", "false").close("textarea"));
        html.element("button", "Start\u2026", "type", "submit").close("form").close("details");
    }
}
