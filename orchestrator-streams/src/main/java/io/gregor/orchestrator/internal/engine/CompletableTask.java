package io.gregor.orchestrator.internal.engine;

import io.gregor.client.workflow.Task;
import io.gregor.schemas.avro.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A task completed by history events. Only the engine thread or the (single) workflow thread
 * touch it, never both at once, so it needs no locking; callbacks run synchronously in
 * registration order, which keeps the commands they issue in a reproducible order.
 */
final class CompletableTask<T> implements Task<T> {
    private final WorkflowExecution execution;
    private boolean done;
    private T value;
    private RuntimeException failure;
    private List<Runnable> callbacks;
    /** Set on the task {@code createTimer} returns, so combinators can give the timer up. */
    WorkflowExecution.TimerRef timer;
    /** Set on a failed activity attempt to the heartbeat details its failure recorded, for the next attempt. */
    Payload heartbeatDetails;
    /** The sequence id of the command that created it (an activity attempt, a child, a timer); -1 for other tasks. */
    int sequenceId = -1;
    /** Stops what the task waits for when the code cancels it; null if nothing needs stopping. */
    Runnable canceller;

    CompletableTask(WorkflowExecution execution) {
        this.execution = execution;
    }

    @Override
    public T await() {
        execution.awaitTask(this);
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public boolean isFailed() {
        return failure != null;
    }

    @Override
    public boolean cancel() {
        return execution.cancel(this);
    }

    T value() {
        return value;
    }

    RuntimeException failure() {
        return failure;
    }

    void complete(T result) {
        if (!done) {
            done = true;
            value = result;
            fire();
        }
    }

    void fail(RuntimeException error) {
        if (!done) {
            done = true;
            failure = error;
            fire();
        }
    }

    void onDone(Runnable callback) {
        if (done) {
            callback.run();
            return;
        }
        if (callbacks == null) {
            callbacks = new ArrayList<>(2);
        }
        callbacks.add(callback);
    }

    <R> CompletableTask<R> map(Function<? super T, ? extends R> mapper) {
        CompletableTask<R> mapped = new CompletableTask<>(execution);
        mapped.canceller = this::cancel;
        onDone(() -> {
            if (failure != null) {
                mapped.fail(failure);
                return;
            }
            R result;
            try {
                result = mapper.apply(value);
            } catch (RuntimeException e) {
                mapped.fail(e);
                return;
            }
            mapped.complete(result);
        });
        return mapped;
    }

    private void fire() {
        if (callbacks != null) {
            List<Runnable> pending = callbacks;
            callbacks = null;
            pending.forEach(Runnable::run);
        }
    }
}
