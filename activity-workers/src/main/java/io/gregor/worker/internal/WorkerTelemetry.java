package io.gregor.worker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gregor.schemas.avro.ActivityResult;
import io.gregor.schemas.avro.ActivityTask;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A worker's meters and spans (docs/metrics.md): one timer per activity name and outcome, resolved
 * once per name; dead letters; and, when tracing is on, one span per activity attempt, a child of
 * the workflow span whose context the task record carries in its {@code traceparent} header. The
 * span is current while the activity runs, so spans the activity's own code starts nest under it.
 */
public final class WorkerTelemetry {
  /** The W3C trace-context header on task records. */
  public static final String TRACEPARENT = "traceparent";

  private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Headers carrier) {
      List<String> keys = new ArrayList<>();
      carrier.forEach(header -> keys.add(header.key()));
      return keys;
    }

    @Override
    public String get(Headers carrier, String key) {
      Header header = carrier == null ? null : carrier.lastHeader(key);
      return header == null || header.value() == null ? null : new String(header.value(), UTF_8);
    }
  };

  private final MeterRegistry registry;
  private final boolean tracing;
  private final Tracer tracer;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Counter deadLetters;

  /**
   * @param registry where the meters go
   * @param openTelemetry where the spans go; {@link OpenTelemetry#noop()} turns tracing off
   */
  public WorkerTelemetry(MeterRegistry registry, OpenTelemetry openTelemetry) {
    this.registry = registry;
    this.tracing = openTelemetry != OpenTelemetry.noop();
    this.tracer = openTelemetry.getTracer("io.gregor.worker");
    this.deadLetters = Counter.builder("gregor.dead.letters").tag("reason", "unreadable_task")
        .tag("source", "worker").description("Records written to the dead-letter topic, by reason")
        .register(registry);
  }

  /** @return the registry of the worker's meters */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Reports the task topic's lag for the worker's group, read on scrape.
   *
   * @param lag computes it (may be slow: it asks the broker; it caches)
   */
  <T> void taskLag(T source, ToDoubleFunction<T> lag) {
    Gauge.builder("gregor.task.lag", source, lag).baseUnit("records")
        .description("Task records not yet consumed by this worker's group, over all task partitions")
        .register(registry);
  }

  /** An activity attempt begins on the current thread; {@link Attempt#end} ends it there. */
  Attempt begin(Headers headers, ActivityTask task) {
    Span span = Span.getInvalid();
    Scope scope = Scope.noop();
    if (tracing) {
      Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
      span = tracer.spanBuilder("activity " + task.getActivityName()).setParent(parent)
          .setSpanKind(SpanKind.CONSUMER)
          .setAttribute("gregor.instance_id", task.getInstanceId())
          .setAttribute("gregor.workflow", task.getWorkflowName())
          .setAttribute("gregor.activity", task.getActivityName())
          .setAttribute("gregor.task_id", task.getTaskId())
          .setAttribute("gregor.attempt", task.getAttempt()).startSpan();
      scope = span.makeCurrent();
    }
    return new Attempt(task.getActivityName(), Timer.start(registry), span, scope);
  }

  void deadLettered() {
    deadLetters.increment();
  }

  private Timer timer(String activity, String outcome) {
    String key = activity + '\u0000' + outcome;
    Timer timer = timers.get(key);
    return timer != null ? timer : timers.computeIfAbsent(key, k -> Timer.builder("gregor.activity.duration")
        .tag("activity", activity).tag("outcome", outcome)
        .description("How long activity attempts ran on this worker, by outcome")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1)).register(registry));
  }

  /** One running attempt: its timer sample and span. */
  final class Attempt {
    private final String activity;
    private final Timer.Sample sample;
    private final Span span;
    private final Scope scope;

    private Attempt(String activity, Timer.Sample sample, Span span, Scope scope) {
      this.activity = activity;
      this.sample = sample;
      this.span = span;
      this.scope = scope;
    }

    void end(ActivityResult result) {
      boolean succeeded = result.getSucceeded();
      sample.stop(timer(activity, succeeded ? "completed" : "failed"));
      scope.close();
      if (!succeeded && result.getFailure() != null) {
        span.setStatus(StatusCode.ERROR, result.getFailure().getErrorType() + ": " + result.getFailure().getMessage());
      }
      span.end();
    }
  }
}
