package io.gregor.worker.internal;

import io.gregor.schemas.avro.ActivityCancellation;
import io.gregor.schemas.avro.ActivityHeartbeat;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.worker.ConsumptionMode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of one started worker: its poll loops (one Kafka consumer and platform
 * thread each), the shared permit pool and activity threads, and one producer. Internal; users
 * hold an {@code ActivityWorker}.
 *
 * <p>Why several consumers: a Kafka 4.3 share consumer in explicit mode fetches nothing new while
 * any record it returned is unacknowledged, so one slow activity would idle the whole worker.
 * With several loops, the others keep fetching while one waits.
 */
public final class WorkerRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);
  /** Beyond the shutdown timeout, for committing and closing the consumers. */
  private static final Duration CLOSE_MARGIN = Duration.ofSeconds(30);
  private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final WorkerSettings settings;
  private final SchemaRegistryClient registry;
  private final Producer<byte[], byte[]> producer;
  private final TaskHandler handler;
  private final ActivityDispatcher dispatcher;
  private final List<PollLoop> loops = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Runnable setup;
  private final TaskLag lag;
  private final HeartbeatSender heartbeats;
  /** The share group's delivery count limit, read when the group is set up; 0 for a consumer group. */
  private final AtomicInteger deliveryLimit;
  private final CancellationListener cancellations;
  private final Thread cancellationThread;
  private MetricsServer metrics;
  private Thread starter;

  private WorkerRuntime(WorkerSettings settings, WorkerTelemetry telemetry) {
    this.settings = settings;
    ClientConfigs configs = new ClientConfigs(settings);
    this.lag = new TaskLag(configs.admin(), settings.taskTopic(), settings.groupId(), settings.mode(),
        telemetry.registry().config().clock());
    telemetry.taskLag(lag, TaskLag::records);
    this.registry = SchemaRegistryClient.forUrl(settings.schemaRegistryUrl());
    this.producer = new KafkaProducer<>(configs.producer());
    AtomicBoolean abandoned = new AtomicBoolean();
    this.heartbeats = new HeartbeatSender(producer, new AvroSerde<>(registry, ActivityHeartbeat.class),
        settings.topics(), settings.workerId());
    RunningAttempts attempts = new RunningAttempts(settings.dataConverter(), heartbeats, Clock.systemUTC());
    this.deliveryLimit = new AtomicInteger(settings.mode() == ConsumptionMode.SHARE_GROUP
        ? ShareGroupSetup.DEFAULT_DELIVERY_COUNT_LIMIT : 0);
    this.handler = new TaskHandler(settings, producer,
        new AvroSerde<>(registry, ActivityTask.class), new AvroSerde<>(registry, ActivityResult.class),
        abandoned::get, telemetry, attempts, deliveryLimit::get);
    this.dispatcher = new ActivityDispatcher(
        settings.maxConcurrency(), settings.workerId(), handler, abandoned);
    try {
      for (int i = 0; i < settings.consumers(); i++) {
        loops.add(newLoop(configs.forConsumer(i), settings.workerId() + "/consumer-" + i));
      }
      this.cancellations = new CancellationListener(new KafkaConsumer<>(configs.cancellationConsumer()),
          new AvroSerde<>(registry, ActivityCancellation.class), attempts,
          settings.topics().activityCancellations());
    } catch (RuntimeException e) {
      loops.forEach(PollLoop::closeConsumer);
      heartbeats.close();
      producer.close(Duration.ZERO);
      registry.close();
      throw e;
    }
    this.setup = settings.mode() == ConsumptionMode.SHARE_GROUP
        ? () -> deliveryLimit.set(
            ShareGroupSetup.configure(configs.admin(), settings.groupId(), settings.isolationLevel()))
        : () -> { };
    for (PollLoop loop : loops) {
      threads.add(Thread.ofPlatform().name("gregor-worker-" + loop.name + "-poll").unstarted(loop));
    }
    this.cancellationThread = Thread.ofPlatform()
        .name("gregor-worker-" + settings.workerId() + "-cancellations").unstarted(cancellations);
  }

  private PollLoop newLoop(ClientConfigs configs, String name) {
    if (settings.mode() == ConsumptionMode.SHARE_GROUP) {
      return new ShareGroupLoop(settings, new KafkaShareConsumer<>(configs.shareConsumer()), dispatcher, name);
    }
    return new ConsumerGroupLoop(settings, new KafkaConsumer<>(configs.groupConsumer()), dispatcher, name);
  }


  /**
   * Creates the worker's clients and starts its poll threads.
   *
   * @param settings the validated settings
   * @param telemetry the worker's meters and spans
   * @param metricsHost the address the scrape endpoint binds
   * @param metricsPort its port (0: any free one), or -1 for no endpoint
   * @return the running worker
   * @throws org.apache.kafka.common.KafkaException if a client cannot be created (bad config)
   */
  public static WorkerRuntime start(WorkerSettings settings, WorkerTelemetry telemetry, String metricsHost,
      int metricsPort) {
    // Bound first: a port that is taken fails the start before any Kafka client exists.
    MetricsServer metrics = metricsPort < 0 ? null : MetricsServer.start(metricsHost, metricsPort, telemetry.registry());
    WorkerRuntime runtime;
    try {
      runtime = new WorkerRuntime(settings, telemetry);
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      throw e;
    }
    runtime.metrics = metrics;
    if (metrics != null) {
      LOG.info("Activity worker {} serves its metrics at {}", settings.workerId(), metrics.url());
    }
    // Off the caller's thread, as start() must not block: the group is configured before any
    // consumer first fetches, because the configs only matter when a share partition starts.
    runtime.cancellationThread.start();
    runtime.starter = Thread.ofPlatform().name("gregor-worker-" + settings.workerId() + "-start")
        .start(runtime::setUpAndStartLoops);
    LOG.info("Activity worker {} started: {} '{}' on {}, {} consumers, max concurrency {},"
            + " activities {}", settings.workerId(), settings.mode(), settings.groupId(),
        settings.taskTopic(), settings.consumers(), settings.maxConcurrency(),
        settings.activities().keySet());
    return runtime;
  }

  private void setUpAndStartLoops() {
    setup.run();
    handler.warmUp();
    // Even after close() began: each loop then sees the stop at once and closes its consumer.
    threads.forEach(Thread::start);
  }

  /**
   * How many times the share-group loops renewed acquisition locks of long-running tasks.
   *
   * @return the count; always 0 in consumer-group mode
   */
  public long lockRenewals() {
    return loops.stream().mapToLong(l -> l instanceof ShareGroupLoop s ? s.lockRenewals() : 0).sum();
  }

  /**
   * Whether the worker reads cancellations from the end of their topic, so that it sees every
   * cancellation written from now on.
   *
   * @return true once its cancellation consumer is positioned
   */
  public boolean readsCancellations() {
    return cancellations.ready();
  }

  /**
   * How many heartbeats the worker sent.
   *
   * @return the count of heartbeats handed to the producer
   */
  public long heartbeatsSent() {
    return heartbeats.sent();
  }

  /** @return the scrape endpoint's URL, if the worker serves one */
  public Optional<URI> metricsUrl() {
    return Optional.ofNullable(metrics).map(MetricsServer::url);
  }

  /**
   * Stops polling, lets running activities finish (up to the shutdown timeout), writes and
   * acknowledges their results, and closes every client.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
    loops.forEach(loop -> loop.stop(deadline));
    Duration joinLimit = settings.shutdownTimeout().plus(CLOSE_MARGIN);
    List<Thread> toJoin = new ArrayList<>();
    toJoin.add(starter);
    toJoin.addAll(threads);
    for (Thread thread : toJoin) {
      try {
        if (!thread.join(joinLimit)) {
          LOG.warn("Worker {}: poll thread {} did not stop within {}", settings.workerId(),
              thread.getName(), joinLimit);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    dispatcher.close();
    cancellations.stop();
    try {
      cancellationThread.join(CLOSE_MARGIN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    heartbeats.close();
    producer.close(PRODUCER_CLOSE_TIMEOUT);
    registry.close();
    lag.close();
    if (metrics != null) {
      metrics.close();
    }
    LOG.info("Activity worker {} stopped", settings.workerId());
  }
}
