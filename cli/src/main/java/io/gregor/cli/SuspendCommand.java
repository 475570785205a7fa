package io.gregor.cli;

import picocli.CommandLine.Command;

/** {@code gregor suspend ID}. */
@Command(name = "suspend", mixinStandardHelpOptions = true,
        description = "Suspend an instance: it keeps its inputs, in order, until resumed (dapr workflow suspend).")
final class SuspendCommand extends ControlCommand {
    @Override
    void execute() {
        request("suspend", options());
    }
}
