package io.gregor.examples.http;

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
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The async HTTP API pattern, from the caller's side, with nothing but the JDK's HTTP client and
 * an orchestrator's HTTP API (docs/http-api.md): {@code POST /v1/workflows/{name}/start} answers
 * {@code 202 Accepted} with a {@code Location} at once, and the caller polls that location until
 * the instance is COMPLETED, FAILED or TERMINATED. Any language can do the same.
 *
 * <p>Run it against {@code gregor dev}: {@code java ... io.gregor.examples.http.AsyncHttpApiClient
 * http://127.0.0.1:7070 ChainingWorkflow '"Hi!"'}.
 */
public final class AsyncHttpApiClient {
    /** The statuses after which an instance changes no more. */
    public static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "TERMINATED");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final URI baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param baseUrl the orchestrator's HTTP API, e.g. {@code http://127.0.0.1:7070} */
    public AsyncHttpApiClient(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    /**
     * Starts an instance.
     *
     * @param workflowName the registered workflow
     * @param instanceId   the id to give it, or null for a random one
     * @param jsonInput    its input as JSON, or null for none
     * @return the absolute URL of the instance's status, from the answer's {@code Location}
     * @throws IllegalStateException if the answer is not {@code 202} with a {@code Location}
     */
    public URI start(String workflowName, String instanceId, String jsonInput) throws IOException, InterruptedException {
        String query = instanceId == null ? "" : "?instanceId=" + URLEncoder.encode(instanceId, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve("/v1/workflows/" + workflowName + "/start" + query))
                .POST(jsonInput == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonInput))
                .header("Content-Type", "application/json")
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String location = response.headers().firstValue("Location").orElse(null);
        if (response.statusCode() != 202 || location == null) {
            throw new IllegalStateException("Expected 202 with a Location for starting " + workflowName + ", but got "
                    + response.statusCode() + " " + response.body());
        }
        return baseUrl.resolve(location);
    }

    /**
     * Polls an instance's status until it is terminal. A {@code 404} means the start is not
     * processed yet, so polling goes on.
     *
     * @param location the URL {@link #start} returned
     * @param timeout  how long to poll
     * @return the instance as the API answers it ({@code runtimeStatus}, {@code output}, ...)
     * @throws TimeoutException if it is not terminal in time
     */
    public JsonNode awaitTerminal(URI location, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        Instant deadline = Instant.now().plus(timeout);
        String last = "not found";
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(location).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode instance = JSON.readTree(response.body());
                last = instance.path("runtimeStatus").asText();
                if (TERMINAL.contains(last)) {
                    return instance;
                }
            } else if (response.statusCode() != 404) {
                throw new IllegalStateException("Expected 200 or 404 from " + location + ", but got " + response.statusCode() + " "
                        + response.body());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        throw new TimeoutException("Expected " + location + " to be terminal within " + timeout + ", but it is " + last);
    }

    /**
     * @param args the HTTP API's base URL, a workflow name, and optionally its input as JSON;
     *             exits 0 if the instance completed
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("Usage: AsyncHttpApiClient <base-url> <workflow-name> [json-input]");
            System.exit(2);
        }
        AsyncHttpApiClient client = new AsyncHttpApiClient(URI.create(args[0]));
        URI location = client.start(args[1], null, args.length > 2 ? args[2] : null);
        System.out.println("202 Accepted, Location: " + location);
        JsonNode instance = client.awaitTerminal(location, TIMEOUT);
        System.out.println(instance.path("runtimeStatus").asText() + ": " + instance.path("output"));
        System.exit("COMPLETED".equals(instance.path("runtimeStatus").asText()) ? 0 : 1);
    }
}
