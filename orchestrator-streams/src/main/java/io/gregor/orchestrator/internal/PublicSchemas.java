package io.gregor.orchestrator.internal;

import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.WorkflowCompletion;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the schema of every public topic under its subject ({@code <topic>-value}) when the
 * orchestrator starts, so that a service in another language can fetch the writer schema of the
 * records it produces (starts, events, activity results) by subject, with stock tooling, before any
 * Java process has written one (docs/polyglot.md). Registering what is registered already changes
 * nothing; Gregor's own serdes register on first use too, so a registry that cannot be reached here
 * only delays this, and the orchestrator starts anyway.
 */
public final class PublicSchemas {
    private static final Logger LOG = LoggerFactory.getLogger(PublicSchemas.class);

    private PublicSchemas() {
    }

    /**
     * The public topics and the record each carries: the one list that registration and the
     * compatibility check ({@link SubjectCompatibility}) both read.
     *
     * @param topics     the topic names
     * @param taskQueues the named task queues, whose task topics are public too
     * @return topic to value schema, in a stable order: starts, events, control, completions, status,
     *         activity tasks, activity results, then each queue's tasks
     */
    public static Map<String, Schema> byTopic(Topics topics, Collection<String> taskQueues) {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(topics.starts(), StartWorkflow.getClassSchema());
        schemas.put(topics.events(), ExternalEvent.getClassSchema());
        schemas.put(topics.control(), WorkflowControl.getClassSchema());
        schemas.put(topics.completions(), WorkflowCompletion.getClassSchema());
        schemas.put(topics.status(), WorkflowStatus.getClassSchema());
        schemas.put(topics.activityTasks(), ActivityTask.getClassSchema());
        schemas.put(topics.activityResults(), ActivityResult.getClassSchema());
        taskQueues.forEach(queue -> schemas.put(topics.activityTasks(queue), ActivityTask.getClassSchema()));
        return schemas;
    }

    /**
     * @param registry    the orchestrator's registry client (its cache then holds the ids its tasks write with)
     * @param topics      the topic names
     * @param taskQueues  the named task queues, whose task topics are public too
     */
    public static void register(SchemaRegistryClient registry, Topics topics, Collection<String> taskQueues) {
        try {
            byTopic(topics, taskQueues).forEach((topic, schema) -> registry.register(topic + "-value", schema));
        } catch (SchemaRegistryException e) {
            LOG.warn("Could not register the public schemas at start; Gregor's serdes register them on first use: {}", e.getMessage());
        }
    }
}
