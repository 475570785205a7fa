package io.gregor.loadtest.littlehorse;

import io.gregor.loadtest.DriverOptions;
import io.gregor.loadtest.engine.Engine;
import io.gregor.loadtest.engine.EngineContext;
import io.littlehorse.sdk.common.config.LHConfig;
import io.littlehorse.sdk.common.proto.LittleHorseGrpc.LittleHorseBlockingStub;
import io.littlehorse.sdk.common.proto.RunWfRequest;
import io.littlehorse.sdk.wfsdk.Workflow;
import io.littlehorse.sdk.worker.LHTaskWorker;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LittleHorse as the peer engine of the comparison ({@code --engine littlehorse}): the server in
 * its own JVM on the driver's broker ({@link LittleHorseServer}, shared by every run of the
 * driver's JVM), the echo task's worker in the driver's JVM (as Gregor's worker is), and each
 * instance started with {@code RunWf} and observed through its done event
 * ({@link DoneEventAwaiter}). Runs {@code hello1}, {@code seq10} and {@code fan100}.
 *
 * <p>The client and worker take LittleHorse's own settings from the environment
 * ({@code LHW_NUM_WORKER_THREADS}, {@code LHC_INFLIGHT_TASKS}, ...; LittleHorse's defaults
 * otherwise); the driver sets only the server's address.
 */
public final class LittleHorseEngine implements Engine {
    /** The name chosen with {@code --engine}. */
    public static final String NAME = "littlehorse";

    private static final Logger LOG = LoggerFactory.getLogger(LittleHorseEngine.class);

    private LittleHorseServer server;
    private LHConfig config;
    private LittleHorseBlockingStub client;
    private LHTaskWorker worker;
    private DoneEventAwaiter awaiter;
    private RunWfRequest template;
    private Object scenarioInput;

    /** Does nothing until {@link #start}. */
    public LittleHorseEngine() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(EngineContext context) throws Exception {
        DriverOptions options = context.options();
        if (!LittleHorseWorkflows.SUPPORTED.contains(options.scenario())) {
            throw LittleHorseWorkflows.unsupported(options.scenario());
        }
        if (!options.startEngine()) {
            throw new IllegalArgumentException("Expected no --no-engine with --engine littlehorse (the driver starts "
                    + "the LittleHorse server itself), but found it");
        }
        server = LittleHorseServer.shared(context.bootstrapServers(), options.partitions());
        config = LHConfig.newBuilder().loadFromEnvVariables()
                .loadFromMap(Map.of(LHConfig.API_HOST_KEY, "127.0.0.1", LHConfig.API_PORT_KEY, String.valueOf(server.apiPort()),
                        LHConfig.TASK_WORKER_ID_KEY, "gregor-loadtest-" + options.runId()))
                .build();
        client = config.getBlockingStub();
        worker = new LHTaskWorker(new EchoTask(), EchoTask.NAME, config);
        if (!worker.doesTaskDefExist()) {
            worker.registerTaskDef();
        }
        Workflow workflow = LittleHorseWorkflows.workflow(options.scenario());
        Metadata.register(workflow, client);
        worker.start();
        awaiter = new DoneEventAwaiter(config.getAsyncStub(), client, context.observer());
        scenarioInput = options.scenario().input(options);
        template = RunWfRequest.newBuilder().setWfSpecName(workflow.getName())
                .putAllVariables(LittleHorseWorkflows.variables(options)).build();
        LOG.info("LittleHorse ready: WfSpec {}, worker with {} threads and {} tasks in flight", workflow.getName(),
                config.getWorkerThreads(), config.getInflightTasks());
    }

    @Override
    public void startInstance(String instanceId, Object input) {
        if (!scenarioInput.equals(input)) {
            // The WfSpec registered at start fixes the step count; another input would silently run the scenario's.
            throw new IllegalArgumentException("Expected the scenario's input " + scenarioInput + " for instance " + instanceId
                    + ", but found " + input);
        }
        client.runWf(template.toBuilder().setId(instanceId).build());
        awaiter.await(instanceId);
    }

    @Override
    public String description() {
        return (server == null ? "LittleHorse server (not started)" : server.description())
                + "; echo task worker in the driver's JVM"
                + (config == null ? "" : " (" + config.getWorkerThreads() + " worker threads, "
                + config.getInflightTasks() + " tasks in flight)");
    }

    @Override
    public String completionSignal() {
        return "the moment the response to the driver's AwaitWorkflowEvent call for the event the workflow throws as its "
                + "last step (" + LittleHorseWorkflows.DONE_EVENT + ") reaches the driver (one call per instance, made "
                + "right after RunWf returns)";
    }

    /** Stops the awaiter and the worker; the server stays up for the JVM's next run. */
    @Override
    public void close() {
        try {
            if (awaiter != null) {
                awaiter.close();
            }
        } finally {
            if (worker != null) {
                worker.close();
            }
        }
    }
}
