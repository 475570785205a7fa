package io.gregor.worker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gregor.schemas.Failures;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.registry.SchemaRegistryException;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityCanceledException;
import io.gregor.worker.ActivityDeliveryLimitException;
import io.gregor.worker.ActivityNotRegisteredException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything done for one task record, on its own virtual thread: decode it, run the activity,
 * write the result (or dead-letter the record). Never throws: the outcome tells the poll thread
 * whether the record may be acknowledged.
 */
final class TaskHandler {

  private static final Logger LOG = LoggerFactory.getLogger(TaskHandler.class);
  private static final int REGISTRY_ATTEMPTS = 3;
  private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(1);

  private final WorkerSettings settings;
  private final Producer<byte[], byte[]> producer;
  private final Deserializer<ActivityTask> taskDeserializer;
  private final Serializer<ActivityResult> resultSerializer;
  private final DeadLetterWriter deadLetters;
  private final BooleanSupplier abandoned;
  private final WorkerTelemetry telemetry;
  private final RunningAttempts attempts;
  private final IntSupplier deliveryLimit;

  /**
   * @param abandoned true once the worker stopped waiting for running activities: their results
   *     must not be written, because their records were already released to other workers
   * @param attempts where running attempts are found by cancellations
   * @param deliveryLimit the share group's delivery count limit; 0 when records carry no count
   */
  TaskHandler(WorkerSettings settings, Producer<byte[], byte[]> producer,
      Deserializer<ActivityTask> taskDeserializer, Serializer<ActivityResult> resultSerializer,
      BooleanSupplier abandoned, WorkerTelemetry telemetry, RunningAttempts attempts,
      IntSupplier deliveryLimit) {
    this.settings = settings;
    this.producer = producer;
    this.taskDeserializer = taskDeserializer;
    this.resultSerializer = resultSerializer;
    this.deadLetters =
        new DeadLetterWriter(producer, settings.topics().deadLetters(), settings.workerId());
    this.abandoned = abandoned;
    this.telemetry = telemetry;
    this.attempts = attempts;
    this.deliveryLimit = deliveryLimit;
  }

  Outcome handle(ConsumerRecord<byte[], byte[]> record) {
    ActivityTask task;
    try {
      task = decode(record);
    } catch (RuntimeException e) {
      if (isTransient(e)) {
        // The record may be fine; the registry is not. Dead-lettering would lose good tasks.
        LOG.warn("Cannot decode task record {} now, will retry it: {}", RecordId.of(record), e.toString());
        return Outcome.REDELIVER;
      }
      Outcome outcome = deadLetters.write(record, e);
      if (outcome == Outcome.WRITTEN) {
        telemetry.deadLettered();
      }
      return outcome;
    }
    LOG.debug("Running activity {} for {}/{} attempt {} (record {}, delivery {})",
        task.getActivityName(), task.getInstanceId(), task.getTaskId(), task.getAttempt(),
        RecordId.of(record), record.deliveryCount().map(String::valueOf).orElse("-"));
    if (isLastDelivery(record)) {
      return publish(task, deliveryLimitReached(task, record.deliveryCount().orElseThrow()));
    }
    long started = System.nanoTime();
    WorkerTelemetry.Attempt attempt = telemetry.begin(record.headers(), task);
    ActivityResult result = execute(task);
    attempt.end(result);
    if (abandoned.getAsBoolean()) {
      LOG.debug("Dropping the result of {}/{}: the worker stopped waiting for it",
          task.getInstanceId(), task.getTaskId());
      return Outcome.REDELIVER;
    }
    LOG.debug("Activity {} for {}/{} attempt {} {} after {} ms", task.getActivityName(),
        task.getInstanceId(), task.getTaskId(), task.getAttempt(),
        result.getSucceeded() ? "succeeded" : "failed", (System.nanoTime() - started) / 1_000_000);
    return publish(task, result);
  }

