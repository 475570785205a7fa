package io.gregor.orchestrator.internal;

import io.gregor.client.workflow.Workflow;
import io.gregor.orchestrator.internal.engine.Command;
import io.gregor.orchestrator.internal.engine.FailureMapping;
import io.gregor.orchestrator.internal.engine.NonDeterministicWorkflowException;
import io.gregor.orchestrator.internal.engine.WorkflowCarrier;
import io.gregor.orchestrator.internal.engine.WorkflowExecution;
import io.gregor.orchestrator.internal.store.HistoryRepository;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.orchestrator.internal.store.TimerRepository;
import io.gregor.schemas.Failures;
import io.gregor.schemas.avro.ActivityTask;
import io.gregor.schemas.avro.DurableTimer;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.RuntimeStatus;
import io.gregor.schemas.avro.StartWorkflow;
import io.gregor.schemas.avro.TerminateWorkflow;
import io.gregor.schemas.avro.WorkflowFailed;
import io.gregor.schemas.avro.WorkflowStarted;
import io.gregor.schemas.avro.WorkflowTerminated;
import io.gregor.schemas.payload.DataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one step of an instance: load its execution (cache, else replay), record the input event,
 * run the code, record one event per command and apply the command's effect, then save the
 * metadata and publish status changes. All of it lands in the current stream transaction, so a
 * step is either wholly recorded and emitted or not at all.
 */
