package io.gregor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gregor purge}: removes terminal instances, by id or in a batch by age and status. */
@Command(name = "purge", mixinStandardHelpOptions = true,
        description = "Remove terminal instances (COMPLETED, FAILED, TERMINATED) and their history, by id or in a batch "
                + "(dapr workflow purge). A batch runs on the server.")
final class PurgeCommand extends ApiCommand {

    private static final List<String> TERMINAL = List.of("COMPLETED", "FAILED", "TERMINATED");

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Instance ids.")
    List<String> instanceIds = List.of();

    @Option(names = "--all-older-than", paramLabel = "AGE", description = "Every terminal instance created longer ago than this (1h, 7d).")
    String olderThan;

    @Option(names = "--all-filter-status", split = ",", paramLabel = "STATUS",
            description = "With --all-older-than or --all: only these terminal statuses.")
    List<String> statuses = List.of();

    @Option(names = "--all", description = "Every terminal instance.")
    boolean all;

    @Override
    void execute() {
        boolean batch = olderThan != null || all;
        if (batch == !instanceIds.isEmpty()) {
            throw CliException.usage("Expected instance ids or one of --all-older-than and --all, but found "
                    + (batch ? "both" : "neither"));
        }
        if (!statuses.isEmpty() && !batch) {
            throw CliException.usage("Expected --all-filter-status with --all-older-than or --all, but found it with instance ids");
        }
        if (batch) {
            purgeBatch();
        } else {
            instanceIds.forEach(this::purgeOne);
        }
    }

    private void purgeOne(String instanceId) {
        api().post(instancePath(instanceId, "/purge"), null);
        println("Purge requested for instance " + instanceId);
    }

    private void purgeBatch() {
        ObjectNode query = Json.object();
        List<String> chosen = statuses.isEmpty() ? TERMINAL : List.of(Instances.statusQuery("--all-filter-status", statuses).split(","));
        chosen.forEach(query.putArray("status")::add);
        if (olderThan != null) {
            query.put("olderThan", Durations.parse("--all-older-than", olderThan).toString());
        }
        JsonNode answer = api().post("/v1/workflows/purge", query);
        long skipped = answer.path("skipped").asLong();
        println("Purge requested for " + answer.path("purged").asLong() + " instances"
                + (skipped > 0 ? " (" + skipped + " matching instances are not terminal: skipped)" : ""));
    }
}
