package io.gregor.orchestrator.internal;

import io.gregor.orchestrator.internal.engine.FailureMapping;
import io.gregor.schemas.avro.ChildWorkflowCompleted;
import io.gregor.schemas.avro.ChildWorkflowEnded;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child's end completes its parent's child task, as an activity result completes an activity:
 * a notice whose task is no longer open (an ended parent, an earlier attempt's child, a
 * duplicate) is dropped, never recorded twice. A child that did not complete fails the task.
 */
final class ChildEndHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ChildEndHandler.class);
    private final InstanceStepper stepper;

    ChildEndHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(Input.ChildEnded input, long now) {
        ChildWorkflowEnded ended = input.ended();
        InstanceMetadata parent = stepper.find(input.instanceId());
        if (parent == null || InstanceApplier.isTerminal(parent.getStatus())) {
            LOG.debug("Dropped the end of child {} (task {}): parent {} is {}", ended.getChildInstanceId(), ended.getParentTaskId(),
                    input.instanceId(), parent == null ? "gone" : parent.getStatus());
            return;
        }
        Object event = ended.getStatus() == RuntimeStatus.COMPLETED
                ? new ChildWorkflowCompleted(ended.getParentTaskId(), ended.getChildInstanceId(), ended.getOutput())
                : new ChildWorkflowFailed(ended.getParentTaskId(), ended.getChildInstanceId(), ended.getFailure() != null ? ended.getFailure()
                        : FailureMapping.of("io.gregor.ChildWorkflow" + ended.getStatus().name().charAt(0)
                                + ended.getStatus().name().substring(1).toLowerCase(Locale.ROOT),
                                "Child workflow " + ended.getChildInstanceId() + " ended " + ended.getStatus()));
        if (!stepper.step(parent, event, now)) {
            LOG.info("Dropped the end of child {} (task {}) of instance {}: the task is not open", ended.getChildInstanceId(),
                    ended.getParentTaskId(), input.instanceId());
        }
    }
}
