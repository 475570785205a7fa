package io.gregor.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.gregor.testkit.Await;

/** Runs {@code gregor} verbs in this JVM through picocli, with stdout and stderr captured. */
final class CliRunner {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String url;

    CliRunner(String url) {
        this.url = url;
    }

    /** What one command did. */
    record Result(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + url);
        int code = Gregor.commandLine(Clock.systemUTC())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs {@code describe ID -o json} until the instance has {@code status}. */
    void awaitStatus(String instanceId, String status) {
        awaitStatus(instanceId, status, null);
    }

    /** Runs {@code describe ID} until the instance has this status and, unless null, this custom status. */
    void awaitStatus(String instanceId, String status, String customStatus) {
        String[] last = {""};
        Await.until(TIMEOUT, () -> {
            Result result = run("describe", instanceId, "-o", "json");
            last[0] = result.out() + result.err();
            if (result.exitCode() != 0) {
                return false;
            }
            var instance = Json.parse("describe", result.out());
            return instance.path("runtimeStatus").asText().equals(status)
                    && (customStatus == null || instance.path("customStatus").asText().equals(customStatus));
        }, () -> "instance " + instanceId + " to be " + status + (customStatus == null ? "" : " with custom status '" + customStatus + "'")
                + " (last: " + last[0] + ")");
    }

    /** Runs {@code describe ID} until the server no longer knows the instance. */
    void awaitGone(String instanceId) {
        Await.until(TIMEOUT, () -> run("describe", instanceId).exitCode() == ExitCodes.REFUSED,
                () -> "instance " + instanceId + " to be purged");
    }
}
