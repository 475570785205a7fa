package io.gregor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every verb that calls the HTTP API shares: the client, the output streams and the clock. */
abstract class ApiCommand implements Callable<Integer> {

    @ParentCommand
    Gregor gregor;

    @Spec
    CommandSpec spec;

    private ApiClient api;

    ApiClient api() {
        if (api == null) {
            api = new ApiClient(gregor.url);
        }
        return api;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    Clock clock() {
        return gregor.clock();
    }

    /** {@return {@code /v1/workflows/<id>} with the id encoded, plus {@code suffix}} */
    static String instancePath(String instanceId, String suffix) {
        return "/v1/workflows/" + ApiClient.encode(instanceId) + suffix;
    }

    /** {@return the instance, or exit code 1 with the server's 404 message} */
    JsonNode instance(String instanceId) {
        return api().get(instancePath(instanceId, ""));
    }

    /** Prints one line and flushes, so that a pipe sees it at once. */
    void println(String line) {
        out().println(line);
        out().flush();
    }

    @Override
    public final Integer call() {
        execute();
        return ExitCodes.OK;
    }

    /** Does the verb's work; failures are {@link CliException}s. */
    abstract void execute();
}
