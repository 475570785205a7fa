package io.gregor.orchestrator.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Requests to the dashboard's pages for tests, as a browser without script makes them (redirects not followed). */
public final class PageCalls {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;

    /** @param base the orchestrator's URL */
    public PageCalls(URI base) {
        this.base = base;
    }

    /**
     * A page.
     *
     * @param status the HTTP status
     * @param body   the HTML
     * @param headers the response's headers
     */
    public record Page(int status, String body, java.net.http.HttpHeaders headers) {
        /** @return the Location header, if any */
        public Optional<String> location() {
            return headers.firstValue("Location");
        }
    }

    /** @param pathAndQuery e.g. /ui/workflows @return the page */
    public Page get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
    }

    /** @param path the form's action @param origin the Origin header, or null @param fields the form @return the answer */
    public Page post(String path, String origin, Map<String, String> fields) {
        String form = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return send(request);
    }

    private static Page send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Page(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new IllegalStateException("Expected an answer from the dashboard, but: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
