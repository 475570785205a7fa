package io.gregor.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gregor.schemas.avro.StartWorkflow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fail-over, retries, authentication, TLS and cache bounds, against scripted local servers. */
class HttpSchemaRegistryClientResilienceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA = StartWorkflow.getClassSchema();
  private static final String SCHEMA_BODY = schemaBody();

  private final StubRegistryServer server = startServer();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void aDeadUrlIsSkippedForTheNextOne() throws Exception {
    server.respond(200, "{\"id\":42}");
    try (HttpSchemaRegistryClient client = client(deadUrl() + "," + server.url(), Map.of())) {

      int id = client.register("x-value", SCHEMA);

      assertThat(id).isEqualTo(42);
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void afterAFailOverRequestsStartAtTheUrlThatAnswered() throws Exception {
    try (StubRegistryServer other = new StubRegistryServer()) {
      server.respond(503, "{\"error_code\":50301,\"message\":\"busy\"}").respond(200, SCHEMA_BODY);
      other.respond(200, SCHEMA_BODY).respond(200, SCHEMA_BODY);
      try (HttpSchemaRegistryClient client = client(server.url() + "," + other.url(), Map.of())) {

        client.getById(1);
        client.getById(2);

        assertThat(server.requests()).hasSize(1);
        assertThat(other.requests()).extracting(StubRegistryServer.Recorded::path)
            .containsExactly("/schemas/ids/1", "/schemas/ids/2");
      }
    }
  }

  @Test
  void aServiceUnavailableIsRetriedUntilTheRegistryAnswers() {
    server.respond(503, "{\"error_code\":50301,\"message\":\"busy\"}")
        .respond(503, "{\"error_code\":50301,\"message\":\"busy\"}")
        .respond(200, "{\"id\":42}");
    try (HttpSchemaRegistryClient client = client(server.url(), Map.of())) {

      int id = client.register("x-value", SCHEMA);

      assertThat(id).isEqualTo(42);
      assertThat(server.requests()).hasSize(3);
    }
  }

  @Test
  void givingUpNamesEveryUrlAndTheLastFailureAndIsTransient() throws Exception {
    String dead = deadUrl();
    // No retry budget: one round, each URL asked once with the full request timeout, so the
    // stub's answer cannot be cut short by a deadline on a loaded machine.
    try (HttpSchemaRegistryClient client =
        client(dead + "," + server.url(), Map.of(SchemaRegistryConfig.RETRY_MAX_TIME_MS, 0))) {

      assertThatThrownBy(() -> client.getById(7))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue())
          .hasMessageStartingWith("Expected a schema registry at any of [" + dead + ", " + server.url()
              + "] to answer GET /schemas/ids/7 (the schema with id 7), but found: {" + dead
              + "=java.net.")
          .hasMessageContaining(server.url() + "=HTTP 500 {\"error_code\":50001,\"message\":\"no reply scripted\"}}")
          .hasMessageContaining(" after 2 attempts over ");
    }
  }

  @Test
  void basicAuthenticationFromUserInfoIsSent() {
    server.respond(200, SCHEMA_BODY);
    try (HttpSchemaRegistryClient client = client(server.url(), Map.of(
        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
        SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "key:secret"))) {

      client.getById(1);

      assertThat(server.requests().get(0).authorization()).isEqualTo("Basic a2V5OnNlY3JldA==");
    }
  }

  @Test
  void aStaticBearerTokenIsSent() {
    server.respond(200, SCHEMA_BODY);
    try (HttpSchemaRegistryClient client = client(server.url(), Map.of(
        SchemaRegistryConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN",
        SchemaRegistryConfig.BEARER_AUTH_TOKEN, "t0ken"))) {

      client.getById(1);

      assertThat(server.requests().get(0).authorization()).isEqualTo("Bearer t0ken");
    }
  }

  @Test
  void refusedCredentialsAreNamedByTheirSourceWithoutTheSecret() {
    server.respond(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
    try (HttpSchemaRegistryClient client = client(server.url(), Map.of(
        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
        SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "key:secret"))) {

      assertThatThrownBy(() -> client.getById(1))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessage("Expected the schema with id 1, but GET " + server.url() + "/schemas/ids/1 answered 401"
              + " (error_code 40101: Unauthorized): authentication failed with the credentials of"
              + " basic.auth.credentials.source=USER_INFO");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void aRefusalWithoutCredentialsSaysNoneWereSent() {
    server.respond(403, "");
    try (HttpSchemaRegistryClient client = client(server.url(), Map.of())) {

      assertThatThrownBy(() -> client.getById(1))
          .hasMessageEndingWith("answered 403: authentication failed, and no credentials were sent (set"
              + " basic.auth.credentials.source or bearer.auth.credentials.source)");
    }
  }

  @Test
  void anHttpsRegistryIsTrustedThroughTheConfiguredTrustStore(@TempDir Path directory) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
    try (StubRegistryServer https = new StubRegistryServer(certificate.serverContext());
        HttpSchemaRegistryClient client = client(https.url(), Map.of(
            SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION, certificate.trustStore().toString(),
            SchemaRegistryConfig.SSL_TRUSTSTORE_PASSWORD, certificate.password(),
            SchemaRegistryConfig.SSL_TRUSTSTORE_TYPE, "PKCS12"))) {
      https.respond(200, SCHEMA_BODY);

      Schema schema = client.getById(1);

      assertThat(schema).isEqualTo(SCHEMA);
      assertThat(https.url()).startsWith("https://");
    }
  }

  @Test
  void anUntrustedCertificateFailsAtOnceAsPermanent(@TempDir Path directory) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.createIn(directory);
    try (StubRegistryServer https = new StubRegistryServer(certificate.serverContext());
        HttpSchemaRegistryClient client = client(https.url(), Map.of())) {

      assertThatThrownBy(() -> client.getById(1))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessageStartingWith("Expected " + https.url() + " to present a certificate trusted by the JDK's"
              + " default trust store for GET /schemas/ids/1, but the TLS handshake failed: ");
      assertThat(https.requests()).isEmpty();
    }
  }

  @Test
  void theSchemaCacheForgetsTheLeastRecentlyUsedBeyondItsCapacity() {
    for (int i = 0; i < 5; i++) {
      server.respond(200, SCHEMA_BODY);
    }
    try (HttpSchemaRegistryClient client =
        client(server.url(), Map.of(SchemaRegistryConfig.CACHE_CAPACITY, 2))) {

      client.getById(1);
      client.getById(2);
      client.getById(1);
      client.getById(3);
      client.getById(1);
      client.getById(2);

      assertThat(server.requests()).extracting(StubRegistryServer.Recorded::path).containsExactly(
          "/schemas/ids/1", "/schemas/ids/2", "/schemas/ids/3", "/schemas/ids/2");
    }
  }

  @Test
  void basicAndBearerTogetherAreRefused() {
    assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of(
        SchemaRegistryConfig.URL, "http://registry:8081",
        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
        SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "a:b",
        SchemaRegistryConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Expected one of basic.auth.credentials.source and bearer.auth.credentials.source,"
            + " but found both (USER_INFO and STATIC_TOKEN)");
  }

  @Test
  void aMalformedTimeoutNamesTheProperty() {
    assertThatThrownBy(() -> SchemaRegistryConfig.from(Map.of(
        SchemaRegistryConfig.URL, "http://registry:8081", SchemaRegistryConfig.REQUEST_TIMEOUT_MS, "soon")))
        .hasMessage("Expected gregor.schema.registry.request.timeout.ms to be a whole number >= 1, but found 'soon'");
  }

  @Test
  void createReadsSeveralUrlsWithoutTheirUserInfo() {
    try (SchemaRegistryClient client = SchemaRegistryClient.create(Map.of(
        SchemaRegistryConfig.URL, "https://key:secret@a.example:8081/, http://b.example/apis/ccompat/v7"))) {

      assertThat(client).isInstanceOfSatisfying(HttpSchemaRegistryClient.class, http -> {
        assertThat(http.config().urls())
            .containsExactly("https://a.example:8081", "http://b.example/apis/ccompat/v7");
        assertThat(http.config().credentialsSource()).isEqualTo("basic.auth.credentials.source=URL");
        assertThat(http.config().toString()).doesNotContain("secret");
      });
    }
  }

  private static HttpSchemaRegistryClient client(String urls, Map<String, ?> extra) {
    Map<String, Object> properties = new HashMap<>(Map.of(
        SchemaRegistryConfig.URL, urls, SchemaRegistryConfig.RETRY_BACKOFF_MS, 1,
        SchemaRegistryConfig.RETRY_BACKOFF_MAX_MS, 5));
    properties.putAll(extra);
    return new HttpSchemaRegistryClient(SchemaRegistryConfig.from(properties));
  }

  /** A loopback URL where nothing listens: the port was free a moment ago. */
  private static String deadUrl() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  private static StubRegistryServer startServer() {
    try {
      return new StubRegistryServer();
    } catch (IOException e) {
      throw new IllegalStateException("Expected a stub registry on loopback, but could not start one", e);
    }
  }

  private static String schemaBody() {
    try {
      return JSON.writeValueAsString(Map.of("schema", SCHEMA.toString()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
