package io.gregor.client;

import io.gregor.client.internal.ClientSettings;
import io.gregor.client.internal.RecordWriter;
import io.gregor.client.internal.StatusView;
import io.gregor.client.internal.Validation;
import io.gregor.client.workflow.Workflow;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Starts workflow instances, raises events on them, terminates them and reads their status.
 *
 * <p>Writes go to the topics of DESIGN §3 with one idempotent producer ({@code acks=all}), keyed
 * by instance id. Every write method returns only after the broker acknowledged the record, and
 * validates its arguments first: invalid input throws {@link IllegalArgumentException} and
 * nothing is sent.
 *
 * <p>Reads come from the compacted {@code <prefix>.workflow-status} topic: on the first read the
 * client starts one background thread that reads that topic from the beginning and keeps the
 * latest status of every instance in memory. Reads are read-your-writes consistent: they first
 * wait until the view holds every status committed before the call. This view will be replaced
 * by queries to the orchestrator's HTTP API in a later version; until then mind that it holds
 * every instance's latest status in this JVM's memory, and that partitions added to the status
 * topic after the view started are not read.
 *
 * <p>Thread-safe; share one client per application and close it when done.
 */
public final class WorkflowClient implements AutoCloseable {

    private static final Predicate<WorkflowStatus> ANY_STATUS = status -> true;
    private static final Predicate<WorkflowStatus> TERMINAL = status -> state(status).isTerminal();

    private final ClientSettings settings;
    private final Topics topics;
    private final SchemaRegistryClient registry;
    private final RecordWriter writer;
    private StatusView view;
    private boolean closed;

