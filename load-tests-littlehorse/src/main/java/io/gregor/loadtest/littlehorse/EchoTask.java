package io.gregor.loadtest.littlehorse;

import io.littlehorse.sdk.worker.LHTaskMethod;

/**
 * The no-op task of every LittleHorse scenario, the twin of Gregor's {@code EchoActivity}:
 * returns its input (a step or item index). Public because LittleHorse's worker calls it by
 * reflection.
 */
public final class EchoTask {
    /** The TaskDef's name. */
    public static final String NAME = "gregor-loadtest-echo";

    /**
     * @param step the step or item index
     * @return the same
     */
    @LHTaskMethod(NAME)
    public long echo(long step) {
        return step;
    }
}
