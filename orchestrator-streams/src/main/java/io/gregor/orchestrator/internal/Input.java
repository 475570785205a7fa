package io.gregor.orchestrator.internal;

import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ChildWorkflowEnded;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.RerunStart;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.WorkflowControl;

/** Everything that can happen to an instance, decoded from an input topic or a due timer. */
sealed interface Input {

    /** @return the instance the input is for */
    String instanceId();

    /** A start-workflow request. */
    record Start(StartWorkflow start) implements Input {
        @Override
        public String instanceId() {
            return start.getInstanceId();
        }
    }

    /** An external event. */
    record Event(ExternalEvent event) implements Input {
        @Override
        public String instanceId() {
            return event.getInstanceId();
        }
    }

    /** An operator's control request. */
    record Control(WorkflowControl control) implements Input {
        @Override
        public String instanceId() {
            return control.getInstanceId();
        }
    }

    /** A worker's activity result. */
    record Result(ActivityResult result) implements Input {
        @Override
        public String instanceId() {
            return result.getInstanceId();
        }
    }

    /** A worker's heartbeat for a running attempt. */
    record Heartbeat(ActivityHeartbeat heartbeat) implements Input {
        @Override
        public String instanceId() {
            return heartbeat.getInstanceId();
        }
    }

    /** The start of a rerun's new instance, with the history it copies (internal, from the source's orchestrator). */
    record Rerun(RerunStart rerun) implements Input {
        @Override
        public String instanceId() {
            return rerun.getStart().getInstanceId();
        }
    }

    /** A durable timer that is due. */
    record TimerDue(DurableTimer timer) implements Input {
        @Override
        public String instanceId() {
            return timer.getInstanceId();
        }
    }

    /** A child's end, for its parent (internal, from the child's orchestrator). */
    record ChildEnded(ChildWorkflowEnded ended) implements Input {
        @Override
        public String instanceId() {
            return ended.getParentInstanceId();
        }
    }
}
