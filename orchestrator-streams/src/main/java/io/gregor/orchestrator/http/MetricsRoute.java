package io.gregor.orchestrator.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the orchestrator's meters in the Prometheus text format (docs/metrics.md),
 * for Prometheus to scrape. It needs a {@link PrometheusMeterRegistry}, given as the orchestrator's
 * registry or inside a composite one.
 */
final class MetricsRoute {
    /** The Prometheus text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsRoute() {
    }

    static void routes(HttpRules rules, Supplier<MeterRegistry> registry) {
        rules.get("/metrics", (req, res) -> {
            MeterRegistry meters = registry.get();
            Optional<PrometheusMeterRegistry> prometheus = prometheusIn(meters);
            if (prometheus.isEmpty()) {
                res.status(meters == null ? Status.SERVICE_UNAVAILABLE_503 : Status.NOT_FOUND_404);
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                res.send((meters == null ? "Expected the orchestrator's metrics, but it is not started yet"
                        : "Expected a PrometheusMeterRegistry among the orchestrator's meter registries, but found "
                        + meters.getClass().getName()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            res.send(prometheus.get().scrape().getBytes(StandardCharsets.UTF_8));
        });
    }

    /** @return the registry itself if it is a Prometheus one, else the first Prometheus registry inside a composite */
    static Optional<PrometheusMeterRegistry> prometheusIn(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return Optional.of(prometheus);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            return composite.getRegistries().stream().map(MetricsRoute::prometheusIn).flatMap(Optional::stream).findFirst();
        }
        return Optional.empty();
    }
}
