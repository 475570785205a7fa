package io.gregor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gregor history ID}: the events of an instance, once or as they come. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show an instance's history (dapr workflow history); -f follows it until the instance ends.")
final class HistoryCommand extends ApiCommand {

    /** The formats of {@code -o}. */
    enum Format { SHORT, WIDE, JSON }

    private static final int DETAILS_WIDTH = 80;
    private static final Set<String> NAME_FIELDS = Set.of("name", "activityName", "workflowName");
    private static final int[] FOLLOW_WIDTHS = {26, 24, 7, 9};
    /** How long {@code -f} waits for an instance that was just started to be found. */
    static final Duration START_GRACE = Duration.ofSeconds(5);

    @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
    String instanceId;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short",
            description = "short, wide (adds TIMESTAMP and every detail) or json: the export a replayer reads; "
                    + "with -f, one JSON event per line (default: ${DEFAULT-VALUE}).")
    Format output;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until the instance is COMPLETED, FAILED or TERMINATED.")
    boolean follow;

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "500ms",
            description = "How often -f asks for new events (default: ${DEFAULT-VALUE}).")
    String pollInterval;

    private Instant firstEvent;

    @Override
    void execute() {
        if (!follow) {
            JsonNode history = api().get(instancePath(instanceId, "/history"));
            if (output == Format.JSON) {
                println(Json.pretty(history));
            } else {
                print(events(history), true, new int[0]);
            }
            return;
        }
        follow(Durations.parse("--poll-interval", pollInterval));
    }

    /** Reads the status before the history, so the history read after the last status holds every event. */
    private void follow(Duration interval) {
        awaitStart(interval);
        int printed = 0;
        boolean headerPrinted = false;
        String generation = null;
        while (true) {
            boolean ended = Instances.isTerminal(instance(instanceId));
            List<JsonNode> events = events(api().get(instancePath(instanceId, "/history")));
            String started = events.isEmpty() ? null : events.get(0).path("timestamp").asText();
            if (printed > 0 && (events.size() < printed || !Objects.equals(started, generation))) {
                // Continue-as-new started a new generation with a history of its own.
                println("-- continued as new --");
                printed = 0;
            }
            generation = started;
            List<JsonNode> fresh = events.subList(printed, events.size());
            if (output == Format.JSON) {
                fresh.forEach(event -> out().println(event.toString()));
                out().flush();
            } else if (!fresh.isEmpty()) {
                print(fresh, !headerPrinted, FOLLOW_WIDTHS);
                headerPrinted = true;
            }
            printed = events.size();
            if (ended) {
                return;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * {@code gregor run X && gregor history X -f} asks right after the start record is written, before
     * the orchestrator has read it: an id that is not found yet gets {@link #START_GRACE} to appear.
     */
    private void awaitStart(Duration interval) {
        long deadline = System.nanoTime() + START_GRACE.toNanos();
        while (api().find(instancePath(instanceId, "")).isEmpty()) {
            if (System.nanoTime() >= deadline) {
                throw new CliException(ExitCodes.REFUSED, "Expected an instance with id '" + instanceId + "', but found none within "
                        + START_GRACE.toSeconds() + " s");
            }
            sleep(interval);
        }
    }

    private static void sleep(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "Interrupted while waiting for the instance to start", e);
        }
    }

    private static List<JsonNode> events(JsonNode history) {
        List<JsonNode> events = new ArrayList<>();
        history.path("events").forEach(events::add);
        return events;
    }

    private void print(List<JsonNode> events, boolean header, int[] minimumWidths) {
        boolean wide = output == Format.WIDE;
        List<String> headers = new ArrayList<>(List.of("TYPE", "NAME", "EVENTID", "ELAPSED"));
        if (wide) {
            headers.add("TIMESTAMP");
        }
        headers.add("DETAILS");
        Table table = new Table(headers).minimumWidths(minimumWidths);
        if (!header) {
            table.withoutHeader();
        }
        for (JsonNode event : events) {
            Instant at = Instances.instant(event, "timestamp");
            if (firstEvent == null || event.path("eventId").asInt() == 0) {
                firstEvent = at;
            }
            List<String> row = new ArrayList<>(List.of(event.path("type").asText(), Json.compact(event.path("name")),
                    event.path("eventId").asText(),
                    at == null || firstEvent == null ? "" : Durations.elapsed(Duration.between(firstEvent, at))));
            if (wide) {
                row.add(event.path("timestamp").asText(""));
            }
            String details = details(event.path("details"));
            row.add(wide || details.length() <= DETAILS_WIDTH ? details : details.substring(0, DETAILS_WIDTH - 3) + "...");
            table.row(row);
        }
        table.print(out());
    }

    /** {@code key=value} for every detail but the name, which has its own column. */
    private static String details(JsonNode details) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : details.properties()) {
            if (!NAME_FIELDS.contains(field.getKey()) && !field.getValue().isNull()) {
                parts.add(field.getKey() + "=" + field.getValue());
            }
        }
        return String.join(" ", parts);
    }
}
