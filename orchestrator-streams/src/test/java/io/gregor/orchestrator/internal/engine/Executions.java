package io.gregor.orchestrator.internal.engine;

import io.gregor.client.workflow.Workflow;
import io.gregor.schemas.payload.DataConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Creates the executions an engine test drives, and destroys them (and their parked threads) after each test. */
final class Executions implements AfterEachCallback {
    private final List<WorkflowExecution> created = new ArrayList<>();

    /** @param workflow the code to run @return a new execution of instance "wf-1" of workflow "Test" */
    WorkflowExecution of(Workflow workflow) {
        WorkflowExecution e = new WorkflowExecution("wf-1", 0, "Test", workflow, DataConverter.defaultConverter(), Duration.ofSeconds(10),
                WorkflowCarrier.choose(true));
        created.add(e);
        return e;
    }

    /** @param execution one made by hand (other id, timeout) @return it, destroyed after the test too */
    WorkflowExecution track(WorkflowExecution execution) {
        created.add(execution);
        return execution;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        created.forEach(WorkflowExecution::destroy);
        created.clear();
    }
}
