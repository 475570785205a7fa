package io.gregor.client;

import java.util.List;

/**
 * One page of {@link WorkflowClient#listInstances}: instances in instance-id order (UTF-8 byte
 * order), and where the next page starts. Pages never repeat or skip an instance that existed
 * throughout the listing; a page may hold fewer instances than asked for (even none) when the
 * orchestrators stopped scanning early to stay fast, so keep reading while
 * {@link #hasMore()} is true.
 *
 * @param instances     the instances of this page
 * @param nextPageToken pass to {@link WorkflowInstanceQuery#withPageToken} for the next page; null on the last page
 */
public record WorkflowInstancePage(List<WorkflowInstanceState> instances, String nextPageToken) {

    /** Copies the list. */
    public WorkflowInstancePage {
        instances = List.copyOf(instances);
    }

    /** @return true if there may be more instances after this page */
    public boolean hasMore() {
        return nextPageToken != null;
    }
}
