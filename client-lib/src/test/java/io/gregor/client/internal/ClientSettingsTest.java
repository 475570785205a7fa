package io.gregor.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.Topics;
import io.gregor.schemas.payload.DataConverter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

    @Test
    void producerIsIdempotentWaitsForAllReplicasAndDoesNotLinger() {
        Map<String, Object> config = settings(Map.of("security.protocol", "PLAINTEXT")).producerConfig();

        assertThat(config).containsEntry("enable.idempotence", "true").containsEntry("acks", "all")
                .containsEntry("linger.ms", 0).containsEntry("batch.size", 64 * 1024)
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("security.protocol", "PLAINTEXT").doesNotContainKey("isolation.level");
    }

    @Test
    void producerAcceptsARecordWithTheLargestPayloadPlusItsEnvelope() {
        Map<String, Object> config = new ClientSettings("localhost:9092", "mock://x", Topics.defaults(),
                DataConverter.defaultConverter(), Map.of(), 4 * 1024 * 1024, Duration.ofSeconds(5)).producerConfig();

        assertThat((Integer) config.get("max.request.size")).isGreaterThan(4 * 1024 * 1024);
    }

    @Test
    void consumerReadsCommittedRecordsOnlyWithoutGroup() {
        Map<String, Object> config = settings(Map.of()).consumerConfig();

        assertThat(config).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false").doesNotContainKey("group.id")
                .doesNotContainKey("acks");
    }

    @Test
    void propertiesTheGuaranteesDependOnCannotBeChanged() {
        assertThatThrownBy(() -> settings(Map.of("acks", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected Kafka property acks to be 'all' (the client depends on it), but found '1'");
        assertThatThrownBy(() -> settings(Map.of("isolation.level", "read_uncommitted")))
                .hasMessageContaining("isolation.level to be 'read_committed'");
        assertThatThrownBy(() -> settings(Map.of("group.id", "mine")))
                .hasMessageStartingWith("Expected no group.id").hasMessageEndingWith("but found 'mine'");
        assertThat(settings(Map.of("acks", "-1")).producerConfig()).containsEntry("acks", "all");
    }

    @Test
    void requiredSettingsAreChecked() {
        assertThatThrownBy(() -> new ClientSettings(null, "mock://x", Topics.defaults(),
                DataConverter.defaultConverter(), Map.of(), 1, Duration.ofSeconds(1)))
                .hasMessage("Expected bootstrap servers (host:port,...), but found null");
        assertThatThrownBy(() -> new ClientSettings("localhost:9092", " ", Topics.defaults(),
                DataConverter.defaultConverter(), Map.of(), 1, Duration.ofSeconds(1)))
                .hasMessage("Expected a schema registry URL, but found ' '");
        assertThatThrownBy(() -> new ClientSettings("localhost:9092", "mock://x", Topics.defaults(),
                DataConverter.defaultConverter(), Map.of(), 0, Duration.ofSeconds(1)))
                .hasMessage("Expected maxPayloadBytes >= 1, but found 0");
    }

    private static ClientSettings settings(Map<String, Object> kafka) {
        return new ClientSettings("localhost:9092", "mock://x", Topics.defaults(), DataConverter.defaultConverter(),
                kafka, 1024 * 1024, Duration.ofSeconds(5));
    }
}
