package io.gregor.cli;

/** The exit codes of {@code gregor}, as docs/cli.md lists them. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The server refused the request: no such instance, a conflict, or input it rejected (a 4xx answer). */
    public static final int REFUSED = 1;
    /** The command line is wrong: an unknown verb or option, a missing argument, or a value that does not parse. */
    public static final int USAGE = 2;
    /** No usable answer from the server: it cannot be reached, timed out, or answered 5xx (e.g. 503 while rebalancing). */
    public static final int UNAVAILABLE = 3;

    private ExitCodes() {
    }
}