    private WorkflowClient(ClientSettings settings) {
        this.settings = settings;
        this.topics = settings.topics();
        this.registry = SchemaRegistryClient.forUrl(settings.schemaRegistryUrl());
        try {
            this.writer = new RecordWriter(new KafkaProducer<>(settings.producerConfig()), registry,
                    settings.requestTimeout());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** @return a builder; bootstrap servers and the schema registry URL are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a new instance with a random UUID as its id.
     *
     * @param workflowName the registered name of the workflow
     * @param input        the input, converted with the data converter; may be null
     * @return the new instance's id
     * @throws IllegalArgumentException if the name is blank or the converted input is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the start
     */
    public String scheduleNewWorkflow(String workflowName, Object input) {
        return scheduleNewWorkflow(workflowName, input, UUID.randomUUID().toString());
    }

    /**
     * Starts a new instance with the given id. A start for an id that is already running has no
     * effect on it (the orchestrator reports the duplicate), so retrying after a failed call is safe.
     *
     * @param workflowName the registered name of the workflow
     * @param input        the input, converted with the data converter; may be null
     * @param instanceId   the id: non-blank, at most 200 characters, no control characters, no '/'
     * @return {@code instanceId}
     * @throws IllegalArgumentException if the name or id is invalid or the converted input is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the start
     */
    public String scheduleNewWorkflow(String workflowName, Object input, String instanceId) {
        Validation.name("workflow name", workflowName);
        Validation.instanceId(instanceId);
        Payload payload = convert(input, "an input",
                "for workflow '" + workflowName + "' (instance " + instanceId + ")");
        StartWorkflow start = StartWorkflow.newBuilder().setInstanceId(instanceId)
                .setWorkflowName(workflowName).setInput(payload).build();
        write(topics.starts(), instanceId, start, "the start of workflow '" + workflowName + "' (instance " + instanceId + ")");
        return instanceId;
    }

    /**
     * Starts a new instance of a workflow class, registered under its simple name, with a random id.
     *
     * @param workflow the workflow class; its {@link Class#getSimpleName()} is the workflow name
     * @param input    the input; may be null
     * @return the new instance's id
     * @throws IllegalArgumentException if the converted input is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the start
     */
    public String scheduleNewWorkflow(Class<? extends Workflow> workflow, Object input) {
        return scheduleNewWorkflow(workflow.getSimpleName(), input);
    }

    /**
     * Starts a new instance of a workflow class, registered under its simple name, with the given id.
     *
     * @param workflow   the workflow class; its {@link Class#getSimpleName()} is the workflow name
     * @param input      the input; may be null
     * @param instanceId the id, see {@link #scheduleNewWorkflow(String, Object, String)}
     * @return {@code instanceId}
     * @throws IllegalArgumentException if the id is invalid or the converted input is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the start
     */
    public String scheduleNewWorkflow(Class<? extends Workflow> workflow, Object input, String instanceId) {
        return scheduleNewWorkflow(workflow.getSimpleName(), input, instanceId);
    }

    /**
     * Raises an external event on an instance ({@code ctx.waitForExternalEvent(eventName, ..)}).
     *
     * @param instanceId the instance
     * @param eventName  the event's name
     * @param payload    the event data; may be null
     * @throws IllegalArgumentException if the id or name is invalid or the converted payload is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the event
     */
    public void raiseEvent(String instanceId, String eventName, Object payload) {
        Validation.instanceId(instanceId);
        Validation.name("event name", eventName);
        Payload data = convert(payload, "a payload", "for event '" + eventName + "' (instance " + instanceId + ")");
        ExternalEvent event = ExternalEvent.newBuilder().setInstanceId(instanceId).setName(eventName)
                .setPayload(data).build();
        write(topics.events(), instanceId, event, "event '" + eventName + "' for instance " + instanceId);
    }

    /**
     * Terminates an instance without a reason; it ends TERMINATED with the given output.
     *
     * @param instanceId the instance
     * @param output     the output to record; may be null
     * @throws IllegalArgumentException if the id is invalid or the converted output is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void terminateWorkflow(String instanceId, Object output) {
        terminateWorkflow(instanceId, output, null);
    }

    /**
     * Terminates an instance; it ends TERMINATED with the given output. Has no effect on an
     * instance that already finished.
     *
     * @param instanceId the instance
     * @param output     the output to record; may be null
     * @param reason     why, for operators; may be null
     * @throws IllegalArgumentException if the id is invalid or the converted output is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void terminateWorkflow(String instanceId, Object output, String reason) {
        Validation.instanceId(instanceId);
        Payload data = convert(output, "an output", "for the termination of instance " + instanceId);
        WorkflowControl control = WorkflowControl.newBuilder().setInstanceId(instanceId)
                .setAction(TerminateWorkflow.newBuilder().setReason(reason).setOutput(data).build()).build();
        write(topics.control(), instanceId, control, "the termination of instance " + instanceId);
    }

    /**
     * The latest status of an instance, including every status committed before this call.
     *
     * @param instanceId the instance
     * @return its state, or empty if no status was published for it (unknown, not yet started, purged)
     * @throws IllegalArgumentException if the id is invalid
     * @throws WorkflowClientException  if the status topic cannot be read within the request timeout
     */
    public Optional<WorkflowInstanceState> getInstanceState(String instanceId) {
        Validation.instanceId(instanceId);
        StatusView statuses = statusView();
        statuses.catchUp();
        return statuses.table().get(instanceId).map(this::toState);
    }

    /**
     * Waits until the instance has any status (RUNNING or later), without polling: the status
     * view's thread wakes the caller when the record arrives.
     *
     * @param instanceId the instance
     * @param timeout    how long to wait
     * @return the first state seen
     * @throws TimeoutException        if no status arrived in time
     * @throws WorkflowClientException if the status topic cannot be read
     */
    public WorkflowInstanceState waitForInstanceStart(String instanceId, Duration timeout) throws TimeoutException {
        return await(instanceId, timeout, ANY_STATUS, "to start");
    }

    /**
     * Waits until the instance is COMPLETED, FAILED or TERMINATED, without polling.
     *
     * @param instanceId the instance
     * @param timeout    how long to wait
     * @return the terminal state
     * @throws TimeoutException        if it did not finish in time; the message says its last status
     * @throws WorkflowClientException if the status topic cannot be read
     */
    public WorkflowInstanceState waitForInstanceCompletion(String instanceId, Duration timeout)
            throws TimeoutException {
        return await(instanceId, timeout, TERMINAL, "to reach a terminal status");
    }

    private WorkflowInstanceState await(String instanceId, Duration timeout, Predicate<WorkflowStatus> condition,
                                        String what) throws TimeoutException {
        Validation.instanceId(instanceId);
        return toState(statusView().table().await(instanceId, timeout, condition, what));
    }

    private Payload convert(Object value, String what, String context) {
        return Validation.payloadSize(settings.converter().serialize(value), settings.maxPayloadBytes(), what, context);
    }

    private void write(String topic, String instanceId, org.apache.avro.specific.SpecificRecord record, String what) {
        checkOpen();
        // Straight to the inbox: the intake's copy of a public-topic record waits for a commit.
        writer.writeToInbox(topics, topic, instanceId, record, what);
    }

    private synchronized StatusView statusView() {
        checkOpen();
        if (view == null || view.hasFailed()) {
            if (view != null) {
                view.close();
            }
            view = StatusView.start(new KafkaConsumer<>(settings.consumerConfig()),
                    new AvroSerde<>(registry, WorkflowStatus.class), topics.status(), settings.requestTimeout());
        }
        return view;
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Expected an open WorkflowClient, but it was closed");
        }
    }

    private WorkflowInstanceState toState(WorkflowStatus status) {
        return new WorkflowInstanceState(status, settings.converter());
    }

    private static WorkflowRuntimeStatus state(WorkflowStatus status) {
        return WorkflowRuntimeStatus.valueOf(status.getStatus().name());
    }

    /**
     * Stops the status view (waiting callers fail), flushes and closes the producer. Idempotent.
     */
    @Override
    public void close() {
        StatusView statuses;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            statuses = view;
            view = null;
        }
        try {
            if (statuses != null) {
                statuses.close();
            }
            writer.close();
        } finally {
            registry.close();
        }
    }

