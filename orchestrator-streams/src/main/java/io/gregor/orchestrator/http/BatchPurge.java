package io.gregor.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.internal.WorkflowWrites;
import io.gregor.schemas.avro.RuntimeStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/workflows/purge}: purge by filter, as {@code dapr workflow purge --all-older-than
 * --all-filter-status}. A control record reaches only its key's partition, so the batch is a
 * listing (the same paged merge as {@code GET /v1/workflows}) followed by one
 * {@code PurgeWorkflow} per terminal instance; live matches are counted as skipped. Every check
 * runs in {@link #parse} before the first write.
 */
final class BatchPurge {

    static final String[] FIELDS = {"status", "name", "createdFrom", "createdBefore", "olderThan", "recursive"};

    /** The listing the batch reads, page by page. */
    interface Pages {
        Listing.Part page(InstanceFilter filter, String after, int pageSize);
    }

    /** @param purged purge requests written @param skipped matches that are not terminal */
    record Result(int purged, int skipped) {
        ObjectNode json() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("purged", purged);
            body.put("skipped", skipped);
            return body;
        }
    }

    private final InstanceFilter filter;
    private final boolean recursive;

    private BatchPurge(InstanceFilter filter, boolean recursive) {
        this.filter = filter;
        this.recursive = recursive;
    }

    /**
     * @param options the request body, already checked to hold only {@link #FIELDS}
     * @param now     the time {@code olderThan} counts back from
     */
    static BatchPurge parse(JsonNode options, Instant now) {
        Set<RuntimeStatus> statuses = statuses(options.get("status"));
        String name = WorkflowApi.text(options, "name");
        Instant createdFrom = instant(options, "createdFrom");
        Instant createdBefore = instant(options, "createdBefore");
        String olderThan = WorkflowApi.text(options, "olderThan");
        if (olderThan != null) {
            if (createdBefore != null) {
                throw ApiError.badRequest("Expected createdBefore or olderThan, but found both");
            }
            createdBefore = now.minus(duration(olderThan));
        }
        if (statuses.isEmpty() && name == null && createdFrom == null && createdBefore == null) {
            throw ApiError.badRequest("Expected a filter to purge by (status, name, createdFrom, createdBefore or olderThan),"
                    + " but found none");
        }
        return new BatchPurge(new InstanceFilter(Set.copyOf(statuses), name, createdFrom, createdBefore),
                WorkflowApi.bool(options, "recursive", true));
    }

    /** Writes one purge request per terminal match, reading the matches a page at a time. */
    Result run(Pages pages, WorkflowWrites writes) {
        int purged = 0;
        int skipped = 0;
        String after = null;
        do {
            Listing.Part page = pages.page(filter, after, WorkflowApi.MAX_PAGE_SIZE);
            for (Listing.Listed item : page.items()) {
                if (WorkflowRuntimeStatus.valueOf(item.view().path("runtimeStatus").asText()).isTerminal()) {
                    writes.purge(item.instanceId(), recursive);
                    purged++;
                } else {
                    skipped++;
                }
            }
            after = page.frontier();
        } while (after != null);
        return new Result(purged, skipped);
    }

    private static Set<RuntimeStatus> statuses(JsonNode value) {
        Set<RuntimeStatus> statuses = EnumSet.noneOf(RuntimeStatus.class);
        if (value == null || value.isNull()) {
            return statuses;
        }
        Iterable<JsonNode> items = value.isArray() ? value : List.of(value);
        for (JsonNode item : items) {
            if (!item.isTextual()) {
                throw ApiError.badRequest("Expected status to be a status or an array of statuses, but found " + value);
            }
            for (String text : item.asText().split(",")) {
                if (!text.isBlank()) {
                    RuntimeStatus status = InstanceFilter.status(text.trim());
                    if (!WorkflowRuntimeStatus.valueOf(status.name()).isTerminal()) {
                        throw ApiError.badRequest("Expected only terminal statuses (COMPLETED, FAILED or TERMINATED) to purge,"
                                + " but found " + status);
                    }
                    statuses.add(status);
                }
            }
        }
        return statuses;
    }

    private static Instant instant(JsonNode options, String field) {
        String text = WorkflowApi.text(options, field);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("Expected " + field + " as an ISO-8601 instant such as 2026-12-04T10:15:30Z, but found '" + text + "'");
        }
    }

    private static Duration duration(String text) {
        Duration duration;
        try {
            duration = Duration.parse(text);
        } catch (DateTimeParseException e) {
            duration = null;
        }
        if (duration == null || duration.isNegative()) {
            throw ApiError.badRequest("Expected olderThan as a non-negative ISO-8601 duration such as PT1H or P7D, but found '"
                    + text + "'");
        }
        return duration;
    }
}
