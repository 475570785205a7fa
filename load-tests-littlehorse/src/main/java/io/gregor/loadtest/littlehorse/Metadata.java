package io.gregor.loadtest.littlehorse;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.littlehorse.sdk.common.proto.LittleHorseGrpc.LittleHorseBlockingStub;
import io.littlehorse.sdk.common.proto.PutWorkflowEventDefRequest;
import io.littlehorse.sdk.common.proto.ReturnType;
import io.littlehorse.sdk.common.proto.TypeDefinition;
import io.littlehorse.sdk.common.proto.VariableType;
import io.littlehorse.sdk.wfsdk.Workflow;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the done event's WorkflowEventDef and a scenario's WfSpec. Every run of a comparison
 * registers again on the same server, so "already exists" counts as done. The event is put here
 * rather than by {@code registeredAs} in the WfSpec because {@code registerWfSpec} puts the event
 * first: an "already exists" there would end it before the WfSpec of a second scenario is put.
 */
final class Metadata {
    private static final Logger LOG = LoggerFactory.getLogger(Metadata.class);
    /** Metadata is processed asynchronously: a WfSpec put right after its TaskDef may not see it yet. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private Metadata() {
    }

    /**
     * @param workflow the scenario's workflow
     * @param client   the server
     * @throws InterruptedException if interrupted while retrying
     * @throws StatusRuntimeException if the server refuses for longer than it takes metadata to settle
     */
    static void register(Workflow workflow, LittleHorseBlockingStub client) throws InterruptedException {
        PutWorkflowEventDefRequest event = PutWorkflowEventDefRequest.newBuilder()
                .setName(LittleHorseWorkflows.DONE_EVENT)
                .setContentType(ReturnType.newBuilder().setReturnType(TypeDefinition.newBuilder().setPrimitiveType(VariableType.STR)))
                .build();
        put("WorkflowEventDef " + event.getName(), () -> client.putWorkflowEventDef(event));
        put("WfSpec " + workflow.getName(), () -> client.putWfSpec(workflow.compileWorkflow()));
    }

    private static void put(String what, Supplier<Object> call) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                call.get();
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LOG.info("Putting {} failed ({}); retrying", what, e.getStatus());
                Thread.sleep(500);
            }
        }
    }
}
