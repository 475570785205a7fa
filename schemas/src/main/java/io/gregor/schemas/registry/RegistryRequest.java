package io.gregor.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * One request to a registry and the reading of its response. Named in messages the way a person
 * would write it: "POST http://host/subjects/x/versions".
 */
record RegistryRequest(HttpRequest http) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The JSON body of a 200 response; any other status becomes a SchemaRegistryException. */
  JsonNode expectOk(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status != 200) {
      throw failure(response);
    }
    try {
      return JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new SchemaRegistryException(
          "Expected a JSON body in the response to " + this + ", but found '"
              + abbreviate(response.body()) + "'",
          status, SchemaRegistryException.NONE);
    }
  }

  int intField(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new SchemaRegistryException(
          "Expected an integer '" + field + "' in the response to " + this + ", but found "
              + abbreviate(body.toString()),
          200, SchemaRegistryException.NONE);
    }
    return value.intValue();
  }

  Schema schemaField(JsonNode body) {
    JsonNode value = body.get("schema");
    if (value == null || !value.isTextual()) {
      throw new SchemaRegistryException(
          "Expected a string 'schema' in the response to " + this + ", but found "
              + abbreviate(body.toString()),
          200, SchemaRegistryException.NONE);
    }
    String schemaType = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equalsIgnoreCase(schemaType)) {
      throw new SchemaRegistryException(
          "Expected an AVRO schema in the response to " + this + ", but found schemaType "
              + schemaType,
          200, SchemaRegistryException.NONE);
    }
    try {
      return new Schema.Parser().parse(value.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "Expected an Avro schema in the response to " + this + ", but found one Avro cannot"
              + " parse: " + e.getMessage(),
          200, SchemaRegistryException.NONE);
    }
  }

  private SchemaRegistryException failure(HttpResponse<String> response) {
    int status = response.statusCode();
    String body = response.body() == null ? "" : response.body();
    JsonNode error = null;
    try {
      error = body.isBlank() ? null : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      // Not a Confluent error body (a proxy's HTML page, say); quoted as it is below.
    }
    int errorCode = error != null && error.path("error_code").canConvertToInt()
        ? error.path("error_code").intValue() : SchemaRegistryException.NONE;
    String detail;
    if (errorCode != SchemaRegistryException.NONE) {
      detail = " (error_code " + errorCode + ": " + error.path("message").asText("") + ")";
    } else {
      detail = body.isBlank() ? "" : " (" + abbreviate(body) + ")";
    }
    return new SchemaRegistryException(
        "Expected HTTP 200 from " + this + ", but found " + status + detail, status, errorCode);
  }

  private static String abbreviate(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  @Override
  public String toString() {
    return http.method() + " " + http.uri();
  }
}
