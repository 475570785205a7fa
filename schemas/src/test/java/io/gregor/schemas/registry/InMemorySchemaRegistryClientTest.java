package io.gregor.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.StartWorkflow;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {

  private static final Schema START = StartWorkflow.getClassSchema();
  private static final Schema EVENT = ExternalEvent.getClassSchema();
  private static final String SCOPE = InMemorySchemaRegistryClientTest.class.getName();

  @AfterEach
  void dropScope() {
    InMemorySchemaRegistryClient.dropScope(SCOPE);
  }

  @Test
  void theSameSchemaTextGetsTheSameIdUnderEverySubject() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    int first = registry.register("a-value", START);
    int second = registry.register("b-value", new Schema.Parser().parse(START.toString()));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void differentSchemasGetDifferentIds() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    int start = registry.register("a-value", START);
    int event = registry.register("a-value", EVENT);

    assertThat(event).isNotEqualTo(start);
    assertThat(registry.getById(start)).isEqualTo(START);
    assertThat(registry.getById(event)).isEqualTo(EVENT);
  }

  @Test
  void anUnknownIdIsANotFoundErrorNamingTheId() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    assertThatThrownBy(() -> registry.getById(77))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(404);
          assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
        })
        .hasMessage("Expected a schema with id 77 in in-memory registry, but found none");
  }

  @Test
  void clientsOfOneMockScopeShareTheirSchemas() {
    int id;
    try (SchemaRegistryClient producer = SchemaRegistryClient.forUrl("mock://" + SCOPE)) {
      id = producer.register("a-value", START);
    }

    try (SchemaRegistryClient consumer = SchemaRegistryClient.forUrl("mock://" + SCOPE)) {
      assertThat(consumer.getById(id)).isEqualTo(START);
    }
  }

  @Test
  void aDroppedScopeStartsEmpty() {
    int id = InMemorySchemaRegistryClient.forScope(SCOPE).register("a-value", START);

    InMemorySchemaRegistryClient.dropScope(SCOPE);

    assertThatThrownBy(() -> InMemorySchemaRegistryClient.forScope(SCOPE).getById(id))
        .hasMessage("Expected a schema with id " + id + " in mock://" + SCOPE + ", but found none");
  }

  @Test
  void aPrivateRegistrySharesNothingWithAScope() {
    InMemorySchemaRegistryClient.forScope(SCOPE).register("a-value", START);

    assertThatThrownBy(() -> new InMemorySchemaRegistryClient().getById(1))
        .isInstanceOf(SchemaRegistryException.class);
  }

  @Test
  void versionsOfASubjectAreKeptInRegistrationOrder() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    int start = registry.register("a-value", START);
    int event = registry.register("a-value", EVENT);
    registry.register("a-value", START);

    assertThat(registry.lookup("a-value", START))
        .contains(new RegisteredSchema("a-value", 1, start, START));
    assertThat(registry.latestVersion("a-value"))
        .contains(new RegisteredSchema("a-value", 2, event, EVENT));
    assertThat(registry.lookup("b-value", START)).isEmpty();
    assertThat(registry.latestVersion("b-value")).isEmpty();
  }

  @Test
  void forUrlMapsHttpUrlsToTheHttpClient() {
    try (SchemaRegistryClient client = SchemaRegistryClient.forUrl("http://localhost:8081/")) {
      assertThat(client).isInstanceOfSatisfying(HttpSchemaRegistryClient.class,
          http -> assertThat(http.baseUrl()).isEqualTo("http://localhost:8081"));
    }
  }

  @Test
  void forUrlRefusesOtherSchemes() {
    assertThatThrownBy(() -> SchemaRegistryClient.forUrl("localhost:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected a schema registry URL starting with http://, https:// or mock://,"
            + " but found 'localhost:8081'");
  }
}
