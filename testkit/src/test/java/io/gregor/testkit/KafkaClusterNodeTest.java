package io.gregor.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The configuration of one node of a {@link KafkaCluster}, without starting it. */
class KafkaClusterNodeTest {

    private static Properties nodeTwoOfThree(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of("brokerPort", "9092", "controllerPort", "9093",
                "voters", "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097", "replication", "3"));
        settings.putAll(extra);
        return KafkaClusterNode.properties(settings, 2, Path.of("/tmp/node-2"));
    }

    @Test
    void everyInternalTopicHasOneReplicaPerNodeAndWritesNeedAllButOne() {
        Properties p = nodeTwoOfThree(Map.of());

        assertThat(p).containsEntry("node.id", "2")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("share.coordinator.state.topic.min.isr", "2")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("log.dirs", Path.of("/tmp/node-2").toString());
    }

    @Test
    void brokerSettingsOverrideTheDefaults() {
        Properties p = nodeTwoOfThree(Map.of("broker.broker.session.timeout.ms", "3000", "broker.min.insync.replicas", "3"));

        assertThat(p).containsEntry("broker.session.timeout.ms", "3000").containsEntry("min.insync.replicas", "3");
    }
}
