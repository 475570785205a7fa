package io.gregor.cli;

import picocli.CommandLine.Command;

/** {@code gregor resume ID}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a suspended instance (dapr workflow resume).")
final class ResumeCommand extends ControlCommand {
    @Override
    void execute() {
        request("resume", options());
    }
}
