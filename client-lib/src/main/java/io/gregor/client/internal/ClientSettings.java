package io.gregor.client.internal;

import io.gregor.schemas.Topics;
import io.gregor.schemas.payload.DataConverter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything a {@code WorkflowClient} is configured with, and the Kafka client configurations
 * derived from it.
 *
 * @param bootstrapServers  the Kafka bootstrap servers
 * @param schemaRegistryUrl the schema registry's base URL
 * @param topics            the topic names
 * @param converter         converts user values to payloads and back
 * @param kafkaProperties   extra Kafka client properties (security, tuning), applied to both clients
 * @param maxPayloadBytes   the largest converted input, event payload or output accepted
 * @param requestTimeout    how long a write waits for the broker's ack, and a read for the view to catch up
 */
public record ClientSettings(String bootstrapServers, String schemaRegistryUrl, Topics topics,
                             DataConverter converter, Map<String, Object> kafkaProperties,
                             int maxPayloadBytes, Duration requestTimeout) {

    /** Room for the envelope (ids, names, schema id) around the largest payload in one request. */
    private static final int ENVELOPE_HEADROOM_BYTES = 64 * 1024;
    /** The producer's batch.size, see {@link #producerConfig()}. */
    static final int BATCH_SIZE_BYTES = 64 * 1024;

    /**
     * Settings the client's guarantees depend on: the ordering and no-duplicate guarantee of the
     * producer, and the committed-only, group-less reading of the status view.
     */
    private static final Map<String, Object> ENFORCED = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if a required setting is missing or a Kafka property
     *                                  contradicts what the client needs
     */
    public ClientSettings {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(converter, "converter");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Expected bootstrap servers (host:port,...), but found "
                    + (bootstrapServers == null ? "null" : "'" + bootstrapServers + "'"));
        }
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            throw new IllegalArgumentException("Expected a schema registry URL, but found "
                    + (schemaRegistryUrl == null ? "null" : "'" + schemaRegistryUrl + "'"));
        }
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("Expected maxPayloadBytes >= 1, but found " + maxPayloadBytes);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("Expected a positive request timeout, but found " + requestTimeout);
        }
        kafkaProperties = Map.copyOf(kafkaProperties);
        kafkaProperties.forEach(ClientSettings::checkNotContradicting);
        if (kafkaProperties.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            throw new IllegalArgumentException("Expected no " + ConsumerConfig.GROUP_ID_CONFIG
                    + " (the status view reads every partition itself, without a group), but found '"
                    + kafkaProperties.get(ConsumerConfig.GROUP_ID_CONFIG) + "'");
        }
    }

    /** @return the configuration of the one idempotent producer that writes starts, events and control records */
    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        // No linger: a synchronous start or event (one record, then a wait for its ack) goes out at once
        // instead of waiting out linger.ms on every call. Asynchronous and batch writes batch anyway:
        // while up to max.in.flight.requests.per.connection (5, idempotence allows no more) requests
        // await their acks, new records pile up in the accumulator and leave together in the next
        // request, so a linger would add latency without saving requests. Batches of 64 KiB (Kafka's
        // default is 16 KiB, about a hundred starts) let each such request carry a partition's whole
        // backlog; the buffer is allocated per partition only while records wait, so idle clients pay nothing.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE_BYTES);
        // A payload at the limit plus its envelope must not be refused by the producer itself.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Math.max(1024 * 1024, maxPayloadBytes + ENVELOPE_HEADROOM_BYTES));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, requestTimeout.toMillis());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "gregor-client-" + topics.prefix());
        common(config);
        config.putAll(ENFORCED);
        config.remove(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        config.remove(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /** @return the configuration of the status view's consumer: committed records only, no group */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gregor-client-status-" + topics.prefix());
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
        common(config);
        config.putAll(ENFORCED);
        config.remove(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        config.remove(ProducerConfig.ACKS_CONFIG);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // Values are decoded by the view, so one unreadable record is skipped rather than stopping it.
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    private void common(Map<String, Object> config) {
        config.putAll(kafkaProperties);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    private static void checkNotContradicting(String key, Object value) {
        Object required = ENFORCED.get(key);
        String found = String.valueOf(value).trim().toLowerCase(java.util.Locale.ROOT);
        boolean same = found.equals(required) || (key.equals(ProducerConfig.ACKS_CONFIG) && found.equals("-1"));
        if (required != null && !same) {
            throw new IllegalArgumentException("Expected Kafka property " + key + " to be '" + required
                    + "' (the client depends on it), but found '" + value + "'");
        }
    }
}
