package io.gregor.testing;

import io.gregor.client.workflow.RetryPolicy;
import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.TaskOptions;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Small workflows for the kit's own tests. */
final class TestWorkflows {
    /** The activity most of them call. */
    static final String GREET = "Greet";
    /** Three attempts, the first retry a minute after the first failure. */
    static final RetryPolicy THREE_ATTEMPTS = RetryPolicy.of(3, Duration.ofMinutes(1));

    private TestWorkflows() {
    }

    /** Sleeps 30 days, then answers the time it woke up at. */
    static final class Sleeper implements Workflow {
        static final Duration SLEEP = Duration.ofDays(30);

        @Override
        public Object run(WorkflowContext ctx) {
            ctx.setCustomStatus("sleeping");
            ctx.createTimer(SLEEP).await();
            ctx.setCustomStatus("awake");
            return ctx.getCurrentInstant().toString();
        }
    }

    /** Runs a Sleeper as its child and answers what it answered. */
    static final class Parent implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            return "child woke at " + ctx.callChildWorkflow("Sleeper", null, String.class).await();
        }
    }

    /** Waits for the event "go" (no timeout) and greets its data. */
    static final class Waiter implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            String who = ctx.waitForExternalEvent("go", String.class).await();
            return ctx.callActivity(GREET, who, String.class).await();
        }
    }

    /** Calls Greet with "first" and "second" at once and answers the output of the first to complete. */
    static final class Race implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            Task<String> first = ctx.callActivity(GREET, "first", String.class);
            Task<String> second = ctx.callActivity(GREET, "second", String.class);
            return ctx.anyOf(first, second).await() == first ? first.await() : second.await();
        }
    }

    /** Greets its input with up to three attempts. */
    static final class RetryingGreeter implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            return ctx.callActivity(GREET, ctx.getInput(String.class), TaskOptions.withRetryPolicy(THREE_ATTEMPTS), String.class).await();
        }
    }

    /** Greets its input twice in a row, the second time after an hour. */
    static final class TwoGreetings implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            String name = ctx.getInput(String.class);
            String first = ctx.callActivity(GREET, name, String.class).await();
            ctx.createTimer(Duration.ofHours(1)).await();
            return first + " / " + ctx.callActivity(GREET, name.toUpperCase(), String.class).await();
        }
    }

    /** Greets twice where the change "greet-twice" is patched in, once where the instance ran the old code. */
    static final class Patched implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            String once = ctx.callActivity(GREET, ctx.getInput(String.class), String.class).await();
            if (ctx.isPatched("greet-twice")) {
                return once + " " + ctx.callActivity(GREET, "again", String.class).await();
            }
            return once;
        }
    }

    /** Not deterministic: each run of the code calls the next of "Step-1", "Step-2", ..., then sleeps and calls it again. */
    static final class Counting implements Workflow {
        static final AtomicInteger RUNS = new AtomicInteger();

        @Override
        public Object run(WorkflowContext ctx) {
            String step = "Step-" + RUNS.incrementAndGet();
            ctx.callActivity(step, null).await();
            ctx.createTimer(Duration.ofMinutes(1)).await();
            return ctx.callActivity(step, null, String.class).await();
        }
    }

    /** TwoGreetings changed without a patch: the hour's timer became a day's. */
    static final class TwoGreetingsChanged implements Workflow {
        @Override
        public Object run(WorkflowContext ctx) {
            String name = ctx.getInput(String.class);
            String first = ctx.callActivity(GREET, name, String.class).await();
            ctx.createTimer(Duration.ofDays(1)).await();
            return first + " / " + ctx.callActivity(GREET, name.toUpperCase(), String.class).await();
        }
    }
}
