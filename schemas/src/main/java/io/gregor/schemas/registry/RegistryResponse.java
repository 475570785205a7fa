package io.gregor.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A registry's answer to a request and the reading of it; any status but 200 becomes a
 * {@link SchemaRegistryException} that names what was expected, where it was asked and why the
 * registry said no.
 */
record RegistryResponse(RegistryRequest request, String baseUrl, HttpResponse<String> http) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param credentialsSource the configured credentials, named in the message of a 401 or 403
   * @return the JSON body of a 200 response
   */
  JsonNode expectOk(String credentialsSource) {
    int status = http.statusCode();
    if (status != 200) {
      throw failure(credentialsSource);
    }
    try {
      return JSON.readTree(http.body());
    } catch (JsonProcessingException e) {
      throw new SchemaRegistryException(
          "Expected a JSON body in the response to " + this + ", but found '"
              + abbreviate(http.body()) + "'",
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

  /** {@return the exception that a status other than 200 means} */
  SchemaRegistryException failure(String credentialsSource) {
    int status = http.statusCode();
    String body = http.body() == null ? "" : http.body();
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
        "Expected " + request.expectation() + ", but " + this + " answered " + status + detail
            + meaning(status, errorCode, credentialsSource),
        status, errorCode);
  }

  /** What a refusal means for the user, where the status alone does not say it. */
  private static String meaning(int status, int errorCode, String credentialsSource) {
    return switch (status) {
      case 401, 403 -> credentialsSource.isEmpty()
          ? ": authentication failed, and no credentials were sent (set "
              + SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE + " or "
              + SchemaRegistryConfig.BEARER_AUTH_CREDENTIALS_SOURCE + ")"
          : ": authentication failed with the credentials of " + credentialsSource;
      case 409 -> ": the schema is incompatible with the subject's earlier versions";
      case 404 -> switch (errorCode) {
        case SchemaRegistryException.SUBJECT_NOT_FOUND -> ": subject not found";
        case SchemaRegistryException.VERSION_NOT_FOUND -> ": version not found";
        case SchemaRegistryException.SCHEMA_NOT_FOUND -> ": schema not found";
        default -> ": no registry error code, so the URL may not be a registry's API"
            + " (Apicurio's ends in /apis/ccompat/v7)";
      };
      default -> "";
    };
  }

  static String abbreviate(String text) {
    String oneLine = text == null ? "" : text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  @Override
  public String toString() {
    return request.at(baseUrl);
  }
}
