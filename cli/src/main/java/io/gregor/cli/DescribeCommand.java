package io.gregor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gregor describe ID}: one instance's state. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show one instance: status, times, input, output, custom status, failure (temporal workflow describe).")
final class DescribeCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
    String instanceId;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short", description = "short or json (default: ${DEFAULT-VALUE}).")
    ShortOrJson output;

    @Override
    void execute() {
        JsonNode instance = instance(instanceId);
        if (output == ShortOrJson.JSON) {
            println(Json.pretty(instance));
            return;
        }
        Table table = new Table(List.of("Instance ID:", instance.path("instanceId").asText()));
        table.row(List.of("Workflow:", instance.path("workflowName").asText()))
                .row(List.of("Status:", instance.path("runtimeStatus").asText()))
                .row(List.of("Custom status:", Json.compact(instance.path("customStatus"))))
                .row(List.of("Created:", instance.path("createdAt").asText("") + " (" + Instances.age(instance, clock()) + " ago)"))
                .row(List.of("Last update:", instance.path("lastUpdatedAt").asText("")))
                .row(List.of("History length:", instance.path("historyLength").asText()))
                .row(List.of("Parent:", Json.compact(instance.path("parentInstanceId"))))
                .row(List.of("Input:", compactOrNone(instance.path("input"))))
                .row(List.of("Output:", compactOrNone(instance.path("output"))))
                .row(List.of("Failure:", Instances.failureMessage(instance)));
        table.print(out());
        String stackTrace = instance.path("failure").path("stackTrace").asText("");
        if (!stackTrace.isEmpty()) {
            println(stackTrace);
        }
    }

    /** JSON as sent, strings quoted, so that the input can be pasted back into {@code -x}. */
    private static String compactOrNone(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "" : node.toString();
    }
}
