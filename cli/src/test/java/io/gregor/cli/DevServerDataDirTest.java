package io.gregor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.cli.CliRunner.Result;
import io.gregor.testkit.Support;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code gregor dev --data-dir}: instances, schemas and ports survive a restart on the same directory. */
class DevServerDataDirTest {

    private Path dataDir;

    @AfterEach
    void deleteDataDir() {
        Support.deleteRecursively(dataDir);
    }

    @Test
    void aRestartOnTheSameDataDirectoryKeepsTheInstancesAndRunsNewOnes() throws Exception {
        // given: a server that ran one instance to completion and left one waiting, then stopped
        dataDir = Files.createTempDirectory("gregor-dev-data-");
        String bootstrap;
        String registry;
        try (DevServer first = DevServer.start(new DevServer.Options(0, true, dataDir))) {
            CliRunner gregor = new CliRunner(first.apiUrl().toString());
            assertThat(gregor.run("run", "ChainingWorkflow", "-i", "before", "-x", "\"a\"").exitCode()).isZero();
            assertThat(gregor.run("run", "ApprovalWorkflow", "-i", "waiting").exitCode()).isZero();
            gregor.awaitStatus("before", "COMPLETED");
            gregor.awaitStatus("waiting", "RUNNING");
            bootstrap = first.bootstrapServers();
            registry = first.schemaRegistryUrl();
        }

        // when: it starts again on the same directory
        try (DevServer second = DevServer.start(new DevServer.Options(0, true, dataDir))) {
            CliRunner gregor = new CliRunner(second.apiUrl().toString());

            // then: same addresses, the old instances are there, the waiting one goes on, a new one runs
            assertThat(second.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(second.schemaRegistryUrl()).isEqualTo(registry);
            gregor.awaitStatus("before", "COMPLETED");
            Result raised = gregor.run("raise-event", "waiting/approval", "-x", "\"bob\"");
            assertThat(raised.exitCode()).as(raised.err()).isZero();
            gregor.awaitStatus("waiting", "COMPLETED");
            assertThat(gregor.run("run", "ChainingWorkflow", "-i", "after", "-x", "\"b\"").exitCode()).isZero();
            gregor.awaitStatus("after", "COMPLETED");
            assertThat(gregor.run("list", "-o", "ids").lines()).containsExactly("after", "before", "waiting");
        }
    }

    @Test
    void aHeadlessServerWithoutADataDirectorySaysItsStateIsTemporaryAndServesNoDashboard() throws Exception {
        try (DevServer server = DevServer.start(new DevServer.Options(0, true, null));
             HttpClient http = HttpClient.newHttpClient()) {
            assertThat(server.banner()).contains("temporary: deleted when the server stops")
                    .contains("HTTP API:         " + server.apiUrl())
                    .doesNotContain("Dashboard:");
            assertThat(server.dashboardUrl()).isEmpty();
            HttpResponse<String> root = http.send(HttpRequest.newBuilder(server.apiUrl().resolve("/ui/workflows")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(root.statusCode()).isEqualTo(404);
        }
    }
}
