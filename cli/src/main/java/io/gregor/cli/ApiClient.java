package io.gregor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.time.Duration;

/**
 * Calls the orchestrator's HTTP API (docs/http-api.md) and turns every answer that is not a 2xx
 * into a {@link CliException} with the server's message and the matching exit code.
 */
final class ApiClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http;

    ApiClient(String url) {
        this.base = baseUrl(url);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static URI baseUrl(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = URI.create(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw CliException.usage("Expected --url to be an orchestrator URL such as http://127.0.0.1:7070, but found '" + url + "'");
    }

    /** {@return a path segment or query value, percent-encoded} */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@return the JSON answer of GET {@code pathAndQuery}} */
    JsonNode get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET(), false).orElseThrow();
    }

    /** {@return the JSON answer of GET {@code pathAndQuery}, or empty if the server answered 404} */
    Optional<JsonNode> find(String pathAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET(), true);
    }

    /**
     * @param pathAndQuery e.g. {@code /v1/workflows/abc/suspend}, already encoded
     * @param body         the JSON body, or null for none
     * @return the JSON answer
     */
    JsonNode post(String pathAndQuery, JsonNode body) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Content-Type", "application/json")
                .POST(publisher), false).orElseThrow();
    }

    private Optional<JsonNode> send(HttpRequest.Builder request, boolean notFoundIsEmpty) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused" : e.toString();
            throw new CliException(ExitCodes.UNAVAILABLE, "Expected a Gregor orchestrator at " + base + ", but could not reach it ("
                    + why + "). Start one with `gregor dev`, or point --url (or GREGOR_URL) at one.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "Interrupted while waiting for " + base, e);
        }
        JsonNode body = parse(response);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Optional.of(body);
        }
        if (status == 404 && notFoundIsEmpty) {
            return Optional.empty();
        }
        String message = body.path("message").asText(response.body());
        if (status >= 500) {
            throw new CliException(ExitCodes.UNAVAILABLE, "The orchestrator at " + base + " answered " + status + ": " + message
                    + (status == 503 ? " (it is starting or rebalancing; retry)" : ""));
        }
        throw new CliException(ExitCodes.REFUSED, message);
    }

    private JsonNode parse(HttpResponse<String> response) {
        String text = response.body();
        if (text == null || text.isBlank()) {
            return Json.object();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "Expected JSON from " + response.uri() + " (HTTP " + response.statusCode()
                    + "), but found: " + text.substring(0, Math.min(200, text.length())));
        }
    }
}
