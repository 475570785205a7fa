package io.gregor.client;

import io.gregor.client.internal.Validation;
import io.gregor.client.workflow.Workflow;
import java.util.UUID;

/**
 * One start of a batch written with {@link WorkflowClient#scheduleNewWorkflows}: which workflow,
 * its input and the new instance's id. The id is fixed when the request is made (a random UUID
 * unless given), so it is known before the batch is sent.
 *
 * <pre>{@code
 * List<NewWorkflowRequest> batch = orders.stream()
 *         .map(order -> NewWorkflowRequest.of(OrderWorkflow.class, order, "order-" + order.id()))
 *         .toList();
 * client.scheduleNewWorkflows(batch).join();
 * }</pre>
 *
 * @param workflowName the registered name of the workflow
 * @param input        the input, converted with the client's data converter when the batch is sent; may be null
 * @param instanceId   the new instance's id: non-blank, at most 200 characters, no control characters, no '/'
 */
public record NewWorkflowRequest(String workflowName, Object input, String instanceId) {

    /**
     * Checks the name and the id.
     *
     * @throws IllegalArgumentException if the name is blank or the id is invalid
     */
    public NewWorkflowRequest {
        Validation.name("workflow name", workflowName);
        Validation.instanceId(instanceId);
    }

    /**
     * A start with a random UUID as the instance id.
     *
     * @param workflowName the registered name of the workflow
     * @param input        the input; may be null
     * @return the request
     * @throws IllegalArgumentException if the name is blank
     */
    public static NewWorkflowRequest of(String workflowName, Object input) {
        return new NewWorkflowRequest(workflowName, input, UUID.randomUUID().toString());
    }

    /**
     * A start with the given instance id.
     *
     * @param workflowName the registered name of the workflow
     * @param input        the input; may be null
     * @param instanceId   the id
     * @return the request
     * @throws IllegalArgumentException if the name is blank or the id is invalid
     */
    public static NewWorkflowRequest of(String workflowName, Object input, String instanceId) {
        return new NewWorkflowRequest(workflowName, input, instanceId);
    }

    /**
     * A start of a workflow class, registered under its simple name, with a random UUID as the id.
     *
     * @param workflow the workflow class; its {@link Class#getSimpleName()} is the workflow name
     * @param input    the input; may be null
     * @return the request
     */
    public static NewWorkflowRequest of(Class<? extends Workflow> workflow, Object input) {
        return of(workflow.getSimpleName(), input);
    }

    /**
     * A start of a workflow class, registered under its simple name, with the given id.
     *
     * @param workflow   the workflow class; its {@link Class#getSimpleName()} is the workflow name
     * @param input      the input; may be null
     * @param instanceId the id
     * @return the request
     * @throws IllegalArgumentException if the id is invalid
     */
    public static NewWorkflowRequest of(Class<? extends Workflow> workflow, Object input, String instanceId) {
        return of(workflow.getSimpleName(), input, instanceId);
    }
}
