package io.gregor.cli;

import java.lang.reflect.Proxy;
import java.util.List;

/**
 * Takes over SIGINT and SIGTERM, so that {@code gregor dev} stops its parts in order: the JVM's
 * shutdown hooks run all at once, and the embedded broker's hook would stop the broker while the
 * orchestrator and the worker still wait on it (30 s each). {@code sun.misc.Signal} is reached by
 * reflection, as Kafka does, because javac warns on every direct use of it.
 */
final class Signals {
    private Signals() {
    }

    /**
     * @param action what to run on the first SIGINT or SIGTERM (a second one halts at once)
     * @return true if the handlers are installed; false where the JVM does not offer them (then the shutdown hooks stop everything)
     */
    static boolean onStop(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            boolean[] stopping = {false};
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, (self, method, args) -> {
                if (!"handle".equals(method.getName())) {
                    return method.getDeclaringClass() == Object.class ? method.invoke(stopping, args) : null;
                }
                synchronized (stopping) {
                    if (stopping[0]) {
                        Runtime.getRuntime().halt(130);
                    }
                    stopping[0] = true;
                }
                Thread.ofPlatform().name("gregor-dev-stop").start(action);
                return null;
            });
            for (String name : List.of("INT", "TERM")) {
                signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name), proxy);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
