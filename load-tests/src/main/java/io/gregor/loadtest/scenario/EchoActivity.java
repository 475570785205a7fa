package io.gregor.loadtest.scenario;

import io.gregor.worker.Activity;
import io.gregor.worker.ActivityContext;

/**
 * The no-op activity of every scenario: returns its input (a step index). It tells the
 * {@link StepClock} when a step starts running, which is how {@code longhist} measures the time
 * of each step without changing what the engine does.
 */
public final class EchoActivity implements Activity {
    /** The name the workflows call it by. */
    public static final String NAME = "Echo";

    private final StepClock clock;

    /** @param clock told when each step starts; {@link StepClock#NONE} when no scenario needs it */
    public EchoActivity(StepClock clock) {
        this.clock = clock;
    }

    @Override
    public Object run(ActivityContext ctx) {
        Integer step = ctx.getInput(Integer.class);
        if (step != null) {
            clock.stepStarted(ctx.getInstanceId(), step);
        }
        return step;
    }
}
