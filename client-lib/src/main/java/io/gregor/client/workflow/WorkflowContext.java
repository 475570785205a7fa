package io.gregor.client.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * What workflow code uses to do anything durable. Every method is deterministic: during replay it
 * returns what it returned the first time, from the instance's history.
 *
 * <p>Methods must be called from the workflow's own thread (the one running
 * {@link Workflow#run}), not from threads the code starts.
 */
public interface WorkflowContext {

    /** @return the id of this workflow instance */
    String getInstanceId();

    /** @return the registered name of this workflow */
    String getName();

    /**
     * The workflow's input, converted to the given type.
     *
     * @param type the input type (JSON-mapped by default)
     * @param <T>  the input type
     * @return the input, or null if none was given
     */
    <T> T getInput(Class<T> type);

    /**
     * The current time of the workflow: the time the event being processed was recorded. It is
     * the same on every replay; never read the system clock in workflow code.
     *
     * @return the deterministic current time
     */
    Instant getCurrentInstant();

    /**
     * A UUID that is the same on every replay of this instance (name-based, from the instance id,
     * the current time and a counter).
     *
     * @return a deterministic UUID
     */
    UUID newUuid();

    /** @return true while the code is re-executing events already in the history */
    boolean isReplaying();

    /** @return a logger that stays silent while the code is replaying, so each line is logged once */
    Logger getLogger();

    /**
     * Whether this instance runs the new code of a change, so that workflow code can change while
     * instances are in flight. Guard the change with it:
     *
     * <pre>{@code
     * if (ctx.isPatched("send-receipt")) {
     *     ctx.callActivity("SendReceipt", order).await();   // the new step
     * }
     * }</pre>
     *
     * <p>An instance that reached this point before the change was deployed replays the old
     * branch ({@code false}); every other instance takes the new one ({@code true}) and records
     * that in its history, so it answers {@code true} on every replay. Within one run the answer
     * for a change id never changes. Once no instance that ran the old code is left (completed
     * and purged), the guard can be removed, keeping the new branch: the recorded patch needs no
     * code to match it.
     *
     * @param changeId names the change; unique within the workflow, never reused for another change
     * @return true to run the new code, false to run the code the instance ran before
     */
    boolean isPatched(String changeId);

    /**
     * Sets a small, queryable status (converted to JSON), e.g. progress for a dashboard.
     *
     * @param status the new custom status, or null to clear it
     */
    void setCustomStatus(Object status);

    /**
     * Schedules an activity with a single attempt.
     *
     * @param name       the activity's registered name
     * @param input      its input, or null
     * @param resultType the type of its result ({@code Void.class} for none)
     * @param <T>        the type of the result
     * @return the activity's task
     */
    default <T> Task<T> callActivity(String name, Object input, Class<T> resultType) {
        return callActivity(name, input, null, resultType);
    }

    /**
     * Schedules an activity whose result is not needed.
     *
     * @param name  the activity's registered name
     * @param input its input, or null
     * @return the activity's task
     */
    default Task<Void> callActivity(String name, Object input) {
        return callActivity(name, input, null, Void.class);
    }

    /**
     * Schedules an activity.
     *
     * @param name       the activity's registered name
     * @param input      its input, or null
     * @param options    retry options, or null for a single attempt
     * @param resultType the type of its result ({@code Void.class} for none)
     * @param <T>        the type of the result
     * @return a task that completes with the result of the first successful attempt, or fails
     *         with the last failure once retries are exhausted
     */
    <T> Task<T> callActivity(String name, Object input, TaskOptions options, Class<T> resultType);

    /**
     * A durable timer: survives restarts, fires after the duration (measured in workflow time).
     *
     * @param delay how long to wait; zero or negative fires at once
     * @return a task that completes when the timer fires
     */
    Task<Void> createTimer(Duration delay);

    /**
     * A durable timer that fires at a point in time.
     *
     * @param fireAt when to fire
     * @return a task that completes when the timer fires
     */
    Task<Void> createTimer(Instant fireAt);

    /**
     * Waits for an external event with no timeout. Events raised before the wait are buffered
     * and delivered in order; names compare case-insensitively.
     *
     * @param name the event's name
     * @param type the type of its payload
     * @param <T>  the type of the payload
     * @return a task that completes with the event's payload
     */
    <T> Task<T> waitForExternalEvent(String name, Class<T> type);

    /**
     * Waits for an external event for at most {@code timeout}.
     *
     * @param name    the event's name
     * @param timeout how long to wait; zero means only an already buffered event is taken
     * @param type    the type of its payload
     * @param <T>     the type of the payload
     * @return a task that completes with the payload, or fails with {@link TaskCanceledException}
     *         when the timeout passes first
     */
    <T> Task<T> waitForExternalEvent(String name, Duration timeout, Class<T> type);

    /**
     * A task that completes when all the given tasks completed, with their results in order. If
     * any failed, it fails (after all completed) with a {@link CompositeTaskFailedException}.
     *
     * @param tasks the tasks to join
     * @param <T>   the type of their results
     * @return the joined task
     */
    <T> Task<List<T>> allOf(List<? extends Task<T>> tasks);

    /**
     * A task that completes as soon as any of the given tasks completes (successfully or not),
     * with that task as its result.
     *
     * @param tasks the tasks to race
     * @return the task of the first finished task
     */
    Task<Task<?>> anyOf(List<? extends Task<?>> tasks);

    /**
     * Varargs form of {@link #anyOf(List)}.
     *
     * @param tasks the tasks to race
     * @return the task of the first finished task
     */
    default Task<Task<?>> anyOf(Task<?>... tasks) {
        return anyOf(List.of(tasks));
    }

    /**
     * Starts a child workflow with default options (derived id, single attempt, terminated if
     * this workflow ends first). The child may run on another orchestrator; its start and its end
     * travel through Kafka.
     *
     * @param name       the child's registered workflow name
     * @param input      its input, or null
     * @param resultType the type of its output ({@code Void.class} for none)
     * @param <T>        the type of the output
     * @return a task that completes with the child's output, or fails with {@link TaskFailedException}
     *         carrying the child's failure details
     */
    default <T> Task<T> callChildWorkflow(String name, Object input, Class<T> resultType) {
        return callChildWorkflow(name, input, null, resultType);
    }

    /**
     * Starts a child workflow.
     *
     * @param name       the child's registered workflow name
     * @param input      its input, or null
     * @param options    instance id, retry and parent-close policy, or null for the defaults
     * @param resultType the type of its output ({@code Void.class} for none)
     * @param <T>        the type of the output
     * @return a task that completes with the output of the first successful attempt, or fails with
     *         {@link TaskFailedException} carrying the last attempt's failure (a terminated child fails too)
     */
    <T> Task<T> callChildWorkflow(String name, Object input, ChildWorkflowOptions options, Class<T> resultType);

    /**
     * Ends this generation of the instance and starts the next one under the same id with a fresh
     * history and {@code newInput}; events that arrived and were not consumed are carried over.
     * Does not return: the code of this generation stops here. Use it for eternal workflows, so
     * the history stays bounded by one generation.
     *
     * @param newInput the next generation's input, or null
     */
    default void continueAsNew(Object newInput) {
        continueAsNew(newInput, true);
    }

    /**
     * As {@link #continueAsNew(Object)}.
     *
     * @param newInput              the next generation's input, or null
     * @param keepUnprocessedEvents whether events no code consumed are delivered to the next generation
     */
    void continueAsNew(Object newInput, boolean keepUnprocessedEvents);
}
