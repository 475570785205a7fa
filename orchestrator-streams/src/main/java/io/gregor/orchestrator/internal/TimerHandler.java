package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowStarted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A due timer: a workflow timer fires on its instance, unless the instance ended meanwhile; the
 * orchestrator's own timers start a delayed instance, purge one whose retention is over, or time
 * out an activity attempt (recorded as its failure, when a deadline passed).
 */
final class TimerHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TimerHandler.class);
    private final InstanceStepper stepper;
    private final ActivityTimeouts activityTimeouts;

    TimerHandler(InstanceStepper stepper, ActivityTimeouts activityTimeouts) {
        this.stepper = stepper;
        this.activityTimeouts = activityTimeouts;
    }

    void handle(Input.TimerDue input, long now) {
        DurableTimer timer = input.timer();
        InstanceMetadata meta = stepper.find(input.instanceId());
        SystemTimer system = SystemTimer.of(timer.getTimerId());
        if (system == SystemTimer.RETENTION) {
            retentionOver(meta, timer, now);
        } else if (meta == null || InstanceApplier.isTerminal(meta.getStatus())) {
            LOG.debug("Timer {} of instance {} fired after the instance ended; ignored", timer.getTimerId(), input.instanceId());
        } else if (system == SystemTimer.START) {
            // The start time in the metadata tells this start timer from one of an instance purged and started again.
            if (timer.getFireAt().equals(meta.getStartAt())) {
                stepper.step(meta, new WorkflowStarted(meta.getWorkflowName(), meta.getInput()), now);
            }
        } else if (SystemTimer.timedOutTask(timer.getTimerId()) >= 0) {
            activityTimeouts.due(timer, now).ifPresent(failed -> stepper.step(meta, failed, now));
        } else {
            stepper.step(meta, new TimerFired(timer.getTimerId(), timer.getFireAt()), now);
        }
    }

    private void retentionOver(InstanceMetadata meta, DurableTimer timer, long now) {
        // The purge time in the metadata tells this timer from one of an earlier instance with the same id.
        if (meta != null && InstanceApplier.isTerminal(meta.getStatus()) && timer.getFireAt().equals(meta.getPurgeAt())) {
            stepper.purge(meta, now);
        } else {
            LOG.debug("Retention timer of instance {} at {} is not its current one; ignored", timer.getInstanceId(), timer.getFireAt());
        }
    }
}
