package io.gregor.testing.internal;

import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.worker.ActivityContext;
import io.gregor.worker.internal.TaskContextBase;
import java.util.function.Supplier;

/**
 * The {@link ActivityContext} of one attempt run by the test environment. Heartbeat details are
 * kept in memory and go with the attempt's result, as a worker sends them, so the engine hands
 * them to the next attempt. The attempt counts as cancelled once its instance has ended: the
 * environment runs activities one at a time between workflow steps, so that is the one way a
 * result can stop being wanted while it runs.
 */
final class TestActivityContext extends TaskContextBase {
    /** Why the attempt is no longer wanted, or null while it is. */
    private final Supplier<String> cancelReason;

    TestActivityContext(ActivityTask task, DataConverter converter, Supplier<String> cancelReason) {
        super(task, converter);
        this.cancelReason = cancelReason;
    }

    @Override
    public void heartbeat(Object progress) {
        recordDetails(progress);
        String reason = cancelReason.get();
        if (reason != null) {
            throw canceled(reason);
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelReason.get() != null;
    }

    @Override
    public String toString() {
        return describe();
    }
}
