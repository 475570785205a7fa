package io.gregor.schemas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the missing topics of one {@link Topics} and checks the inputs are co-partitioned. */
final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private final Topics topics;
  private final Admin admin;

  TopicCreator(Topics topics, Admin admin) {
    this.topics = topics;
    this.admin = admin;
  }

  /** See {@link Topics#ensureCreated}; arguments are already validated. */
  void ensure(int partitions, int taskPartitions, short replicationFactor, List<String> queueTopics) {
    Set<String> existing = await(admin.listTopics().names(), "list topics");
    List<String> existingInputs =
        topics.orchestratorInputs().stream().filter(existing::contains).toList();
    Map<String, Integer> inputCounts = new LinkedHashMap<>(partitionCounts(existingInputs));
    checkCoPartitioned(inputCounts);

    // Missing inputs follow the existing ones: a mismatch could never be repaired later
    // without moving keys between partitions.
    int inputPartitions = inputCounts.values().stream().findFirst().orElse(partitions);
    if (inputPartitions != partitions) {
      LOG.warn(
          "Creating the missing orchestrator inputs of prefix '{}' with the {} partitions of the"
              + " existing ones instead of the requested {}, to keep them co-partitioned",
          topics.prefix(), inputPartitions, partitions);
    }
    List<NewTopic> wanted =
        new ArrayList<>(wanted(inputPartitions, partitions, taskPartitions, replicationFactor));
    for (String queueTopic : queueTopics) {
      wanted.add(new NewTopic(queueTopic, Optional.of(taskPartitions), replicationFactor(replicationFactor)));
    }
    List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
    inputCounts.putAll(create(missing));
    checkCoPartitioned(inputCounts);
  }

  private List<NewTopic> wanted(
      int inputPartitions, int partitions, int taskPartitions, short replicationFactor) {
    Optional<Short> rf = replicationFactor(replicationFactor);
    NewTopic status =
        new NewTopic(topics.status(), Optional.of(partitions), rf)
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    return List.of(
        new NewTopic(topics.starts(), Optional.of(inputPartitions), rf),
        new NewTopic(topics.events(), Optional.of(inputPartitions), rf),
        new NewTopic(topics.control(), Optional.of(inputPartitions), rf),
        new NewTopic(topics.inbox(), Optional.of(inputPartitions), rf),
        new NewTopic(topics.activityResults(), Optional.of(inputPartitions), rf),
        new NewTopic(topics.activityTasks(), Optional.of(taskPartitions), rf),
        new NewTopic(topics.activityCancellations(), Optional.of(partitions), rf),
        new NewTopic(topics.completions(), Optional.of(partitions), rf),
        status,
        new NewTopic(topics.deadLetters(), Optional.of(partitions), rf));
  }

  private static Optional<Short> replicationFactor(short replicationFactor) {
    return replicationFactor == -1 ? Optional.empty() : Optional.of(replicationFactor);
  }

  /** Creates the topics; returns the partition counts of the orchestrator inputs among them. */
  private Map<String, Integer> create(List<NewTopic> missing) {
    if (missing.isEmpty()) {
      return Map.of();
    }
    CreateTopicsResult result = admin.createTopics(missing);
    Map<String, Integer> inputCounts = new LinkedHashMap<>();
    List<String> racedInputs = new ArrayList<>();
    for (NewTopic topic : missing) {
      boolean input = topics.orchestratorInputs().contains(topic.name());
      try {
        await(result.values().get(topic.name()), "create topic " + topic.name());
        LOG.info("Created topic {} with {} partitions", topic.name(), topic.numPartitions());
        if (input) {
          // Our own request fixed the count; describing a just-created topic could race with
          // metadata propagation to the other brokers.
          inputCounts.put(topic.name(), topic.numPartitions());
        }
      } catch (TopicExistsException e) {
        LOG.info("Topic {} was created concurrently by someone else", topic.name());
        if (input) {
          racedInputs.add(topic.name());
        }
      }
    }
    inputCounts.putAll(partitionCounts(racedInputs));
    return inputCounts;
  }

  private Map<String, Integer> partitionCounts(List<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, TopicDescription> descriptions =
        await(admin.describeTopics(names).allTopicNames(), "describe topics " + names);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String name : names) {
      counts.put(name, descriptions.get(name).partitions().size());
    }
    return counts;
  }

  /** Compares every input against the first present one, in orchestratorInputs() order. */
  private void checkCoPartitioned(Map<String, Integer> counts) {
    List<String> present =
        topics.orchestratorInputs().stream().filter(counts::containsKey).toList();
    if (present.isEmpty()) {
      return;
    }
    String reference = present.get(0);
    int expected = counts.get(reference);
    for (String topic : present) {
      int found = counts.get(topic);
      if (found != expected) {
        throw new IllegalStateException(
            "Expected topic " + topic + " to have " + expected + " partitions like " + reference
                + ", but found " + found);
      }
    }
  }

  private static <V> V await(Future<V> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException("Interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof KafkaException kafka) {
        throw kafka;
      }
      throw new KafkaException("Cannot " + what + ": " + cause, cause);
    }
  }
}
