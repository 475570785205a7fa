package io.gregor.examples.patterns;

import io.gregor.client.workflow.Workflow;
import io.gregor.client.workflow.WorkflowContext;
import java.util.List;

/** Task chaining (Dapr's first pattern): each activity's output feeds the next; the input is the first greeting's prefix. */
public final class ChainingWorkflow implements Workflow {
    /** The activity: appends {@code "Hello <city>!"} to its input. */
    public static final String SAY_HELLO = "SayHello";
    private static final List<String> CITIES = List.of("Tokyo", "Seattle", "London");

    @Override
    public Object run(WorkflowContext ctx) {
        String greeting = ctx.getInput(String.class);
        String text = greeting == null ? "" : greeting;
        for (String city : CITIES) {
            text = ctx.callActivity(SAY_HELLO, new Greeting(text, city), String.class).await();
        }
        return text;
    }

    /** What {@value #SAY_HELLO} gets: the text so far and the next city. */
    public record Greeting(String soFar, String city) {
    }

    static String sayHello(Greeting greeting) {
        String hello = "Hello " + greeting.city() + "!";
        return greeting.soFar().isEmpty() ? hello : greeting.soFar() + " " + hello;
    }
}
