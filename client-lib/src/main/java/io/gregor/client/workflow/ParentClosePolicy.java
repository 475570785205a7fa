package io.gregor.client.workflow;

/** What happens to a child workflow still running when its parent ends (completes, fails or is terminated). */
public enum ParentClosePolicy {
    /** The child is terminated, and its own running children with it (the default). */
    TERMINATE,
    /** The child runs on; its end is no longer reported to anyone. */
    ABANDON
}
