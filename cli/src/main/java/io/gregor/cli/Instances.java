package io.gregor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The statuses of an instance and how its fields read in a table. */
final class Instances {
    /** Every runtime status the API reports (docs/http-api.md). */
    static final List<String> STATUSES = List.of("PENDING", "RUNNING", "SUSPENDED", "COMPLETED", "FAILED", "TERMINATED",
            "CONTINUED_AS_NEW", "STALLED");
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "TERMINATED");

    private Instances() {
    }

    /**
     * @param option  the option that gave the statuses, for the message
     * @param names   status names, any case
     * @return them in upper case, comma-separated for a query; a usage error for an unknown one
     */
    static String statusQuery(String option, List<String> names) {
        return String.join(",", names.stream().map(name -> status(option, name)).toList());
    }

    private static String status(String option, String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (!STATUSES.contains(upper)) {
            throw CliException.usage("Expected " + option + " to be one of " + STATUSES + ", but found '" + name + "'");
        }
        return upper;
    }

    static boolean isTerminal(JsonNode instance) {
        return TERMINAL.contains(instance.path("runtimeStatus").asText());
    }

    /** {@return the time in field {@code field}, or null when absent} */
    static Instant instant(JsonNode node, String field) {
        String text = node.path(field).asText(null);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@return how long ago the instance was created, as 5s, 3m, 2h, 4d} */
    static String age(JsonNode instance, Clock clock) {
        Instant created = instant(instance, "createdAt");
        return created == null ? "" : Durations.age(Duration.between(created, clock.instant()));
    }

    /** {@return the failure's message, or nothing} */
    static String failureMessage(JsonNode instance) {
        JsonNode failure = instance.path("failure");
        return failure.isObject() ? failure.path("type").asText() + ": " + failure.path("message").asText() : "";
    }
}
