package io.gregor.loadtest.engine;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds engines by name among the {@link Engine} implementations on the class path
 * ({@code META-INF/services/io.gregor.loadtest.engine.Engine}). Gregor's is always there; a peer
 * engine is there only when its module is on the class path (the {@code peer} Maven profile).
 */
public final class Engines {
    private Engines() {
    }

    /**
     * @param name the name given with {@code --engine}
     * @return a fresh, not yet started engine of that name
     * @throws IllegalArgumentException naming the engines found, if none has that name
     */
    public static Engine create(String name) {
        // A fresh loader each time: every run gets its own engine instance.
        for (Engine engine : ServiceLoader.load(Engine.class)) {
            if (engine.name().equals(name)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("Expected --engine among " + names() + ", but found '" + name + "'"
                + (name.equals("gregor") ? "" : " (a peer engine is on the class path only with the peer profile: "
                + "load-tests/run.sh builds it when --engine names one)"));
    }

    /** @return the names of the engines on the class path */
    public static List<String> names() {
        return ServiceLoader.load(Engine.class).stream().map(p -> p.get().name()).sorted().toList();
    }
}
