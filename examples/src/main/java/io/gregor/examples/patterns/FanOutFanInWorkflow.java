package io.gregor.examples.patterns;

import io.gregor.client.workflow.Task;
import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.util.List;

/** Fan-out/fan-in: one activity per word, run in parallel, then the sum of their results. */
public final class FanOutFanInWorkflow implements Workflow {
    /** The activity: the number of letters of a word. */
    public static final String COUNT_LETTERS = "CountLetters";
    private static final List<String> DEFAULT_WORDS = List.of("durable", "workflows", "on", "kafka");

    @Override
    public Object run(WorkflowContext ctx) {
        String[] input = ctx.getInput(String[].class);
        List<String> words = input == null ? DEFAULT_WORDS : List.of(input);
        List<Task<Integer>> counts = words.stream()
                .map(word -> ctx.callActivity(COUNT_LETTERS, word, Integer.class))
                .toList();
        return ctx.allOf(counts).await().stream().mapToInt(Integer::intValue).sum();
    }
}
