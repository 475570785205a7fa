package io.gregor.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * A client of one or more registries speaking the Confluent Schema Registry REST API over
 * HTTP(S), with {@code java.net.http}. Thread-safe.
 *
 * <p>Configured by a {@link SchemaRegistryConfig}: several URLs with fail-over, basic or bearer
 * authentication, a custom trust store, timeouts and retries. A registry that cannot be reached,
 * times out or answers 5xx is retried with backoff up to a total time, then a
 * {@link SchemaRegistryException} that {@linkplain SchemaRegistryException#isTransient() is
 * transient} says what was tried; a 4xx answer is not retried, and its exception names the
 * subject or id, the registry's {@code error_code} and message. Schemas by id and ids by subject
 * and schema are kept in two LRU caches of bounded size. Credentials stay out of every message.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  /** The content type of the Confluent Schema Registry REST API. */
  public static final String CONTENT_TYPE = RegistryRequest.CONTENT_TYPE;
  /** How long connecting may take, unless configured. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** How long a request may take, from sending to the full response, unless configured. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);

  private final SchemaRegistryConfig config;
  private final RegistryTransport transport;
  private final LruCache<SubjectSchema, Integer> ids;
  private final LruCache<Integer, Schema> schemas;
  private final ConcurrentMap<SubjectSchema, ReentrantLock> registrationLocks = new ConcurrentHashMap<>();

  /**
   * Creates a client with every setting at its default.
   *
   * @param baseUrl the registry's base URL, e.g. {@code http://localhost:8081} or
   *     {@code http://localhost:8080/apis/ccompat/v7}; several may be given, comma-separated
   */
  public HttpSchemaRegistryClient(String baseUrl) {
    this(SchemaRegistryConfig.forUrl(baseUrl));
  }

  /**
   * Creates a client with the given timeouts and every other setting at its default.
   *
   * @param baseUrl the registry's base URL
   * @param connectTimeout how long connecting may take
   * @param requestTimeout how long one request may take
   */
  public HttpSchemaRegistryClient(String baseUrl, Duration connectTimeout, Duration requestTimeout) {
    this(SchemaRegistryConfig.from(Map.of(
        SchemaRegistryConfig.URL, Objects.requireNonNull(baseUrl, "baseUrl"),
        SchemaRegistryConfig.CONNECT_TIMEOUT_MS, connectTimeout.toMillis(),
        SchemaRegistryConfig.REQUEST_TIMEOUT_MS, requestTimeout.toMillis())));
  }

  /**
   * Creates a client.
   *
   * @param config where the registry is and how to reach it
   */
  public HttpSchemaRegistryClient(SchemaRegistryConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.transport = new RegistryTransport(config);
    this.ids = new LruCache<>(config.cacheCapacity());
    this.schemas = new LruCache<>(config.cacheCapacity());
  }

  /**
   * The first base URL requests go to, without user info.
   *
   * @return the base URL, without a trailing slash
   */
  public String baseUrl() {
    return config.urls().get(0);
  }

  /**
   * How this client reaches the registry.
   *
   * @return the configuration
   */
  public SchemaRegistryConfig config() {
    return config;
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
      RegistryResponse response = transport.send(RegistryRequest.post(subjectPath(subject) + "/versions",
          schema, "subject " + subject + " to accept schema " + schema.getFullName()));
      int id = response.intField(response.expectOk(config.credentialsSource()), "id");
      LOG.debug("Schema {} is registered under subject {} with id {}", schema.getFullName(), subject, id);
      // Our copy is equivalent to the registry's; keeping it spares a round trip when this
      // process reads what it wrote.
      schemas.putIfAbsent(id, schema);
      return ids.putIfAbsent(key, id);
    } finally {
      lock.unlock();
      // Waiting threads hold the lock object already; later ones find the id in the cache.
      registrationLocks.remove(key, lock);
    }
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemas.get(id);
    if (cached != null) {
      return cached;
    }
    RegistryResponse response =
        transport.send(RegistryRequest.get("/schemas/ids/" + id, "the schema with id " + id));
    return schemas.putIfAbsent(id, response.schemaField(response.expectOk(config.credentialsSource())));
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
    return optionalVersion(RegistryRequest.post(subjectPath(subject), schema,
        "a version of subject " + subject + " holding schema " + schema.getFullName()));
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
    return optionalVersion(RegistryRequest.get(subjectPath(subject) + "/versions/latest",
        "the latest version of subject " + subject));
  }

  @Override
  public Optional<CompatibilityLevel> compatibility(String subject) {
    RegistryResponse response = transport.send(RegistryRequest.get("/config/" + encoded(subject),
        "the compatibility level of subject " + subject));
    JsonNode body;
    try {
      body = response.expectOk(config.credentialsSource());
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED) {
        return Optional.empty();
      }
      throw e;
    }
    // Confluent answers {"compatibilityLevel": ...}; some versions and clones say "compatibility".
    JsonNode level = body.hasNonNull("compatibilityLevel")
        ? body.get("compatibilityLevel") : body.get("compatibility");
    if (level == null || !level.isTextual()) {
      throw new SchemaRegistryException("Expected a 'compatibilityLevel' in the response to "
          + response + ", but found " + RegistryResponse.abbreviate(body.toString()),
          200, SchemaRegistryException.NONE);
    }
    try {
      return Optional.of(CompatibilityLevel.parse(level.asText()));
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException("Expected a known compatibility level for subject "
          + subject + ", but found " + level.asText(), 200, SchemaRegistryException.NONE);
    }
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    transport.send(RegistryRequest.putCompatibility("/config/" + encoded(subject), level,
            "subject " + subject + " to take compatibility level " + level))
        .expectOk(config.credentialsSource());
  }

  /** Closes the HTTP client, waiting for requests in flight. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "HttpSchemaRegistryClient" + config.urls();
  }

  private Optional<RegisteredSchema> optionalVersion(RegistryRequest request) {
    RegistryResponse response = transport.send(request);
    JsonNode body;
    try {
      body = response.expectOk(config.credentialsSource());
    } catch (SchemaRegistryException e) {
      // Only the registry's own "not found" means absent; a bare 404 is more likely a wrong URL.
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(new RegisteredSchema(
        body.path("subject").asText(), response.intField(body, "version"),
        response.intField(body, "id"), response.schemaField(body)));
  }

  private static String subjectPath(String subject) {
    return "/subjects/" + encoded(subject);
  }

  private static String encoded(String subject) {
    Objects.requireNonNull(subject, "subject");
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The cache key of a registration; Schema caches its hash code, so lookups stay cheap. */
  private record SubjectSchema(String subject, Schema schema) {
    SubjectSchema {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
    }
  }
}
