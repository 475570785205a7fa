package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.HttpCalls.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowInstanceQuery;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.orchestrator.GregorOrchestrator;
import io.gregor.orchestrator.it.support.HttpCalls;
import io.gregor.orchestrator.it.support.PageCalls;
import io.gregor.schemas.Topics;
import io.gregor.testkit.Await;
import io.gregor.testkit.GregorInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two orchestrators of one application in this JVM (same application id, own state directories,
 * own HTTP ports): each answers for the whole cluster, relaying requests about instances the other
 * owns and fanning lists and counts out to it.
 */
class HttpApiClusterIntegrationTest {

    private static final int INSTANCES = 1_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final GregorInfrastructure INFRA = GregorInfrastructure.shared();
    private static final List<AutoCloseable> CLOSE = new ArrayList<>();
    private static final List<Path> STATE_DIRS = new ArrayList<>();
    private static GregorOrchestrator first;
    private static GregorOrchestrator second;
    private static HttpCalls firstHttp;
    private static HttpCalls secondHttp;
    private static WorkflowClient client;
    private static Set<String> started;

    @BeforeAll
    static void startTwoOrchestratorsAndAThousandInstances() throws Exception {
        Topics topics = new Topics("it-httpcluster-" + UUID.randomUUID().toString().substring(0, 8));
        first = orchestrator(topics);
        first.start();
        first.awaitRunning(TIMEOUT);
        second = orchestrator(topics);
        second.start();
        second.awaitRunning(TIMEOUT);
        firstHttp = new HttpCalls(first.httpUrl().orElseThrow());
        secondHttp = new HttpCalls(second.httpUrl().orElseThrow());
        client = track(WorkflowClient.builder().bootstrapServers(INFRA.bootstrapServers()).schemaRegistryUrl(INFRA.schemaRegistryUrl())
                .topicPrefix(topics.prefix())
                .orchestratorUrls(first.httpUrl().orElseThrow().toString(), second.httpUrl().orElseThrow().toString()).build());
        // With empty stores the second is caught up at once and gets half of the partitions in the rebalance its joining starts.
        Await.until(TIMEOUT, HttpApiClusterIntegrationTest::bothOwnPartitions, () -> "both orchestrators to own partitions");
        started = new HashSet<>();
        for (int i = 0; i < INSTANCES; i++) {
            started.add(client.scheduleNewWorkflow("Echo", i, "echo-" + i));
        }
        Await.until(TIMEOUT, () -> completed() == INSTANCES, () -> "all " + INSTANCES + " instances to complete (" + completed() + ")");
    }

    private static GregorOrchestrator orchestrator(Topics topics) throws IOException {
        Path stateDir = Files.createTempDirectory("gregor-it-httpcluster");
        STATE_DIRS.add(stateDir);
        return track(GregorOrchestrator.builder().bootstrapServers(INFRA.bootstrapServers()).schemaRegistryUrl(INFRA.schemaRegistryUrl())
                .topicPrefix(topics.prefix()).applicationId(topics.prefix() + "-orchestrator").stateDir(stateDir.toString())
                .partitions(4).httpPort(0)
                .registerWorkflow("Echo", () -> ctx -> ctx.getInput(Integer.class))
                .build());
    }

    private static <T extends AutoCloseable> T track(T closeable) {
        CLOSE.add(closeable);
        return closeable;
    }

