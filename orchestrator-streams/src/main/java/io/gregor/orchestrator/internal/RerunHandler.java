package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.RerunStart;
import io.gregor.schemas.avro.RerunWorkflow;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.WorkflowStarted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reruns an ended instance as a new one: the source's history before event {@code fromEventId}
 * is copied (its WorkflowStarted carrying the new input, if one is given) and the rest runs
 * again. The source is not changed. The new instance may belong to another partition, so its
 * start goes through the inbox as an internal {@link RerunStart} keyed by the new id
 * ({@link RerunStartHandler} creates it there).
 *
 * <p>Without a new id in the request, the id is derived from the source id and the request's
 * position in its topic, never drawn at random: reprocessing the request after an abort must
 * derive the same one.
 */
final class RerunHandler {
    private final InstanceStepper stepper;
    private final Outputs outputs;

    RerunHandler(InstanceStepper stepper, Outputs outputs) {
        this.stepper = stepper;
        this.outputs = outputs;
    }

    void handle(InstanceMetadata meta, RerunWorkflow rerun, long now, String position, Rejection rejection) {
        String sourceId = meta.getInstanceId();
        if (!InstanceApplier.isTerminal(meta.getStatus())) {
            rejection.reject("Expected a COMPLETED, FAILED or TERMINATED instance '" + sourceId + "' to rerun, but it is " + meta.getStatus());
            return;
        }
        List<HistoryEvent> history = stepper.history(sourceId);
        int from = rerun.getFromEventId();
        // The last event is the one that ended the source: a rerun copies at most what came before it.
        if (from < 0 || from > history.size() - 1) {
            rejection.reject("Expected a fromEventId between 0 and " + (history.size() - 1) + " (the event that ended instance '" + sourceId
                    + "'), but found " + from);
            return;
        }
        String newId = rerun.getNewInstanceId() != null ? rerun.getNewInstanceId() : derivedId(sourceId, position);
        if (newId.isBlank() || newId.equals(sourceId)) {
            rejection.reject("Expected a new instance id for the rerun of '" + sourceId + "', but found '" + newId + "'");
            return;
        }
        Payload input = rerun.getInput() != null ? rerun.getInput() : meta.getInput();
        StartWorkflow start = StartWorkflow.newBuilder().setInstanceId(newId).setWorkflowName(meta.getWorkflowName()).setInput(input)
                .setRequestedBy("rerun of " + sourceId + " from event " + from).build();
        outputs.rerun(new RerunStart(start, sourceId, copy(history.subList(0, from), input)), now);
    }

    /** @return the events to copy, the start's input replaced; none when the code has not run yet before the cut */
    private static List<HistoryEvent> copy(List<HistoryEvent> prefix, Payload input) {
        List<HistoryEvent> copied = new ArrayList<>(prefix.size());
        boolean started = false;
        for (HistoryEvent event : prefix) {
            if (event.getEvent() instanceof WorkflowStarted s) {
                started = true;
                copied.add(new HistoryEvent(event.getTimestamp(), new WorkflowStarted(s.getWorkflowName(), input)));
            } else {
                copied.add(event);
            }
        }
        // Only the start before the cut: a fresh start at the rerun's time is the same run, with the time it really starts.
        return !started || copied.size() == 1 ? List.of() : copied;
    }

    static String derivedId(String sourceId, String position) {
        return UUID.nameUUIDFromBytes((sourceId + "/rerun@" + position).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
