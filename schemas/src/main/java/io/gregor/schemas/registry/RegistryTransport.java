package io.gregor.schemas.registry;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to the first of several registry URLs that answers, with retries: a URL that
 * cannot be reached, times out or answers 5xx, 408 or 429 hands the request to the next one;
 * once every URL failed, the transport pauses (exponential backoff with jitter) and tries them
 * all again, until the configured total time is spent. Any other answer, a 4xx included, is
 * returned: the registry has spoken, and asking again would get the same answer.
 */
final class RegistryTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);

  private final SchemaRegistryConfig config;
  private final HttpClient http;
  /** The URL that answered last: after a fail-over, requests keep going to the one that works. */
  private final AtomicInteger preferred = new AtomicInteger();

  RegistryTransport(SchemaRegistryConfig config) {
    this.config = config;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.connectTimeout());
    config.sslContext().ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  RegistryResponse send(RegistryRequest request) {
    List<String> urls = config.urls();
    long start = System.nanoTime();
    long deadline = start + config.retryMaxTime().toNanos();
    long backoff = config.retryBackoff().toNanos();
    Map<String, String> failures = new LinkedHashMap<>();
    Failure last = null;
    int attempts = 0;
    for (int round = 1; ; round++) {
      int first = preferred.get();
      for (int i = 0; i < urls.size(); i++) {
        long remaining = deadline - System.nanoTime();
        if (round > 1 && remaining <= 0) {
          break;
        }
        int index = (first + i) % urls.size();
        String url = urls.get(index);
        Duration timeout = round == 1 ? config.requestTimeout()
            : Duration.ofNanos(Math.min(config.requestTimeout().toNanos(), remaining));
        attempts++;
        try {
          HttpResponse<String> answer = http.send(request.http(url, timeout, config.authorization()),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          RegistryResponse response = new RegistryResponse(request, url, answer);
          if (!isOutage(answer.statusCode())) {
            preferred.set(index);
            return response;
          }
          last = new Failure(response, null);
          failures.put(url, "HTTP " + answer.statusCode() + " " + RegistryResponse.abbreviate(answer.body()));
        } catch (SSLHandshakeException e) {
          // An untrusted certificate stays untrusted: retrying would only delay the message.
          throw new SchemaRegistryException("Expected " + url + " to present a certificate trusted by "
              + config.trustDescription() + " for " + request + ", but the TLS handshake failed: "
              + e.getMessage(), e, false);
        } catch (IOException e) {
          last = new Failure(null, e);
          failures.put(url, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SchemaRegistryException("Interrupted while waiting for " + request.at(url), e);
        }
        LOG.debug("Attempt {} of {} at {} failed: {}", attempts, request, url, failures.get(url));
      }
      long pause = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      if (System.nanoTime() + pause >= deadline) {
        throw exhausted(request, failures, last, attempts, Duration.ofNanos(System.nanoTime() - start));
      }
      if (round == 1) {
        LOG.warn("The schema registry did not answer {} ({}); retrying for up to {} ms", request, failures,
            config.retryMaxTime().toMillis());
      } else {
        LOG.debug("The schema registry did not answer {} ({}); retrying in {} ms", request, failures,
            pause / 1_000_000);
      }
      pause(pause, request);
      backoff = Math.min(backoff * 2, config.retryBackoffMax().toNanos());
    }
  }

  @Override
  public void close() {
    http.close();
  }

  private SchemaRegistryException exhausted(
      RegistryRequest request, Map<String, String> failures, Failure last, int attempts, Duration took) {
    String message = "Expected a schema registry at any of " + config.urls() + " to answer " + request
        + " (" + request.expectation() + "), but found: " + failures + " after " + attempts
        + (attempts == 1 ? " attempt" : " attempts") + " over " + took.toMillis() + " ms";
    if (last.response() != null) {
      SchemaRegistryException answered = last.response().failure(config.credentialsSource());
      return new SchemaRegistryException(message, answered.httpStatus(), answered.errorCode());
    }
    return new SchemaRegistryException(message, last.error());
  }

  private static void pause(long nanos, RegistryRequest request) {
    try {
      Thread.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("Interrupted while waiting to retry " + request, e);
    }
  }

  /** The registry is down, overloaded or behind a proxy that gave up: another try may succeed. */
  private static boolean isOutage(int status) {
    return status >= 500 || status == 408 || status == 429;
  }

  /** The last failed attempt: an answer that was an outage, or no answer at all. */
  private record Failure(RegistryResponse response, IOException error) {}
}
