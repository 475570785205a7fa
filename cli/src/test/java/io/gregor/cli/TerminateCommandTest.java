package io.gregor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The terminate verb's options, parsed without a server. */
class TerminateCommandTest {

    @Test
    void childrenAreTerminatedTooUnlessNoRecursiveIsGiven() {
        assertThat(parse("order-1").recursive).as("default, as the HTTP API's").isTrue();
        assertThat(parse("order-1", "--recursive").recursive).isTrue();
        assertThat(parse("order-1", "--no-recursive").recursive).isFalse();
    }

    private static TerminateCommand parse(String... args) {
        TerminateCommand command = new TerminateCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
