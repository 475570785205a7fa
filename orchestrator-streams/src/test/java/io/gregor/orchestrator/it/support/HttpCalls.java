package io.gregor.orchestrator.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Plain HTTP calls to an orchestrator's API for tests, with the answer's JSON parsed. */
public final class HttpCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;

    /** @param base the orchestrator's API URL, e.g. from {@code GregorOrchestrator.httpUrl()} */
    public HttpCalls(URI base) {
        this.base = base;
    }

    /**
     * An answer.
     *
     * @param status   the HTTP status
     * @param json     the body, parsed (a missing node if it was empty)
     * @param location the Location header, if any
     * @param servedBy the orchestrator whose stores answered ({@code X-Gregor-Served-By}), if any
     */
    public record Answer(int status, JsonNode json, Optional<String> location, Optional<String> servedBy) {
        /** @return the error message of an error answer */
        public String message() {
            return json.path("message").asText();
        }
    }

    /** @param pathAndQuery e.g. /v1/workflows/abc @return the answer */
    public Answer get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
    }

    /** @param pathAndQuery the path @param body the JSON body, or null for none @return the answer */
    public Answer post(String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** @param segment a path segment such as an instance id @return it encoded */
    public static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), json, response.headers().firstValue("Location"),
                    response.headers().firstValue("X-Gregor-Served-By"));
        } catch (IOException e) {
            throw new IllegalStateException("Expected an answer from the orchestrator, but: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
