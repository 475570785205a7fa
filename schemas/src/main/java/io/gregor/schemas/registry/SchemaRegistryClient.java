package io.gregor.schemas.registry;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (works with Confluent Schema Registry,
 * Apicurio's {@code /apis/ccompat/v7}, Karapace and Redpanda).
 *
 * <p>Implementations are thread-safe.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /**
   * Registers (or finds) the schema under the subject and returns its global id. Cached: the
   * second call for the same subject and schema makes no request.
   *
   * @param subject the subject, e.g. {@code gregor.workflow-starts-value}
   * @param schema the Avro schema
   * @return the registry-wide id of the schema
   * @throws SchemaRegistryException if the registry refuses the schema or cannot be reached
   */
  int register(String subject, Schema schema);

  /**
   * The schema with this global id. Cached.
   *
   * @param id the registry-wide schema id
   * @return the schema
   * @throws SchemaRegistryException naming the id if it is unknown (HTTP 404, error code 40403)
   *     or if the registry cannot be reached
   */
  Schema getById(int id);

  /**
   * The compatibility level configured for the subject itself ({@code GET /config/{subject}}).
   * Not cached.
   *
   * <p>Registries differ where a subject has no level of its own: Confluent's answers "none"
   * (error 40408), Apicurio's names NONE once the subject has a version; so a level read here
   * may also be the registry's default.
   *
   * @param subject the subject, e.g. {@code gregor.workflow-starts-value}
   * @return the level, or empty if the registry knows none for the subject (40401, 40408)
   * @throws SchemaRegistryException if the registry refuses the request or cannot be reached
   * @throws UnsupportedOperationException if this client cannot configure subjects
   */
  default Optional<CompatibilityLevel> compatibility(String subject) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot read subject compatibility");
  }

  /**
   * Sets the subject's compatibility level ({@code PUT /config/{subject}}); the registry then
   * refuses every later registration under the subject that the level does not allow, with a
   * 409 naming the reason. A subject may be configured before its first version is registered.
   *
   * @param subject the subject
   * @param level the level
   * @throws SchemaRegistryException if the registry refuses the request or cannot be reached
   * @throws UnsupportedOperationException if this client cannot configure subjects
   */
  default void setCompatibility(String subject, CompatibilityLevel level) {
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot set subject compatibility");
  }

  /**
   * Creates a client for a URL.
   *
   * @param url {@code mock://<scope>} for a JVM-wide in-memory registry per scope (unit tests,
   *     {@code TopologyTestDriver}); {@code http://...} or {@code https://...} for a real
   *     registry (the base URL, e.g. {@code http://localhost:8080/apis/ccompat/v7}; several,
   *     comma-separated, for fail-over), with every other setting at its default
   * @return a new client; close it when done (closing a mock client keeps its scope's schemas)
   * @throws IllegalArgumentException if the URL has another scheme
   */
  static SchemaRegistryClient forUrl(String url) {
    return create(url == null ? Map.of() : Map.of(SchemaRegistryConfig.URL, url));
  }

  /**
   * Creates a client from properties, with Confluent's names where Confluent has one
   * ({@code schema.registry.url}, {@code basic.auth.*}, {@code bearer.auth.*},
   * {@code schema.registry.ssl.truststore.*}); see {@link SchemaRegistryConfig} and
   * {@code docs/configuration.md}.
   *
   * @param properties at least {@value SchemaRegistryConfig#URL}: {@code mock://<scope>} as for
   *     {@link #forUrl}, or one or more comma-separated {@code http(s)://} base URLs
   * @return a new client; close it when done
   * @throws IllegalArgumentException naming the property that is missing or malformed
   */
  static SchemaRegistryClient create(Map<String, ?> properties) {
    Object value = properties.get(SchemaRegistryConfig.URL);
    String url = value == null ? "" : value.toString().trim();
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith(InMemorySchemaRegistryClient.MOCK_SCHEME)) {
      return InMemorySchemaRegistryClient.forScope(
          url.substring(InMemorySchemaRegistryClient.MOCK_SCHEME.length()));
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new HttpSchemaRegistryClient(SchemaRegistryConfig.from(properties));
    }
    throw new IllegalArgumentException(
        "Expected a schema registry URL starting with http://, https:// or mock://, but found "
            + (value == null ? "null" : "'" + value + "'"));
  }

  /** Releases the client's resources; cached schemas are dropped with it. */
  @Override
  void close();
}