    /** True once both orchestrators own partitions: among a few unknown ids, some are answered (404) by each. */
    private static boolean bothOwnPartitions() {
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < 32; i++) {
            firstHttp.get("/v1/workflows/probe-" + i).servedBy().ifPresent(servers::add);
        }
        return servers.size() == 2;
    }

    private static long completed() {
        HttpCalls.Answer counts = firstHttp.get("/v1/workflows/count?groupBy=status");
        return counts.status() == 200 ? counts.json().path("groups").path("COMPLETED").asLong() : -1;
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (AutoCloseable closeable : CLOSE.reversed()) {
            closeable.close();
        }
        for (Path dir : STATE_DIRS) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void pagingThroughAThousandInstancesOnTwoOrchestratorsReturnsEachOnce() {
        for (HttpCalls http : List.of(firstHttp, secondHttp)) {
            // when listing through one orchestrator, 97 at a time
            List<String> listed = new ArrayList<>();
            String token = null;
            do {
                HttpCalls.Answer page = http.get("/v1/workflows?pageSize=97" + (token == null ? "" : "&pageToken=" + token));
                assertThat(page.status()).as("page after %s: %s", token, page.json()).isEqualTo(200);
                page.json().path("instances").forEach(instance -> listed.add(instance.path("instanceId").asText()));
                token = page.json().path("nextPageToken").asText(null);
            } while (token != null);

            // then: no duplicates, none missing
            assertThat(listed).doesNotHaveDuplicates().hasSize(INSTANCES);
            assertThat(new HashSet<>(listed)).isEqualTo(started);
        }
    }

    @Test
    void countsByStatusAddUpOnEitherOrchestrator() {
        for (HttpCalls http : List.of(firstHttp, secondHttp)) {
            JsonNode counts = http.get("/v1/workflows/count?groupBy=status").json();
            assertThat(counts.path("total").asLong()).isEqualTo(INSTANCES);
            assertThat(counts.path("groups").path("COMPLETED").asLong()).isEqualTo(INSTANCES);
        }
        assertThat(client.countInstances(WorkflowInstanceQuery.all())).isEqualTo(Map.of(WorkflowRuntimeStatus.COMPLETED, (long) INSTANCES));
    }

    @Test
    void aRequestForAnInstanceTheOtherOrchestratorOwnsIsAnsweredThroughEither() {
        // given the two orchestrators' addresses
        URI firstUrl = first.httpUrl().orElseThrow();
        URI secondUrl = second.httpUrl().orElseThrow();
        Set<String> servers = new HashSet<>();
        int relayed = 0;
        for (int i = 0; i < 40; i++) {
            String id = "echo-" + i;
            // when asking each for the same instance
            HttpCalls.Answer viaFirst = firstHttp.get("/v1/workflows/" + encode(id));
            HttpCalls.Answer viaSecond = secondHttp.get("/v1/workflows/" + encode(id));

            // then both answer alike, from the one orchestrator that owns it
            assertThat(viaFirst.status()).isEqualTo(200);
            assertThat(viaFirst.json()).isEqualTo(viaSecond.json());
            assertThat(viaFirst.servedBy()).isEqualTo(viaSecond.servedBy()).isPresent();
            servers.add(viaFirst.servedBy().orElseThrow());
            relayed += viaFirst.servedBy().orElseThrow().equals(firstUrl.getHost() + ":" + firstUrl.getPort()) ? 0 : 1;
            assertThat(viaFirst.json().path("output").asInt()).isEqualTo(i);
        }
        assertThat(servers).containsExactlyInAnyOrder(firstUrl.getHost() + ":" + firstUrl.getPort(),
                secondUrl.getHost() + ":" + secondUrl.getPort());
        assertThat(relayed).isPositive();
        // and the history and a 404 come through the relay too
        assertThat(firstHttp.get("/v1/workflows/echo-1/history").json().path("historyLength").asInt()).isEqualTo(2);
        assertThat(secondHttp.get("/v1/workflows/echo-1/history").json().path("historyLength").asInt()).isEqualTo(2);
        assertThat(firstHttp.get("/v1/workflows/no-such-instance").status()).isEqualTo(404);
        assertThat(secondHttp.get("/v1/workflows/no-such-instance").status()).isEqualTo(404);
        WorkflowInstanceState state = client.getInstanceState("echo-5").orElseThrow();
        assertThat(state.readOutputAs(Integer.class)).isEqualTo(5);
    }

    @Test
    void theDashboardOfEitherOrchestratorListsEveryInstanceAndShowsThePageOfOnesTheOtherOwns() {
        for (GregorOrchestrator orchestrator : List.of(first, second)) {
            PageCalls pages = new PageCalls(orchestrator.httpUrl().orElseThrow());
            // when listing all on one page and opening the first instances' pages
            String list = pages.get("/ui/workflows?pageSize=1000").body();

            // then every instance is listed and counted, and every page is answered, through the relay for half of them
            assertThat(list.split("<tr data-instance-id=", -1)).hasSize(INSTANCES + 1);
            assertThat(list).contains("COMPLETED <strong>" + INSTANCES + "</strong>");
            for (int i = 0; i < 20; i++) {
                PageCalls.Page page = pages.get("/ui/workflows/echo-" + i);
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.body()).contains(">COMPLETED</span>", "<pre id=\"payload-output\">" + i + "</pre>");
            }
        }
    }
}