  private ActivityTask decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw new SerializationException("Expected an ActivityTask value in record "
          + RecordId.of(record) + ", but found null (a tombstone)");
    }
    ActivityTask task =
        taskDeserializer.deserialize(record.topic(), record.headers(), record.value());
    if (task == null) {
      throw new SerializationException("Expected an ActivityTask value in record "
          + RecordId.of(record) + ", but the deserializer returned null");
    }
    return task;
  }

  private ActivityResult execute(ActivityTask task) {
    String workerId = settings.workerId();
    Activity activity = settings.activities().get(task.getActivityName());
    if (activity == null) {
      var missing = new ActivityNotRegisteredException(
          task.getActivityName(), workerId, settings.activities().keySet());
      LOG.warn(missing.getMessage());
      return Results.failed(task, workerId, Failures.of(missing, true));
    }
    TaskContext context = attempts.begin(task);
    try {
      if (context.isCancelled()) {
        // Cancelled before it started (or past its deadline): not worth running. The result
        // says why; the orchestrator drops it if it no longer waits for this attempt.
        throw new ActivityCanceledException("Expected to run activity '" + task.getActivityName()
            + "' (" + context.describe() + "), but it was cancelled before it started: "
            + context.cancelReason(), context.cancelReason());
      }
      Object output = activity.run(context);
      return Results.succeeded(task, workerId, settings.dataConverter().serialize(output), context.details());
    } catch (Throwable thrown) {
      // Anything the activity throws (Errors included) is that attempt's failure; the worker
      // itself is fine and the orchestrator decides whether to retry.
      return Results.failed(task, workerId, Failures.of(Results.unwrap(thrown)), context.details());
    } finally {
      attempts.end(context);
    }
  }

  /**
   * Whether this is the last delivery the share group will make of the record: its earlier
   * deliveries all ended without a result (the worker crashed, hung or stopped), so running it
   * once more would likely end the same way, after which the broker archives the record and the
   * workflow would never hear of it. A limit of 1 leaves no earlier delivery: it runs.
   */
  private boolean isLastDelivery(ConsumerRecord<byte[], byte[]> record) {
    int limit = deliveryLimit.getAsInt();
    return limit > 1 && record.deliveryCount().map(count -> count >= limit).orElse(false);
  }

  private ActivityResult deliveryLimitReached(ActivityTask task, short deliveries) {
    var poison = new ActivityDeliveryLimitException("Expected activity '" + task.getActivityName()
        + "' (instance " + task.getInstanceId() + ", task " + task.getTaskId() + ", attempt "
        + task.getAttempt() + ") to finish, but it was delivered " + deliveries + " times without a"
        + " result: the worker running it crashed or hung each time");
    LOG.warn("{}. Not running it again; reporting it failed.", poison.getMessage());
    return Results.failed(task, settings.workerId(), Failures.of(poison));
  }

  private Outcome publish(ActivityTask task, ActivityResult result) {
    try {
      send(result);
      return Outcome.WRITTEN;
    } catch (RecordTooLargeException e) {
      // Redelivering would only fail again; report the size problem as the attempt's failure.
      LOG.warn("The result of {}/{} attempt {} is too large for Kafka: {}",
          task.getInstanceId(), task.getTaskId(), task.getAttempt(), e.getMessage());
      var tooLarge = new RecordTooLargeException("Expected the result of activity '"
          + task.getActivityName() + "' for " + task.getInstanceId() + "/" + task.getTaskId()
          + " attempt " + task.getAttempt() + " to fit in one Kafka record, but it was refused: "
          + e.getMessage());
      return publishOrRedeliver(task, Results.failed(task, settings.workerId(), Failures.of(tooLarge)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.REDELIVER;
    } catch (RuntimeException e) {
      return failedToPublish(task, e);
    }
  }

  private Outcome publishOrRedeliver(ActivityTask task, ActivityResult result) {
    try {
      send(result);
      return Outcome.WRITTEN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.REDELIVER;
    } catch (RuntimeException e) {
      return failedToPublish(task, e);
    }
  }

  private Outcome failedToPublish(ActivityTask task, RuntimeException e) {
    LOG.error("Expected to write the result of {}/{} attempt {} to {}, but the write failed;"
            + " the task will be delivered again", task.getInstanceId(), task.getTaskId(),
        task.getAttempt(), settings.topics().inbox(), e);
    return Outcome.REDELIVER;
  }

  private void send(ActivityResult result) throws InterruptedException {
    String topic = settings.topics().inbox();
    byte[] key = result.getInstanceId().getBytes(UTF_8);
    byte[] value = serializeResult(topic, result);
    // The orchestrator reads every kind of input from the inbox; the header says this is a result.
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
    record.headers().add(InputKind.HEADER, InputKind.RESULT.headerValue());
    Sending.sendAndWait(producer, record);
  }

  /**
   * Serializes, retrying a registry that is briefly unreachable or slow (the producer retries
   * the send itself): giving up means running the activity again.
   */
  private byte[] serializeResult(String topic, ActivityResult result) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return resultSerializer.serialize(topic, result);
      } catch (RuntimeException e) {
        if (attempt >= REGISTRY_ATTEMPTS || !isTransient(e) || abandoned.getAsBoolean()) {
          throw e;
        }
        LOG.warn("Cannot register the result schema now (attempt {} of {}), retrying: {}",
            attempt, REGISTRY_ATTEMPTS, e.getMessage());
        Thread.sleep(REGISTRY_BACKOFF.toMillis() * attempt);
      }
    }
  }

  /**
   * Registers the result schema before any task runs, so that many first results do not all
   * race to register it at once (slow on a busy registry). Failure is only logged: the first
   * result retries.
   */
  void warmUp() {
    ActivityResult placeholder = ActivityResult.newBuilder()
        .setInstanceId("warm-up").setTaskId(0).setSucceeded(true).build();
    try {
      resultSerializer.serialize(settings.topics().inbox(), placeholder);
    } catch (RuntimeException e) {
      LOG.warn("Cannot register the ActivityResult schema for {} yet: {}",
          settings.topics().inbox(), e.getMessage());
    }
  }

  /** A registry that cannot be reached or fails (5xx) says nothing about the record. */
  static boolean isTransient(Throwable error) {
    return SchemaRegistryException.isTransient(error);
  }
}
