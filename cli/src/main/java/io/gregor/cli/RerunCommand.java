package io.gregor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gregor rerun ID}: a new instance replaying a terminal one's history up to an event. */
@Command(name = "rerun", mixinStandardHelpOptions = true,
        description = "Run a terminal instance again as a new instance, keeping its history before an event "
                + "(dapr workflow rerun); prints the new id.")
final class RerunCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The terminal instance's id.")
    String instanceId;

    @Option(names = {"-e", "--event-id"}, paramLabel = "N", description = "Keep the history before this event id (default 0: from the start).")
    Integer eventId;

    @Option(names = "--new-instance-id", paramLabel = "ID", description = "The new instance's id (default: a random UUID).")
    String newInstanceId;

    @Option(names = {"-x", "--input"}, paramLabel = "JSON", description = "A new input, a JSON value (default: the old one).")
    String input;

    @Override
    void execute() {
        ObjectNode options = Json.object();
        if (eventId != null) {
            options.put("fromEventId", eventId);
        }
        if (newInstanceId != null) {
            options.put("newInstanceId", newInstanceId);
        }
        if (input != null) {
            options.set("input", Json.parse("--input", input));
        }
        println(api().post(instancePath(instanceId, "/rerun"), options.isEmpty() ? null : options).path("instanceId").asText());
    }
}
