package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.ChildWorkflowCompleted;
import io.gregor.schemas.avro.ChildWorkflowFailed;
import io.gregor.schemas.avro.ChildWorkflowScheduled;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCancelRequested;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerCancelled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.TimerFired;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a history leaves open: activities and children scheduled without a result or a
 * cancellation, and timers created that neither fired nor were cancelled. Read from the history rather than from an index, so that
 * finding an instance's timers costs one read of its history, never a scan of the timer store.
 *
 * @param activities open activity attempts by task id
 * @param timers     open timers: timer id to fire time (epoch ms)
 * @param children   children started and not ended, by task id
 */
record OpenWork(Map<Integer, TaskScheduled> activities, Map<Integer, Long> timers, Map<Integer, ChildWorkflowScheduled> children) {

    static OpenWork of(List<HistoryEvent> history) {
        Map<Integer, TaskScheduled> activities = new TreeMap<>();
        Map<Integer, Long> timers = new TreeMap<>();
        Map<Integer, ChildWorkflowScheduled> children = new TreeMap<>();
        for (HistoryEvent event : history) {
            switch (event.getEvent()) {
                case TaskScheduled s -> activities.put(s.getTaskId(), s);
                case TaskCompleted c -> activities.remove(c.getTaskId());
                case TaskFailed f -> activities.remove(f.getTaskId());
                case TimerCreated t -> timers.put(t.getTimerId(), t.getFireAt().toEpochMilli());
                case TimerFired t -> timers.remove(t.getTimerId());
                case TimerCancelled t -> timers.remove(t.getTimerId());
                case ChildWorkflowScheduled c -> children.put(c.getTaskId(), c);
                case ChildWorkflowCompleted c -> children.remove(c.getTaskId());
                case ChildWorkflowFailed c -> children.remove(c.getTaskId());
                case TaskCancelRequested c -> {
                    // Task ids are shared by activities and children: it was one of them.
                    activities.remove(c.getTaskId());
                    children.remove(c.getTaskId());
                }
                default -> {
                    // opens and closes nothing
                }
            }
        }
        return new OpenWork(activities, timers, children);
    }
}
