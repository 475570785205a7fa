package io.gregor.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gregor run NAME}: starts an instance and prints its id. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start a workflow instance and print its id (dapr workflow run).")
final class RunCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The registered workflow name.")
    String name;

    @Option(names = {"-i", "--instance-id"}, paramLabel = "ID", description = "The instance id (default: a random UUID).")
    String instanceId;

    @Option(names = {"-x", "--input"}, paramLabel = "JSON", description = "The input, a JSON value, e.g. '\"Ada\"' or '{\"quantity\":10}'.")
    String input;

    @Option(names = {"-s", "--start-time"}, paramLabel = "TIME",
            description = "Start later: an RFC 3339 time (2026-12-24T18:00:00Z) or a delay from now (30s, 5m, 2h).")
    String startTime;

    @Option(names = "--allow-reuse", description = "Reuse the id of a terminal instance instead of refusing it.")
    boolean allowReuse;

    @Override
    void execute() {
        StringBuilder query = new StringBuilder();
        if (instanceId != null) {
            query.append("&instanceId=").append(ApiClient.encode(instanceId));
        }
        if (allowReuse) {
            query.append("&idReusePolicy=ALLOW_IF_TERMINAL");
        }
        if (startTime != null) {
            query.append("&startAt=").append(ApiClient.encode(startAt().toString()));
        }
        String path = "/v1/workflows/" + ApiClient.encode(name) + "/start" + (query.isEmpty() ? "" : "?" + query.substring(1));
        println(api().post(path, input == null ? null : Json.parse("--input", input)).path("instanceId").asText());
    }

    private Instant startAt() {
        try {
            return OffsetDateTime.parse(startTime).toInstant();
        } catch (DateTimeParseException notATime) {
            return clock().instant().plus(Durations.parse("--start-time", startTime));
        }
    }
}
