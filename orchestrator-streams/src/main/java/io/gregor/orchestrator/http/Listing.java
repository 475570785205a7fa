package io.gregor.orchestrator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.orchestrator.internal.store.InstanceReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Paging through instances spread over partitions and orchestrators without holding them all in
 * one place. Every partition is scanned in instance-id order (the store's key order) from just
 * after the page token's id, and stops at a page's worth of matches or at a scan budget, saying how
 * far it looked (its frontier). A merge keeps only what lies at or before the smallest frontier of
 * the parts that stopped early, since a part that stopped there may hold unseen matches after it;
 * the rest is read again by the next page. So every matching id is returned exactly once across
 * pages (as long as it exists throughout), in one total order, whatever the number of partitions
 * or orchestrators, and a page request costs at most (page size or budget) records per partition.
 */
final class Listing {

    /** The most records one partition examines for one page, so a selective filter cannot make a request unbounded. */
    static final int SCAN_BUDGET = 20_000;
    private static final String TOKEN_PREFIX = "v1:";
    private static final Comparator<Listed> ORDER = (a, b) -> InstanceReader.compareIds(a.instanceId(), b.instanceId());

    private Listing() {
    }

    /** One listed instance: its id (the order) and its view. */
    record Listed(String instanceId, ObjectNode view) {
    }

    /**
     * What one partition, one orchestrator or the whole cluster found.
     *
     * @param items    matches in id order
     * @param frontier the id up to which (inclusive) everything was examined, or null if everything was
     */
    record Part(List<Listed> items, String frontier) {
        boolean complete() {
            return frontier == null;
        }
    }

    /**
     * @param parts parts in any order, each in id order
     * @param limit the page size
     * @return the first {@code limit} items that are certain, and the new frontier
     */
    static Part merge(List<Part> parts, int limit) {
        String bound = null;
        for (Part part : parts) {
            if (!part.complete() && (bound == null || InstanceReader.compareIds(part.frontier(), bound) < 0)) {
                bound = part.frontier();
            }
        }
        List<Listed> all = new ArrayList<>();
        for (Part part : parts) {
            for (Listed item : part.items()) {
                if (bound == null || InstanceReader.compareIds(item.instanceId(), bound) <= 0) {
                    all.add(item);
                }
            }
        }
        all.sort(ORDER);
        List<Listed> unique = new ArrayList<>(all.size());
        for (Listed item : all) {
            // During a rebalance two orchestrators may both still answer for a partition.
            if (unique.isEmpty() || !unique.getLast().instanceId().equals(item.instanceId())) {
                unique.add(item);
            }
        }
        if (unique.size() > limit) {
            List<Listed> page = List.copyOf(unique.subList(0, limit));
            return new Part(page, page.getLast().instanceId());
        }
        return new Part(unique, bound);
    }

    /** @param frontier the id a page ended at @return the opaque token of the next page */
    static String token(String frontier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((TOKEN_PREFIX + frontier).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param token a token from {@link #token}, or null for the first page
     * @return the id to continue after, or null for the first page
     */
    static String after(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        if (!decoded.startsWith(TOKEN_PREFIX) || decoded.length() == TOKEN_PREFIX.length()) {
            throw ApiError.badRequest("Expected pageToken to be the nextPageToken of a previous page, but found '" + token + "'");
        }
        return decoded.substring(TOKEN_PREFIX.length());
    }
}
