package io.gregor.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.internal.PayloadJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * HTTP calls to the other orchestrators of the application, at the {@code application.server}
 * they advertise: a request for an instance owned by one of them is relayed as it came, and list
 * and count requests fan out to their local-only endpoints.
 */
final class Peers {

    /** Marks a relayed request, so that its receiver answers it from its own stores and never relays it again. */
    static final String FORWARDED = "X-Gregor-Forwarded";
    /** Names the orchestrator ({@code host:port}) whose stores answered a request about one instance. */
    static final String SERVED_BY = "X-Gregor-Served-By";

    private final HttpClient http;
    private final Duration timeout;

    Peers(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A peer's answer, relayed to the caller as it is. */
    record Answer(int status, Optional<String> location, Optional<String> servedBy, byte[] body) {
    }

    Answer send(HostInfo peer, String method, String rawPathAndQuery, byte[] body) {
        URI uri = URI.create("http://" + peer.host() + ":" + peer.port() + rawPathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header(FORWARDED, "true")
                .header("Content-Type", "application/json")
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("Location"), response.headers().firstValue(SERVED_BY),
                    response.body());
        } catch (IOException e) {
            throw ApiError.unavailable("Expected orchestrator " + peer.host() + ":" + peer.port() + " to answer " + method + " "
                    + rawPathAndQuery + ", but found: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("Expected orchestrator " + peer.host() + ":" + peer.port() + " to answer, but was interrupted");
        }
    }

    /** GETs a peer's local-only JSON answer; anything but 200 fails the whole request with the peer's status. */
    JsonNode get(HostInfo peer, String rawPathAndQuery) {
        Answer answer = send(peer, "GET", rawPathAndQuery, new byte[0]);
        if (answer.status() != 200) {
            String message = new String(answer.body(), StandardCharsets.UTF_8);
            if (answer.status() == 503) {
                throw ApiError.unavailable("Expected orchestrator " + peer + " to answer, but it is not ready: " + message);
            }
            throw ApiError.badGateway("Expected orchestrator " + peer + " to answer GET " + rawPathAndQuery + " with 200, but found "
                    + answer.status() + ": " + message);
        }
        try {
            return PayloadJson.mapper().readTree(answer.body());
        } catch (IOException e) {
            throw ApiError.badGateway("Expected JSON from orchestrator " + peer + ", but found: " + e.getMessage());
        }
    }
}
