package io.gregor.loadtest.engine;

import java.net.URI;
import java.util.Optional;

/**
 * A workflow engine the load driver can run its scenarios against: Gregor itself, or a peer
 * engine for the side-by-side comparison of issue 3. The driver owns everything that must be
 * the same for every engine (load shapes, timing, histograms, reports); an engine only deploys
 * the scenario's workflow, starts instances, and reports when each one ended.
 *
 * <p>Engines are found by {@link java.util.ServiceLoader} (see {@link Engines}), so the driver
 * does not depend on any peer engine's code: a peer lives in its own module, on the class path
 * only when it is wanted. One instance serves one run: {@link #start}, then
 * {@link #startInstance} from many threads, then {@link #close}. Implementations need a public
 * no-argument constructor that does nothing expensive.
 */
public interface Engine extends AutoCloseable {

    /** @return the name chosen with {@code --engine}, e.g. {@code gregor} */
    String name();

    /**
     * Gets the engine ready for the run: starts (or connects to) it, deploys the scenario's
     * workflow and a worker for the echo task, and begins observing completions. Returns only
     * when an instance started next would be observed. If it throws, {@link #close} still runs.
     *
     * @param context the run's options, the infrastructure and the completion observer
     * @throws Exception if the engine cannot start
     * @throws IllegalArgumentException if the engine does not support the scenario or an option
     */
    void start(EngineContext context) throws Exception;

    /**
     * Starts one instance of the scenario's workflow and returns once the engine accepted it.
     * Called from many threads at once. Its ending goes to the context's
     * {@link CompletionObserver}, which already expects the id.
     *
     * @param instanceId unique in the run; the engine's instance (workflow run) id
     * @param input      the workflow's input: the scenario's ({@link io.gregor.loadtest.Scenario#input}), or a
     *                   shorter step count for the warm-up instances of {@code longhist}
     * @throws Exception if the start was refused or failed
     * @throws IllegalArgumentException if the engine cannot run the workflow with that input
     */
    void startInstance(String instanceId, Object input) throws Exception;

    /**
     * @return the base URL of the engine's HTTP query API while it runs, if it has one the driver can time
     *         ({@code queries} scenario); empty by default
     */
    default Optional<URI> httpApi() {
        return Optional.empty();
    }

    /** @return where the engine runs, for result.json (e.g. "orchestrator and worker in the driver's JVM") */
    String description();

    /**
     * @return how the driver learns that an instance ended, completing the sentence "latency runs
     *         from the start to ..."; for result.json
     */
    String completionSignal();

    /** Stops what {@link #start} started; safe after a failed or partial start. */
    @Override
    void close();
}
