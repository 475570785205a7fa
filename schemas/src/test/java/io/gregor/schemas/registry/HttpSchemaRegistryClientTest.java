package io.gregor.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gregor.schemas.avro.ExternalEvent;
import io.gregor.schemas.avro.StartWorkflow;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA = StartWorkflow.getClassSchema();

  private StubRegistryServer server;
  private HttpSchemaRegistryClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = new StubRegistryServer();
    client = new HttpSchemaRegistryClient(server.url());
  }

  @AfterEach
  void stopServer() {
    client.close();
    server.close();
  }

  @Test
  void registerPostsTheSchemaToTheSubjectsVersionsAndReturnsTheId() throws Exception {
    server.respond(200, "{\"id\":42}");

    int id = client.register("gregor.workflow-starts-value", SCHEMA);

    assertThat(id).isEqualTo(42);
    StubRegistryServer.Recorded request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/subjects/gregor.workflow-starts-value/versions");
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(request.accept()).contains("application/vnd.schemaregistry.v1+json");
    assertThat(JSON.readTree(request.body()).get("schema").asText()).isEqualTo(SCHEMA.toString());
  }

  @Test
  void registeringTheSameSchemaTwiceMakesOneRequest() {
    server.respond(200, "{\"id\":42}");

    client.register("s-value", SCHEMA);
    int again = client.register("s-value", SCHEMA);

    assertThat(again).isEqualTo(42);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void manyThreadsRegisteringTheSameSchemaAtOnceMakeOneRequest() throws Exception {
    // A fan-out's first results arrive together; a POST each would swamp a slow registry.
    server.respond(200, "{\"id\":42}");
    int threads = 16;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Integer>> ids = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        ids.add(executor.submit(() -> {
          go.await();
          return client.register("s-value", SCHEMA);
        }));
      }
      go.countDown();
      for (var id : ids) {
        assertThat(id.get()).isEqualTo(42);
      }
    }

    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aSchemaJustRegisteredIsReadByIdWithoutARequest() {
    server.respond(200, "{\"id\":42}");
    client.register("s-value", SCHEMA);

    Schema schema = client.getById(42);

    assertThat(schema).isEqualTo(SCHEMA);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void getByIdFetchesTheSchemaOnceAndCachesIt() throws Exception {
    server.respond(200, schemaBody(SCHEMA));

    Schema first = client.getById(7);
    Schema second = client.getById(7);

    assertThat(first).isEqualTo(SCHEMA);
    assertThat(second).isSameAs(first);
    assertThat(server.requests()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.path()).isEqualTo("/schemas/ids/7");
    });
  }

  @Test
  void anUnknownIdGivesTheStatusErrorCodeAndRequestInTheMessage() {
    server.respond(404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");

    assertThatThrownBy(() -> client.getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(404);
          assertThat(e.errorCode()).isEqualTo(40403);
        })
        .hasMessage("Expected the schema with id 7, but GET " + server.url() + "/schemas/ids/7 answered 404"
            + " (error_code 40403: Schema 7 not found): schema not found");
  }

  @Test
  void anIncompatibleSchemaNamesTheSubjectAndTheRegistrysReasonAndIsNotRetried() {
    server.respond(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible"
        + " with an earlier schema for subject \\\"x-value\\\"\"}");

    assertThatThrownBy(() -> client.register("x-value", SCHEMA))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(409);
          assertThat(e.errorCode()).isEqualTo(409);
          assertThat(e.isTransient()).isFalse();
        })
        .hasMessage("Expected subject x-value to accept schema io.gregor.schemas.avro.StartWorkflow, but POST "
            + server.url() + "/subjects/x-value/versions answered 409 (error_code 409: Schema being registered"
            + " is incompatible with an earlier schema for subject \"x-value\"): the schema is incompatible"
            + " with the subject's earlier versions");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anErrorBodyThatIsNotJsonIsQuotedInTheMessage() {
    server.respond(400, "<html>Bad request</html>");

    assertThatThrownBy(() -> client.getById(3))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(400);
          assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NONE);
        })
        .hasMessage("Expected the schema with id 3, but GET " + server.url() + "/schemas/ids/3 answered 400"
            + " (<html>Bad request</html>)");
  }

  @Test
  void aSuccessfulResponseWithoutAnIdIsAnError() {
    server.respond(200, "{\"version\":1}");

    assertThatThrownBy(() -> client.register("x-value", SCHEMA))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage("Expected an integer 'id' in the response to POST " + server.url()
            + "/subjects/x-value/versions, but found {\"version\":1}");
  }

  @Test
  void aSchemaOfAnotherTypeIsRefused() throws Exception {
    server.respond(200, JSON.writeValueAsString(
        Map.of("schemaType", "PROTOBUF", "schema", "syntax = \"proto3\";")));

    assertThatThrownBy(() -> client.getById(5))
        .isInstanceOfSatisfying(SchemaRegistryException.class,
            e -> assertThat(e.httpStatus()).isEqualTo(200))
        .hasMessage("Expected an AVRO schema in the response to GET " + server.url()
            + "/schemas/ids/5, but found schemaType PROTOBUF");
  }

  @Test
  void aDroppedConnectionIsRetried() {
    server.dropConnection().respond(200, "{\"id\":9}");

    int id = client.register("x-value", SCHEMA);

    assertThat(id).isEqualTo(9);
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void droppedConnectionsUntilNoTimeIsLeftFailNamingTheRequestAsTransient() {
    // A POST, because the JDK's client already retries an idempotent GET on its own.
    server.dropConnection().dropConnection();
    try (HttpSchemaRegistryClient once = new HttpSchemaRegistryClient(SchemaRegistryConfig.from(Map.of(
        SchemaRegistryConfig.URL, server.url(), SchemaRegistryConfig.RETRY_MAX_TIME_MS, 0)))) {

      assertThatThrownBy(() -> once.register("x-value", SCHEMA))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NONE);
            assertThat(e.isTransient()).isTrue();
          })
          .hasMessageStartingWith("Expected a schema registry at any of [" + server.url()
              + "] to answer POST /subjects/x-value/versions (subject x-value to accept schema "
              + "io.gregor.schemas.avro.StartWorkflow), but found: {" + server.url() + "=java.io.IOException")
          .hasMessageContaining("after 1 attempt over ");
    }
  }

  @Test
  void aRequestWithoutAnswerTimesOutAndFailsAsTransient() {
    server.hang();
    try (HttpSchemaRegistryClient impatient = new HttpSchemaRegistryClient(SchemaRegistryConfig.from(Map.of(
        SchemaRegistryConfig.URL, server.url(), SchemaRegistryConfig.REQUEST_TIMEOUT_MS, 200,
        SchemaRegistryConfig.RETRY_MAX_TIME_MS, 0)))) {

      assertThatThrownBy(() -> impatient.getById(4))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue())
          .hasMessageContaining("HttpTimeoutException");
    }
  }

  @Test
  void aClientErrorIsNotRetried() {
    server.respond(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

    assertThatThrownBy(() -> client.register("x-value", SCHEMA))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isFalse());

    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void subjectsAreEscapedInThePath() {
    server.respond(200, "{\"id\":1}");

    client.register("my subject/v1", SCHEMA);

    assertThat(server.requests().get(0).path()).isEqualTo("/subjects/my%20subject%2Fv1/versions");
  }

  @Test
  void aBaseUrlWithAPathAndTrailingSlashIsUsedAsIs() {
    server.respond(200, "{\"id\":1}");
    try (HttpSchemaRegistryClient apicurio =
        new HttpSchemaRegistryClient(server.url() + "/apis/ccompat/v7/")) {

      apicurio.register("x-value", SCHEMA);

      assertThat(server.requests().get(0).path())
          .isEqualTo("/apis/ccompat/v7/subjects/x-value/versions");
    }
  }

  @Test
  void userInfoInTheUrlBecomesBasicAuthenticationAndStaysOutOfMessages() {
    server.respond(404, "{\"error_code\":40403,\"message\":\"Schema 1 not found\"}");
    String url = server.url().replace("http://", "http://key:secret@");
    try (HttpSchemaRegistryClient authenticated = new HttpSchemaRegistryClient(url)) {

      assertThatThrownBy(() -> authenticated.getById(1)).hasMessageNotContaining("secret");

      assertThat(server.requests().get(0).authorization()).isEqualTo("Basic a2V5OnNlY3JldA==");
      assertThat(authenticated.baseUrl()).isEqualTo(server.url());
    }
  }

  @Test
  void lookupFindsTheVersionOfARegisteredSchema() throws Exception {
    server.respond(200, JSON.writeValueAsString(Map.of(
        "subject", "x-value", "version", 3, "id", 12, "schema", SCHEMA.toString())));

    assertThat(client.lookup("x-value", SCHEMA))
        .contains(new RegisteredSchema("x-value", 3, 12, SCHEMA));
    assertThat(server.requests().get(0).method()).isEqualTo("POST");
    assertThat(server.requests().get(0).path()).isEqualTo("/subjects/x-value");
  }

  @Test
  void lookupOfAnUnknownSchemaIsEmpty() {
    server.respond(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");

    assertThat(client.lookup("x-value", SCHEMA)).isEmpty();
  }

  @Test
  void latestVersionReadsTheNewestVersionOfTheSubject() throws Exception {
    Schema event = ExternalEvent.getClassSchema();
    server.respond(200, JSON.writeValueAsString(Map.of(
        "subject", "e-value", "version", 2, "id", 5, "schema", event.toString())));

    assertThat(client.latestVersion("e-value"))
        .contains(new RegisteredSchema("e-value", 2, 5, event));
    assertThat(server.requests().get(0).path()).isEqualTo("/subjects/e-value/versions/latest");
  }

  @Test
  void latestVersionOfAnUnknownSubjectIsEmpty() {
    server.respond(404, "{\"error_code\":40401,\"message\":\"Subject 'e-value' not found.\"}");

    assertThat(client.latestVersion("e-value")).isEmpty();
  }

  @Test
  void aNotFoundWithoutTheRegistrysErrorCodeIsAnErrorNotAnEmptyResult() {
    server.respond(404, "");

    assertThatThrownBy(() -> client.latestVersion("e-value"))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage("Expected the latest version of subject e-value, but GET " + server.url()
            + "/subjects/e-value/versions/latest answered 404: no registry error code, so the URL may not be"
            + " a registry's API (Apicurio's ends in /apis/ccompat/v7)");
  }

  @Test
  void aUrlThatIsNotHttpIsRefused() {
    assertThatThrownBy(() -> new HttpSchemaRegistryClient("ftp://registry"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected a schema registry URL like http://host:8081, but found 'ftp://registry'");
  }

  @Test
  void setCompatibilityPutsTheLevelToTheSubjectsConfig() throws Exception {
    server.respond(200, "{\"compatibility\":\"BACKWARD\"}");

    client.setCompatibility("gregor.workflow-starts-value", CompatibilityLevel.BACKWARD);

    StubRegistryServer.Recorded request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.path()).isEqualTo("/config/gregor.workflow-starts-value");
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("{\"compatibility\":\"BACKWARD\"}"));
  }

  @Test
  void compatibilityReadsTheSubjectsLevelAndIsEmptyWhenTheSubjectHasNoneOfItsOwn() {
    server.respond(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
    assertThat(client.compatibility("s-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(server.requests().get(0).path()).isEqualTo("/config/s-value");

    // Confluent: no subject-level configuration; Apicurio: an unknown subject
    server.respond(404, "{\"error_code\":40408,\"message\":\"Subject 's-value' does not have subject-level compatibility configured\"}");
    assertThat(client.compatibility("s-value")).isEmpty();
    server.respond(404, "{\"error_code\":40401,\"message\":\"Subject 's-value' not found.\"}");
    assertThat(client.compatibility("s-value")).isEmpty();
  }

  private static String schemaBody(Schema schema) throws Exception {
    return JSON.writeValueAsString(Map.of("schema", schema.toString()));
  }
}
