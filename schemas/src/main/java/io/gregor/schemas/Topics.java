package io.gregor.schemas;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

/**
 * Names of every Gregor topic for a prefix (default {@value #DEFAULT_PREFIX}):
 * {@code <prefix>.workflow-starts}, {@code .workflow-events}, {@code .workflow-control},
 * {@code .activity-tasks} (and {@code .activity-tasks.<queue>} per named task queue),
 * {@code .activity-results}, {@code .workflow-inbox}, {@code .workflow-completions},
 * {@code .workflow-status} and {@code .dead-letters}.
 *
 * <p>Instances are immutable and compare equal when their prefixes are equal.
 */
public final class Topics {

  /** The prefix used when none is configured. */
  public static final String DEFAULT_PREFIX = "gregor";

  /** Kafka's limit on topic name length. */
  private static final int MAX_TOPIC_LENGTH = 249;
  private static final String LONGEST_SUFFIX = ".activity-cancellations";

  private final String prefix;

  /**
   * Creates the topic names for a prefix.
   *
   * @param prefix non-blank, only letters, digits, '.', '_' and '-', short enough that every
   *     topic name stays within Kafka's 249 characters
   * @throws IllegalArgumentException if the prefix cannot start a legal topic name
   */
  public Topics(String prefix) {
    this.prefix = validatePrefix(prefix);
  }

  /**
   * The topics for the default prefix {@value #DEFAULT_PREFIX}.
   *
   * @return the default topic names
   */
  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /**
   * The prefix every topic name starts with.
   *
   * @return the prefix, without the separating dot
   */
  public String prefix() {
    return prefix;
  }

  /**
   * Public contract: start-workflow requests, keyed by instance id.
   *
   * @return {@code <prefix>.workflow-starts}
   */
  public String starts() {
    return prefix + ".workflow-starts";
  }

  /**
   * Public contract: external events raised on instances, keyed by instance id.
   *
   * @return {@code <prefix>.workflow-events}
   */
  public String events() {
    return prefix + ".workflow-events";
  }

  /**
   * Internal: lifecycle requests (terminate, suspend, ...), keyed by instance id.
   *
   * @return {@code <prefix>.workflow-control}
   */
  public String control() {
    return prefix + ".workflow-control";
  }

  /**
   * Public contract: activity attempts of the default task queue, keyed by
   * {@code <instance id>/<task id>}.
   *
   * @return {@code <prefix>.activity-tasks}
   */
  public String activityTasks() {
    return prefix + ".activity-tasks";
  }

  /**
   * Public contract: activity attempts of one task queue, keyed by {@code <instance id>/<task id>}.
   * Workers of a queue (in any language) consume only its topic, so the activities of a workflow
   * can run in different processes (docs/polyglot.md).
   *
   * @param taskQueue null for the default queue; else a name of ASCII letters, digits, '.', '_'
   *     or '-' that keeps the topic name within Kafka's 249 characters
   * @return {@code <prefix>.activity-tasks.<taskQueue>}, or {@link #activityTasks()} for null
   * @throws IllegalArgumentException if the queue name cannot end a legal topic name
   */
  public String activityTasks(String taskQueue) {
    if (taskQueue == null) {
      return activityTasks();
    }
    String topic = activityTasks() + "." + taskQueue;
    if (taskQueue.isEmpty() || !legalName(taskQueue) || topic.length() > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException(
          "Expected a task queue name of ASCII letters, digits, '.', '_' or '-' giving a topic name"
              + " of at most " + MAX_TOPIC_LENGTH + " characters, but found '" + taskQueue + "'");
    }
    return topic;
  }

  /**
   * Public contract: activity results written by workers that are not Gregor's Java worker,
   * keyed by instance id. The orchestrator copies them to the {@link #inbox() inbox} as it does
   * starts and events (Gregor's own workers write to the inbox directly, one hop shorter).
   *
   * @return {@code <prefix>.activity-results}
   */
  public String activityResults() {
    return prefix + ".activity-results";
  }

  /**
   * Internal: the orchestrator's word that it no longer wants an attempt's result (its instance
   * ended, the task lost an anyOf, or the attempt timed out), keyed by {@code
   * <instanceId>/<taskId>}. Workers read every partition and tell the running activity on its
   * next heartbeat.
   *
   * @return {@code <prefix>.activity-cancellations}
   */
  public String activityCancellations() {
    return prefix + ".activity-cancellations";
  }

  /**
   * Internal: the one topic the orchestrator processes, keyed by instance id. Workers write
   * activity results here; the orchestrator forwards starts, events and control requests here
   * from their own topics, and writes due timers here. Each record says what it is in the
   * {@link InputKind#HEADER} header.
   *
   * <p>Its partition log is the order in which an instance's inputs are processed, so processing
   * them again after a crash makes the same decisions: that is what lets workers read tasks
   * before the orchestrator's transaction commits.
   *
   * @return {@code <prefix>.workflow-inbox}
   */
  public String inbox() {
    return prefix + ".workflow-inbox";
  }

