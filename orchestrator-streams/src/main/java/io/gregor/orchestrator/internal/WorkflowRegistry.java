package io.gregor.orchestrator.internal;

import io.gregor.client.workflow.Workflow;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The workflows an orchestrator can run, by name; each instance gets a fresh object. */
public final class WorkflowRegistry {
    private final Map<String, Supplier<? extends Workflow>> factories = new TreeMap<>();

    /**
     * @param name    the workflow's name
     * @param factory makes a fresh workflow object per instance
     */
    public void register(String name, Supplier<? extends Workflow> factory) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Expected a non-blank workflow name, but found '" + name + "'");
        }
        if (factories.putIfAbsent(name, factory) != null) {
            throw new IllegalArgumentException("Expected one registration per workflow name, but '" + name + "' is registered twice");
        }
    }

    /**
     * Registers a workflow class under its simple name (GregorOrchestrator.Builder and the workflow
     * test kit register classes the same way).
     *
     * @param type the workflow class, with a no-argument constructor
     * @throws IllegalArgumentException if it has none, or its name is taken
     */
    public void register(Class<? extends Workflow> type) {
        Constructor<? extends Workflow> constructor;
        try {
            constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("Expected a no-argument constructor on " + type.getName()
                    + ", but found none; register it with a factory instead", e);
        }
        register(type.getSimpleName(), () -> {
            try {
                return constructor.newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot create workflow " + type.getName() + ": " + e, e);
            }
        });
    }

    /** @param name a workflow name @return a fresh workflow object, if registered */
    public Optional<Workflow> create(String name) {
        return Optional.ofNullable(factories.get(name)).map(Supplier::get);
    }

    /** @return the registered names, sorted */
    public java.util.Set<String> names() {
        return factories.keySet();
    }

    String notRegistered(String name) {
        return "Expected a workflow registered as '" + name + "', but this orchestrator has only " + names();
    }
}
