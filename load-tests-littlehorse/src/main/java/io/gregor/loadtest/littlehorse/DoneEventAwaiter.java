package io.gregor.loadtest.littlehorse;

import io.grpc.stub.StreamObserver;
import io.gregor.loadtest.engine.CompletionObserver;
import io.littlehorse.sdk.common.proto.AwaitWorkflowEventRequest;
import io.littlehorse.sdk.common.proto.LHStatus;
import io.littlehorse.sdk.common.proto.LittleHorseGrpc.LittleHorseBlockingStub;
import io.littlehorse.sdk.common.proto.LittleHorseGrpc.LittleHorseStub;
import io.littlehorse.sdk.common.proto.WfRunId;
import io.littlehorse.sdk.common.proto.WorkflowEvent;
import io.littlehorse.sdk.common.proto.WorkflowEventDefId;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes LittleHorse completions: one asynchronous {@code AwaitWorkflowEvent} call per instance
 * for the {@value LittleHorseWorkflows#DONE_EVENT} event its workflow throws as its last step. The
 * ending is observed when the response reaches the driver, the moment a LittleHorse client would
 * learn of it.
 *
 * <p>A workflow that fails never throws the event, so when a call ends without it (deadline or
 * error) the run's status decides: ERROR, EXCEPTION or HALTED count as failed, anything else is
 * awaited again.
 */
final class DoneEventAwaiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DoneEventAwaiter.class);
    /** Bounds each call so a run that fails without the event is noticed; a live one is simply awaited again. */
    private static final long DEADLINE_SECONDS = 30;
    private static final Set<LHStatus> FAILED = Set.of(LHStatus.ERROR, LHStatus.EXCEPTION, LHStatus.HALTED);
    private static final WorkflowEventDefId DONE = WorkflowEventDefId.newBuilder().setName(LittleHorseWorkflows.DONE_EVENT).build();

    private final LittleHorseStub async;
    private final LittleHorseBlockingStub blocking;
    private final CompletionObserver observer;
    // Re-checks call the blocking API, which must not run on gRPC's callback threads.
    private final ScheduledExecutorService rechecks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "littlehorse-await-recheck");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closing;

    DoneEventAwaiter(LittleHorseStub async, LittleHorseBlockingStub blocking, CompletionObserver observer) {
        this.async = async;
        this.blocking = blocking;
        this.observer = observer;
    }

    /** @param instanceId a WfRun just started: report its ending to the observer */
    void await(String instanceId) {
        AwaitWorkflowEventRequest request = AwaitWorkflowEventRequest.newBuilder()
                .setWfRunId(WfRunId.newBuilder().setId(instanceId)).addEventDefIds(DONE).build();
        async.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).awaitWorkflowEvent(request, new StreamObserver<>() {
            @Override
            public void onNext(WorkflowEvent event) {
                observer.completed(instanceId, true, System.nanoTime());
            }

            @Override
            public void onError(Throwable t) {
                if (!closing) {
                    later(() -> recheck(instanceId, t), 0);
                }
            }

            @Override
            public void onCompleted() {
                // onNext already reported it
            }
        });
    }

    private void recheck(String instanceId, Throwable cause) {
        if (closing || !observer.awaits(instanceId)) {
            return;
        }
        LHStatus status;
        try {
            status = blocking.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getWfRun(WfRunId.newBuilder().setId(instanceId).build()).getStatus();
        } catch (RuntimeException e) {
            status = null; // unknown: keep waiting, the driver's own timeouts bound it
        }
        if (status != null && FAILED.contains(status)) {
            LOG.warn("Instance {} ended {} without its done event", instanceId, status);
            observer.completed(instanceId, false, System.nanoTime());
            return;
        }
        LOG.debug("Awaiting instance {} again (status {}) after: {}", instanceId, status, cause.toString());
        later(() -> await(instanceId), 100);
    }

    private void later(Runnable action, long delayMillis) {
        try {
            rechecks.schedule(action, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: nobody waits any more
        }
    }

    /** Stops re-awaiting; calls in flight end with the channel or their deadline. */
    @Override
    public void close() {
        closing = true;
        rechecks.shutdownNow();
    }
}
