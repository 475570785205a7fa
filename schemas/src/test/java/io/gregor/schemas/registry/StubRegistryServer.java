package io.gregor.schemas.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A scripted HTTP server on loopback standing in for a schema registry: it records every request
 * and answers with the replies queued by the test, in order. It checks nothing about the
 * protocol itself, so the tests assert on what it recorded.
 */
final class StubRegistryServer implements AutoCloseable {

  /** What the client sent. */
  record Recorded(
      String method, String path, String contentType, String accept, String authorization,
      String body) {}

  private sealed interface Reply {}

  private record Respond(int status, String body) implements Reply {}

  private record Drop() implements Reply {}

  private record Hang() implements Reply {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Reply> replies = new ConcurrentLinkedDeque<>();
  private final CountDownLatch released = new CountDownLatch(1);

  StubRegistryServer() throws IOException {
    this(null);
  }

  /** @param tls the server's certificate, or null for plain HTTP */
  StubRegistryServer(SSLContext tls) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(loopback, 0);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  StubRegistryServer respond(int status, String body) {
    replies.add(new Respond(status, body));
    return this;
  }

  /** The next request gets no response: the connection is closed under it. */
  StubRegistryServer dropConnection() {
    replies.add(new Drop());
    return this;
  }

  /** The next request gets no response until the server is closed. */
  StubRegistryServer hang() {
    replies.add(new Hang());
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(new Recorded(
        exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
        exchange.getRequestHeaders().getFirst("Content-Type"),
        exchange.getRequestHeaders().getFirst("Accept"),
        exchange.getRequestHeaders().getFirst("Authorization"), body));
    Reply reply = replies.poll();
    switch (reply) {
      case null -> send(exchange, 500, "{\"error_code\":50001,\"message\":\"no reply scripted\"}");
      case Respond r -> send(exchange, r.status(), r.body());
      case Drop d -> throw new IOException("dropping the connection as scripted");
      case Hang h -> {
        awaitRelease();
        exchange.close();
      }
    }
  }

  private void awaitRelease() {
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
