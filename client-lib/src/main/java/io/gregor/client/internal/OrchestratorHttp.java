package io.gregor.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.WorkflowClientException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads from (and asks) the HTTP API of one or more orchestrators (java.net.http, Jackson). Every
 * orchestrator answers every query (it forwards or fans out itself), so the client only needs one
 * that is up: requests go round-robin over the URLs, and a URL that cannot be reached or answers
 * 503 (a rebalance is under way) is skipped for the next one.
 */
public final class OrchestratorHttp {

    private final List<URI> baseUrls;
    private final Duration timeout;
    private final HttpClient http;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param baseUrls the orchestrators' base URLs, e.g. {@code http://localhost:7070}
     * @param timeout  how long one request may take
     * @throws IllegalArgumentException if there is no URL or one is not an absolute http(s) URL
     */
    public OrchestratorHttp(List<String> baseUrls, Duration timeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("Expected at least one orchestrator URL, but found none");
        }
        this.baseUrls = baseUrls.stream().map(OrchestratorHttp::baseUrl).toList();
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    private static URI baseUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Expected an orchestrator URL such as http://localhost:7070, but found '" + url + "'", e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("Expected an orchestrator URL such as http://localhost:7070, but found '" + url + "'");
        }
        return uri;
    }

    /**
     * @param segment one path segment, e.g. an instance id
     * @return it percent-encoded for a URL path
     */
    public static String segment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * @param value a query parameter value
     * @return it percent-encoded for a query string
     */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * GETs a JSON document.
     *
     * @param pathAndQuery e.g. {@code /v1/workflows/abc}, already encoded
     * @param what         what is read, for messages
     * @return the document, or empty on 404
     * @throws IllegalArgumentException if the orchestrator refused the request as malformed (400)
     * @throws WorkflowClientException  if no orchestrator answered it
     */
    public Optional<JsonNode> get(String pathAndQuery, String what) {
        return send(pathAndQuery, HttpRequest.BodyPublishers.noBody(), "GET", what);
    }

    /**
     * POSTs a JSON document and reads the JSON answer. Only for requests that are safe to send
     * again, since one that an orchestrator answers 503 is sent to the next.
     *
     * @param path e.g. {@code /v1/workflows/purge}, already encoded
     * @param body the request body
     * @param what what is asked, for messages
     * @return the answer (200 or 202), or empty on 404
     * @throws IllegalArgumentException if the orchestrator refused the request as malformed (400)
     * @throws IllegalStateException    if the orchestrator refused it as a conflict with the instance's state (409)
     * @throws WorkflowClientException  if no orchestrator answered it
     */
    public Optional<JsonNode> post(String path, JsonNode body, String what) {
        byte[] bytes;
        try {
            bytes = PayloadJson.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("Expected a body that can be written as JSON for " + what + ", but found: " + e, e);
        }
        return send(path, HttpRequest.BodyPublishers.ofByteArray(bytes), "POST", what);
    }

    private Optional<JsonNode> send(String pathAndQuery, HttpRequest.BodyPublisher body, String method, String what) {
        String failures = "";
        int start = Math.floorMod(next.getAndIncrement(), baseUrls.size());
        for (int i = 0; i < baseUrls.size(); i++) {
            URI url = URI.create(baseUrls.get((start + i) % baseUrls.size()) + pathAndQuery);
            HttpResponse<byte[]> response;
            try {
                response = http.send(HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json")
                                .header("Content-Type", "application/json").method(method, body).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                failures += (failures.isEmpty() ? "" : "; ") + url + ": " + e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkflowClientException("Expected an answer about " + what + " from " + url + ", but was interrupted", e);
            }
            int status = response.statusCode();
            if (status == 200 || status == 202) {
                return Optional.of(parse(response.body(), url, what));
            }
            if (status == 404) {
                return Optional.empty();
            }
            String message = message(response.body());
            if (status == 400) {
                throw new IllegalArgumentException(message);
            }
            if (status == 409) {
                throw new IllegalStateException(message);
            }
            failures += (failures.isEmpty() ? "" : "; ") + url + ": HTTP " + status + " " + message;
            if (status != 503) {
                break;
            }
        }
        throw new WorkflowClientException("Expected an orchestrator to answer about " + what + ", but found: " + failures, null);
    }

    private static JsonNode parse(byte[] body, URI url, String what) {
        try {
            return PayloadJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new WorkflowClientException("Expected JSON from " + url + " for " + what + ", but found: " + e.getMessage(), e);
        }
    }

    private static String message(byte[] body) {
        try {
            JsonNode error = PayloadJson.mapper().readTree(body);
            if (error != null && error.hasNonNull("message")) {
                return error.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: show it as it is
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}
