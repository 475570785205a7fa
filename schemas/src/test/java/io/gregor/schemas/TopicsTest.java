package io.gregor.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsResult;
import org.apache.kafka.clients.admin.MockAdminClient;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class TopicsTest {

  private static final Node BROKER = new Node(0, "localhost", 9092);

  @Test
  void namesEveryTopicAfterThePrefix() {
    Topics topics = new Topics("acme");

    assertThat(topics.prefix()).isEqualTo("acme");
    assertThat(topics.starts()).isEqualTo("acme.workflow-starts");
    assertThat(topics.events()).isEqualTo("acme.workflow-events");
    assertThat(topics.control()).isEqualTo("acme.workflow-control");
    assertThat(topics.activityTasks()).isEqualTo("acme.activity-tasks");
    assertThat(topics.inbox()).isEqualTo("acme.workflow-inbox");
    assertThat(topics.completions()).isEqualTo("acme.workflow-completions");
    assertThat(topics.status()).isEqualTo("acme.workflow-status");
    assertThat(topics.deadLetters()).isEqualTo("acme.dead-letters");
  }

  @Test
  void theDefaultPrefixIsGregor() {
    assertThat(Topics.defaults().starts()).isEqualTo("gregor.workflow-starts");
    assertThat(Topics.defaults()).isEqualTo(new Topics(Topics.DEFAULT_PREFIX));
  }

  @Test
  void theOrchestratorReadsStartsEventsControlItsInboxAndActivityResults() {
    assertThat(Topics.defaults().orchestratorInputs()).containsExactly(
        "gregor.workflow-starts", "gregor.workflow-events", "gregor.workflow-control",
        "gregor.workflow-inbox", "gregor.activity-results");
    assertThat(Topics.defaults().inputKindOf("gregor.activity-results")).contains(InputKind.RESULT);
  }

  @Test
  void eachTaskQueueHasATopicOfItsOwn() {
    assertThat(Topics.defaults().activityTasks(null)).isEqualTo("gregor.activity-tasks");
    assertThat(Topics.defaults().activityTasks("node")).isEqualTo("gregor.activity-tasks.node");
    assertThatThrownBy(() -> Topics.defaults().activityTasks("no/slash"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Expected a task queue name of ASCII letters")
        .hasMessageEndingWith("but found 'no/slash'");
    assertThatThrownBy(() -> Topics.defaults().activityTasks(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBlankPrefixIsRefused() {
    assertThatThrownBy(() -> new Topics(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected a non-blank topic prefix, but found ' '");
    assertThatThrownBy(() -> new Topics(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected a non-blank topic prefix, but found null");
  }

  @Test
  void aPrefixWithACharacterKafkaRefusesIsRefused() {
    assertThatThrownBy(() -> new Topics("acme/prod"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected a topic prefix of ASCII letters, digits, '.', '_' or '-', but found"
            + " 'acme/prod' with '/' at index 4");
  }

  @Test
  void aPrefixTooLongForKafkasTopicNamesIsRefused() {
    assertThatThrownBy(() -> new Topics("p".repeat(227)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected a topic prefix of at most 226 characters (topic names are limited"
            + " to 249), but found 227");
    assertThat(new Topics("p".repeat(226)).activityCancellations()).hasSize(249);
  }

  @Test
  void ensureCreatedCreatesEveryTopicWithItsPartitionsAndACompactedStatusTopic() throws Exception {
    Topics topics = new Topics("acme");
    try (MockAdminClient admin = new MockAdminClient(List.of(BROKER), BROKER)) {

      topics.ensureCreated(admin, 6, 12, (short) 1);

      assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrderElementsOf(topics.all());
      assertThat(partitions(admin, topics.starts())).isEqualTo(6);
      assertThat(partitions(admin, topics.inbox())).isEqualTo(6);
      assertThat(partitions(admin, topics.activityTasks())).isEqualTo(12);
      assertThat(partitions(admin, topics.deadLetters())).isEqualTo(6);
      assertThat(config(admin, topics.status(), "cleanup.policy")).isEqualTo("compact");
    }
  }

  @Test
  void ensureCreatedCreatesTheTopicOfEachNamedTaskQueueWithTheTaskPartitions() throws Exception {
    Topics topics = new Topics("acme");
    try (MockAdminClient admin = new MockAdminClient(List.of(BROKER), BROKER)) {

      topics.ensureCreated(admin, 2, 5, (short) 1, List.of("node", "gpu"));

      assertThat(partitions(admin, "acme.activity-tasks.node")).isEqualTo(5);
      assertThat(partitions(admin, "acme.activity-tasks.gpu")).isEqualTo(5);
      assertThat(partitions(admin, topics.activityResults())).isEqualTo(2);
    }
  }

  @Test
  void ensureCreatedTwiceLeavesTheTopicsAsTheyAre() throws Exception {
    Topics topics = Topics.defaults();
    try (MockAdminClient admin = new MockAdminClient(List.of(BROKER), BROKER)) {
      topics.ensureCreated(admin, 3, 3, (short) 1);

      topics.ensureCreated(admin, 3, 3, (short) 1);

      assertThat(admin.listTopics().names().get()).hasSize(10);
    }
  }

  @Test
  void existingInputsWithDifferentPartitionCountsAreRefusedBeforeAnythingIsCreated()
      throws Exception {
    Topics topics = Topics.defaults();
    try (MockAdminClient admin = new MockAdminClient(List.of(BROKER), BROKER)) {
      addTopic(admin, topics.starts(), 8);
      addTopic(admin, topics.inbox(), 4);

      assertThatThrownBy(() -> topics.ensureCreated(admin, 8, 8, (short) 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Expected topic gregor.workflow-inbox to have 8 partitions like"
              + " gregor.workflow-starts, but found 4");
      assertThat(admin.listTopics().names().get()).hasSize(2);
    }
  }

  @Test
  void missingInputsFollowThePartitionCountOfTheExistingOnes() throws Exception {
    Topics topics = Topics.defaults();
    try (MockAdminClient admin = new MockAdminClient(List.of(BROKER), BROKER)) {
      addTopic(admin, topics.events(), 4);

      topics.ensureCreated(admin, 8, 8, (short) 1);

      assertThat(partitions(admin, topics.starts())).isEqualTo(4);
      assertThat(partitions(admin, topics.control())).isEqualTo(4);
      assertThat(partitions(admin, topics.completions())).isEqualTo(8);
    }
  }

  @Test
  void aTopicCreatedConcurrentlyByAnotherProcessIsNotAnError() throws Exception {
    Topics topics = Topics.defaults();
    try (RacingAdmin admin = new RacingAdmin(topics.control(), 3)) {

      topics.ensureCreated(admin, 3, 3, (short) 1);

      assertThat(admin.listTopics().names().get()).hasSize(10);
    }
  }

  @Test
  void anInputCreatedConcurrentlyWithOtherPartitionsIsRefused() {
    Topics topics = Topics.defaults();
    try (RacingAdmin admin = new RacingAdmin(topics.control(), 5)) {

      assertThatThrownBy(() -> topics.ensureCreated(admin, 3, 3, (short) 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Expected topic gregor.workflow-control to have 3 partitions like"
              + " gregor.workflow-starts, but found 5");
    }
  }

  @Test
  void nonsensicalCountsAreRefused() {
    Topics topics = Topics.defaults();
    try (MockAdminClient admin = new MockAdminClient(List.of(BROKER), BROKER)) {
      assertThatThrownBy(() -> topics.ensureCreated(admin, 0, 3, (short) 1))
          .hasMessage("Expected partitions >= 1, but found 0");
      assertThatThrownBy(() -> topics.ensureCreated(admin, 3, -2, (short) 1))
          .hasMessage("Expected taskPartitions >= 1, but found -2");
      assertThatThrownBy(() -> topics.ensureCreated(admin, 3, 3, (short) 0))
          .hasMessage("Expected a replication factor >= 1 or -1 (broker default), but found 0");
    }
  }

  private static int partitions(Admin admin, String topic) throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    return description.partitions().size();
  }

  private static String config(Admin admin, String topic, String name) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
  }

  private static void addTopic(MockAdminClient admin, String topic, int partitions) {
    admin.addTopic(false, topic, partitionInfos(partitions), Map.of());
  }

  private static List<TopicPartitionInfo> partitionInfos(int count) {
    return IntStream.range(0, count)
        .mapToObj(p -> new TopicPartitionInfo(p, BROKER, List.of(BROKER), List.of(BROKER)))
        .toList();
  }

  /** Another process creates one topic right after this one listed the topics. */
  private static final class RacingAdmin extends MockAdminClient {
    private final String topic;
    private final int partitions;
    private boolean raced;

    RacingAdmin(String topic, int partitions) {
      super(List.of(BROKER), BROKER);
      this.topic = topic;
      this.partitions = partitions;
    }

    @Override
    public synchronized ListTopicsResult listTopics(ListTopicsOptions options) {
      ListTopicsResult before = super.listTopics(options);
      if (!raced) {
        raced = true;
        TopicsTest.addTopic(this, topic, partitions);
      }
      return before;
    }
  }
}
