package io.gregor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gregor count}: how many instances match, in total or per status. */
@Command(name = "count", mixinStandardHelpOptions = true,
        description = "Count workflow instances (temporal workflow count), in total or per status; the server counts.")
final class CountCommand extends ApiCommand {

    /** The only grouping the API has. */
    enum Grouping { STATUS }

    @Option(names = "--group-by", paramLabel = "FIELD", description = "status: one line per status.")
    Grouping groupBy;

    @Option(names = {"-s", "--filter-status"}, split = ",", paramLabel = "STATUS", description = "Only these statuses.")
    List<String> statuses = List.of();

    @Option(names = {"-w", "--filter-name"}, paramLabel = "NAME", description = "Only instances of this workflow.")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short", description = "short or json (default: ${DEFAULT-VALUE}).")
    ShortOrJson output;

    @Override
    void execute() {
        StringBuilder query = new StringBuilder("groupBy=status");
        if (!statuses.isEmpty()) {
            query.append("&status=").append(ApiClient.encode(Instances.statusQuery("--filter-status", statuses)));
        }
        if (name != null) {
            query.append("&name=").append(ApiClient.encode(name));
        }
        JsonNode counts = api().get("/v1/workflows/count?" + query);
        if (output == ShortOrJson.JSON) {
            println(Json.pretty(counts));
        } else if (groupBy == null) {
            println(counts.path("total").asText());
        } else {
            Table table = new Table(List.of("STATUS", "COUNT"));
            counts.path("groups").properties().forEach(group -> table.row(List.of(group.getKey(), group.getValue().asText())));
            table.row(List.of("TOTAL", counts.path("total").asText()));
            table.print(out());
        }
    }
}
