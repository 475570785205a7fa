package io.gregor.client.workflow;

import java.util.List;

/** Thrown by the task of {@link WorkflowContext#allOf} when one or more of its tasks failed. */
public class CompositeTaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<RuntimeException> failures;

    /**
     * @param total    how many tasks were joined
     * @param failures the failures, in the order of the tasks
     */
    public CompositeTaskFailedException(int total, List<RuntimeException> failures) {
        super(failures.size() + " of " + total + " tasks failed; the first: " + failures.getFirst().getMessage(),
                failures.getFirst());
        this.failures = List.copyOf(failures);
    }

    /** @return the failures of the joined tasks, in task order */
    public List<RuntimeException> getFailures() {
        return failures;
    }
}
