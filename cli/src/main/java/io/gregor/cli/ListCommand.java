package io.gregor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gregor list}: the instances matching filters, every page the server has. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List workflow instances, in instance-id order (dapr workflow list). The server filters and pages.")
final class ListCommand extends ApiCommand {

    /** The formats of {@code -o}. */
    enum Format { SHORT, WIDE, JSON, IDS }

    @Option(names = {"-s", "--filter-status"}, split = ",", paramLabel = "STATUS",
            description = "Only these statuses (comma-separated or repeated): ${COMPLETION-CANDIDATES}.",
            completionCandidates = StatusCandidates.class)
    List<String> statuses = List.of();

    @Option(names = {"-w", "--filter-name"}, paramLabel = "NAME", description = "Only instances of this workflow.")
    String name;

    @Option(names = {"-m", "--filter-max-age"}, paramLabel = "AGE", description = "Only instances created within this long (30s, 5m, 2h, 7d).")
    String maxAge;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short",
            description = "short, wide (adds CREATED, LAST UPDATE, FAILURE), json or ids (default: ${DEFAULT-VALUE}).")
    Format output;

    @Override
    void execute() {
        List<JsonNode> instances = fetchAll();
        switch (output) {
            case JSON -> {
                ArrayNode array = Json.MAPPER.createArrayNode();
                instances.forEach(array::add);
                println(Json.pretty(array));
            }
            case IDS -> instances.forEach(i -> out().println(i.path("instanceId").asText()));
            case SHORT, WIDE -> table(instances).print(out());
        }
        out().flush();
    }

    private List<JsonNode> fetchAll() {
        StringBuilder filter = new StringBuilder("pageSize=1000");
        if (!statuses.isEmpty()) {
            filter.append("&status=").append(ApiClient.encode(Instances.statusQuery("--filter-status", statuses)));
        }
        if (name != null) {
            filter.append("&name=").append(ApiClient.encode(name));
        }
        if (maxAge != null) {
            String from = clock().instant().minus(Durations.parse("--filter-max-age", maxAge)).toString();
            filter.append("&createdFrom=").append(ApiClient.encode(from));
        }
        List<JsonNode> instances = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = api().get("/v1/workflows?" + filter + (token == null ? "" : "&pageToken=" + ApiClient.encode(token)));
            page.path("instances").forEach(instances::add);
            token = page.path("nextPageToken").isTextual() ? page.path("nextPageToken").asText() : null;
        } while (token != null);
        return instances;
    }

    private Table table(List<JsonNode> instances) {
        boolean wide = output == Format.WIDE;
        List<String> headers = new ArrayList<>(List.of("NAME", "ID", "STATUS", "CUSTOM STATUS", "AGE"));
        if (wide) {
            headers.addAll(List.of("CREATED", "LAST UPDATE", "FAILURE"));
        }
        Table table = new Table(headers);
        for (JsonNode instance : instances) {
            List<String> row = new ArrayList<>(List.of(instance.path("workflowName").asText(), instance.path("instanceId").asText(),
                    instance.path("runtimeStatus").asText(), Json.compact(instance.path("customStatus")),
                    Instances.age(instance, clock())));
            if (wide) {
                row.addAll(List.of(instance.path("createdAt").asText(""), instance.path("lastUpdatedAt").asText(""),
                        Instances.failureMessage(instance)));
            }
            table.row(row);
        }
        return table;
    }

    /** The statuses, for --help and shell completion. */
    static final class StatusCandidates extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        StatusCandidates() {
            super(Instances.STATUSES);
        }
    }
}
