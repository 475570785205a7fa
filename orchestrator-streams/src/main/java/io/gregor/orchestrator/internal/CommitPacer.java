package io.gregor.orchestrator.internal;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Commits promptly when input is idle and in batches under load. A step that wrote something a
 * read_committed reader waits for marks the thread's output as waiting; once the thread has
 * processed every record its consumer delivered (the batch is done and the thread is about to
 * poll), it asks Kafka Streams for a commit. While records are still buffered, the commit waits
 * for the end of the batch, but at most {@code gap} from the first output that waits for it: then
 * the next record or a wall-clock punctuator asks for it. Steps nobody waits for (tasks that
 * workers read speculatively) only commit with Kafka Streams' own {@code commit.interval.ms}.
 *
 * <p>Why the end of the delivered batch: it is the moment the stream thread would otherwise wait
 * in poll with the output uncommitted, so committing then costs a waiting reader nothing extra
 * and covers every step of the batch. Why not a short {@code commit.interval.ms} alone: an idle
 * stream thread sees that the interval has passed only after its next poll, and it commits steps
 * nobody waits for just as often. Why not a request on every record: Kafka Streams halves the
 * records it processes between commits each time it commits, so that would shrink every batch to
 * about one record per task and bound throughput by the transaction's round trips.
 *
 * <p>How the pacer knows the batch is done: {@link DeliveredRecords}, an interceptor of the main
 * consumer, counts what each poll delivered on the stream thread, and the processors count what
 * they finished ({@link PacedProcessor}); the batch is done when nothing delivered is outstanding.
 * A record the thread never processes (its task was revoked first) would leave the count high; a
 * punctuation that finds no progress for a whole gap writes the outstanding records off, so that
 * costs promptness for a gap or two, never a commit. The write-off can also hit records that are
 * still buffered (for instance while a task waits for data on its other input partitions), so the
 * count never goes below zero: those records end their batches early, and the next poll's records
 * are counted afresh. Why that matters: a count that stayed below zero made every later record look
 * like the end of a batch, and the thread committed after every record from the first write-off on
 * (seen on {@code timers1m}: about two records a commit, 400 records a second).
 *
 * <p>A commit covers every task of the stream thread, so the pacing is per thread: one pacer
 * serves every processor running on it ({@link #perThread}). Its clock is the stream thread's
 * ({@link ProcessorContext#currentSystemTimeMs()}), which tests drive by hand.
 */
final class CommitPacer {
    /** Records the stream thread's consumer delivered, counted by {@link DeliveredRecords} on that thread. */
    private static final ThreadLocal<long[]> DELIVERED = ThreadLocal.withInitial(() -> new long[1]);

    private final Duration gap;
    /** How much of the thread's {@link #DELIVERED} count {@link #outstanding} includes. */
    private long accounted;
    private long outstanding;
    /** Only for noticing a thread that makes no progress. */
    private long processed;
    private long processedAtLastPunctuation = -1;
    private long progressSeenMs;
    private boolean pending;
    private long pendingSinceMs;

    private CommitPacer(Duration gap) {
        this.gap = gap;
        // Counted from here on: a thread's first pacer starts before its tasks get their first records.
        this.accounted = DELIVERED.get()[0];
    }

    /**
     * @param gap the longest a waiting output waits for the end of its batch before it is committed
     *            anyway, which bounds the commits of a thread that never runs out of input
     * @return one pacer per stream thread
     */
    static ThreadLocal<CommitPacer> perThread(Duration gap) {
        return ThreadLocal.withInitial(() -> new CommitPacer(gap));
    }

    /** Called on the stream thread for every poll of its main consumer. */
    static void delivered(int records) {
        DELIVERED.get()[0] += records;
    }

    /**
     * Lets the processor of {@code context} ask for what waited out the gap. The punctuator looks
     * the pacer up when it fires, so it is always the pacer of the thread that runs the task.
     */
    static void register(ThreadLocal<CommitPacer> pacers, ProcessorContext<?, ?> context) {
        context.schedule(pacers.get().gap, PunctuationType.WALL_CLOCK_TIME, now -> pacers.get().punctuate(context, now));
    }

    /**
     * The record being processed wrote output that someone reads only once it is committed.
     *
     * @param context the processor's context, for the thread's clock
     */
    void outputWaiting(ProcessorContext<?, ?> context) {
        if (!pending) {
            pending = true;
            pendingSinceMs = context.currentSystemTimeMs();
        }
    }

    /** A processor of this thread finished a record; its output may be waiting. */
    void recordProcessed(ProcessorContext<?, ?> context) {
        processed++;
        outstanding = Math.max(0, outstanding() - 1);
        if (!pending) {
            return;
        }
        if (batchDone() || waitedOutTheGap(context.currentSystemTimeMs())) {
            request(context);
        }
    }

    private void punctuate(ProcessorContext<?, ?> context, long now) {
        if (processed != processedAtLastPunctuation) {
            processedAtLastPunctuation = processed;
            progressSeenMs = now;
        } else if (now - progressSeenMs >= gap.toMillis()) {
            outstanding(); // everything delivered so far is written off
            outstanding = 0;
        }
        if (pending && (batchDone() || waitedOutTheGap(now))) {
            request(context);
        }
    }

    private boolean batchDone() {
        return outstanding() == 0;
    }

    /** The records delivered to this thread and not processed yet, as far as the pacer can tell. */
    private long outstanding() {
        long delivered = DELIVERED.get()[0];
        outstanding += delivered - accounted;
        accounted = delivered;
        return outstanding;
    }

    private boolean waitedOutTheGap(long now) {
        return now - pendingSinceMs >= gap.toMillis();
    }

    private void request(ProcessorContext<?, ?> context) {
        context.commit();
        pending = false;
    }
}
