package io.gregor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.avro.Payload;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.WorkflowStatus;
import io.gregor.schemas.payload.DataConverter;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class WorkflowInstanceStateTest {

    @Test
    void everyRuntimeStatusOfTheContractMapsToThePublicEnum() {
        for (RuntimeStatus status : RuntimeStatus.values()) {
            WorkflowInstanceState state = state(StatusPublisher.status("i", status, 1, 1).build());

            assertThat(state.getRuntimeStatus().name()).isEqualTo(status.name());
            assertThat(state.isCompleted()).isEqualTo(
                    status == RuntimeStatus.COMPLETED || status == RuntimeStatus.FAILED || status == RuntimeStatus.TERMINATED);
            assertThat(state.isRunning()).isEqualTo(status == RuntimeStatus.RUNNING);
        }
    }

    @Test
    void absentPayloadsReadAsNull() {
        WorkflowInstanceState state = state(StatusPublisher.status("i", RuntimeStatus.RUNNING, 1, 1).setInput(null).build());

        assertThat(state.readInputAs(String.class)).isNull();
        assertThat(state.readOutputAs(String.class)).isNull();
        assertThat(state.readCustomStatusAs(String.class)).isNull();
        assertThat(state.getSerializedInput()).isNull();
        assertThat(state.getSerializedOutput()).isNull();
    }

    @Test
    void serializedTextIsOnlyOfferedForJsonPayloads() {
        Payload avro = new Payload("avro", ByteBuffer.wrap(new byte[] {1, 2}));
        WorkflowInstanceState state = state(StatusPublisher.status("i-7", RuntimeStatus.COMPLETED, 1, 1).setOutput(avro).build());

        assertThatThrownBy(state::getSerializedOutput)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Expected a json-encoded output for instance i-7, but found encoding 'avro'; use readOutputAs");
    }

    @Test
    void theStateDoesNotChangeWhenTheRecordItWasMadeFromDoes() {
        WorkflowStatus record = StatusPublisher.status("i", RuntimeStatus.RUNNING, 1, 1).build();
        WorkflowInstanceState state = state(record);

        record.setStatus(RuntimeStatus.FAILED);
        record.getInput().getData().put(0, (byte) 'X');

        assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.RUNNING);
        assertThat(state.getSerializedInput()).startsWith("{");
        assertThat(state.getSerializedInput()).isEqualTo(state.getSerializedInput());
    }

    @Test
    void toStringNamesIdStatusAndFailureWithoutPayloads() {
        WorkflowInstanceState state = state(StatusPublisher.status("i-9", RuntimeStatus.FAILED, 1, 3)
                .setFailure(StatusPublisher.failure("java.io.IOException", "disk full")).build());

        assertThat(state.toString()).contains("instanceId=i-9", "status=FAILED", "historyLength=3",
                "failure=java.io.IOException: disk full").doesNotContain("orderId");
    }

    private static WorkflowInstanceState state(WorkflowStatus status) {
        return new WorkflowInstanceState(status, DataConverter.defaultConverter());
    }
}
