package io.gregor.orchestrator.http;

import io.gregor.client.internal.OrchestratorHttp;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import io.helidon.common.parameters.Parameters;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The filters of {@code GET /v1/workflows} and {@code /count}: statuses (any of them), exact
 * workflow name, creation time from (inclusive) and to (exclusive). Parsed from the query string,
 * and written back to one for the peers a listing fans out to.
 */
record InstanceFilter(Set<RuntimeStatus> statuses, String name, Instant createdFrom, Instant createdTo) {

    static InstanceFilter parse(Parameters query) {
        Set<RuntimeStatus> statuses = EnumSet.noneOf(RuntimeStatus.class);
        for (String value : query.all("status", List::of)) {
            for (String status : value.split(",")) {
                if (!status.isBlank()) {
                    statuses.add(status(status.trim()));
                }
            }
        }
        String name = query.first("name").filter(n -> !n.isBlank()).orElse(null);
        Instant from = instant(query, "createdFrom");
        Instant to = instant(query, "createdTo");
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiError.badRequest("Expected createdFrom before createdTo, but found createdFrom=" + from + " and createdTo=" + to);
        }
        return new InstanceFilter(Set.copyOf(statuses), name, from, to);
    }

    static RuntimeStatus status(String text) {
        try {
            return RuntimeStatus.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Expected status to be one of " + Arrays.toString(RuntimeStatus.values())
                    + " (comma-separated or repeated), but found '" + text + "'");
        }
    }

    private static Instant instant(Parameters query, String parameter) {
        String text = query.first(parameter).filter(t -> !t.isBlank()).orElse(null);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("Expected " + parameter + " as an ISO-8601 instant such as 2026-12-04T10:15:30Z, but found '"
                    + text + "'");
        }
    }

    boolean test(InstanceMetadata instance) {
        return (statuses.isEmpty() || statuses.contains(instance.getStatus()))
                && (name == null || name.equals(instance.getWorkflowName()))
                && (createdFrom == null || !instance.getCreatedAt().isBefore(createdFrom))
                && (createdTo == null || instance.getCreatedAt().isBefore(createdTo));
    }

    /** @return the filters as query parameters, each {@code &}-prefixed and encoded */
    String toQuery() {
        StringJoiner query = new StringJoiner("");
        if (!statuses.isEmpty()) {
            query.add("&status=" + statuses.stream().map(Enum::name).sorted().collect(Collectors.joining(",")));
        }
        if (name != null) {
            query.add("&name=" + OrchestratorHttp.query(name));
        }
        if (createdFrom != null) {
            query.add("&createdFrom=" + createdFrom);
        }
        if (createdTo != null) {
            query.add("&createdTo=" + createdTo);
        }
        return query.toString();
    }
}
