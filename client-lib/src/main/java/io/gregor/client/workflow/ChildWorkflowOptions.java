package io.gregor.client.workflow;

/**
 * Options of one child workflow call.
 *
 * @param instanceId        the child's instance id, or null for one derived from the parent's id
 *                          and the call's sequence id ({@code <parentId>:<seq>}), the same on every replay
 * @param retryPolicy       how a failed child is retried (each attempt is a new child instance,
 *                          {@code <id>} then {@code <id>#<attempt>}), or null for a single attempt
 * @param parentClosePolicy what happens to the child if the parent ends first; null means TERMINATE
 */
public record ChildWorkflowOptions(String instanceId, RetryPolicy retryPolicy, ParentClosePolicy parentClosePolicy) {

    /** Defaults the parent-close policy and refuses a blank id. */
    public ChildWorkflowOptions {
        if (instanceId != null && instanceId.isBlank()) {
            throw new IllegalArgumentException("Expected a non-blank child instance id or null, but found '" + instanceId + "'");
        }
        parentClosePolicy = parentClosePolicy == null ? ParentClosePolicy.TERMINATE : parentClosePolicy;
    }

    /** @return options with a derived id, a single attempt and {@link ParentClosePolicy#TERMINATE} */
    public static ChildWorkflowOptions defaults() {
        return new ChildWorkflowOptions(null, null, ParentClosePolicy.TERMINATE);
    }

    /** @param id the child's instance id @return these options with that id */
    public ChildWorkflowOptions withInstanceId(String id) {
        return new ChildWorkflowOptions(id, retryPolicy, parentClosePolicy);
    }

    /** @param policy how a failed child is retried @return these options with that policy */
    public ChildWorkflowOptions withRetryPolicy(RetryPolicy policy) {
        return new ChildWorkflowOptions(instanceId, policy, parentClosePolicy);
    }

    /** @param policy what happens to the child when the parent ends @return these options with that policy */
    public ChildWorkflowOptions withParentClosePolicy(ParentClosePolicy policy) {
        return new ChildWorkflowOptions(instanceId, retryPolicy, policy);
    }
}
