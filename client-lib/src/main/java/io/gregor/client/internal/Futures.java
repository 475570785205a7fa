package io.gregor.client.internal;

import io.gregor.client.WorkflowClientException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * The two moves between the client's futures and its callers. The futures of the client complete
 * exceptionally with the {@link WorkflowClientException} itself, not wrapped in a
 * {@link CompletionException} as {@code thenApply} or {@code thenCompose} would wrap it, so that a
 * caller's {@code exceptionally} or {@code whenComplete} sees the client's message first hand.
 */
public final class Futures {

    private Futures() {
    }

    /**
     * Maps a future's value, passing its failure on as it is.
     *
     * @param future   the source
     * @param function applied to its value (on the thread that completes the source); must not throw
     * @param <T>      the source's value
     * @param <R>      the result's value
     * @return completed with the function's result, or exceptionally with the source's own exception
     */
    public static <T, R> CompletableFuture<R> map(CompletableFuture<T> future, Function<? super T, ? extends R> function) {
        CompletableFuture<R> mapped = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure == null) {
                mapped.complete(function.apply(value));
            } else {
                mapped.completeExceptionally(unwrap(failure));
            }
        });
        return mapped;
    }

    /**
     * Waits for a write (or several combined), as the synchronous methods do: the future's own
     * {@link WorkflowClientException} (or other unchecked exception) is thrown as it is.
     *
     * @param write a future of the client's writes
     * @param what  what is written and where, for the message if the wait is interrupted
     * @param <T>   the future's value
     * @return the future's value
     * @throws WorkflowClientException if the write failed, or the waiting thread was interrupted
     */
    public static <T> T await(CompletableFuture<T> write, String what) {
        try {
            return write.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkflowClientException("Expected to write " + what
                    + ", but the thread was interrupted (the record may still be written)", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new WorkflowClientException("Expected to write " + what + ", but found " + e.getCause(), e.getCause());
        }
    }

    /**
     * @param failure an exception a future completed with, maybe wrapped by a dependent stage
     * @return the exception inside a {@link CompletionException}, else the exception itself
     */
    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
