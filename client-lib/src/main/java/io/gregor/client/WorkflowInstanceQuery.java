package io.gregor.client;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which instances {@link WorkflowClient#listInstances} and {@link WorkflowClient#countInstances}
 * look at, and (for lists) which page. Immutable: every {@code with...} method returns a copy.
 * The orchestrators filter server-side; every filter left unset matches everything.
 *
 * <pre>{@code
 * WorkflowInstanceQuery failedOrders = WorkflowInstanceQuery.all()
 *         .withStatuses(WorkflowRuntimeStatus.FAILED)
 *         .withWorkflowName("OrderProcessing")
 *         .withCreatedFrom(Instant.now().minus(Duration.ofDays(1)));
 * }</pre>
 */
public final class WorkflowInstanceQuery {

    /** The page size when none is set. */
    public static final int DEFAULT_PAGE_SIZE = 100;
    /** The largest page an orchestrator returns. */
    public static final int MAX_PAGE_SIZE = 1_000;

    private final Set<WorkflowRuntimeStatus> statuses;
    private final String workflowName;
    private final Instant createdFrom;
    private final Instant createdTo;
    private final int pageSize;
    private final String pageToken;

    private WorkflowInstanceQuery(Set<WorkflowRuntimeStatus> statuses, String workflowName, Instant createdFrom,
                                  Instant createdTo, int pageSize, String pageToken) {
        this.statuses = statuses;
        this.workflowName = workflowName;
        this.createdFrom = createdFrom;
        this.createdTo = createdTo;
        this.pageSize = pageSize;
        this.pageToken = pageToken;
    }

    /** @return a query matching every instance, first page, {@value #DEFAULT_PAGE_SIZE} per page */
    public static WorkflowInstanceQuery all() {
        return new WorkflowInstanceQuery(Set.of(), null, null, null, DEFAULT_PAGE_SIZE, null);
    }

    /**
     * @param wanted the statuses to match (any of them); none matches every status
     * @return a copy with this filter
     */
    public WorkflowInstanceQuery withStatuses(WorkflowRuntimeStatus... wanted) {
        Set<WorkflowRuntimeStatus> set = EnumSet.noneOf(WorkflowRuntimeStatus.class);
        for (WorkflowRuntimeStatus status : wanted) {
            set.add(Objects.requireNonNull(status, "status"));
        }
        return new WorkflowInstanceQuery(Set.copyOf(set), workflowName, createdFrom, createdTo, pageSize, pageToken);
    }

    /**
     * @param name the exact workflow name to match, or null for any
     * @return a copy with this filter
     */
    public WorkflowInstanceQuery withWorkflowName(String name) {
        return new WorkflowInstanceQuery(statuses, name, createdFrom, createdTo, pageSize, pageToken);
    }

    /**
     * @param from the earliest creation time to match (inclusive), or null for no bound
     * @return a copy with this filter
     */
    public WorkflowInstanceQuery withCreatedFrom(Instant from) {
        return new WorkflowInstanceQuery(statuses, workflowName, from, createdTo, pageSize, pageToken);
    }

    /**
     * @param to the creation time before which instances match (exclusive), or null for no bound
     * @return a copy with this filter
     */
    public WorkflowInstanceQuery withCreatedTo(Instant to) {
        return new WorkflowInstanceQuery(statuses, workflowName, createdFrom, to, pageSize, pageToken);
    }

    /**
     * @param size instances per page, 1 to {@value #MAX_PAGE_SIZE}
     * @return a copy with this page size
     * @throws IllegalArgumentException if the size is out of range
     */
    public WorkflowInstanceQuery withPageSize(int size) {
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("Expected a page size from 1 to " + MAX_PAGE_SIZE + ", but found " + size);
        }
        return new WorkflowInstanceQuery(statuses, workflowName, createdFrom, createdTo, size, pageToken);
    }

    /**
     * @param token the {@link WorkflowInstancePage#nextPageToken()} of the previous page, or null for the first
     * @return a copy asking for that page
     */
    public WorkflowInstanceQuery withPageToken(String token) {
        return new WorkflowInstanceQuery(statuses, workflowName, createdFrom, createdTo, pageSize, token);
    }

    /** @return the statuses matched; empty matches every status */
    public Set<WorkflowRuntimeStatus> statuses() {
        return statuses;
    }

    /** @return the workflow name matched, or null for any */
    public String workflowName() {
        return workflowName;
    }

    /** @return the earliest creation time matched (inclusive), or null */
    public Instant createdFrom() {
        return createdFrom;
    }

    /** @return the creation time before which instances match (exclusive), or null */
    public Instant createdTo() {
        return createdTo;
    }

    /** @return instances per page */
    public int pageSize() {
        return pageSize;
    }

    /** @return the page asked for, or null for the first */
    public String pageToken() {
        return pageToken;
    }

    /** @return the filters and page, for logs */
    @Override
    public String toString() {
        return "WorkflowInstanceQuery[statuses=" + statuses + ", workflowName=" + workflowName + ", createdFrom=" + createdFrom
                + ", createdTo=" + createdTo + ", pageSize=" + pageSize + ", pageToken=" + pageToken + "]";
    }
}
