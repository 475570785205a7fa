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
 * <p>Why not at the end of every batch under load: a commit blocks the stream thread (flushing the
 * producer, sending the offsets, ending the transaction; 7 ms a commit at seq10 with 32 in flight
 * on 2 cores, and the next transaction's first write waits on the broker until the previous one's
 * markers are written), and when a poll delivers several records at once the thread is behind its
 * input: the next poll returns at once, so committing at every batch end made commits most of the
 * thread's time (65% in one profile, 91 commits a second) and delayed every instance's next step by
 * one. So after a poll of {@link #BUSY_BATCH} or more records, a batch end commits only once
 * {@link #BUSY_SPACING} has passed since the last commit was asked for; the next batch end or
 * punctuation after that commits. A thread that gets one record at a time (one instance in flight,
 * a few) still commits at the end of each batch.
 *
 * <p>A commit covers every task of the stream thread, so the pacing is per thread: one pacer
 * serves every processor running on it ({@link #perThread}). Its clock is the stream thread's
 * ({@link ProcessorContext#currentSystemTimeMs()}), which tests drive by hand.
 */
final class CommitPacer {
    /**
     * A poll that delivered this many records shows that the thread's input arrives faster than
     * it commits: more than a few instances' inputs came in while it worked.
     */
    static final int BUSY_BATCH = 4;
    /**
     * The least time between commits asked for at batch ends while the thread is busy. Measured at
     * seq10 with 32 in flight (one run each, 100 s, last 40 s, spacing every batch end): a commit at
     * every batch end 211 workflows/s, 15 ms apart 269, 30 ms apart 234.
     */
    static final Duration BUSY_SPACING = Duration.ofMillis(15);
    /**
     * How often the punctuator looks for a commit that is due. A commit deferred for
     * {@link #BUSY_SPACING} at the end of a burst (a fan-in's results) has nothing else to ask for it
     * once the thread runs out of input: at the gap's 50 ms, a warm fan100 at one in flight took
     * 66 ms per instance, at 5 ms 22.5 ms (one run each after a 60 s warm-up), and seq10 with 32 in
     * flight did not slow down (242 against 234 workflows/s). The stream thread's poll.ms must be no
     * longer, or an idle thread sees the punctuation late.
     */
    static final Duration TICK = Duration.ofMillis(5);
    /**
     * Per stream thread, counted by {@link DeliveredRecords}: the records its consumer delivered in
     * all, and in its last poll.
     */
    private static final ThreadLocal<long[]> DELIVERED = ThreadLocal.withInitial(() -> new long[2]);

    private final Duration gap;
    private final long busySpacingMs;
    private long lastRequestMs = Long.MIN_VALUE / 2;
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
        this.busySpacingMs = Math.min(BUSY_SPACING.toMillis(), gap.toMillis());
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
        long[] delivered = DELIVERED.get();
        delivered[0] += records;
        delivered[1] = records;
    }

    /** How often the punctuator of a pacer with this gap runs: {@link #TICK}, or the gap if shorter. */
    static Duration tick(Duration gap) {
        return gap.compareTo(TICK) < 0 ? gap : TICK;
    }

    /**
     * Lets the processor of {@code context} ask for what waited out the gap. The punctuator looks
     * the pacer up when it fires, so it is always the pacer of the thread that runs the task.
     */
    static void register(ThreadLocal<CommitPacer> pacers, ProcessorContext<?, ?> context) {
        context.schedule(tick(pacers.get().gap), PunctuationType.WALL_CLOCK_TIME, now -> pacers.get().punctuate(context, now));
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
        long now = context.currentSystemTimeMs();
        if (batchDoneAndDue(now) || waitedOutTheGap(now)) {
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
        if (pending && (batchDoneAndDue(now) || waitedOutTheGap(now))) {
            request(context);
        }
    }

    private boolean batchDoneAndDue(long now) {
        return outstanding() == 0 && (DELIVERED.get()[1] < BUSY_BATCH || now - lastRequestMs >= busySpacingMs);
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
        lastRequestMs = context.currentSystemTimeMs();
        context.commit();
        pending = false;
    }
}
