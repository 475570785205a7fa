package io.gregor.orchestrator.internal;

import io.gregor.schemas.InputKind;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ChildWorkflowEnded;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.RerunStart;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;

/** Turns a raw input record into an {@link Input}, or explains precisely why it cannot. */
final class InputDecoder {

    /** The record is unusable; the message says what was expected and what was found. */
    static final class InvalidInputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidInputException(String message) {
            super(message);
        }
    }

    private final Topics topics;
    private final AvroSerde<StartWorkflow> starts;
    private final AvroSerde<ExternalEvent> events;
    private final AvroSerde<WorkflowControl> controls;
    private final AvroSerde<ActivityResult> results;
    private final AvroSerde<ActivityHeartbeat> heartbeats;
    private final AvroSerde<DurableTimer> timers;
    private final AvroSerde<RerunStart> reruns;
    private final AvroSerde<ChildWorkflowEnded> childEnds;

    InputDecoder(Topics topics, SchemaRegistryClient registry) {
        this.topics = topics;
        this.starts = new AvroSerde<>(registry, StartWorkflow.class);
        this.events = new AvroSerde<>(registry, ExternalEvent.class);
        this.controls = new AvroSerde<>(registry, WorkflowControl.class);
        this.results = new AvroSerde<>(registry, ActivityResult.class);
        this.heartbeats = new AvroSerde<>(registry, ActivityHeartbeat.class);
        this.timers = new AvroSerde<>(registry, DurableTimer.class);
        this.reruns = new AvroSerde<>(registry, RerunStart.class);
        this.childEnds = new AvroSerde<>(registry, ChildWorkflowEnded.class);
    }

    /**
     * @param kindHeader the value of the record's {@link InputKind#HEADER} header, or null
     * @param origin     the topic the record was first written to, for messages
     * @param key        the record key
     * @param value      the record value
     * @return the input
     * @throws InvalidInputException   when the record is not a usable input
     * @throws RuntimeException        from the serde, with the wire-format problem
     */
    Input decode(byte[] kindHeader, String origin, byte[] key, byte[] value) {
        String topic = origin;
        InputKind kind = InputKind.fromHeader(kindHeader).orElseThrow(() -> new InvalidInputException("Expected a " + InputKind.HEADER
                + " header of " + InputKind.labels() + " on " + topics.inbox() + ", but found "
                + (kindHeader == null ? "none" : "'" + new String(kindHeader, StandardCharsets.UTF_8) + "'")));
        if (value == null) {
            throw new InvalidInputException("Expected a " + kind + " record value, but found null (a tombstone) on " + topic);
        }
        Input input = switch (kind) {
            case START -> {
                StartWorkflow start = starts.deserialize(topic, value);
                requireNonBlank(start.getWorkflowName(), "workflowName", start.getInstanceId());
                yield new Input.Start(start);
            }
            case EVENT -> {
                ExternalEvent event = events.deserialize(topic, value);
                requireNonBlank(event.getName(), "event name", event.getInstanceId());
                yield new Input.Event(event);
            }
            case CONTROL -> new Input.Control(controls.deserialize(topic, value));
            case RESULT -> new Input.Result(results.deserialize(topic, value));
            case HEARTBEAT -> new Input.Heartbeat(heartbeats.deserialize(topic, value));
            case TIMER -> new Input.TimerDue(timers.deserialize(topic, value));
            case RERUN -> new Input.Rerun(reruns.deserialize(topic, value));
            case CHILD -> new Input.ChildEnded(childEnds.deserialize(topic, value));
        };
        String id = input.instanceId();
        requireNonBlank(id, "instanceId", id);
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (!id.equals(keyText)) {
            throw new InvalidInputException("Expected the record key to be the instance id '" + id + "', but found "
                    + (keyText == null ? "no key" : "'" + keyText + "'") + " on a " + kind + " record");
        }
        return input;
    }

    private static void requireNonBlank(String value, String field, String instanceId) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("Expected a non-blank " + field + ", but found '" + value + "' (instance " + instanceId + ")");
        }
    }
}
