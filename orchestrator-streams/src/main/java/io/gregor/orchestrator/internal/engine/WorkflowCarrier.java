package io.gregor.orchestrator.internal.engine;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Which threads carry the virtual threads that workflow code runs on.
 *
 * <p>With {@link #POOL}, the JDK's scheduler carries them, so every step hands over twice between
 * the stream thread and a carrier thread, and on a busy machine each hand-over waits for the OS to
 * run the other thread: measured at ~0.8 ms a step with 64 instances in flight on 2 cores, a
 * quarter of the stream thread's time. With {@link #INLINE}, the engine thread that resumes the
 * code carries it until it yields again, so a hand-over is a continuation switch on one thread.
 *
 * <p>The JDK has no public API to choose a virtual thread's scheduler; INLINE uses the constructor
 * the JDK's own tests use, reached by reflection. It therefore needs the JVM option
 * {@code --add-opens=java.base/java.lang=ALL-UNNAMED}, and Java 24 or newer: before JEP 491 a
 * virtual thread that parks inside {@code synchronized} pins its carrier, and code awaiting a task
 * inside a synchronized block would then block the stream thread for good.
 */
public enum WorkflowCarrier {
    /** The JDK's virtual-thread scheduler carries workflow code. */
    POOL,
    /** The engine thread carries workflow code while it waits for the code to yield. */
    INLINE;

    private static final int FIRST_UNPINNED_FEATURE = 24;
    private static final Constructor<?> SCHEDULED_BUILDER = scheduledBuilder();
    /**
     * Carries code resumed by anything but its engine: a stuck instance's code woken after the
     * engine gave up on it, or code unwinding after its execution was discarded.
     */
    private static final ExecutorService DETACHED = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gregor-detached-workflow-carrier");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param preferInline whether INLINE is wanted
     * @return INLINE if wanted and this JVM allows it, else POOL
     */
    public static WorkflowCarrier choose(boolean preferInline) {
        return preferInline && inlineUnavailableReason() == null ? INLINE : POOL;
    }

    /** @return why this JVM cannot use INLINE, or null if it can */
    public static String inlineUnavailableReason() {
        if (Runtime.version().feature() < FIRST_UNPINNED_FEATURE) {
            return "it needs Java " + FIRST_UNPINNED_FEATURE + " or newer, but this JVM is Java " + Runtime.version().feature();
        }
        if (SCHEDULED_BUILDER == null) {
            return "it needs the JVM option --add-opens=java.base/java.lang=ALL-UNNAMED";
        }
        return null;
    }

    /**
     * A builder of virtual threads that the given scheduler runs: it receives each continuation to
     * run when the thread starts or is unparked.
     */
    static Thread.Builder.OfVirtual scheduledBy(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) SCHEDULED_BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Expected to build a virtual thread with its own scheduler (checked at start), but could not", e);
        }
    }

    static void runDetached(Runnable continuation) {
        DETACHED.execute(continuation);
    }

    private static Constructor<?> scheduledBuilder() {
        try {
            Constructor<?> constructor = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder").getDeclaredConstructor(Executor.class);
            constructor.setAccessible(true);
            return constructor;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // InaccessibleObjectException without the add-opens; anything else: a JDK without that constructor.
            return null;
        }
    }
}
