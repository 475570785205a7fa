package io.gregor.orchestrator.internal.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.spi.NOPLoggingEventBuilder;

/** A logger that swallows log calls while the workflow replays, so each line appears once. */
final class ReplaySafeLogger {
    private static final Set<String> LOG_METHODS = Set.of("trace", "debug", "info", "warn", "error");
    private static final Set<String> BUILDER_METHODS = Set.of("atTrace", "atDebug", "atInfo", "atWarn", "atError", "atLevel",
            "makeLoggingEventBuilder");

    private ReplaySafeLogger() {
    }

    static Logger wrap(Logger delegate, BooleanSupplier replaying) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (replaying.getAsBoolean()) {
                if (LOG_METHODS.contains(name)) {
                    return null;
                }
                if (BUILDER_METHODS.contains(name)) {
                    return NOPLoggingEventBuilder.singleton();
                }
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
