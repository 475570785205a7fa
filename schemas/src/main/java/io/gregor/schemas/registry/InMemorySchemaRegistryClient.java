package io.gregor.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, for unit tests and {@code TopologyTestDriver}. Thread-safe.
 *
 * <p>Like a real registry, ids are global and stable: the same schema text gets the same id
 * under every subject, and each subject keeps its versions in registration order. Unlike one, it
 * checks no compatibility. Clients made by {@link #forScope} (or by
 * {@code SchemaRegistryClient.forUrl("mock://<scope>")}) share one registry per scope in the JVM,
 * so a producer and a consumer in the same test see the same ids.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

  /** The URL scheme {@link SchemaRegistryClient#forUrl} maps to this class. */
  static final String MOCK_SCHEME = "mock://";

  private static final ConcurrentMap<String, Store> SCOPES = new ConcurrentHashMap<>();

  private final String name;
  private final Store store;

  /** Creates a registry of its own, shared with nobody. */
  public InMemorySchemaRegistryClient() {
    this("in-memory registry", new Store());
  }

  private InMemorySchemaRegistryClient(String name, Store store) {
    this.name = name;
    this.store = store;
  }

  /**
   * A client of the JVM-wide registry of a scope, created empty on first use.
   *
   * @param scope any name; tests use their own to stay independent
   * @return a client sharing its schemas with every other client of the scope
   */
  public static InMemorySchemaRegistryClient forScope(String scope) {
    Objects.requireNonNull(scope, "scope");
    return new InMemorySchemaRegistryClient(
        MOCK_SCHEME + scope, SCOPES.computeIfAbsent(scope, s -> new Store()));
  }

  /**
   * Forgets every schema of a scope; the next {@link #forScope} starts empty again.
   *
   * @param scope the scope to drop
   */
  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  @Override
  public int register(String subject, Schema schema) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    return store.register(subject, schema.toString());
  }

  @Override
  public Schema getById(int id) {
    Schema schema = store.byId(id);
    if (schema == null) {
      throw new SchemaRegistryException(
          "Expected a schema with id " + id + " in " + name + ", but found none",
          404, SchemaRegistryException.SCHEMA_NOT_FOUND);
    }
    return schema;
  }

  /**
   * Finds the version of a subject that holds the schema, without registering it.
   *
   * @param subject the subject
   * @param schema the schema to look for
   * @return the version, or empty if the subject does not hold the schema
   */
  public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
    return Optional.ofNullable(store.lookup(subject, schema.toString()));
  }

  /**
   * The latest version of a subject.
   *
   * @param subject the subject
   * @return the latest version, or empty if the subject is unknown
   */
  public Optional<RegisteredSchema> latestVersion(String subject) {
    return Optional.ofNullable(store.latest(subject));
  }

  /** {@inheritDoc} Here: the level last set for the subject; it is recorded, not enforced. */
  @Override
  public Optional<CompatibilityLevel> compatibility(String subject) {
    return Optional.ofNullable(store.levels.get(Objects.requireNonNull(subject, "subject")));
  }

  /** {@inheritDoc} Here: recorded for {@link #compatibility}; registrations are not checked. */
  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    store.levels.put(
        Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(level, "level"));
  }

  /** Does nothing: the schemas of a scope outlive its clients. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "InMemorySchemaRegistryClient[" + name + "]";
  }

  /** The schemas of one registry; every method holds the lock, which is plenty for tests. */
  private static final class Store {
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, List<Integer>> idsBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> levels = new ConcurrentHashMap<>();

    synchronized int register(String subject, String text) {
      Integer id = idsByText.get(text);
      if (id == null) {
        // Parsing our own copy keeps callers from mutating the registered schema's properties.
        schemasById.add(new Schema.Parser().parse(text));
        id = schemasById.size();
        idsByText.put(text, id);
      }
      List<Integer> versions = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
      if (!versions.contains(id)) {
        versions.add(id);
      }
      return id;
    }

    synchronized Schema byId(int id) {
      return id >= 1 && id <= schemasById.size() ? schemasById.get(id - 1) : null;
    }

    synchronized RegisteredSchema lookup(String subject, String text) {
      Integer id = idsByText.get(text);
      List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
      int index = id == null ? -1 : versions.indexOf(id);
      return index < 0 ? null : version(subject, versions, index);
    }

    synchronized RegisteredSchema latest(String subject) {
      List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
      return versions.isEmpty() ? null : version(subject, versions, versions.size() - 1);
    }

    private RegisteredSchema version(String subject, List<Integer> versions, int index) {
      int id = versions.get(index);
      return new RegisteredSchema(subject, index + 1, id, schemasById.get(id - 1));
    }
  }
}
