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
    void anIdleThreadCommitsRightAfterTheStepSomeoneWaitsFor() {
        // given a pacer registered on a processor whose thread has not asked for a commit yet
        CommitPacer.register(pacers, context);
        context.setCurrentSystemTimeMs(T0);

        // when a step writes output a reader waits for
        pacer.outputWaiting(context);

        // then a commit is asked for at once
        assertThat(context.committed()).isTrue();
    }

    @Test
    void underLoadTheNextCommitWaitsOutTheGapAndThenCoversEverythingWrittenMeanwhile() {
        // given a commit asked for at T0
        CommitPacer.register(pacers, context);
        context.setCurrentSystemTimeMs(T0);
        pacer.outputWaiting(context);
        context.resetCommit();

        // when more steps write waited-for output within the gap
        context.setCurrentSystemTimeMs(T0 + 2);
        pacer.outputWaiting(context);
        context.setCurrentSystemTimeMs(T0 + 4);
        pacer.outputWaiting(context);

        // then no commit is asked for until the punctuator runs once the gap has passed
        assertThat(context.committed()).isFalse();
        punctuator().getPunctuator().punctuate(T0 + 4);
        assertThat(context.committed()).as("punctuated before the gap passed").isFalse();
        punctuator().getPunctuator().punctuate(T0 + 5);
        assertThat(context.committed()).isTrue();
    }

    @Test
    void thePunctuatorAsksForNothingWhenNoOutputWaits() {
        // given a registered pacer with nothing pending
        CommitPacer.register(pacers, context);

        // when its punctuator runs
        punctuator().getPunctuator().punctuate(T0);

        // then no commit is asked for
        assertThat(context.committed()).isFalse();
        assertThat(punctuator().getInterval()).isEqualTo(Duration.ofMillis(5));
        assertThat(punctuator().getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
    }

    @Test
    void theGapIsPerStreamThreadWhateverTaskTheStepBelongsTo() {
        // given two processors (two tasks) on one stream thread, sharing the thread's pacer
        MockProcessorContext<Object, Object> otherTask = new MockProcessorContext<>();
        CommitPacer.register(pacers, context);
        CommitPacer.register(pacers, otherTask);
        context.setCurrentSystemTimeMs(T0);
        otherTask.setCurrentSystemTimeMs(T0 + 1);

        // when the first task's step asks for a commit and the other's follows within the gap
        pacer.outputWaiting(context);
        pacer.outputWaiting(otherTask);

        // then the second one waits: the first commit covers both tasks anyway
        assertThat(context.committed()).isTrue();
        assertThat(otherTask.committed()).isFalse();
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

    private CapturedPunctuator punctuator() {
        assertThat(context.scheduledPunctuators()).hasSize(1);
        return context.scheduledPunctuators().getFirst();
    }
}