    /** Configures a {@link WorkflowClient}. Not thread-safe. */
    public static final class Builder {
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private String topicPrefix = Topics.DEFAULT_PREFIX;
        private DataConverter dataConverter = DataConverter.defaultConverter();
        private final Map<String, Object> kafkaProperties = new HashMap<>();
        private int maxPayloadBytes = 1024 * 1024;
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * @param servers Kafka's bootstrap servers, {@code host:port,...} (required)
         * @return this
         */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /**
         * @param url the base URL of a Confluent-compatible schema registry, e.g.
         *            {@code http://localhost:8080/apis/ccompat/v7}, or {@code mock://scope} in tests (required)
         * @return this
         */
        public Builder schemaRegistryUrl(String url) {
            this.schemaRegistryUrl = url;
            return this;
        }

        /**
         * @param prefix the prefix of every topic name (default {@code gregor})
         * @return this
         */
        public Builder topicPrefix(String prefix) {
            this.topicPrefix = prefix;
            return this;
        }

        /**
         * @param converter converts inputs, event data and outputs (default: JSON, Avro for
         *                  generated classes); also used to read states
         * @return this
         */
        public Builder dataConverter(DataConverter converter) {
            this.dataConverter = converter;
            return this;
        }

        /**
         * Sets a property of both Kafka clients (producer and status consumer), e.g. security
         * settings. Properties the client's guarantees depend on (idempotence, acks=all,
         * read_committed, no group) cannot be changed.
         *
         * @param name  the Kafka client property
         * @param value its value
         * @return this
         */
        public Builder kafkaProperty(String name, Object value) {
            kafkaProperties.put(name, value);
            return this;
        }

        /**
         * @param bytes the largest converted input, event payload or output a call accepts
         *              (default 1 MiB); the topics' {@code max.message.bytes} must allow it too
         * @return this
         */
        public Builder maxPayloadBytes(int bytes) {
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * @param timeout how long a write waits for the broker's acknowledgement and a read for the
         *                status view to catch up (default 30 s)
         * @return this
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * @return a new client; it connects lazily
         * @throws IllegalArgumentException if a required setting is missing or invalid
         */
        public WorkflowClient build() {
            return new WorkflowClient(new ClientSettings(bootstrapServers, schemaRegistryUrl, new Topics(topicPrefix),
                    dataConverter, kafkaProperties, maxPayloadBytes, requestTimeout));
        }
    }
}
