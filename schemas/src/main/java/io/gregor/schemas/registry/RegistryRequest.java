package io.gregor.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * One request of the Confluent REST API, relative to a base URL so that it can go to any of
 * several, and what the caller expects from it in words ("the schema with id 7"), for messages.
 */
record RegistryRequest(String method, String path, Optional<String> body, String expectation) {

  /** The content type of the Confluent Schema Registry REST API. */
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json, application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  static RegistryRequest get(String path, String expectation) {
    return new RegistryRequest("GET", path, Optional.empty(), expectation);
  }

  static RegistryRequest post(String path, Schema schema, String expectation) {
    try {
      String body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
      return new RegistryRequest("POST", path, Optional.of(body), expectation);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a schema as JSON: " + e.getMessage(), e);
    }
  }

  static RegistryRequest putCompatibility(
      String path, CompatibilityLevel level, String expectation) {
    try {
      String body = JSON.writeValueAsString(Map.of("compatibility", level.name()));
      return new RegistryRequest("PUT", path, Optional.of(body), expectation);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot write a compatibility level as JSON: " + e.getMessage(), e);
    }
  }

  HttpRequest http(String baseUrl, Duration timeout, Optional<String> authorization) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(timeout)
        .header("Accept", ACCEPT);
    authorization.ifPresent(value -> builder.header("Authorization", value));
    body.ifPresentOrElse(
        text -> builder.header("Content-Type", CONTENT_TYPE)
            .method(method, HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)),
        builder::GET);
    return builder.build();
  }

  /** {@return the request as a person would write it, e.g. "GET http://host/schemas/ids/7"} */
  String at(String baseUrl) {
    return method + " " + baseUrl + path;
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
