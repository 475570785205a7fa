package io.gregor.orchestrator.internal.engine;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs workflow code on its own virtual thread as a coroutine of the engine: exactly one of the
 * two runs at any time, handing over with a pair of semaphores (which also publish every field
 * written before the hand-over). A parked workflow costs a parked virtual thread, which is what
 * lets a cached execution resume with only the new events instead of a full replay.
 *
 * <p>With the {@link WorkflowCarrier#INLINE} carrier, the engine thread itself runs the code
 * between a resume and the next yield; anything else that wakes the code (it parked for another
 * reason and the engine stopped waiting for it) runs it on a detached carrier, so that no other
 * thread is ever taken over by workflow code.
 */
final class WorkflowThread {

    /** Unwinds workflow code when its execution is discarded. Not an Exception, so plain catch blocks let it pass. */
    static final class Destroyed extends Error {
        private static final long serialVersionUID = 1L;

        Destroyed() {
            super("workflow execution discarded", null, false, false);
        }
    }

    private final Semaphore workflowTurn = new Semaphore(0);
    private final Semaphore engineTurn = new Semaphore(0);
    private final Duration yieldTimeout;
    private final WorkflowCarrier carrier;
    /** The thread waiting in start or resume for the code to yield: it carries inline code meanwhile. */
    private volatile Thread engine;
    private volatile boolean destroyed;
    private Thread thread;
    private boolean finished;

    WorkflowThread(Duration yieldTimeout, WorkflowCarrier carrier) {
        this.yieldTimeout = yieldTimeout;
        this.carrier = carrier;
    }

    /** Engine side: starts the code and returns when it first yields or finishes. */
    void start(String name, Runnable body) {
        Thread.Builder.OfVirtual builder = carrier == WorkflowCarrier.INLINE ? WorkflowCarrier.scheduledBy(this::carry) : Thread.ofVirtual();
        engine = Thread.currentThread();
        thread = builder.name(name).start(() -> {
            workflowTurn.acquireUninterruptibly();
            try {
                if (!destroyed) {
                    body.run();
                }
            } catch (Destroyed ignored) {
                // the engine gave up on this execution; nothing to report
            } finally {
                finished = true;
                engineTurn.release();
            }
        });
        resume();
    }

    /** Engine side: lets the code run until it yields again or finishes. */
    void resume() {
        engine = Thread.currentThread();
        boolean yielded;
        try {
            workflowTurn.release();
            yielded = engineTurn.tryAcquire(yieldTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkflowStuckException("Interrupted while workflow code ran on " + thread.getName());
        } finally {
            engine = null;
        }
        if (!yielded) {
            destroyed = true;
            throw new WorkflowStuckException("Expected workflow code on " + thread.getName() + " to await a task or return within "
                    + yieldTimeout + ", but it is still running (blocking I/O, a busy loop or a lock in workflow code?)");
        }
    }

    /** The inline carrier's scheduler: runs the code on its engine while the engine waits for it. */
    private void carry(Runnable continuation) {
        if (Thread.currentThread() == engine) {
            continuation.run();
        } else {
            WorkflowCarrier.runDetached(continuation);
        }
    }

    /** Workflow side: parks until the engine resumes it. */
    void yieldToEngine() {
        if (destroyed) {
            throw new Destroyed();
        }
        engineTurn.release();
        workflowTurn.acquireUninterruptibly();
        if (destroyed) {
            throw new Destroyed();
        }
    }

    boolean isWorkflowThread() {
        return Thread.currentThread() == thread;
    }

    boolean isFinished() {
        return finished;
    }

    /** Engine side: unwinds a parked workflow so its virtual thread ends. */
    void destroy() {
        if (thread != null && !finished && !destroyed) {
            destroyed = true;
            workflowTurn.release();
        }
        destroyed = true;
    }

    /** Workflow code did not yield in time. */
    static final class WorkflowStuckException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WorkflowStuckException(String message) {
            super(message);
        }
    }
}
