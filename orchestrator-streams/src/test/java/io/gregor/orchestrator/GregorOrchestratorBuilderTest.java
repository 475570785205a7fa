package io.gregor.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.orchestrator.internal.DeliveredRecords;
import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.schemas.avro.RuntimeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class GregorOrchestratorBuilderTest {
    private static final String INTERCEPTORS = StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);

    @Test
    void theMainConsumerCountsWhatItDeliversForTheCommitPacer() {
        Properties p = GregorOrchestrator.builder().bootstrapServers("localhost:9092").streamsProperties();

        assertThat(p.get(INTERCEPTORS)).isEqualTo(DeliveredRecords.class.getName());
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get(StreamsConfig.POLL_MS_CONFIG)).as("the commit pacer's punctuation").isEqualTo(5L);
        assertThat(p.get(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG))).isEqualTo(5);
        assertThat(p.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))).isEqualTo(100);
    }

    @Test
    void aUsersProducerBackoffWins() {
        String backoff = StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG);
        assertThat(GregorOrchestrator.builder().bootstrapServers("localhost:9092").streamsProperty(backoff, 100).streamsProperties().get(backoff))
                .isEqualTo(100);
    }

    @Test
    void workflowCodeRunsInlineWhereTheJvmAllowsItUnlessTurnedOff() {
        WorkflowCarrier wanted = WorkflowCarrier.choose(true);
        assertThat(GregorOrchestrator.builder().bootstrapServers("localhost:9092").schemaRegistryUrl("mock://b").engineSettings().carrier())
                .isEqualTo(wanted);
        assertThat(GregorOrchestrator.builder().bootstrapServers("localhost:9092").schemaRegistryUrl("mock://b").inlineWorkflowCode(false)
                .engineSettings().carrier()).isEqualTo(WorkflowCarrier.POOL);
    }

    @Test
    void aUsersOwnInterceptorsAreKeptAndTheCounterAdded() {
        Properties named = GregorOrchestrator.builder().bootstrapServers("localhost:9092").streamsProperty(INTERCEPTORS, "com.example.Audit").streamsProperties();
        Properties listed = GregorOrchestrator.builder().bootstrapServers("localhost:9092").streamsProperty(INTERCEPTORS, List.of(String.class)).streamsProperties();

        assertThat(named.get(INTERCEPTORS)).isEqualTo("com.example.Audit," + DeliveredRecords.class.getName());
        assertThat(listed.get(INTERCEPTORS)).isEqualTo(List.of(String.class, DeliveredRecords.class));
    }

    @Test
    void commitKnobsMustBePositive() {
        assertThatThrownBy(() -> GregorOrchestrator.builder().maxCommitDelay(Duration.ZERO))
                .hasMessage("Expected a positive maximum commit delay, but found PT0S");
        Properties p = GregorOrchestrator.builder().bootstrapServers("localhost:9092").maxCommitDelay(Duration.ofMillis(3)).commitInterval(Duration.ofMillis(200))
                .streamsProperties();
        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(200L);
        assertThat(p.get(StreamsConfig.POLL_MS_CONFIG)).as("a delay shorter than the pacer's punctuation").isEqualTo(3L);
    }

    @Test
    void retentionIsForTerminalStatusesOnly() {
        assertThatThrownBy(() -> GregorOrchestrator.builder().retention(RuntimeStatus.RUNNING, Duration.ofDays(1)))
                .hasMessage("Expected a terminal status (COMPLETED, FAILED, TERMINATED) to retain, but found RUNNING");
        assertThatThrownBy(() -> GregorOrchestrator.builder().retention(RuntimeStatus.COMPLETED, Duration.ofDays(-1)))
                .hasMessage("Expected a time to live of zero or more for COMPLETED, but found PT-24H");
    }
}