  /**
   * What a record of a public input topic becomes in the {@link #inbox() inbox}.
   *
   * @param topic a topic name
   * @return {@link InputKind#START}, {@link InputKind#EVENT}, {@link InputKind#CONTROL} or
   *     {@link InputKind#RESULT} for the starts, events, control and activity-results topics of
   *     this prefix; empty for any other topic
   */
  public Optional<InputKind> inputKindOf(String topic) {
    if (starts().equals(topic)) {
      return Optional.of(InputKind.START);
    } else if (events().equals(topic)) {
      return Optional.of(InputKind.EVENT);
    } else if (control().equals(topic)) {
      return Optional.of(InputKind.CONTROL);
    } else if (activityResults().equals(topic)) {
      return Optional.of(InputKind.RESULT);
    }
    return Optional.empty();
  }

  /**
   * Public contract: terminal outcomes, keyed by instance id.
   *
   * @return {@code <prefix>.workflow-completions}
   */
  public String completions() {
    return prefix + ".workflow-completions";
  }

  /**
   * Public contract: latest status per instance (compacted), keyed by instance id.
   *
   * @return {@code <prefix>.workflow-status}
   */
  public String status() {
    return prefix + ".workflow-status";
  }

  /**
   * Unreadable or invalid records, with the reason in headers, under their original key.
   *
   * @return {@code <prefix>.dead-letters}
   */
  public String deadLetters() {
    return prefix + ".dead-letters";
  }

  /**
   * The topics the orchestrator reads; they must be co-partitioned (same partition count).
   *
   * @return starts, events, control, the inbox and activity results, in that order
   */
  public List<String> orchestratorInputs() {
    return List.of(starts(), events(), control(), inbox(), activityResults());
  }

  /**
   * Every Gregor topic of this prefix but those of named task queues.
   *
   * @return all ten topic names
   */
  public List<String> all() {
    return List.of(
        starts(), events(), control(), activityTasks(), activityResults(), activityCancellations(),
        inbox(), completions(), status(), deadLetters());
  }

  /**
   * Creates any missing topic. Idempotent: existing topics are left as they are, and a topic
   * created concurrently by another process is not an error.
   *
   * <p>When some orchestrator inputs already exist, missing inputs are created with their
   * partition count rather than {@code partitions}, because co-partitioning is what the
   * orchestrator needs and a mismatch could never be repaired by adding partitions later
   * without moving keys.
   *
   * @param admin the admin client to use; not closed
   * @param partitions partitions of the orchestrator inputs, completions, status and
   *     dead-letters topics
   * @param taskPartitions partitions of the activity-tasks topic
   * @param replicationFactor replication factor of every topic, or -1 for the broker default
   * @throws IllegalStateException if existing orchestrator inputs differ in partition count
   * @throws KafkaException if the cluster cannot be read or a topic cannot be created
   */
  public void ensureCreated(
      Admin admin, int partitions, int taskPartitions, short replicationFactor) {
    ensureCreated(admin, partitions, taskPartitions, replicationFactor, List.of());
  }

  /**
   * Like {@link #ensureCreated(Admin, int, int, short)}, and also creates the task topic of each
   * named task queue ({@link #activityTasks(String)}) with {@code taskPartitions} partitions.
   *
   * @param admin the admin client to use; not closed
   * @param partitions partitions of the orchestrator inputs, completions, status and
   *     dead-letters topics
   * @param taskPartitions partitions of every activity-tasks topic
   * @param replicationFactor replication factor of every topic, or -1 for the broker default
   * @param taskQueues the named task queues (the default queue's topic is always created)
   * @throws IllegalArgumentException if a queue name is illegal
   * @throws IllegalStateException if existing orchestrator inputs differ in partition count
   * @throws KafkaException if the cluster cannot be read or a topic cannot be created
   */
  public void ensureCreated(
      Admin admin, int partitions, int taskPartitions, short replicationFactor,
      Collection<String> taskQueues) {
    Objects.requireNonNull(admin, "admin");
    requirePositive("partitions", partitions);
    requirePositive("taskPartitions", taskPartitions);
    if (replicationFactor < 1 && replicationFactor != -1) {
      throw new IllegalArgumentException(
          "Expected a replication factor >= 1 or -1 (broker default), but found "
              + replicationFactor);
    }
    List<String> queueTopics = taskQueues.stream().map(this::activityTasks).toList();
    new TopicCreator(this, admin).ensure(partitions, taskPartitions, replicationFactor, queueTopics);
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "Expected " + name + " >= 1, but found " + value);
    }
  }

  private static String validatePrefix(String prefix) {
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException(
          "Expected a non-blank topic prefix, but found "
              + (prefix == null ? "null" : "'" + prefix + "'"));
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (!legalChar(c)) {
        throw new IllegalArgumentException(
            "Expected a topic prefix of ASCII letters, digits, '.', '_' or '-', but found '"
                + prefix + "' with '" + c + "' at index " + i);
      }
    }
    int maxLength = MAX_TOPIC_LENGTH - LONGEST_SUFFIX.length();
    if (prefix.length() > maxLength) {
      throw new IllegalArgumentException(
          "Expected a topic prefix of at most " + maxLength
              + " characters (topic names are limited to " + MAX_TOPIC_LENGTH
              + "), but found " + prefix.length());
    }
    return prefix;
  }

  private static boolean legalName(String name) {
    return name.chars().allMatch(c -> legalChar((char) c));
  }

  private static boolean legalChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == '-';
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topics other && other.prefix.equals(prefix);
  }

  @Override
  public int hashCode() {
    return prefix.hashCode();
  }

  @Override
  public String toString() {
    return "Topics[" + prefix + "]";
  }
}
