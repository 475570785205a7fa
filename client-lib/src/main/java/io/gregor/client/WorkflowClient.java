package io.gregor.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gregor.client.internal.ClientSettings;
import io.gregor.client.internal.Futures;
import io.gregor.client.internal.OrchestratorHttp;
import io.gregor.client.internal.PayloadJson;
import io.gregor.client.internal.RecordWriter;
import io.gregor.client.internal.StatusView;
import io.gregor.client.internal.Validation;
import io.gregor.client.internal.WorkflowWrites;
import io.gregor.client.workflow.Workflow;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Starts workflow instances, raises events on them, runs the lifecycle verbs (terminate, suspend,
 * resume, purge, rerun) and reads their state, history, lists and counts.
 *
 * <p>Writes go to the topics of DESIGN §3 with one idempotent producer ({@code acks=all}), keyed
 * by instance id. Every write method returns only after the broker acknowledged the record, and
 * validates its arguments first: invalid input throws {@link IllegalArgumentException} and
 * nothing is sent. Starts and events also come without the wait, for throughput:
 * {@link #scheduleNewWorkflowAsync(String, Object, String)}, {@link #raiseEventAsync} and the batch
 * {@link #scheduleNewWorkflows} return a {@link CompletableFuture} of the acknowledgement. A write is a request: the orchestrator applies it when it reads it, and
 * refuses what does not apply (for example a purge of a running instance) on its own.
 *
 * <p>Reads go to the orchestrators' HTTP API when the builder is given their URLs
 * ({@link Builder#orchestratorUrls}): any orchestrator answers any query, from its stores or by
 * asking the one that owns the instance, so instance state, history, lists and counts are read
 * there. Without URLs, {@link #getInstanceState} and the {@code waitFor...} methods read the
 * compacted {@code <prefix>.workflow-status} topic instead: on the first read the client starts
 * one background thread that reads that topic from the beginning and keeps the latest status of
 * every instance in memory (mind the memory with many instances, and that partitions added to the
 * topic after the view started are not read); those reads are read-your-writes consistent, as
 * they first wait until the view holds every status committed before the call. The
 * {@code waitFor...} methods always use the status topic, which wakes them without polling.
 *
 * <p>Thread-safe; share one client per application and close it when done.
 */
public final class WorkflowClient implements AutoCloseable {

    private static final Predicate<WorkflowStatus> ANY_STATUS = status -> true;
    private static final Predicate<WorkflowStatus> TERMINAL = status -> state(status).isTerminal();

    private final ClientSettings settings;
    private final Topics topics;
    private final SchemaRegistryClient registry;
    private final WorkflowWrites writes;
    private final HttpReads reads;
    private StatusView view;
    private boolean closed;

    private WorkflowClient(ClientSettings settings, List<String> orchestratorUrls, boolean propagateTrace) {
        this.settings = settings;
        this.topics = settings.topics();
        HttpReads http = orchestratorUrls.isEmpty() ? null
                : new HttpReads(new OrchestratorHttp(orchestratorUrls, settings.requestTimeout()), settings.converter());
        this.registry = SchemaRegistryClient.forUrl(settings.schemaRegistryUrl());
        try {
            this.writes = new WorkflowWrites(new RecordWriter(new KafkaProducer<>(settings.producerConfig()), registry,
                    settings.requestTimeout(), propagateTrace), topics, settings.maxPayloadBytes());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        this.reads = http;
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
        return await(scheduleNewWorkflowAsync(workflowName, input, instanceId), "the start of instance " + instanceId);
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
     * Starts a new instance with a random UUID as its id, without waiting for the broker, see
     * {@link #scheduleNewWorkflowAsync(String, Object, String)}.
     *
     * @param workflowName the registered name of the workflow
     * @param input        the input, converted with the data converter; may be null
     * @return completed with the new instance's id once the broker acknowledged the start
     * @throws IllegalArgumentException if the name is blank or the converted input is too large
     */
    public CompletableFuture<String> scheduleNewWorkflowAsync(String workflowName, Object input) {
        return scheduleNewWorkflowAsync(workflowName, input, UUID.randomUUID().toString());
    }

    /**
     * Starts a new instance with the given id without waiting for the broker: the arguments are
     * checked, the input converted and the record handed to the producer before this returns, and
     * the future completes when the broker acknowledged it. One thread can so have thousands of
     * starts in flight, which the producer sends in batches ({@link #scheduleNewWorkflows} does that
     * for a list). Starts of one thread reach each partition in the order of the calls.
     *
     * <p>The future completes on the producer's network thread: dependent stages without
     * {@code Async} in their name run there and hold up every other write, so keep them short or
     * give them an executor. When the producer's buffer ({@code buffer.memory}) is full, this
     * call blocks until there is room, at most the request timeout. A start for an id that
     * exists already leaves that instance alone (the orchestrator refuses it and reports the
     * duplicate), so retrying after a failure is safe.
     *
     * @param workflowName the registered name of the workflow
     * @param input        the input, converted with the data converter; may be null
     * @param instanceId   the id, see {@link #scheduleNewWorkflow(String, Object, String)}
     * @return completed with {@code instanceId} once the broker acknowledged the start, or exceptionally
     *         with a {@link WorkflowClientException} naming the instance and the topic if the write failed or
     *         was not acknowledged within the request timeout (it may still be written then)
     * @throws IllegalArgumentException if the name or id is invalid or the converted input is too large;
     *                                  nothing is sent then
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<String> scheduleNewWorkflowAsync(String workflowName, Object input, String instanceId) {
        Validation.name("workflow name", workflowName);
        Validation.instanceId(instanceId);
        Payload payload = convert(input);
        checkOpen();
        return writes.startAsync(workflowName, instanceId, payload, null, null);
    }

    /**
     * Starts a new instance of a workflow class, registered under its simple name, with a random
     * id, without waiting for the broker, see {@link #scheduleNewWorkflowAsync(String, Object, String)}.
     *
     * @param workflow the workflow class; its {@link Class#getSimpleName()} is the workflow name
     * @param input    the input; may be null
     * @return completed with the new instance's id once the broker acknowledged the start
     * @throws IllegalArgumentException if the converted input is too large
     */
    public CompletableFuture<String> scheduleNewWorkflowAsync(Class<? extends Workflow> workflow, Object input) {
        return scheduleNewWorkflowAsync(workflow.getSimpleName(), input);
    }

    /**
     * Starts a new instance of a workflow class, registered under its simple name, with the given
     * id, without waiting for the broker, see {@link #scheduleNewWorkflowAsync(String, Object, String)}.
     *
     * @param workflow   the workflow class; its {@link Class#getSimpleName()} is the workflow name
     * @param input      the input; may be null
     * @param instanceId the id, see {@link #scheduleNewWorkflow(String, Object, String)}
     * @return completed with {@code instanceId} once the broker acknowledged the start
     * @throws IllegalArgumentException if the id is invalid or the converted input is too large
     */
    public CompletableFuture<String> scheduleNewWorkflowAsync(Class<? extends Workflow> workflow, Object input,
                                                              String instanceId) {
        return scheduleNewWorkflowAsync(workflow.getSimpleName(), input, instanceId);
    }

    /**
     * Starts a batch of new instances: converts and checks every request first (one invalid
     * request sends nothing), hands all starts to the producer, which sends them in batches, and
     * completes when every one is acknowledged. Much faster than one {@link #scheduleNewWorkflow}
     * after another, which waits for the broker each time (load-tests/README.md, {@code starts}).
     *
     * <p>If some writes fail, the future completes exceptionally once every write has ended, with
     * a {@link WorkflowClientException} that says how many failed and names them (their
     * exceptions are its cause and suppressed exceptions); the other starts are written. Sending
     * the same requests again is safe: a start for an id that exists already leaves that instance
     * alone (the orchestrator refuses it and reports the duplicate).
     * Threads and backpressure as for {@link #scheduleNewWorkflowAsync(String, Object, String)}.
     *
     * @param requests the starts, with distinct instance ids
     * @return completed with the instance ids, in the order of {@code requests}, once every start is acknowledged
     * @throws IllegalArgumentException if a converted input is too large or two requests have the same
     *                                  id; nothing is sent then
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<List<String>> scheduleNewWorkflows(List<NewWorkflowRequest> requests) {
        List<WorkflowWrites.Start> starts = new ArrayList<>(requests.size());
        for (NewWorkflowRequest request : requests) {
            starts.add(new WorkflowWrites.Start(request.workflowName(), request.instanceId(), convert(request.input())));
        }
        checkOpen();
        return writes.startAll(starts);
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
        await(raiseEventAsync(instanceId, eventName, payload), "event '" + eventName + "' for instance " + instanceId);
    }

    /**
     * Raises an external event on an instance without waiting for the broker: the arguments are
     * checked, the payload converted and the record handed to the producer before this returns.
     * Events raised one after another from one thread reach the instance in that order. Threads
     * and backpressure as for {@link #scheduleNewWorkflowAsync(String, Object, String)}.
     *
     * @param instanceId the instance
     * @param eventName  the event's name
     * @param payload    the event data; may be null
     * @return completed once the broker acknowledged the event, or exceptionally with a
     *         {@link WorkflowClientException} naming the event, the instance and the topic
     * @throws IllegalArgumentException if the id or name is invalid or the converted payload is too large;
     *                                  nothing is sent then
     * @throws IllegalStateException    if the client is closed
     */
    public CompletableFuture<Void> raiseEventAsync(String instanceId, String eventName, Object payload) {
        Validation.instanceId(instanceId);
        Validation.name("event name", eventName);
        Payload data = convert(payload);
        checkOpen();
        return writes.raiseEventAsync(instanceId, eventName, data);
    }

    private <T> T await(CompletableFuture<T> write, String what) {
        return Futures.await(write, what + " on topic " + topics.inbox());
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
     * Terminates an instance and its running children; it ends TERMINATED with the given output.
     * Has no effect on an instance that already finished.
     *
     * @param instanceId the instance
     * @param output     the output to record; may be null
     * @param reason     why, for operators; may be null
     * @throws IllegalArgumentException if the id is invalid or the converted output is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void terminateWorkflow(String instanceId, Object output, String reason) {
        terminateWorkflow(instanceId, output, reason, true);
    }

    /**
     * Terminates an instance; it ends TERMINATED with the given output. Has no effect on an
     * instance that already finished.
     *
     * @param instanceId the instance
     * @param output     the output to record; may be null
     * @param reason     why, for operators; may be null
     * @param recursive  whether its running children are terminated too
     * @throws IllegalArgumentException if the id is invalid or the converted output is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void terminateWorkflow(String instanceId, Object output, String reason, boolean recursive) {
        Validation.instanceId(instanceId);
        Payload data = convert(output);
        checkOpen();
        writes.terminate(instanceId, data, reason, recursive);
    }

    /**
     * Suspends an instance: no workflow code runs until it is resumed; results, timers and events
     * that arrive meanwhile are kept and processed on resume, in their order.
     *
     * @param instanceId the instance
     * @param reason     why, for operators; may be null
     * @throws IllegalArgumentException if the id is invalid
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void suspendWorkflow(String instanceId, String reason) {
        checkOpen();
        writes.suspend(instanceId, reason);
    }

    /**
     * Resumes a suspended instance.
     *
     * @param instanceId the instance
     * @param reason     why, for operators; may be null
     * @throws IllegalArgumentException if the id is invalid
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void resumeWorkflow(String instanceId, String reason) {
        checkOpen();
        writes.resume(instanceId, reason);
    }

    /**
     * Purges a terminal instance and, recursively, its children: their instance records,
     * histories and timers are deleted, and the id reads as not found and may be started again.
     * The orchestrator refuses the purge of an instance that is not terminal.
     *
     * @param instanceId the instance
     * @throws IllegalArgumentException if the id is invalid
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void purgeWorkflow(String instanceId) {
        purgeWorkflow(instanceId, true);
    }

    /**
     * Purges a terminal instance, see {@link #purgeWorkflow(String)}.
     *
     * @param instanceId the instance
     * @param recursive  whether its children are purged too
     * @throws IllegalArgumentException if the id is invalid
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public void purgeWorkflow(String instanceId, boolean recursive) {
        checkOpen();
        writes.purge(instanceId, recursive);
    }

    /**
     * Runs a terminal instance again as a new instance: its history before event
     * {@code fromEventId} is copied, the rest runs again ({@code dapr workflow rerun}).
     *
     * @param instanceId    the terminal instance
     * @param fromEventId   the history event id from which on it runs again; 0 runs it all again
     * @param newInstanceId the new instance's id, or null for a random one
     * @param input         the new input, or null to keep the source's input
     * @return the new instance's id
     * @throws IllegalArgumentException if an id is invalid, {@code fromEventId} is negative or the
     *                                  converted input is too large
     * @throws WorkflowClientException  if the broker did not acknowledge the request
     */
    public String rerunWorkflow(String instanceId, int fromEventId, String newInstanceId, Object input) {
        Validation.instanceId(instanceId);
        Payload data = convert(input);
        checkOpen();
        return writes.rerun(instanceId, fromEventId, newInstanceId, data);
    }

    /**
     * The current state of an instance. With orchestrator URLs it is read from the orchestrator
     * that owns the instance, with its live history length and last update; without, it is the
     * latest status published, including every status committed before this call.
     *
     * @param instanceId the instance
     * @return its state, or empty if the instance is unknown (never started, not yet started, purged)
     * @throws IllegalArgumentException if the id is invalid
     * @throws WorkflowClientException  if no orchestrator answered, or the status topic cannot be
     *                                  read within the request timeout
     */
    public Optional<WorkflowInstanceState> getInstanceState(String instanceId) {
        Validation.instanceId(instanceId);
        checkOpen();
        if (reads != null) {
            return reads.state(instanceId);
        }
        StatusView statuses = statusView();
        statuses.catchUp();
        return statuses.table().get(instanceId).map(this::toState);
    }

    /**
     * The history of an instance, in order, as the orchestrators' HTTP API exports it.
     *
     * @param instanceId the instance
     * @return its events, or empty if the instance is unknown
     * @throws IllegalArgumentException if the id is invalid
     * @throws IllegalStateException    if the client has no orchestrator URLs
     * @throws WorkflowClientException  if no orchestrator answered
     */
    public Optional<List<WorkflowHistoryEvent>> getHistory(String instanceId) {
        Validation.instanceId(instanceId);
        return httpReads("read a history").history(instanceId);
    }

    /**
     * The history of an instance as the JSON document of {@code GET /v1/workflows/{id}/history}
     * (docs/http-api.md), for saving and for replaying elsewhere.
     *
     * @param instanceId the instance
     * @return the JSON text, or empty if the instance is unknown
     * @throws IllegalArgumentException if the id is invalid
     * @throws IllegalStateException    if the client has no orchestrator URLs
     * @throws WorkflowClientException  if no orchestrator answered
     */
    public Optional<String> exportHistory(String instanceId) {
        Validation.instanceId(instanceId);
        return httpReads("export a history").historyJson(instanceId).map(json -> {
            try {
                return PayloadJson.mapper().writeValueAsString(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Expected to write the history of " + instanceId + " as JSON, but: " + e, e);
            }
        });
    }

    /**
     * One page of the instances matching the query, across every partition and orchestrator,
     * in instance-id order. Read the next page with {@code query.withPageToken(page.nextPageToken())}.
     *
     * @param query the filters and the page
     * @return the page
     * @throws IllegalArgumentException if the orchestrator refused the query (e.g. a malformed page token)
     * @throws IllegalStateException    if the client has no orchestrator URLs
     * @throws WorkflowClientException  if no orchestrator answered
     */
    public WorkflowInstancePage listInstances(WorkflowInstanceQuery query) {
        return httpReads("list instances").list(query);
    }

    /**
     * Every instance matching the query's filters, read page by page (mind the memory with many).
     *
     * @param query the filters; its page size is the size of each request
     * @return the instances in instance-id order
     * @throws IllegalStateException   if the client has no orchestrator URLs
     * @throws WorkflowClientException if no orchestrator answered
     */
    public List<WorkflowInstanceState> listAllInstances(WorkflowInstanceQuery query) {
        List<WorkflowInstanceState> all = new ArrayList<>();
        WorkflowInstancePage page = listInstances(query.withPageToken(null));
        all.addAll(page.instances());
        while (page.hasMore()) {
            page = listInstances(query.withPageToken(page.nextPageToken()));
            all.addAll(page.instances());
        }
        return all;
    }

    /**
     * How many instances match the query's filters, by status (statuses without any are left out).
     *
     * @param query the filters; its page size and token are ignored
     * @return the counts by status
     * @throws IllegalStateException   if the client has no orchestrator URLs
     * @throws WorkflowClientException if no orchestrator answered
     */
    public Map<WorkflowRuntimeStatus, Long> countInstances(WorkflowInstanceQuery query) {
        return httpReads("count instances").countByStatus(query);
    }

    /**
     * Purges every terminal instance that matches the query's filters, recursively to their
     * children, as {@code dapr workflow purge --all-older-than D --all-filter-status S} does: an
     * orchestrator lists the matches (creation time before {@link WorkflowInstanceQuery#createdTo()})
     * and writes one purge request per terminal one. Matches that are not terminal are left alone.
     * The purges are carried out after this returns.
     *
     * <pre>{@code
     * int purged = client.purgeInstances(WorkflowInstanceQuery.all()
     *         .withStatuses(WorkflowRuntimeStatus.COMPLETED, WorkflowRuntimeStatus.FAILED)
     *         .withCreatedTo(Instant.now().minus(Duration.ofDays(7))));
     * }</pre>
     *
     * @param query the filters, at least one of them set, with only terminal statuses; its page size and token are ignored
     * @return how many instances purge requests were written for
     * @throws IllegalArgumentException if the query has no filter or names a status that is not terminal
     * @throws IllegalStateException    if the client has no orchestrator URLs
     * @throws WorkflowClientException  if no orchestrator answered
     */
    public int purgeInstances(WorkflowInstanceQuery query) {
        return httpReads("purge instances").purge(query, true);
    }

    private HttpReads httpReads(String what) {
        checkOpen();
        if (reads == null) {
            throw new IllegalStateException("Expected orchestrator URLs (WorkflowClient.Builder.orchestratorUrls) to "
                    + what + ", but none are configured");
        }
        return reads;
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

    private Payload convert(Object value) {
        return settings.converter().serialize(value);
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
            writes.close();
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
        private final List<String> orchestratorUrls = new ArrayList<>();
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();

        private Builder() {
        }

        /**
         * Reads through these orchestrators' HTTP API (state, history, lists, counts) instead of
         * the status topic. Any one of them answers any query; the client goes round-robin over
         * them and skips one it cannot reach. Writes still go to Kafka.
         *
         * @param urls base URLs such as {@code http://localhost:7070}
         * @return this
         */
        public Builder orchestratorUrls(String... urls) {
            orchestratorUrls.clear();
            orchestratorUrls.addAll(List.of(urls));
            return this;
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
         * Carries the caller's trace context into the workflows it starts (docs/metrics.md#tracing):
         * every record the client writes gets the current context ({@code Context.current()}) as a
         * W3C {@code traceparent} header, and the orchestrator (given an OpenTelemetry SDK too) makes
         * the instance's workflow span a child of it.
         *
         * @param openTelemetry the application's OpenTelemetry (default {@link OpenTelemetry#noop()}: no header)
         * @return this
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = java.util.Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * @return a new client; it connects lazily
         * @throws IllegalArgumentException if a required setting is missing or invalid
         */
        public WorkflowClient build() {
            return new WorkflowClient(new ClientSettings(bootstrapServers, schemaRegistryUrl, new Topics(topicPrefix),
                    dataConverter, kafkaProperties, maxPayloadBytes, requestTimeout), List.copyOf(orchestratorUrls),
                    openTelemetry != OpenTelemetry.noop());
        }
    }
}
