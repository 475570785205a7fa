package io.gregor.loadtest.littlehorse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.Scenario;
import io.gregor.loadtest.engine.Engines;
import io.littlehorse.sdk.common.proto.Node;
import io.littlehorse.sdk.common.proto.Node.NodeCase;
import io.littlehorse.sdk.common.proto.PutWfSpecRequest;
import io.littlehorse.sdk.common.proto.ThreadSpec;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The LittleHorse twins of the driver's workflows, compiled offline: no server needed. */
class LittleHorseWorkflowsTest {

    private static Map<NodeCase, Long> nodes(ThreadSpec thread) {
        return thread.getNodesMap().values().stream().collect(Collectors.groupingBy(Node::getNodeCase, Collectors.counting()));
    }

    private static ThreadSpec entrypoint(PutWfSpecRequest spec) {
        return spec.getThreadSpecsOrThrow(spec.getEntrypointThreadName());
    }

    @Test
    void hello1AndSeq10AreOneAndTenEchoTasksEndingInTheDoneEvent() {
        PutWfSpecRequest hello1 = LittleHorseWorkflows.workflow(Scenario.HELLO1).compileWorkflow();
        PutWfSpecRequest seq10 = LittleHorseWorkflows.workflow(Scenario.SEQ10).compileWorkflow();

        assertThat(hello1.getName()).isEqualTo("gregor-loadtest-hello1");
        assertThat(nodes(entrypoint(hello1))).containsEntry(NodeCase.TASK, 1L).containsEntry(NodeCase.THROW_EVENT, 1L);
        assertThat(nodes(entrypoint(seq10))).containsEntry(NodeCase.TASK, 10L).containsEntry(NodeCase.THROW_EVENT, 1L);
        assertThat(entrypoint(seq10).getNodesMap().values().stream().filter(Node::hasThrowEvent)
                .map(n -> n.getThrowEvent().getEventDefId().getName())).containsExactly(LittleHorseWorkflows.DONE_EVENT);
    }

    @Test
    void fan100SpawnsOneEchoThreadPerItemJoinsThemThenThrowsTheDoneEvent() {
        PutWfSpecRequest fan100 = LittleHorseWorkflows.workflow(Scenario.FAN100).compileWorkflow();
        DriverOptions options = DriverOptions.parse("--scenario", "fan100", "--engine", "littlehorse");

        assertThat(fan100.getThreadSpecsCount()).isEqualTo(2);
        assertThat(nodes(entrypoint(fan100))).containsEntry(NodeCase.START_MULTIPLE_THREADS, 1L)
                .containsEntry(NodeCase.WAIT_FOR_THREADS, 1L).containsEntry(NodeCase.THROW_EVENT, 1L)
                .doesNotContainKey(NodeCase.TASK);
        ThreadSpec child = fan100.getThreadSpecsMap().entrySet().stream()
                .filter(e -> !e.getKey().equals(fan100.getEntrypointThreadName())).findFirst().orElseThrow().getValue();
        assertThat(nodes(child)).containsEntry(NodeCase.TASK, 1L);
        String items = LittleHorseWorkflows.variables(options).get("items").getJsonArr();
        assertThat(items).startsWith("[0,1,2,").endsWith(",99]");
    }

    @Test
    void onlyTheRateScenariosRunAndTheEngineIsFoundByName() {
        assertThatThrownBy(() -> LittleHorseWorkflows.workflow(Scenario.LONGHIST))
                .hasMessageContaining("Expected a scenario LittleHorse runs (hello1, seq10, fan100), but found longhist");
        assertThat(Engines.create("littlehorse")).isInstanceOf(LittleHorseEngine.class);
        assertThat(Engines.names()).containsExactly("gregor", "littlehorse");
    }
}
