package io.gregor.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them ({@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 1h30m}, or ISO-8601) and ages as the peers print them. */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * @param option the option that gave the text, for the message
     * @param text   e.g. {@code 90s}, {@code 1h30m}, {@code 7d} or {@code PT1H}
     * @return the duration; a usage error if it does not parse or is negative
     */
    static Duration parse(String option, String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("P") || trimmed.startsWith("p")) {
            try {
                return nonNegative(option, text, Duration.parse(trimmed));
            } catch (DateTimeParseException e) {
                throw invalid(option, text);
            }
        }
        Matcher matcher = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            end = matcher.end();
        }
        if (end == 0 || end != trimmed.length()) {
            throw invalid(option, text);
        }
        return total;
    }

    private static Duration nonNegative(String option, String text, Duration duration) {
        if (duration.isNegative()) {
            throw invalid(option, text);
        }
        return duration;
    }

    private static CliException invalid(String option, String text) {
        return CliException.usage("Expected " + option + " to be a duration such as 30s, 5m, 2h, 7d or 1h30m, but found '" + text + "'");
    }

    /** {@return the largest whole unit of {@code age}: 5s, 3m, 2h, 4d} */
    static String age(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h";
        }
        return seconds / 86_400 + "d";
    }

    /** {@return an elapsed time with millisecond precision below a minute: 0s, 1.25s, 3m, 2h} */
    static String elapsed(Duration elapsed) {
        long millis = Math.max(0, elapsed.toMillis());
        if (millis < 60_000) {
            return millis % 1000 == 0 ? millis / 1000 + "s" : String.format(java.util.Locale.ROOT, "%.3fs", millis / 1000.0);
        }
        return age(elapsed);
    }
}