final class InstanceStepper {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceStepper.class);

    private final InstanceRepository instances;
    private final HistoryRepository history;
    private final TimerRepository timers;
    private final Outputs outputs;
    private final ExecutionCache cache;
    private final WorkflowRegistry registry;
    private final DataConverter converter;
    private final Duration yieldTimeout;
    private final WorkflowCarrier carrier;

    InstanceStepper(InstanceRepository instances, HistoryRepository history, TimerRepository timers, Outputs outputs, ExecutionCache cache,
                    WorkflowRegistry registry, DataConverter converter, Duration yieldTimeout, WorkflowCarrier carrier) {
        this.instances = instances;
        this.history = history;
        this.timers = timers;
        this.outputs = outputs;
        this.cache = cache;
        this.registry = registry;
        this.converter = converter;
        this.yieldTimeout = yieldTimeout;
        this.carrier = carrier;
    }

    InstanceMetadata find(String instanceId) {
        return instances.get(instanceId);
    }

    /** Creates the instance and runs its code up to its first await. */
    void start(StartWorkflow start, long now) {
        String id = start.getInstanceId();
        String name = start.getWorkflowName();
        InstanceMetadata meta = new InstanceMetadata(id, name, RuntimeStatus.PENDING, null, null, null, null, Instant.ofEpochMilli(now),
                Instant.ofEpochMilli(now), 0);
        HistoryEvent started = new HistoryEvent(Instant.ofEpochMilli(now), new WorkflowStarted(name, start.getInput()));
        Optional<Workflow> workflow = registry.create(name);
        if (workflow.isEmpty()) {
            record(meta, started);
            record(meta, new HistoryEvent(Instant.ofEpochMilli(now), new WorkflowFailed(FailureMapping.of("io.gregor.WorkflowNotRegistered", registry.notRegistered(name)))));
            save(meta, RuntimeStatus.PENDING, false, now);
            LOG.warn("Instance {} failed at start: {}", id, registry.notRegistered(name));
            return;
        }
        run(meta, newExecution(meta, workflow.get()), started, RuntimeStatus.PENDING);
    }

    /**
     * Feeds one input event to a running or stalled instance.
     *
     * @return false if the event completes nothing (a duplicate or late result), so it was not recorded
     */
    boolean step(InstanceMetadata meta, Object body, long now) {
        HistoryEvent input = new HistoryEvent(monotonic(now, meta), body);
        RuntimeStatus before = meta.getStatus();
        WorkflowExecution execution;
        try {
            execution = load(meta);
        } catch (RuntimeException e) {
            // Keep the input: once fixed code is deployed, the next replay consumes it.
            record(meta, input);
            stall(meta, e, before);
            return true;
        }
        if (!execution.accepts(body)) {
            return false;
        }
        run(meta, execution, input, before);
        return true;
    }

    void terminate(InstanceMetadata meta, TerminateWorkflow request, long now) {
        RuntimeStatus before = meta.getStatus();
        cache.evict(meta.getInstanceId());
        record(meta, new HistoryEvent(monotonic(now, meta), new WorkflowTerminated(request.getReason(), request.getOutput())));
        save(meta, before, false, meta.getUpdatedAt().toEpochMilli());
    }

    private void run(InstanceMetadata meta, WorkflowExecution execution, HistoryEvent input, RuntimeStatus before) {
        long now = input.getTimestamp().toEpochMilli();
        record(meta, input);
        List<Command> commands;
        try {
            commands = execution.apply(List.of(input));
        } catch (RuntimeException e) {
            cache.evict(meta.getInstanceId());
            execution.destroy();
            stall(meta, e, before);
            return;
        }
        if (meta.getStatus() == RuntimeStatus.STALLED) {
            meta.setStatus(RuntimeStatus.RUNNING);
            meta.setFailure(null);
            LOG.info("Instance {} recovered from its stall and runs again", meta.getInstanceId());
        }
        for (Command command : commands) {
            record(meta, new HistoryEvent(input.getTimestamp(), command.toEvent()));
            applyEffect(meta, command, now);
        }
        boolean customChanged = execution.customStatusChanged();
        if (customChanged) {
            meta.setCustomStatus(execution.takeCustomStatusChange());
        }
        if (execution.isEnded()) {
            cache.evict(meta.getInstanceId());
            execution.destroy();
        } else {
            cache.put(meta.getInstanceId(), execution);
        }
        save(meta, before, customChanged, now);
    }

    private void applyEffect(InstanceMetadata meta, Command command, long now) {
        switch (command) {
            case Command.ScheduleTask t -> outputs.task(new ActivityTask(meta.getInstanceId(), meta.getWorkflowName(), t.taskId(),
                    t.activityName(), t.input(), t.attempt(), Instant.ofEpochMilli(now)), now);
            case Command.CreateTimer t -> timers.schedule(new DurableTimer(meta.getInstanceId(), t.timerId(), Instant.ofEpochMilli(t.fireAt())));
            case Command.CompleteWorkflow c -> {
                // status and output come from the recorded event (InstanceApplier)
            }
            case Command.FailWorkflow f -> {
                // status and failure come from the recorded event (InstanceApplier)
            }
        }
    }

    private WorkflowExecution load(InstanceMetadata meta) {
        WorkflowExecution cached = cache.get(meta.getInstanceId(), meta.getHistoryLength());
        if (cached != null) {
            return cached;
        }
        Workflow workflow = registry.create(meta.getWorkflowName())
                .orElseThrow(() -> new IllegalStateException(registry.notRegistered(meta.getWorkflowName())));
        WorkflowExecution execution = newExecution(meta, workflow);
        try {
            execution.replay(history.load(meta.getInstanceId(), meta.getHistoryLength()));
        } catch (RuntimeException e) {
            execution.destroy();
            throw e;
        }
        return execution;
    }

    private WorkflowExecution newExecution(InstanceMetadata meta, Workflow workflow) {
        return new WorkflowExecution(meta.getInstanceId(), meta.getWorkflowName(), workflow, converter, yieldTimeout, carrier);
    }

    /** Instance time never goes backwards, even if the clocks of two orchestrators disagree. */
    private static Instant monotonic(long now, InstanceMetadata meta) {
        return Instant.ofEpochMilli(Math.max(now, meta.getUpdatedAt().toEpochMilli()));
    }

    private void record(InstanceMetadata meta, HistoryEvent event) {
        history.append(meta.getInstanceId(), meta.getHistoryLength(), event);
        InstanceApplier.apply(meta, event);
    }

    private void stall(InstanceMetadata meta, RuntimeException cause, RuntimeStatus before) {
        if (cause instanceof NonDeterministicWorkflowException) {
            LOG.warn("Instance {} ({}) is stalled: {}", meta.getInstanceId(), meta.getWorkflowName(), cause.getMessage());
        } else {
            LOG.warn("Instance {} ({}) is stalled by an unexpected error", meta.getInstanceId(), meta.getWorkflowName(), cause);
        }
        meta.setStatus(RuntimeStatus.STALLED);
        meta.setFailure(Failures.of(cause));
        save(meta, before, true, meta.getUpdatedAt().toEpochMilli());
    }

    private void save(InstanceMetadata meta, RuntimeStatus before, boolean forceStatus, long now) {
        instances.put(meta);
        if (forceStatus || before != meta.getStatus()) {
            outputs.status(meta, now);
        }
        if (InstanceApplier.isTerminal(meta.getStatus()) && !InstanceApplier.isTerminal(before)) {
            outputs.completion(meta, now);
        }
    }
}
