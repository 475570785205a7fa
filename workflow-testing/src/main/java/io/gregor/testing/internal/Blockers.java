package io.gregor.testing.internal;

import io.gregor.schemas.avro.ChildWorkflowCompleted;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a running instance still waits for, read from its history, for the message of a wait that
 * can never end. Event waits leave no trace in the history, so when no task or child is open the
 * instance can only be waiting for an external event.
 */
public final class Blockers {

    private Blockers() {
    }

    /**
     * @param history the instance's history
     * @return a description of what it waits for
     */
    public static String describe(List<HistoryEvent> history) {
        Map<Integer, String> open = new LinkedHashMap<>();
        Map<String, Integer> raised = new TreeMap<>();
        for (HistoryEvent event : history) {
            switch (event.getEvent()) {
                case TaskScheduled t -> open.put(t.getTaskId(), "activity '" + t.getActivityName() + "' (task " + t.getTaskId() + ", attempt "
                        + t.getAttempt() + ")");
                case TaskCompleted t -> open.remove(t.getTaskId());
                case TaskFailed t -> open.remove(t.getTaskId());
                case ChildWorkflowScheduled c -> open.put(c.getTaskId(), "child workflow '" + c.getName() + "' (instance " + c.getInstanceId()
                        + ")");
                case ChildWorkflowCompleted c -> open.remove(c.getTaskId());
                case ChildWorkflowFailed c -> open.remove(c.getTaskId());
                case EventRaised e -> raised.merge(e.getName(), 1, Integer::sum);
                default -> {
                }
            }
        }
        List<String> parts = new ArrayList<>(open.values());
        if (parts.isEmpty()) {
            parts.add("an external event (none is due from a task, child or timer; events raised so far: "
                    + (raised.isEmpty() ? "none" : raised) + ")");
        }
        return String.join(", ", parts);
    }
}
