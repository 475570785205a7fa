package io.gregor.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.orchestrator.http.HttpApiServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The dashboard's routes on a bound but not yet attached server: no broker needed. */
class DashboardRoutesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(HttpApiServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withTheDashboardDisabledItsPagesAndAssetsAreNotServed() throws Exception {
        // given
        try (HttpApiServer server = HttpApiServer.bind("127.0.0.1", 0, null, false)) {
            // when
            HttpResponse<String> list = get(server, "/ui/workflows");
            HttpResponse<String> script = get(server, "/ui/assets/htmx.min.js");

            // then
            assertThat(list.statusCode()).isEqualTo(404);
            assertThat(script.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void beforeTheOrchestratorStartsThePagesSayItIsStartingAndTheAssetsAreServed() throws Exception {
        // given
        try (HttpApiServer server = HttpApiServer.bind("127.0.0.1", 0, null, true)) {
            // when
            HttpResponse<String> list = get(server, "/ui/workflows");
            HttpResponse<String> script = get(server, "/ui/assets/htmx.min.js");

            // then
            assertThat(list.statusCode()).isEqualTo(503);
            assertThat(list.body()).contains("role=\"alert\"", "not started yet");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.body()).contains("htmx");
        }
    }
}
