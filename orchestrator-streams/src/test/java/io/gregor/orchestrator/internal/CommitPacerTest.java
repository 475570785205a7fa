package io.gregor.orchestrator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.junit.jupiter.api.Test;

class CommitPacerTest {
    private static final long T0 = 1_000_000L;

    private final ThreadLocal<CommitPacer> pacers = CommitPacer.perThread(Duration.ofMillis(5));
    private final CommitPacer pacer = pacers.get();
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

    @Test
    void aStepSomeoneWaitsForCommitsRightAwayWhenItWasTheLastRecordDelivered() {
        // given a registered pacer whose thread's poll delivered one record
        register(context);
        context.setCurrentSystemTimeMs(T0);
        CommitPacer.delivered(1);

        // when that record writes output a reader waits for
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);

        // then a commit is asked for at once
        assertThat(context.committed()).isTrue();
    }

    @Test
    void whileRecordsAreBufferedTheCommitWaitsForTheEndOfTheBatch() {
        // given a poll that delivered three records
        register(context);
        context.setCurrentSystemTimeMs(T0);
        CommitPacer.delivered(3);

        // when the first writes waited-for output and the others do not
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);
        assertThat(context.committed()).as("after the first of three").isFalse();
        pacer.recordProcessed(context);
        assertThat(context.committed()).as("after the second of three").isFalse();
        pacer.recordProcessed(context);

        // then one commit is asked for, after the last
        assertThat(context.committed()).isTrue();
    }

    @Test
    void aThreadThatNeverRunsOutOfInputCommitsOnceTheFirstWaitingOutputWaitedOutTheGap() {
        // given a backlog far longer than one gap of processing
        register(context);
        context.setCurrentSystemTimeMs(T0);
        CommitPacer.delivered(1_000);
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);

        // when records keep coming within the gap
        context.setCurrentSystemTimeMs(T0 + 4);
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);
        assertThat(context.committed()).as("within the gap").isFalse();
        context.setCurrentSystemTimeMs(T0 + 5);
        pacer.recordProcessed(context);

        // then the record that ends the gap asks for the commit, and the gap restarts from the next waiting output
        assertThat(context.committed()).isTrue();
        context.resetCommit();
        context.setCurrentSystemTimeMs(T0 + 6);
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);
        assertThat(context.committed()).as("a new gap").isFalse();
    }

    @Test
    void aBusyThreadCommitsAtABatchEndOnlyOnceTheSpacingHasPassedSinceItsLastCommit() {
        // given a thread that just committed, then polled a busy batch
        register(context);
        context.setCurrentSystemTimeMs(T0);
        commitOneRecordBatch();
        CommitPacer.delivered(CommitPacer.BUSY_BATCH);

        // when the batch ends with waiting output before the spacing has passed
        context.setCurrentSystemTimeMs(T0 + 2);
        pacer.outputWaiting(context);
        processRecords(CommitPacer.BUSY_BATCH);

        // then no commit is asked for until a batch end after the spacing
        assertThat(context.committed()).as("a batch end within the spacing").isFalse();
        CommitPacer.delivered(CommitPacer.BUSY_BATCH);
        context.setCurrentSystemTimeMs(T0 + 5);
        processRecords(CommitPacer.BUSY_BATCH);
        assertThat(context.committed()).isTrue();
    }

    @Test
    void aBusyThreadsDeferredCommitIsAskedForByThePunctuatorWhenNoMoreInputComes() {
        // given a busy batch whose waiting output was deferred right after a commit
        register(context);
        context.setCurrentSystemTimeMs(T0);
        commitOneRecordBatch();
        CommitPacer.delivered(CommitPacer.BUSY_BATCH);
        pacer.outputWaiting(context);
        processRecords(CommitPacer.BUSY_BATCH);
        assertThat(context.committed()).as("deferred").isFalse();

        // when the punctuator runs once the spacing has passed
        punctuator().getPunctuator().punctuate(T0 + 5);

        // then it asks for the commit, and it runs often enough to do that a few milliseconds late at most
        assertThat(context.committed()).isTrue();
        assertThat(punctuator().getInterval()).isEqualTo(CommitPacer.TICK).isLessThan(CommitPacer.BUSY_SPACING);
    }

    @Test
    void aGapShorterThanTheTickIsThePunctuationInterval() {
        assertThat(CommitPacer.tick(Duration.ofMillis(2))).isEqualTo(Duration.ofMillis(2));
        assertThat(CommitPacer.tick(Duration.ofMillis(50))).isEqualTo(CommitPacer.TICK);
    }

    @Test
    void aThreadPolledFewerRecordsThanABusyBatchCommitsAtEveryBatchEnd() {
        // given a thread that just committed
        register(context);
        context.setCurrentSystemTimeMs(T0);
        commitOneRecordBatch();

        // when its next poll delivers fewer records than a busy batch, the last writing waited-for output
        CommitPacer.delivered(CommitPacer.BUSY_BATCH - 1);
        context.setCurrentSystemTimeMs(T0 + 1);
        processRecords(CommitPacer.BUSY_BATCH - 2);
        pacer.outputWaiting(context);
        processRecords(1);

        // then the batch end asks for a commit at once
        assertThat(context.committed()).isTrue();
    }

    @Test
    void thePunctuatorCommitsWhatWaitedOutTheGapWhenNoRecordComes() {
        // given waiting output in a batch that has not ended
        register(context);
        context.setCurrentSystemTimeMs(T0);
        CommitPacer.delivered(2);
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);

        // when the punctuator runs before and after the gap
        punctuator().getPunctuator().punctuate(T0 + 4);
        assertThat(context.committed()).as("punctuated within the gap").isFalse();
        punctuator().getPunctuator().punctuate(T0 + 5);

        // then the second asks for the commit
        assertThat(context.committed()).isTrue();
    }

    @Test
    void aDeliveredRecordThatIsNeverProcessedCostsPromptnessForAWhileButNeverTheCommit() {
        // given a poll that delivered two records of which only one is processed (its task was revoked, say)
        register(context);
        context.setCurrentSystemTimeMs(T0);
        CommitPacer.delivered(2);
        pacer.recordProcessed(context);

        // when the thread makes no progress for a gap, and then one more record comes and writes waited-for output
        punctuator().getPunctuator().punctuate(T0 + 1);
        punctuator().getPunctuator().punctuate(T0 + 6);
        CommitPacer.delivered(1);
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);

        // then the count was reset: that record ends its batch and commits at once
        assertThat(context.committed()).isTrue();
    }

    @Test
    void writingOffRecordsThatWereStillBufferedDoesNotEndLaterBatchesEarly() {
        // given a poll of three records of which one is processed, then no progress for a gap with two
        // still buffered (their task waits for data on its other partitions, say): they are written off
        register(context);
        context.setCurrentSystemTimeMs(T0);
        CommitPacer.delivered(3);
        pacer.recordProcessed(context);
        punctuator().getPunctuator().punctuate(T0 + 1);
        punctuator().getPunctuator().punctuate(T0 + 6);

        // when the two are processed after all, and the next poll delivers three whose first writes waited-for output
        pacer.recordProcessed(context);
        pacer.recordProcessed(context);
        CommitPacer.delivered(3);
        context.setCurrentSystemTimeMs(T0 + 7);
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);

        // then the commit still waits for the end of that batch
        assertThat(context.committed()).as("after the first of the new three").isFalse();
        pacer.recordProcessed(context);
        pacer.recordProcessed(context);
        assertThat(context.committed()).isTrue();
    }

    @Test
    void nothingWaitingMeansNoCommitIsAskedFor() {
        // given a registered pacer and a batch of records nobody waits for
        register(context);
        CommitPacer.delivered(2);
        pacer.recordProcessed(context);
        pacer.recordProcessed(context);

        // when its punctuator runs
        punctuator().getPunctuator().punctuate(T0);

        // then no commit is asked for
        assertThat(context.committed()).isFalse();
        assertThat(punctuator().getInterval()).isEqualTo(Duration.ofMillis(5));
        assertThat(punctuator().getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
    }

    @Test
    void theBatchIsTheStreamThreadsWhateverTaskItsRecordsBelongTo() {
        // given two processors (two tasks) on one stream thread, sharing the thread's pacer, and a poll with a record for each
        MockProcessorContext<Object, Object> otherTask = new MockProcessorContext<>();
        register(context);
        register(otherTask);
        context.setCurrentSystemTimeMs(T0);
        otherTask.setCurrentSystemTimeMs(T0 + 1);
        CommitPacer.delivered(2);

        // when the first task's record writes waited-for output and the other task's record follows
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);
        pacer.recordProcessed(otherTask);

        // then the commit is asked for once, after the thread's last record: it covers both tasks anyway
        assertThat(context.committed()).isFalse();
        assertThat(otherTask.committed()).isTrue();
    }

    @Test
    void eachStreamThreadHasItsOwnPacer() throws InterruptedException {
        ThreadLocal<CommitPacer> pacers = CommitPacer.perThread(Duration.ofMillis(5));
        CommitPacer[] other = new CommitPacer[1];
        Thread thread = new Thread(() -> other[0] = pacers.get());
        thread.start();
        thread.join();

        assertThat(pacers.get()).isSameAs(pacers.get()).isNotSameAs(other[0]);
    }

    /** One record that waited-for output, its commit asked for, then forgotten by the context. */
    private void commitOneRecordBatch() {
        CommitPacer.delivered(1);
        pacer.outputWaiting(context);
        pacer.recordProcessed(context);
        assertThat(context.committed()).as("the first commit").isTrue();
        context.resetCommit();
    }

    private void processRecords(int count) {
        for (int i = 0; i < count; i++) {
            pacer.recordProcessed(context);
        }
    }

    private void register(MockProcessorContext<Object, Object> task) {
        CommitPacer.register(pacers, task);
    }

    private CapturedPunctuator punctuator() {
        assertThat(context.scheduledPunctuators()).hasSize(1);
        return context.scheduledPunctuators().getFirst();
    }
}
