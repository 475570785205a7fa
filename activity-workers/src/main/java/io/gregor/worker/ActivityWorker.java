package io.gregor.worker;

import io.gregor.schemas.Topics;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.internal.WorkerRuntime;
import io.gregor.worker.internal.WorkerTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import io.gregor.worker.internal.WorkerSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Runs activities for workflows: consumes {@code <prefix>.activity-tasks} (or the topic of its
 * {@link Builder#taskQueue task queue}), runs each task's activity on a virtual thread (at most
 * {@code maxConcurrency} at once) and writes an {@code ActivityResult} to the orchestrator's inbox.
 *
 * <p>Delivery is at least once: a task is acknowledged (share group) or committed (consumer
 * group) only after its result was written, so a worker that dies mid-task leaves it to be
 * delivered again, and the orchestrator drops duplicate results. Unreadable task records go to
 * {@code <prefix>.dead-letters} with the reason in headers. Retries, backoff and timeouts are
 * the orchestrator's business.
 *
 * <p>Long activities call {@link ActivityContext#heartbeat(Object)}: the worker sends throttled
 * {@code ActivityHeartbeat}s to the inbox and the last details with the result. It reads
 * {@code <prefix>.activity-cancellations} and cancels matching running attempts (the activity
 * sees {@link ActivityContext#isCancelled()}, and its next heartbeat throws
 * {@link ActivityCanceledException}); an attempt past its deadline is cancelled the same way.
 * In share-group mode, a task delivered as often as the group's {@code share.delivery.count.limit}
 * allows is not run again but reported failed ({@link ActivityDeliveryLimitException}), so a
 * task that crashes its worker every time ends in the workflow's history instead of vanishing.
 *
 * <pre>{@code
 * try (ActivityWorker worker = ActivityWorker.builder()
 *     .bootstrapServers("localhost:9092")
 *     .schemaRegistryUrl("http://localhost:8081")
 *     .registerActivity("SendEmail", ctx -> mailer.send(ctx.getInput(Email.class)))
 *     .build()) {
 *   worker.start();
 *   ...
 * }
 * }</pre>
 */
public final class ActivityWorker implements AutoCloseable {

  private final WorkerSettings settings;
  private final Observability observability;
  private final WorkerTelemetry telemetry;
  private final Object lifecycle = new Object();
  private WorkerRuntime runtime;
  private boolean closed;

  private ActivityWorker(WorkerSettings settings, Observability observability) {
    this.settings = settings;
    this.observability = observability;
    this.telemetry = new WorkerTelemetry(observability.registry != null ? observability.registry
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), observability.openTelemetry);
  }

  /** What the builder says about metrics and tracing. */
  private record Observability(MeterRegistry registry, OpenTelemetry openTelemetry, String metricsHost,
      int metricsPort) {}

  /**
   * Starts configuring a worker.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates the Kafka clients and starts the poll thread; returns without waiting for tasks.
   *
   * @throws IllegalStateException if the worker was already started or closed
   * @throws org.apache.kafka.common.KafkaException if a Kafka client cannot be created
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed || runtime != null) {
        throw new IllegalStateException("Expected a new activity worker, but worker "
            + settings.workerId() + " was already " + (closed ? "closed" : "started"));
      }
      runtime = WorkerRuntime.start(settings, telemetry, observability.metricsHost,
          observability.metricsPort);
    }
  }

  /**
   * Stops gracefully: stops polling, lets running activities finish (up to the shutdown
   * timeout, 30 s by default), writes and acknowledges their results, then closes the clients.
   * Tasks not finished by then are given back to the group. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (runtime != null) {
        runtime.close();
      }
      if (observability.registry == null) {
        telemetry.registry().close();
      }
    }
  }

  /**
   * The registry of this worker's meters (docs/metrics.md).
   *
   * @return the registry given to the builder, or the PrometheusMeterRegistry the worker made
   */
  public MeterRegistry meterRegistry() {
    return telemetry.registry();
  }

  /**
   * Where Prometheus scrapes this worker, once started with a {@link Builder#metricsPort}.
   *
   * @return the URL of its {@code /metrics} endpoint; empty if it serves none or is not started
   */
  public Optional<URI> metricsUrl() {
    synchronized (lifecycle) {
      return runtime == null ? Optional.empty() : runtime.metricsUrl();
    }
  }

  /** How many times lock renewal ran; lets tests wait for it instead of sleeping. */
  long lockRenewals() {
    synchronized (lifecycle) {
      return runtime == null ? 0 : runtime.lockRenewals();
    }
  }

  /** Whether the worker sees cancellations written from now on; lets tests wait for it. */
  boolean readsCancellations() {
    synchronized (lifecycle) {
      return runtime != null && runtime.readsCancellations();
    }
  }

  /** How many heartbeats the worker sent; lets tests wait instead of sleeping. */
  long heartbeatsSent() {
    synchronized (lifecycle) {
      return runtime == null ? 0 : runtime.heartbeatsSent();
    }
  }

  /** How workers consume tasks unless {@link Builder#mode} says otherwise. */
  public static final ConsumptionMode DEFAULT_MODE = ConsumptionMode.CONSUMER_GROUP;

  /** Configures an {@link ActivityWorker}. Not thread-safe. */
  public static final class Builder {

    /**
     * Enough for slow activities not to idle a worker, few enough that a group of workers stays
     * well under the broker's share-group member limit (group.share.max.size, 200 by default).
     */
    private static final int DEFAULT_CONSUMERS = 4;

    private String bootstrapServers;
    private String schemaRegistryUrl;
    private String topicPrefix = Topics.DEFAULT_PREFIX;
    private final Map<String, Activity> activities = new LinkedHashMap<>();
    private int maxConcurrency = 64;
    private Integer consumers;
    private ConsumptionMode mode = DEFAULT_MODE;
    private String groupId;
    private String taskQueue;
    private String workerId;
    private DataConverter dataConverter;
    private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private MeterRegistry meterRegistry;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private String metricsHost = "127.0.0.1";
    private int metricsPort = -1;

    private Builder() {}

    /**
     * Where the worker's meters go (docs/metrics.md). By default the worker makes a
     * PrometheusMeterRegistry of its own.
     *
     * @param registry the registry; closed by the caller, not by the worker
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Serves {@code GET /metrics} in the Prometheus text format on this port (off by default). The
     * meter registry must be, or hold, a PrometheusMeterRegistry (the default one is).
     *
     * @param port the port; 0 picks a free one (read it from {@link ActivityWorker#metricsUrl()})
     * @return this builder
     */
    public Builder metricsPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("Expected a metrics port from 0 to 65535, but found " + port);
      }
      this.metricsPort = port;
      return this;
    }

    /**
     * @param host the address the metrics endpoint binds (default 127.0.0.1: this machine only;
     *     0.0.0.0 for every interface, as in a container)
     * @return this builder
     */
    public Builder metricsHost(String host) {
      this.metricsHost = WorkerSettings.requireText("metrics host", host);
      return this;
    }

    /**
     * Turns tracing on (docs/metrics.md#tracing): each activity attempt becomes a span, a child of
     * the workflow span whose context the task record carries ({@code traceparent} header), and is
     * the current span while the activity runs.
     *
     * @param openTelemetry the SDK to export spans through (default {@link OpenTelemetry#noop()}: off)
     * @return this builder
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * The Kafka cluster to connect to. Required.
     *
     * @param bootstrapServers e.g. {@code localhost:9092}
     * @return this builder
     */
    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = WorkerSettings.requireText("bootstrapServers", bootstrapServers);
      return this;
    }

    /**
     * The schema registry (Confluent REST API) the Avro records are registered in. Required.
     *
     * @param schemaRegistryUrl an {@code http(s)://} base URL, or {@code mock://scope} in tests
     * @return this builder
     */
    public Builder schemaRegistryUrl(String schemaRegistryUrl) {
      this.schemaRegistryUrl = WorkerSettings.requireText("schemaRegistryUrl", schemaRegistryUrl);
      return this;
    }

    /**
     * The prefix of every topic name; must match the orchestrator's.
     *
     * @param topicPrefix default {@code gregor}
     * @return this builder
     */
    public Builder topicPrefix(String topicPrefix) {
      new Topics(topicPrefix); // fails fast on an illegal prefix
      this.topicPrefix = topicPrefix;
      return this;
    }

    /**
     * Registers an activity under a name; tasks naming it run it.
     *
     * @param name the activity name workflows schedule
     * @param activity the code to run
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already registered
     */
    public Builder registerActivity(String name, Activity activity) {
      WorkerSettings.requireText("name", name);
      Objects.requireNonNull(activity, "activity");
      if (activities.containsKey(name)) {
        throw new IllegalArgumentException("Expected unique activity names, but '" + name
            + "' is already registered (" + activities.get(name).getClass().getName() + ")");
      }
      activities.put(name, activity);
      return this;
    }

    /**
     * Registers an activity under its class's simple name.
     *
     * @param activity an instance of a named class
     * @return this builder
     * @throws IllegalArgumentException for a lambda or anonymous class, which has no usable
     *     name, or if the name is already registered
     */
    public Builder registerActivity(Activity activity) {
      Objects.requireNonNull(activity, "activity");
      Class<?> type = activity.getClass();
      if (type.isHidden() || type.isAnonymousClass() || type.isSynthetic()) {
        throw new IllegalArgumentException("Expected an activity of a named class, but found "
            + type.getName() + "; register lambdas with registerActivity(name, activity)");
      }
      return registerActivity(type.getSimpleName(), activity);
    }

    /**
     * The most activities run at once; the worker's consumers together also fetch no more tasks
     * than this.
     *
     * @param maxConcurrency at least 1; default 64
     * @return this builder
     */
    public Builder maxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException(
            "Expected maxConcurrency >= 1, but found " + maxConcurrency);
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * How many Kafka consumers, each on its own poll thread, fetch tasks for this worker. A
     * consumer fetches new tasks only once all tasks it fetched before have finished (a rule of
     * share consumers in explicit acknowledgement mode), so one slow activity holds up only its
     * own consumer's few tasks while the others keep fetching. Each consumer fetches at most
     * {@code maxConcurrency / consumers} tasks at a time.
     *
     * @param consumers at least 1; default {@code min(maxConcurrency, 4)}
     * @return this builder
     */
    public Builder consumers(int consumers) {
      if (consumers < 1) {
        throw new IllegalArgumentException("Expected consumers >= 1, but found " + consumers);
      }
      this.consumers = consumers;
      return this;
    }

    /**
     * How tasks are consumed. The default, a consumer group, is the faster of the two on Kafka
     * 4.3 (a step's hop from the orchestrator to the worker took 1 ms against 3.2 ms p50 with a
     * share group, and the broker's share-group bookkeeping takes CPU at saturation); choose
     * {@link ConsumptionMode#SHARE_GROUP} for more workers than task partitions, per-task
     * redelivery and delivery counts.
     *
     * @param mode default {@link ConsumptionMode#CONSUMER_GROUP}
     * @return this builder
     */
    public Builder mode(ConsumptionMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * The share group (or consumer group) of the workers that split the tasks between them.
     *
     * @param groupId default {@code <prefix>-activity-workers}, or
     *     {@code <prefix>-activity-workers.<taskQueue>} for a {@link #taskQueue}
     * @return this builder
     */
    public Builder groupId(String groupId) {
      this.groupId = WorkerSettings.requireText("groupId", groupId);
      return this;
    }

    /**
     * Runs the tasks of one task queue instead of the default queue's: the worker reads
     * {@code <prefix>.activity-tasks.<taskQueue>}, where the orchestrator sends the activities called
     * with {@code TaskOptions.onTaskQueue(taskQueue)} (it must declare the queue:
     * {@code GregorOrchestrator.Builder.taskQueues}). Workers in other languages serve queues the
     * same way (docs/polyglot.md).
     *
     * @param taskQueue a queue name: ASCII letters, digits, '.', '_' or '-'
     * @return this builder
     * @throws IllegalArgumentException if the name cannot end a topic name
     */
    public Builder taskQueue(String taskQueue) {
      new Topics(topicPrefix).activityTasks(WorkerSettings.requireText("taskQueue", taskQueue));
      this.taskQueue = taskQueue;
      return this;
    }

    /**
     * Names this worker in results, logs and dead-letter headers.
     *
     * @param workerId default {@code <host>-<pid>}
     * @return this builder
     */
    public Builder workerId(String workerId) {
      this.workerId = WorkerSettings.requireText("workerId", workerId);
      return this;
    }

    /**
     * Converts activity inputs and outputs.
     *
     * @param dataConverter default {@link DataConverter#defaultConverter()} (JSON)
     * @return this builder
     */
    public Builder dataConverter(DataConverter dataConverter) {
      this.dataConverter = Objects.requireNonNull(dataConverter, "dataConverter");
      return this;
    }

    /**
     * Sets a Kafka client property (security, timeouts, tuning) on each of the worker's clients
     * that knows it. Serializers, deserializers, the acknowledgement mode and auto commit are the
     * worker's own and cannot be overridden. In share-group mode, {@code isolation.level} sets
     * the group's {@code share.isolation.level} (default {@code read_uncommitted}: see
     * {@link #speculativeDispatch(boolean)}).
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     */
    public Builder kafkaProperty(String key, Object value) {
      kafkaProperties.put(WorkerSettings.requireText("key", key), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Runs tasks as soon as the orchestrator writes them, before its transaction commits (the
     * default; Kafka
     * {@code isolation.level=read_uncommitted}; in share-group mode the group's
     * {@code share.isolation.level}). This takes the orchestrator's commit interval out of every
     * step's latency.
     *
     * <p>Why it is safe: the orchestrator processes each instance's inputs in the order of one
     * partition of its inbox topic, and its decisions depend on nothing else, so after an aborted
     * transaction it processes the same inputs in the same order and schedules the same tasks
     * (same task ids, same inputs). A task read before an abort is therefore one the final history
     * schedules too; it may run twice (the rewritten copy is delivered again), which activities
     * must tolerate anyway (they run at least once; {@link ActivityContext} carries the
     * idempotency key), and the second result is recorded only once.
     *
     * <p>Turn it off only together with the orchestrator's
     * ({@code GregorOrchestrator.Builder.speculativeDispatch(false)}): a worker that reads only
     * committed tasks from an orchestrator that does not commit promptly for them waits for its
     * periodic commit on every step. The other mismatch costs nothing but the saving.
     *
     * @param speculative true to read uncommitted tasks (default); false for read_committed
     * @return this builder
     */
    public Builder speculativeDispatch(boolean speculative) {
      return kafkaProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
          speculative ? "read_uncommitted" : "read_committed");
    }

    /**
     * How long {@link ActivityWorker#close()} waits for running activities before giving their
     * tasks back to the group.
     *
     * @param shutdownTimeout default 30 seconds
     * @return this builder
     */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "Expected a non-negative shutdown timeout, but found " + shutdownTimeout);
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * Validates the configuration and creates the worker (not yet started).
     *
     * @return the worker
     * @throws IllegalStateException if bootstrap servers, the registry URL or activities are
     *     missing
     */
    public ActivityWorker build() {
      if (bootstrapServers == null) {
        throw new IllegalStateException("Expected bootstrapServers to be set, but found none");
      }
      if (schemaRegistryUrl == null) {
        throw new IllegalStateException("Expected schemaRegistryUrl to be set, but found none");
      }
      if (activities.isEmpty()) {
        throw new IllegalStateException(
            "Expected at least one registered activity, but found none");
      }
      Topics topics = new Topics(topicPrefix);
      topics.activityTasks(taskQueue); // fails on a queue name no topic can end with
      String defaultGroupId = topics.prefix() + "-activity-workers" + (taskQueue == null ? "" : "." + taskQueue);
      return new ActivityWorker(new WorkerSettings(
          bootstrapServers,
          schemaRegistryUrl,
          topics,
          new TreeMap<>(activities),
          maxConcurrency,
          consumers != null ? consumers : Math.min(maxConcurrency, DEFAULT_CONSUMERS),
          mode,
          groupId != null ? groupId : defaultGroupId,
          workerId != null ? workerId : WorkerSettings.defaultWorkerId(),
          dataConverter != null ? dataConverter : DataConverter.defaultConverter(),
          kafkaProperties,
          shutdownTimeout,
          taskQueue), new Observability(meterRegistry, openTelemetry, metricsHost, metricsPort));
    }
  }
}
