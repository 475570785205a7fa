package io.gregor.orchestrator.internal.engine;

import io.gregor.client.workflow.CompositeTaskFailedException;
import io.gregor.client.workflow.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * allOf and anyOf over tasks of one execution. They join through completion callbacks, which run
 * in the order the history completes the tasks, so the joined result is the same on every replay.
 * They tell the execution which timers they wait on, so that an anyOf's losing timer is cancelled
 * once nothing waits for it ({@link WorkflowExecution#released}).
 */
final class TaskCombinators {
    private TaskCombinators() {
    }

    static <T> Task<List<T>> allOf(WorkflowExecution execution, List<? extends Task<T>> tasks) {
        CompletableTask<List<T>> all = new CompletableTask<>(execution);
        if (tasks.isEmpty()) {
            all.complete(List.of());
            return all;
        }
        int[] remaining = {tasks.size()};
        all.canceller = () -> cancelEach(tasks);
        tasks.forEach(task -> execution.combined(own(task)));
        for (Task<T> task : tasks) {
            own(task).onDone(() -> {
                if (--remaining[0] == 0) {
                    tasks.forEach(t -> execution.released(own(t)));
                    join(all, tasks);
                }
            });
        }
        return all;
    }

    /** Completes {@code all} once every task is done: their results in order, or every failure. */
    private static <T> void join(CompletableTask<List<T>> all, List<? extends Task<T>> tasks) {
        List<T> results = new ArrayList<>(tasks.size());
        List<RuntimeException> failures = new ArrayList<>();
        for (Task<T> t : tasks) {
            CompletableTask<T> c = own(t);
            if (c.isFailed()) {
                failures.add(c.failure());
            } else {
                results.add(c.value());
            }
        }
        if (failures.isEmpty()) {
            all.complete(results);
        } else {
            all.fail(new CompositeTaskFailedException(tasks.size(), failures));
        }
    }

    static Task<Task<?>> anyOf(WorkflowExecution execution, String instanceId, List<? extends Task<?>> tasks) {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("Expected at least one task for anyOf, but found none (instance " + instanceId + ")");
        }
        CompletableTask<Task<?>> first = new CompletableTask<>(execution);
        first.canceller = () -> cancelEach(tasks);
        // Every task is counted before any callback runs: one may be done already and complete the race at once.
        tasks.forEach(task -> execution.combined(own(task)));
        for (Task<?> task : tasks) {
            own(task).onDone(() -> {
                if (!first.isDone()) {
                    // The losers' timers nobody else waits for are cancelled, so an idle instance leaves none behind.
                    tasks.forEach(t -> execution.released(own(t)));
                    first.complete(task);
                }
            });
        }
        return first;
    }

    /** A combinator the code cancels cancels what it waits on; the tasks already done stay as they are. */
    private static void cancelEach(List<? extends Task<?>> tasks) {
        tasks.forEach(task -> own(task).cancel());
    }

    private static <T> CompletableTask<T> own(Task<T> task) {
        if (task instanceof CompletableTask<T> c) {
            return c;
        }
        throw new IllegalArgumentException("Expected a task created by this workflow context, but found "
                + (task == null ? "null" : task.getClass().getName()));
    }
}
