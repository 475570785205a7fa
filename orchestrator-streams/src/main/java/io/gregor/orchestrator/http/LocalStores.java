package io.gregor.orchestrator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.orchestrator.internal.store.HistoryReader;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceReader;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * This orchestrator's own partitions of the instance and history stores, read through Kafka
 * Streams' interactive queries one partition at a time (a partition's store is sorted; the
 * all-partitions view is not), with the typed readers the processor uses.
 */
final class LocalStores {

    private final KafkaStreams streams;
    private final String inboxTopic;
    private final AvroSerde<InstanceMetadata> instanceSerde;
    private final AvroSerde<HistoryBatch> historySerde;

    LocalStores(KafkaStreams streams, String inboxTopic, AvroSerde<InstanceMetadata> instanceSerde,
                AvroSerde<HistoryBatch> historySerde) {
        this.streams = streams;
        this.inboxTopic = inboxTopic;
        this.instanceSerde = instanceSerde;
        this.historySerde = historySerde;
    }

    /** @return the inbox partitions whose stores this orchestrator holds as active tasks */
    SortedSet<Integer> partitions() {
        SortedSet<Integer> partitions = new TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> task.topicPartitions().stream()
                .filter(tp -> tp.topic().equals(inboxTopic)).forEach(tp -> partitions.add(tp.partition()))));
        return partitions;
    }

    InstanceReader instances(int partition) {
        return new InstanceReader(store(InstanceRepository.STORE, partition), instanceSerde);
    }

    HistoryReader history(int partition) {
        return new HistoryReader(store(HistoryRepository.STORE, partition), historySerde);
    }

    private ReadOnlyKeyValueStore<Bytes, byte[]> store(String name, int partition) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                    .withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw ApiError.unavailable("Expected store " + name + " of partition " + partition
                    + " to be queryable here, but found: " + e.getMessage() + " (a rebalance or restore is under way; retry)");
        }
    }

    /** @return the view of an instance of a local partition, with its live history length and last update; null if unknown */
    ObjectNode instanceView(int partition, String instanceId) {
        InstanceMetadata metadata = instances(partition).get(instanceId);
        return metadata == null ? null : view(history(partition), metadata);
    }

    private static ObjectNode view(HistoryReader history, InstanceMetadata metadata) {
        String id = metadata.getInstanceId();
        return JsonViews.instance(metadata, history.length(id), history.lastRecordedAt(id));
    }

    /**
     * Scans every local partition for one page's worth of matches after {@code after}.
     *
     * @return the merged part and the partitions it covered
     */
    LocalPart page(InstanceFilter filter, String after, int limit) {
        SortedSet<Integer> partitions = partitions();
        List<Listing.Part> parts = new ArrayList<>();
        for (int partition : partitions) {
            parts.add(scan(partition, filter, after, limit));
        }
        return new LocalPart(partitions, Listing.merge(parts, limit));
    }

    record LocalPart(SortedSet<Integer> partitions, Listing.Part part) {
    }

    private Listing.Part scan(int partition, InstanceFilter filter, String after, int limit) {
        HistoryReader history = history(partition);
        List<Listing.Listed> items = new ArrayList<>();
        String[] frontier = {null};
        int[] scanned = {0};
        instances(partition).scanAfter(after, instance -> {
            scanned[0]++;
            if (filter.test(instance)) {
                items.add(new Listing.Listed(instance.getInstanceId(), view(history, instance)));
            }
            if (items.size() == limit || scanned[0] >= Listing.SCAN_BUDGET) {
                frontier[0] = instance.getInstanceId();
                return false;
            }
            return true;
        });
        return new Listing.Part(items, frontier[0]);
    }

    /** @return the matching instances of every local partition by status, and the partitions counted */
    LocalCounts countByStatus(InstanceFilter filter) {
        SortedSet<Integer> partitions = partitions();
        Map<String, Long> groups = new TreeMap<>();
        for (int partition : partitions) {
            instances(partition).scanAfter(null, instance -> {
                if (filter.test(instance)) {
                    groups.merge(instance.getStatus().name(), 1L, Long::sum);
                }
                return true;
            });
        }
        return new LocalCounts(partitions, groups);
    }

    record LocalCounts(SortedSet<Integer> partitions, Map<String, Long> groups) {
    }
}
