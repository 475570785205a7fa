package io.gregor.examples.patterns;

import io.gregor.examples.ExampleStack;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test methods an {@link ExampleStack} running every pattern workflow ({@link Patterns}),
 * started once for all the test classes of a run and closed by JUnit at its end.
 */
public final class PatternsStack implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ExampleStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(PatternsStack.class, key -> {
            try {
                return ExampleStack.start("examples-patterns", Patterns::registerWorkflows, Patterns::registerActivities);
            } catch (Exception e) {
                throw new IllegalStateException("Expected the patterns' orchestrator and worker to run, but: " + e.getMessage(), e);
            }
        }, ExampleStack.class);
    }
}
