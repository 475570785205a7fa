package io.gregor.orchestrator.internal;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ExternalEvent;
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

    InputDecoder(Topics topics, SchemaRegistryClient registry) {
        this.topics = topics;
        this.starts = new AvroSerde<>(registry, StartWorkflow.class);
        this.events = new AvroSerde<>(registry, ExternalEvent.class);
        this.controls = new AvroSerde<>(registry, WorkflowControl.class);
        this.results = new AvroSerde<>(registry, ActivityResult.class);
    }

    Input decode(String topic, byte[] key, byte[] value) {
        if (value == null) {
            throw new InvalidInputException("Expected a record value, but found null (a tombstone) on " + topic);
        }
        Input input;
        if (topic.equals(topics.starts())) {
            StartWorkflow start = starts.deserialize(topic, value);
            requireNonBlank(start.getWorkflowName(), "workflowName", start.getInstanceId());
            input = new Input.Start(start);
        } else if (topic.equals(topics.events())) {
            ExternalEvent event = events.deserialize(topic, value);
            requireNonBlank(event.getName(), "event name", event.getInstanceId());
            input = new Input.Event(event);
        } else if (topic.equals(topics.control())) {
            input = new Input.Control(controls.deserialize(topic, value));
        } else if (topic.equals(topics.activityResults())) {
            input = new Input.Result(results.deserialize(topic, value));
        } else {
            throw new InvalidInputException("Expected a record from one of " + topics.orchestratorInputs() + ", but found one from " + topic);
        }
        String id = input.instanceId();
        requireNonBlank(id, "instanceId", id);
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (!id.equals(keyText)) {
            throw new InvalidInputException("Expected the record key to be the instance id '" + id + "', but found "
                    + (keyText == null ? "no key" : "'" + keyText + "'") + " on " + topic);
        }
        return input;
    }

    private static void requireNonBlank(String value, String field, String instanceId) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("Expected a non-blank " + field + ", but found '" + value + "' (instance " + instanceId + ")");
        }
    }
}
