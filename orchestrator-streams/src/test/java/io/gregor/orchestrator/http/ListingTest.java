package io.gregor.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.orchestrator.internal.store.InstanceReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Paging by merging partial, budgeted scans of sorted partitions: every match once, in order. */
class ListingTest {

    /** A partition: sorted ids, scanned like LocalStores scans a store. */
    private record Partition(TreeSet<String> ids) {
        Listing.Part scan(String after, int limit, int budget, Predicate<String> filter) {
            List<Listing.Listed> items = new ArrayList<>();
            int scanned = 0;
            for (String id : after == null ? ids : ids.tailSet(after, false)) {
                scanned++;
                if (filter.test(id)) {
                    items.add(new Listing.Listed(id, null));
                }
                if (items.size() == limit || scanned >= budget) {
                    return new Listing.Part(items, id);
                }
            }
            return new Listing.Part(items, null);
        }
    }

    @Test
    void pagingThroughPartitionsOfTwoOrchestratorsReturnsEveryMatchOnceInIdOrder() {
        // given 1,000 ids over 4 partitions, two on each of two "orchestrators", some ids non-ASCII
        Random random = new Random(42);
        List<Partition> partitions = List.of(new Partition(new TreeSet<>(InstanceReader::compareIds)),
                new Partition(new TreeSet<>(InstanceReader::compareIds)), new Partition(new TreeSet<>(InstanceReader::compareIds)),
                new Partition(new TreeSet<>(InstanceReader::compareIds)));
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String id = (i % 50 == 0 ? "é" : "") + Integer.toHexString(random.nextInt()) + "-" + i;
            all.add(id);
            partitions.get(random.nextInt(4)).ids().add(id);
        }
        Predicate<String> filter = id -> !id.endsWith("7");

        for (int budget : new int[] {Integer.MAX_VALUE, 10, 1}) {
            // when paging 37 at a time, each orchestrator merging its two partitions, the coordinator merging both
            List<String> seen = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                List<Listing.Part> orchestrators = new ArrayList<>();
                for (int o = 0; o < 2; o++) {
                    List<Listing.Part> local = new ArrayList<>();
                    for (Partition partition : partitions.subList(2 * o, 2 * o + 2)) {
                        local.add(partition.scan(after, 37, budget, filter));
                    }
                    orchestrators.add(Listing.merge(local, 37));
                }
                Listing.Part page = Listing.merge(orchestrators, 37);
                assertThat(page.items()).hasSizeLessThanOrEqualTo(37);
                page.items().forEach(item -> seen.add(item.instanceId()));
                after = page.complete() ? null : Listing.after(Listing.token(page.frontier()));
                pages++;
            } while (after != null && pages < 100_000);

            // then
            List<String> expected = all.stream().filter(filter).sorted(InstanceReader::compareIds).toList();
            assertThat(seen).as("budget %d", budget).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aTokenThatNoPageGaveIsRefused() {
        assertThatThrownBy(() -> Listing.after("not-a-token"))
                .isInstanceOf(ApiError.class)
                .hasMessage("Expected pageToken to be the nextPageToken of a previous page, but found 'not-a-token'");
        assertThat(Listing.after(Listing.token("order-1"))).isEqualTo("order-1");
        assertThat(Listing.after(null)).isNull();
    }
}
