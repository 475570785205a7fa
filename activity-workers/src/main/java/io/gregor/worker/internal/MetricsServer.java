package io.gregor.worker.internal;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * A worker's scrape endpoint: {@code GET /metrics} in the Prometheus text format, on the JDK's own
 * HTTP server (a worker needs nothing more), one virtual thread per request.
 */
final class MetricsServer implements AutoCloseable {
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final URI url;

  private MetricsServer(HttpServer server, URI url) {
    this.server = server;
    this.url = url;
  }

  /**
   * @param host the address to bind
   * @param port the port; 0 picks a free one
   * @param registry a PrometheusMeterRegistry, or a composite holding one
   * @return the running server
   * @throws IllegalArgumentException if the registry holds no PrometheusMeterRegistry
   * @throws IllegalStateException if the port cannot be bound
   */
  static MetricsServer start(String host, int port, MeterRegistry registry) {
    PrometheusMeterRegistry prometheus = prometheusIn(registry).orElseThrow(() -> new IllegalArgumentException(
        "Expected a PrometheusMeterRegistry among the worker's meter registries to serve /metrics, but found "
            + registry.getClass().getName()));
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new IllegalStateException("Expected to serve the worker's metrics on " + host + ":" + port
          + ", but found: " + e + " (set ActivityWorker.Builder.metricsPort, 0 for any free port)", e);
    }
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    String shown = host.contains(":") ? "[" + host + "]" : host;
    return new MetricsServer(server, URI.create("http://" + shown + ":" + server.getAddress().getPort() + "/metrics"));
  }

  /** @return the scrape URL */
  URI url() {
    return url;
  }

  private static Optional<PrometheusMeterRegistry> prometheusIn(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return Optional.of(prometheus);
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      return composite.getRegistries().stream().map(MetricsServer::prometheusIn).flatMap(Optional::stream).findFirst();
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
