package io.gregor.orchestrator.internal.engine;

import static io.gregor.orchestrator.internal.engine.History.JSON;
import static io.gregor.orchestrator.internal.engine.History.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gregor.client.workflow.Workflow;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.WorkflowStarted;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which thread runs workflow code: a virtual thread's toString names the carrier it is mounted on. */
class WorkflowCarrierTest {
    private static final long T0 = 1_700_000_000_000L;
    private final List<WorkflowExecution> executions = new CopyOnWriteArrayList<>();

    @AfterEach
    void destroyExecutions() {
        executions.forEach(WorkflowExecution::destroy);
    }

    private WorkflowExecution execution(Workflow workflow, WorkflowCarrier carrier, Duration yieldTimeout) {
        WorkflowExecution e = new WorkflowExecution("wf-c", 0, "Test", workflow, JSON, yieldTimeout, carrier);
        executions.add(e);
        return e;
    }

    @Test
    void theBuildsJvmAllowsInlineCode() {
        assumeTrue(Runtime.version().feature() >= 24, "inline needs Java 24+");
        // Fails if the surefire argLine loses its --add-opens: every other test would then silently run on the pool.
        assertThat(WorkflowCarrier.inlineUnavailableReason()).isNull();
        assertThat(WorkflowCarrier.choose(true)).isEqualTo(WorkflowCarrier.INLINE);
        assertThat(WorkflowCarrier.choose(false)).isEqualTo(WorkflowCarrier.POOL);
    }

    @Test
    void inlineCodeRunsOnTheThreadThatFeedsItsEvents() {
        assumeTrue(WorkflowCarrier.choose(true) == WorkflowCarrier.INLINE, "inline is unavailable here");
        List<String> carriers = new CopyOnWriteArrayList<>();
        WorkflowExecution e = execution(ctx -> {
            carriers.add(Thread.currentThread().toString());
            ctx.callActivity("A", 1, String.class).await();
            carriers.add(Thread.currentThread().toString());
            return "done";
        }, WorkflowCarrier.INLINE, Duration.ofSeconds(10));

        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));
        e.apply(List.of(input(T0 + 1, new TaskCompleted(0, JSON.serialize("a")))));

        assertThat(e.isEnded()).isTrue();
        assertThat(carriers).hasSize(2).allSatisfy(c -> assertThat(c).endsWith("@" + Thread.currentThread().getName()));
    }

    @Test
    void poolCodeRunsOnAnotherThread() {
        List<String> carriers = new CopyOnWriteArrayList<>();
        WorkflowExecution e = execution(ctx -> {
            carriers.add(Thread.currentThread().toString());
            return "done";
        }, WorkflowCarrier.POOL, Duration.ofSeconds(10));

        e.apply(List.of(input(T0, new WorkflowStarted("Test", null))));

        assertThat(carriers).singleElement().satisfies(c -> assertThat(c).doesNotEndWith("@" + Thread.currentThread().getName()));
    }

    @Test
    void inlineCodeThatBlocksIsReportedAsStuckAndWakesOnADetachedCarrier() throws Exception {
        assumeTrue(WorkflowCarrier.choose(true) == WorkflowCarrier.INLINE, "inline is unavailable here");
        CompletableFuture<Thread> parked = new CompletableFuture<>();
        CompletableFuture<String> wokeOn = new CompletableFuture<>();
        WorkflowExecution e = execution(ctx -> {
            parked.complete(Thread.currentThread());
            LockSupport.park(); // blocks without awaiting a task
            wokeOn.complete(Thread.currentThread().toString());
            return null;
        }, WorkflowCarrier.INLINE, Duration.ofMillis(200));

        assertThatThrownBy(() -> e.apply(List.of(input(T0, new WorkflowStarted("Test", null)))))
                .hasMessageContaining("Expected workflow code on gregor-wf-wf-c to await a task or return within PT0.2S");
        LockSupport.unpark(parked.get(1, TimeUnit.SECONDS));

        // Whoever wakes code the engine stopped waiting for must not end up running it.
        assertThat(wokeOn.get(10, TimeUnit.SECONDS)).endsWith("@gregor-detached-workflow-carrier");
    }
}
