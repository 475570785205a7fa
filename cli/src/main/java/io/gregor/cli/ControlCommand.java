package io.gregor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A verb that posts one control request about one instance: the server answers 202 and applies it when it reads it. */
abstract class ControlCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
    String instanceId;

    @Option(names = {"-r", "--reason"}, paramLabel = "REASON", description = "Why, recorded in the history.")
    String reason;

    /** {@return the request's options: the reason, if given} */
    ObjectNode options() {
        ObjectNode options = Json.object();
        if (reason != null) {
            options.put("reason", reason);
        }
        return options;
    }

    /** Posts {@code options} (or no body when empty) to {@code /v1/workflows/<id>/<verb>} and says so. */
    void request(String verb, ObjectNode options) {
        api().post(instancePath(instanceId, "/" + verb), options.isEmpty() ? null : options);
        println(Character.toUpperCase(verb.charAt(0)) + verb.substring(1) + " requested for instance " + instanceId);
    }
}
