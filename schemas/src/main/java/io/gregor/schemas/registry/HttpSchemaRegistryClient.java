package io.gregor.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a registry speaking the Confluent Schema Registry REST API over HTTP(S), with
 * {@code java.net.http}. Thread-safe; ids and schemas are cached for the life of the client.
 *
 * <p>Each request times out after 10 s (connecting after 5 s) and is retried once when it gets
 * no response at all; an HTTP error is never retried, because the registry has answered. User
 * info in the URL ({@code https://key:secret@host}) becomes HTTP basic authentication and is
 * kept out of every message.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  /** The content type of the Confluent Schema Registry REST API. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  /** How long connecting may take. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** How long a request may take, from sending to the full response. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json, application/json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 2;

  private final String baseUrl;
  private final Optional<String> authorization;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final ConcurrentMap<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, Schema> schemas = new ConcurrentHashMap<>();
  private final ConcurrentMap<SubjectSchema, ReentrantLock> registrationLocks = new ConcurrentHashMap<>();

  /**
   * Creates a client with the default timeouts (connect 5 s, request 10 s).
   *
   * @param baseUrl the registry's base URL, e.g. {@code http://localhost:8081} or
   *     {@code http://localhost:8080/apis/ccompat/v7}
   */
  public HttpSchemaRegistryClient(String baseUrl) {
    this(baseUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * Creates a client with the given timeouts.
   *
   * @param baseUrl the registry's base URL
   * @param connectTimeout how long connecting may take
   * @param requestTimeout how long one request may take
   */
  public HttpSchemaRegistryClient(
      String baseUrl, Duration connectTimeout, Duration requestTimeout) {
    URI uri = parseBaseUrl(baseUrl);
    this.authorization = Optional.ofNullable(uri.getUserInfo())
        .map(info -> info.getBytes(StandardCharsets.UTF_8))
        .map(info -> "Basic " + Base64.getEncoder().encodeToString(info));
    this.baseUrl = stripTrailingSlashes(withoutUserInfo(uri));
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.http = HttpClient.newBuilder()
        .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
        .build();
  }

  /**
   * The base URL requests go to, without user info.
   *
   * @return the base URL, without a trailing slash
   */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    // One request per subject and schema however many threads ask at once: a burst of first
    // writes (a fan-out's results, say) must not become a burst of identical POSTs.
    // A ReentrantLock, not synchronized: callers are often virtual threads, which a monitor held
    // across blocking I/O pins to their carrier on Java 21.
    ReentrantLock lock = registrationLocks.computeIfAbsent(key, k -> new ReentrantLock());
    lock.lock();
    try {
      cached = ids.get(key);
      if (cached != null) {
        return cached;
      }
      RegistryRequest request = post(subjectPath(subject) + "/versions", schema);
      int id = request.intField(request.expectOk(send(request)), "id");
      LOG.debug(
          "Schema {} is registered under subject {} with id {}", schema.getFullName(), subject, id);
      // Our copy is equivalent to the registry's; keeping it spares a round trip when this
      // process reads what it wrote.
      schemas.putIfAbsent(id, schema);
      ids.putIfAbsent(key, id);
      return id;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemas.get(id);
    if (cached != null) {
      return cached;
    }
    RegistryRequest request = get("/schemas/ids/" + id);
    Schema schema = request.schemaField(request.expectOk(send(request)));
    Schema previous = schemas.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  /**
   * Finds the version of a subject that holds the schema, without registering it
   * ({@code POST /subjects/{subject}}). Not cached.
   *
   * @param subject the subject
   * @param schema the schema to look for
   * @return the version, or empty if the subject or the schema under it is unknown
   * @throws SchemaRegistryException for any other error
   */
  public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
    return optionalVersion(post(subjectPath(subject), schema));
  }

  /**
   * The latest version of a subject ({@code GET /subjects/{subject}/versions/latest}). Not
   * cached.
   *
   * @param subject the subject
   * @return the latest version, or empty if the subject is unknown
   * @throws SchemaRegistryException for any other error
   */
  public Optional<RegisteredSchema> latestVersion(String subject) {
    return optionalVersion(get(subjectPath(subject) + "/versions/latest"));
  }

  /** Closes the HTTP client, waiting for requests in flight. */
  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return "HttpSchemaRegistryClient[" + baseUrl + "]";
  }

  private Optional<RegisteredSchema> optionalVersion(RegistryRequest request) {
    JsonNode body;
    try {
      body = request.expectOk(send(request));
    } catch (SchemaRegistryException e) {
      // Only the registry's own "not found" means absent; a bare 404 is more likely a wrong URL.
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(new RegisteredSchema(
        body.path("subject").asText(), request.intField(body, "version"),
        request.intField(body, "id"), request.schemaField(body)));
  }

  private HttpResponse<String> send(RegistryRequest request) {
    IOException failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return http.send(
            request.http(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        LOG.debug("Attempt {} of {} failed", attempt, request, e);
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("Interrupted while waiting for " + request, e);
      }
    }
    throw new SchemaRegistryException(
        "Expected a response from " + request + ", but found none after " + ATTEMPTS
            + " attempts: " + failure,
        failure);
  }

  private RegistryRequest get(String path) {
    return new RegistryRequest(builder(path).GET().build());
  }

  private RegistryRequest post(String path, Schema schema) {
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a schema as JSON: " + e.getMessage(), e);
    }
    return new RegistryRequest(builder(path)
        .header("Content-Type", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build());
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(requestTimeout)
        .header("Accept", ACCEPT);
    authorization.ifPresent(value -> builder.header("Authorization", value));
    return builder;
  }

  private static String subjectPath(String subject) {
    Objects.requireNonNull(subject, "subject");
    return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static URI parseBaseUrl(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    URI uri;
    try {
      uri = URI.create(baseUrl.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Expected a schema registry URL like http://host:8081, but found '" + baseUrl + "'", e);
    }
    String scheme = uri.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "Expected a schema registry URL like http://host:8081, but found '" + baseUrl + "'");
    }
    return uri;
  }

  private static String withoutUserInfo(URI uri) {
    String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + uri.getHost() + port + path;
  }

  private static String stripTrailingSlashes(String url) {
    String result = url;
    while (result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }

  /** The cache key of a registration; Schema caches its hash code, so lookups stay cheap. */
  private record SubjectSchema(String subject, Schema schema) {
    SubjectSchema {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
    }
  }
}
