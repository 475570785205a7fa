package io.gregor.testing.internal;

import io.gregor.schemas.Failures;
import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.Activity;
import io.gregor.worker.ActivityNotRegisteredException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs activity tasks in the test's own thread, as a worker would: the registered activity gets
 * the task's context, its return value becomes a succeeded result and anything it throws a failed
 * one; an unregistered name fails without retry, as on a worker. The orchestrator decides about
 * retries, so they follow the workflow's retry policy exactly as in production.
 */
public final class ActivityRunner {
    /** The worker id results carry. */
    public static final String WORKER_ID = "workflow-test-environment";

    private final Map<String, Activity> activities;
    private final DataConverter converter;

    /**
     * @param activities the activities by name
     * @param converter  their payload converter
     */
    public ActivityRunner(Map<String, Activity> activities, DataConverter converter) {
        this.activities = new LinkedHashMap<>(activities);
        this.converter = converter;
    }

    /**
     * @param task         the task
     * @param cancelReason why the task's result is no longer wanted (its instance ended), or null
     * @return its result
     */
    public ActivityResult run(ActivityTask task, Function<String, String> cancelReason) {
        ActivityResult.Builder result = ActivityResult.newBuilder().setInstanceId(task.getInstanceId()).setTaskId(task.getTaskId())
                .setAttempt(task.getAttempt()).setGeneration(task.getGeneration()).setWorkerId(WORKER_ID).setOutput(null).setFailure(null);
        Activity activity = activities.get(task.getActivityName());
        if (activity == null) {
            var missing = new ActivityNotRegisteredException(task.getActivityName(), WORKER_ID, activities.keySet());
            return result.setSucceeded(false).setFailure(Failures.of(missing, true)).build();
        }
        TestActivityContext context = new TestActivityContext(task, converter, () -> cancelReason.apply(task.getInstanceId()));
        try {
            Object output = activity.run(context);
            result.setSucceeded(true).setOutput(converter.serialize(output));
        } catch (Throwable thrown) {
            // As on a worker: anything thrown is that attempt's failure; the orchestrator decides what follows.
            result.setSucceeded(false).setFailure(Failures.of(thrown));
        }
        return result.setHeartbeatDetails(context.details()).build();
    }
}
