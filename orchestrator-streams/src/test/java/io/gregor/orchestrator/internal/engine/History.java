package io.gregor.orchestrator.internal.engine;

import io.gregor.schemas.avro.EventRaised;
import io.gregor.schemas.avro.FailureDetails;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.TaskCompleted;
import io.gregor.schemas.avro.TaskFailed;
import io.gregor.schemas.avro.TaskScheduled;
import io.gregor.schemas.avro.TimerCreated;
import io.gregor.schemas.avro.TimerFired;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.payload.DataConverter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds histories by hand for engine tests. */
final class History {
    static final DataConverter JSON = DataConverter.defaultConverter();
    private final List<HistoryEvent> events = new ArrayList<>();
    private long time;

    static History startingAt(long time) {
        History h = new History();
        h.time = time;
        return h;
    }

    History at(long t) {
        time = t;
        return this;
    }

    History started(String workflow, Object input) {
        return add(new WorkflowStarted(workflow, JSON.serialize(input)));
    }

    History scheduled(int id, String activity, Object input) {
        return add(new TaskScheduled(id, activity, JSON.serialize(input), 1, null, null, null, null, null));
    }

    History scheduled(int id, String activity, Object input, int attempt) {
        return add(new TaskScheduled(id, activity, JSON.serialize(input), attempt, null, null, null, null, null));
    }

    History completed(int id, Object output) {
        return add(new TaskCompleted(id, JSON.serialize(output)));
    }

    History failed(int id, String type, String message) {
        return add(new TaskFailed(id, new FailureDetails(type, message, null, false), null));
    }

    History timerCreated(int id, long fireAt) {
        return add(new TimerCreated(id, Instant.ofEpochMilli(fireAt)));
    }

    History timerFired(int id, long fireAt) {
        return add(new TimerFired(id, Instant.ofEpochMilli(fireAt)));
    }

    History event(String name, Object payload) {
        return add(new EventRaised(name, JSON.serialize(payload)));
    }

    History add(Object body) {
        events.add(new HistoryEvent(Instant.ofEpochMilli(time), body));
        return this;
    }

    /** Records commands as the processor would, after the inputs that caused them. */
    History record(List<Command> commands) {
        commands.forEach(c -> add(c.toEvent()));
        return this;
    }

    List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    static HistoryEvent input(long time, Object body) {
        return new HistoryEvent(Instant.ofEpochMilli(time), body);
    }
}
