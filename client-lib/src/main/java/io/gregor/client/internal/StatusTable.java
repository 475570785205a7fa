package io.gregor.client.internal;

import io.gregor.client.WorkflowClientException;
import io.gregor.schemas.avro.WorkflowStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The latest {@link WorkflowStatus} per instance id, and the callers waiting for an instance to
 * reach some status. Updates and waiter registration share one lock, so a status that arrives
 * while a caller registers can never be missed.
 *
 * <p>Thread-safe.
 */
public final class StatusTable {

    private record Waiter(Predicate<WorkflowStatus> condition, CompletableFuture<WorkflowStatus> future) {
    }

    private final Map<String, WorkflowStatus> latest = new HashMap<>();
    private final Map<String, List<Waiter>> waiters = new HashMap<>();
    private RuntimeException failure;

    /**
     * Records a status unless the table already holds a newer one for the instance, and completes
     * the waiters whose condition it meets.
     *
     * @param instanceId the instance
     * @param status     its status as read from the topic
     * @return true if the status was taken, false if it was older than the one held
     */
    public synchronized boolean put(String instanceId, WorkflowStatus status) {
        WorkflowStatus current = latest.get(instanceId);
        if (current != null && isOlder(status, current)) {
            return false;
        }
        latest.put(instanceId, status);
        List<Waiter> pending = waiters.get(instanceId);
        if (pending != null) {
            for (Iterator<Waiter> it = pending.iterator(); it.hasNext(); ) {
                Waiter waiter = it.next();
                if (waiter.condition().test(status)) {
                    it.remove();
                    waiter.future().complete(status);
                }
            }
            if (pending.isEmpty()) {
                waiters.remove(instanceId);
            }
        }
        return true;
    }

    /**
     * Forgets an instance, as a tombstone on the compacted topic asks (the instance was purged).
     *
     * @param instanceId the instance
     */
    public synchronized void remove(String instanceId) {
        latest.remove(instanceId);
    }

    /**
     * @param instanceId the instance
     * @return its latest status, or empty if none was read
     */
    public synchronized Optional<WorkflowStatus> get(String instanceId) {
        return Optional.ofNullable(latest.get(instanceId));
    }

    /**
     * A future completed with the first status of the instance that meets the condition: the
     * current one if it does, otherwise one read later.
     *
     * @param instanceId the instance
     * @param condition  what the status must satisfy
     * @return the future; remove it with {@link #forget} if the caller stops waiting
     */
    public synchronized CompletableFuture<WorkflowStatus> when(String instanceId, Predicate<WorkflowStatus> condition) {
        WorkflowStatus current = latest.get(instanceId);
        if (current != null && condition.test(current)) {
            return CompletableFuture.completedFuture(current);
        }
        CompletableFuture<WorkflowStatus> future = new CompletableFuture<>();
        if (failure != null) {
            future.completeExceptionally(failure);
            return future;
        }
        waiters.computeIfAbsent(instanceId, id -> new ArrayList<>()).add(new Waiter(condition, future));
        return future;
    }

    /**
     * Blocks until the instance has a status that meets the condition, woken by {@link #put}
     * rather than by polling.
     *
     * @param instanceId the instance
     * @param timeout    how long to wait
     * @param condition  what the status must satisfy
     * @param what       what is awaited, for the timeout message, e.g. "to start"
     * @return the first status that met the condition
     * @throws TimeoutException        naming the instance, the timeout and the last status seen
     * @throws WorkflowClientException if the table failed or the thread was interrupted
     */
    public WorkflowStatus await(String instanceId, Duration timeout, Predicate<WorkflowStatus> condition, String what)
            throws TimeoutException {
        CompletableFuture<WorkflowStatus> arrival = when(instanceId, condition);
        try {
            return arrival.get(nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            forget(instanceId, arrival);
            String found = get(instanceId).map(s -> "it is still " + s.getStatus()).orElse("found no status for it");
            throw new TimeoutException("Expected instance " + instanceId + " " + what + " within " + timeout
                    + ", but " + found);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new WorkflowClientException("Expected to wait for instance " + instanceId + ", but found "
                    + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            forget(instanceId, arrival);
            Thread.currentThread().interrupt();
            throw new WorkflowClientException("Expected to wait for instance " + instanceId + " " + what
                    + ", but the thread was interrupted", e);
        }
    }

    private static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        // Durations beyond ~292 years do not fit in a long of nanoseconds; they mean "forever".
        return timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    /**
     * Removes a waiter that timed out, so abandoned waits do not pile up.
     *
     * @param instanceId the instance it waited for
     * @param future     the future {@link #when} returned
     */
    public synchronized void forget(String instanceId, CompletableFuture<WorkflowStatus> future) {
        List<Waiter> pending = waiters.get(instanceId);
        if (pending != null) {
            pending.removeIf(w -> w.future() == future);
            if (pending.isEmpty()) {
                waiters.remove(instanceId);
            }
        }
    }

    /**
     * Fails every waiter, now and later: the table will not be updated any more.
     *
     * @param cause why
     */
    public synchronized void fail(RuntimeException cause) {
        failure = cause;
        waiters.values().forEach(list -> list.forEach(w -> w.future().completeExceptionally(cause)));
        waiters.clear();
    }

    /** @return the number of instances held */
    public synchronized int size() {
        return latest.size();
    }

    /**
     * Whether a status read later is older than the one held. The topic's order per key is
     * normally the truth; this guards against a record written late by a fenced or lagging
     * writer. Records of one run ({@code createdAt} equal) with the same {@code updatedAt} are
     * ordered by history length; a different run (continue-as-new, a restart after purge) with
     * the same {@code updatedAt} follows topic order.
     *
     * @param candidate the status just read
     * @param current   the status held
     * @return true if {@code candidate} must not replace {@code current}
     */
    static boolean isOlder(WorkflowStatus candidate, WorkflowStatus current) {
        int byUpdate = candidate.getUpdatedAt().compareTo(current.getUpdatedAt());
        if (byUpdate != 0) {
            return byUpdate < 0;
        }
        return candidate.getCreatedAt().equals(current.getCreatedAt())
                && candidate.getHistoryLength() < current.getHistoryLength();
    }
}
