package io.gregor.orchestrator.internal;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Commits promptly when input is idle and in batches under load. A step that wrote something a
 * read_committed reader waits for asks Kafka Streams for a commit right after the record, unless
 * the thread asked less than {@code gap} ago; then a wall-clock punctuator asks once the gap has
 * passed, and everything written in between rides along. Steps nobody waits for (tasks that
 * workers read speculatively) only commit with Kafka Streams' own {@code commit.interval.ms}.
 *
 * <p>Why not a short {@code commit.interval.ms} alone: an idle stream thread sees that the
 * interval has passed only after its next poll, and it commits steps nobody waits for just as
 * often; every commit blocks the stream thread, so a result that arrives meanwhile waits too. Why
 * not a request on every record: Kafka Streams halves the records it processes between commits
 * each time it commits, so that would shrink every batch to about one record per task and bound
 * throughput by the transaction's round trips.
 *
 * <p>A commit covers every task of the stream thread, so the pacing is per thread: one pacer
 * serves every processor running on it ({@link #perThread}). Its clock is the stream thread's
 * ({@link ProcessorContext#currentSystemTimeMs()}), which tests drive by hand.
 */
final class CommitPacer {
    private final Duration gap;
    private long lastRequestMs = Long.MIN_VALUE / 2;
    private boolean pending;

    private CommitPacer(Duration gap) {
        this.gap = gap;
    }

    /**
     * @param gap the least time between two requested commits
     * @return one pacer per stream thread
     */
    static ThreadLocal<CommitPacer> perThread(Duration gap) {
        return ThreadLocal.withInitial(() -> new CommitPacer(gap));
    }

    /**
     * Lets the processor of {@code context} ask for what waited out the gap. The punctuator looks
     * the pacer up when it fires, so it is always the pacer of the thread that runs the task.
     */
    static void register(ThreadLocal<CommitPacer> pacers, ProcessorContext<?, ?> context) {
        context.schedule(pacers.get().gap, PunctuationType.WALL_CLOCK_TIME, now -> pacers.get().punctuate(context, now));
    }

    private void punctuate(ProcessorContext<?, ?> context, long now) {
        if (pending) {
            request(context, now);
        }
    }

    /** The record being processed wrote output that someone reads only once it is committed. */
    void outputWaiting(ProcessorContext<?, ?> context) {
        request(context, context.currentSystemTimeMs());
    }

    private void request(ProcessorContext<?, ?> context, long now) {
        if (now - lastRequestMs >= gap.toMillis()) {
            context.commit();
            lastRequestMs = now;
            pending = false;
        } else {
            pending = true;
        }
    }
}
