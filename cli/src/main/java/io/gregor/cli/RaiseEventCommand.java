package io.gregor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gregor raise-event ID/EVENT}: sends an external event to an instance. */
@Command(name = "raise-event", mixinStandardHelpOptions = true,
        description = "Send an external event to an instance (dapr workflow raise-event).")
final class RaiseEventCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "ID/EVENT", description = "The instance id and the event name, e.g. order-1/approval.")
    String target;

    @Option(names = {"-x", "--input"}, paramLabel = "JSON", description = "The event's data, a JSON value.")
    String input;

    @Override
    void execute() {
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            throw CliException.usage("Expected ID/EVENT, e.g. order-1/approval, but found '" + target + "'");
        }
        String instanceId = target.substring(0, slash);
        String event = target.substring(slash + 1);
        api().post(instancePath(instanceId, "/raiseEvent/" + ApiClient.encode(event)), input == null ? null : Json.parse("--input", input));
        println("Raised event '" + event + "' on instance " + instanceId);
    }
}
