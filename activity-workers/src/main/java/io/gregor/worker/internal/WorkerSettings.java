package io.gregor.worker.internal;

import io.gregor.schemas.Topics;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.Activity;
import io.gregor.worker.ConsumptionMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything an activity worker was configured with, validated by the builder.
 *
 * @param bootstrapServers the Kafka bootstrap servers
 * @param schemaRegistryUrl the schema registry base URL (or {@code mock://scope})
 * @param topics the topic names of the worker's prefix
 * @param activities the registered activities by name; unmodifiable, sorted by name
 * @param maxConcurrency the most activities running at once
 * @param consumers how many Kafka consumers (each with its own poll thread) fetch tasks
 * @param mode how tasks are consumed
 * @param groupId the share group or consumer group id
 * @param workerId the worker's id, reported in results and dead-letter headers
 * @param dataConverter converts activity inputs and outputs
 * @param kafkaOverrides extra client properties; applied to each client that knows them
 * @param shutdownTimeout how long {@code close()} lets running activities finish
 * @param taskQueue the task queue whose tasks the worker runs, or null for the default queue
 */
public record WorkerSettings(
    String bootstrapServers,
    String schemaRegistryUrl,
    Topics topics,
    Map<String, Activity> activities,
    int maxConcurrency,
    int consumers,
    ConsumptionMode mode,
    String groupId,
    String workerId,
    DataConverter dataConverter,
    Map<String, Object> kafkaOverrides,
    Duration shutdownTimeout,
    String taskQueue) {

  /**
   * How tasks are read unless {@code isolation.level} is overridden: before the orchestrator's
   * transaction commits (speculative dispatch), which takes a commit out of every step.
   */
  public static final String DEFAULT_ISOLATION_LEVEL = "read_uncommitted";

  /** @return the isolation level tasks are read with: the override, else {@link #DEFAULT_ISOLATION_LEVEL} */
  public String isolationLevel() {
    return String.valueOf(kafkaOverrides.getOrDefault("isolation.level", DEFAULT_ISOLATION_LEVEL));
  }

  /** @return the topic the worker reads tasks from: its task queue's ({@link Topics#activityTasks(String)}) */
  public String taskTopic() {
    return topics.activityTasks(taskQueue);
  }

  /** Checks that nothing is missing; the builder has validated the values themselves. */
  public WorkerSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(dataConverter, "dataConverter");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    // Sorted, so that messages listing the registered names read the same on every worker.
    activities = Collections.unmodifiableMap(
        new TreeMap<>(Objects.requireNonNull(activities, "activities")));
    kafkaOverrides = Map.copyOf(Objects.requireNonNull(kafkaOverrides, "kafkaOverrides"));
  }

  /**
   * The worker id used when none is configured.
   *
   * @return {@code <host name>-<pid>}, or {@code localhost-<pid>} if the host has no name
   */
  public static String defaultWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /**
   * Checks a required text setting.
   *
   * @param what the setting's name, for the message
   * @param value the value
   * @return the value
   * @throws IllegalArgumentException if it is null or blank
   */
  public static String requireText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Expected a non-blank " + what + ", but found "
          + (value == null ? "null" : "'" + value + "'"));
    }
    return value;
  }
}
