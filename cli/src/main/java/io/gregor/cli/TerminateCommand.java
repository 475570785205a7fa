package io.gregor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gregor terminate ID}. */
@Command(name = "terminate", mixinStandardHelpOptions = true, description = "Terminate an instance (dapr workflow terminate).")
final class TerminateCommand extends ControlCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "JSON", description = "The instance's output, a JSON value.")
    String output;

    @Option(names = "--recursive", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Terminate its running child workflows too (the default); --no-recursive leaves them running.")
    boolean recursive;

    @Override
    void execute() {
        ObjectNode options = options();
        if (output != null) {
            options.set("output", Json.parse("--output", output));
        }
        options.put("recursive", recursive);
        request("terminate", options);
    }
}
