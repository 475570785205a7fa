package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.TimerFired;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A due timer fires on its instance, unless the instance finished meanwhile. */
final class TimerHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TimerHandler.class);
    private final InstanceStepper stepper;

    TimerHandler(InstanceStepper stepper) {
        this.stepper = stepper;
    }

    void handle(Input.TimerDue input, long now) {
        DurableTimer timer = input.timer();
        InstanceMetadata meta = stepper.find(input.instanceId());
        if (meta == null || InstanceApplier.isTerminal(meta.getStatus())) {
            LOG.debug("Timer {} of instance {} fired after the instance ended; ignored", timer.getTimerId(), input.instanceId());
            return;
        }
        stepper.step(meta, new TimerFired(timer.getTimerId(), timer.getFireAt()), now);
    }
}
