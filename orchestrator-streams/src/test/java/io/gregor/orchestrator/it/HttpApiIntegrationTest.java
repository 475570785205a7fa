package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static io.gregor.orchestrator.it.support.HttpCalls.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.WorkflowClient;
import io.gregor.client.WorkflowHistoryEvent;
import io.gregor.client.WorkflowInstancePage;
import io.gregor.client.WorkflowInstanceQuery;
import io.gregor.client.WorkflowInstanceState;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.HttpCalls;
import io.gregor.orchestrator.it.support.KafkaReads;
import io.gregor.schemas.InputKind;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.PurgeWorkflow;
import io.gregor.schemas.avro.RerunWorkflow;
import io.gregor.schemas.avro.ResumeWorkflow;
import io.gregor.schemas.avro.SuspendWorkflow;
import io.gregor.schemas.avro.WorkflowControl;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.gregor.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the HTTP API (docs/http-api.md) against one orchestrator on a real broker and
 * registry: status codes, bodies, the 400s with their messages, the 404s, and that a refused
 * request writes nothing. What the engine does with suspend, resume, purge and rerun is tested
 * with the engine; here it is that the API writes exactly those requests.
 */
class HttpApiIntegrationTest {

    private static GregorTestApp app;
    private static HttpCalls http;
    private static SchemaRegistryClient registry;

    @BeforeAll
    static void startGregor() throws Exception {
        app = GregorTestApp.builder("httpapi")
                .workflow("Greeting", () -> ctx -> ctx.callActivity("Greet", ctx.getInput(String.class), String.class).await())
                .workflow("Echo", () -> ctx -> ctx.getInput(Integer.class))
                .workflow("Approval", () -> ctx -> "approved by "
                        + ctx.waitForExternalEvent("approval", Duration.ofMinutes(5), String.class).await())
                .workflow("Waiter", () -> ctx -> {
                    try {
                        return ctx.waitForExternalEvent("never", Duration.ofMinutes(30), String.class).await();
                    } catch (TaskCanceledException e) {
                        return "timed out";
                    }
                })
                .workflow("Tidy", () -> ctx -> ctx.getInput(Integer.class) >= 0 ? ctx.getInput(Integer.class)
                        : ctx.waitForExternalEvent("never", Duration.ofMinutes(30), String.class).await())
                .workflow("Keep", () -> ctx -> ctx.getInput(Integer.class))
                .activity("Greet", ctx -> "Hello " + ctx.getInput(String.class))
                .start();
        http = new HttpCalls(app.orchestrator().httpUrl().orElseThrow());
        registry = SchemaRegistryClient.forUrl(app.schemaRegistryUrl());
    }

    @AfterAll
    static void stopGregor() {
        if (registry != null) {
            registry.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static JsonNode awaitStatus(String instanceId, String status) {
        JsonNode[] last = {null};
        Await.until(TIMEOUT, () -> {
            HttpCalls.Answer answer = http.get("/v1/workflows/" + encode(instanceId));
            last[0] = answer.json();
            return answer.status() == 200 && status.equals(answer.json().path("runtimeStatus").asText());
        }, () -> "instance " + instanceId + " to be " + status + " (last seen: " + last[0] + ")");
        return last[0];
    }

    private static String start(String workflow, String instanceId, String body) {
        HttpCalls.Answer answer = http.post("/v1/workflows/" + workflow + "/start?instanceId=" + encode(instanceId), body);
        assertThat(answer.status()).as("start %s: %s", instanceId, answer.json()).isEqualTo(202);
        return instanceId;
    }

    /** The history on the changelog, once committed: the stores the API reads may be ahead of it. */
    private static List<HistoryEvent> committedHistory(String instanceId, int length) {
        Await.until(TIMEOUT, () -> app.history(instanceId).size() >= length, () -> "the history of " + instanceId + " to be committed");
        return app.history(instanceId);
    }

    /** Every inbox record written for the key so far (starts, events and control requests go there). */
    private static List<ConsumerRecord<byte[], byte[]>> inboxRecords(String instanceId) {
        return KafkaReads.readAll(app.bootstrapServers(), app.topics().inbox()).stream()
                .filter(r -> instanceId.equals(KafkaReads.keyText(r))).toList();
    }

    private static List<Object> controlActions(String instanceId) {
        AvroSerde<WorkflowControl> serde = new AvroSerde<>(registry, WorkflowControl.class);
        return inboxRecords(instanceId).stream()
                .filter(r -> KafkaReads.header(r, InputKind.HEADER).equals(java.util.Optional.of("control")))
                .map(r -> serde.deserialize(app.topics().control(), r.value()).getAction())
                .toList();
    }

    @Test
    void startAnswers202WithTheIdAndAStatusUrlThatShowsTheInstanceLive() {
        // given
        String id = app.newInstanceId("greeting with space");

        // when
        HttpCalls.Answer started = http.post("/v1/workflows/Greeting/start?instanceId=" + encode(id), "\"gregor\"");
        JsonNode done = awaitStatus(id, "COMPLETED");

        // then
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.json().path("instanceId").asText()).isEqualTo(id);
        assertThat(started.location()).contains("/v1/workflows/" + encode(id));
        assertThat(http.get(started.location().orElseThrow()).json()).isEqualTo(done);
        assertThat(done.path("instanceId").asText()).isEqualTo(id);
        assertThat(done.path("workflowName").asText()).isEqualTo("Greeting");
        assertThat(done.path("input").asText()).isEqualTo("gregor");
        assertThat(done.path("output").asText()).isEqualTo("Hello gregor");
        assertThat(done.path("failure").isNull()).isTrue();
        assertThat(done.path("customStatus").isNull()).isTrue();
        assertThat(done.path("parentInstanceId").isNull()).isTrue();
        List<HistoryEvent> history = committedHistory(id, 4);
        assertThat(done.path("historyLength").asInt()).isEqualTo(history.size()).isEqualTo(4);
        Instant created = Instant.parse(done.path("createdAt").asText());
        Instant updated = Instant.parse(done.path("lastUpdatedAt").asText());
        assertThat(updated).isAfterOrEqualTo(created)
                .isEqualTo(history.getLast().getTimestamp());
    }

    @Test
    void startWithoutAnIdPicksOneAndAGivenIdThatExistsIsAConflict() {
        // when
        HttpCalls.Answer started = http.post("/v1/workflows/Echo/start", "7");
        String id = started.json().path("instanceId").asText();

        // then
        assertThat(started.status()).isEqualTo(202);
        assertThat(awaitStatus(id, "COMPLETED").path("output").asInt()).isEqualTo(7);
        int writes = inboxRecords(id).size();
        HttpCalls.Answer again = http.post("/v1/workflows/Echo/start?instanceId=" + encode(id), "8");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).isEqualTo("Expected no instance with id '" + id + "', but found one that is COMPLETED"
                + " (start with idReusePolicy=ALLOW_IF_TERMINAL to replace a terminal one)");
        assertThat(inboxRecords(id)).hasSize(writes);
    }

    @Test
    void historyExportsEveryEventInOrderWithNamesAndPayloadsAsJson() {
        // given
        String id = start("Greeting", app.newInstanceId("history"), "\"Ada\"");
        awaitStatus(id, "COMPLETED");

        // when
        HttpCalls.Answer answer = http.get("/v1/workflows/" + encode(id) + "/history");

        // then
        assertThat(answer.status()).isEqualTo(200);
        JsonNode export = answer.json();
        assertThat(export.path("format").asText()).isEqualTo("gregor-history/1");
        assertThat(export.path("instanceId").asText()).isEqualTo(id);
        assertThat(export.path("historyLength").asInt()).isEqualTo(4);
        List<String> rows = new ArrayList<>();
        export.path("events").forEach(e -> rows.add(e.path("eventId").asInt() + " " + e.path("type").asText() + " "
                + e.path("name").asText(null)));
        assertThat(rows).containsExactly("0 WorkflowStarted Greeting", "1 TaskScheduled Greet", "2 TaskCompleted null",
                "3 WorkflowCompleted null");
        JsonNode events = export.path("events");
        assertThat(events.get(0).path("details").path("input").asText()).isEqualTo("Ada");
        assertThat(events.get(1).path("details").path("taskId").asInt()).isZero();
        assertThat(events.get(1).path("details").path("attempt").asInt()).isEqualTo(1);
        assertThat(events.get(2).path("details").path("output").asText()).isEqualTo("Hello Ada");
        assertThat(Instant.parse(events.get(3).path("timestamp").asText()))
                .isEqualTo(committedHistory(id, 4).get(3).getTimestamp());
    }

    @Test
    void malformedStartsAre400WithWhatWasExpectedAndWriteNothing() {
        // given
        String unknownWorkflow = app.newInstanceId("unknown-workflow");
        String badBody = app.newInstanceId("bad-body");

        // when
        HttpCalls.Answer unknown = http.post("/v1/workflows/Nope/start?instanceId=" + unknownWorkflow, "1");
        HttpCalls.Answer notJson = http.post("/v1/workflows/Echo/start?instanceId=" + badBody, "{not json");
        HttpCalls.Answer trailing = http.post("/v1/workflows/Echo/start?instanceId=" + badBody, "1 2");
        HttpCalls.Answer longId = http.post("/v1/workflows/Echo/start?instanceId=" + "x".repeat(201), "1");
        HttpCalls.Answer badPolicy = http.post("/v1/workflows/Echo/start?idReusePolicy=SOMETIMES&instanceId=" + badBody, "1");
        HttpCalls.Answer badStartAt = http.post("/v1/workflows/Echo/start?startAt=tomorrow&instanceId=" + badBody, "1");

        // then
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.message()).isEqualTo("Expected a workflow registered as 'Nope', but this orchestrator has only "
                + "[Approval, Echo, Greeting, Keep, Tidy, Waiter]");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.message()).startsWith("Expected the request body to be JSON (the workflow's input), but found:");
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(longId.status()).isEqualTo(400);
        assertThat(longId.message()).startsWith("Expected an instance id of at most 200 characters, but found 201 characters");
        assertThat(badPolicy.status()).isEqualTo(400);
        assertThat(badPolicy.message()).isEqualTo("Expected idReusePolicy to be one of [REFUSE_IF_EXISTS, ALLOW_IF_TERMINAL],"
                + " but found 'SOMETIMES'");
        assertThat(badStartAt.status()).isEqualTo(400);
        assertThat(inboxRecords(unknownWorkflow)).isEmpty();
        assertThat(inboxRecords(badBody)).isEmpty();
        assertThat(http.get("/v1/workflows/" + unknownWorkflow).status()).isEqualTo(404);
    }

    @Test
    void unknownInstancesAre404ForEveryReadAndVerbAndNothingIsWritten() {
        // given
        String id = app.newInstanceId("never-started");
        String base = "/v1/workflows/" + id;

        // when
        List<HttpCalls.Answer> answers = List.of(http.get(base), http.get(base + "/history"),
                http.post(base + "/raiseEvent/approval", "\"x\""), http.post(base + "/terminate", null),
                http.post(base + "/suspend", null), http.post(base + "/resume", null), http.post(base + "/purge", null),
                http.post(base + "/rerun", null));

        // then
        assertThat(answers).extracting(HttpCalls.Answer::status).containsOnly(404);
        assertThat(answers.getFirst().message()).isEqualTo("Expected an instance with id '" + id + "', but found none");
        assertThat(inboxRecords(id)).isEmpty();
    }

    @Test
    void aRaisedEventReachesTheWaitingWorkflow() {
        // given
        String id = start("Approval", app.newInstanceId("approval"), null);
        awaitStatus(id, "RUNNING");

        // when
        HttpCalls.Answer raised = http.post("/v1/workflows/" + id + "/raiseEvent/approval", "\"alice\"");

        // then
        assertThat(raised.status()).isEqualTo(202);
        assertThat(raised.json().path("instanceId").asText()).isEqualTo(id);
        assertThat(awaitStatus(id, "COMPLETED").path("output").asText()).isEqualTo("approved by alice");
    }

    @Test
    void terminateEndsARunningInstanceWithTheGivenOutput() {
        // given
        String id = start("Waiter", app.newInstanceId("terminate"), null);
        awaitStatus(id, "RUNNING");

        // when
        HttpCalls.Answer terminated = http.post("/v1/workflows/" + id + "/terminate",
                "{\"output\": {\"cancelled\": true}, \"reason\": \"operator\"}");

        // then
        assertThat(terminated.status()).isEqualTo(202);
        assertThat(awaitStatus(id, "TERMINATED").path("output").path("cancelled").asBoolean()).isTrue();
    }

    @Test
    void lifecycleVerbsWriteTheirRequestsAndRefuseWhatCannotApplyWithoutWriting() {
        // given a running and a completed instance
        String running = start("Waiter", app.newInstanceId("lifecycle-running"), null);
        String done = start("Echo", app.newInstanceId("lifecycle-done"), "3");
        awaitStatus(running, "RUNNING");
        awaitStatus(done, "COMPLETED");
        String rerunId = app.newInstanceId("lifecycle-rerun");

        // when refused
        HttpCalls.Answer purgeRunning = http.post("/v1/workflows/" + running + "/purge", null);
        HttpCalls.Answer rerunRunning = http.post("/v1/workflows/" + running + "/rerun", null);
        HttpCalls.Answer reasonNotText = http.post("/v1/workflows/" + running + "/suspend", "{\"reason\": 5}");
        HttpCalls.Answer unknownField = http.post("/v1/workflows/" + running + "/terminate", "{\"force\": true}");
        HttpCalls.Answer notAnObject = http.post("/v1/workflows/" + running + "/resume", "[1]");
        HttpCalls.Answer eventTooFar = http.post("/v1/workflows/" + done + "/rerun", "{\"fromEventId\": 99}");
        HttpCalls.Answer recursiveNotBoolean = http.post("/v1/workflows/" + done + "/purge", "{\"recursive\": \"no\"}");

        // then
        assertThat(purgeRunning.status()).isEqualTo(409);
        assertThat(purgeRunning.message()).isEqualTo("Expected a terminal instance (COMPLETED, FAILED or TERMINATED) to purge,"
                + " but instance " + running + " is RUNNING");
        assertThat(rerunRunning.status()).isEqualTo(409);
        assertThat(reasonNotText.status()).isEqualTo(400);
        assertThat(reasonNotText.message()).isEqualTo("Expected reason to be a string, but found 5");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.message()).isEqualTo("Expected only the fields [output, reason, recursive] in the request body,"
                + " but found 'force'");
        assertThat(notAnObject.status()).isEqualTo(400);
        assertThat(eventTooFar.status()).isEqualTo(400);
        assertThat(eventTooFar.message()).isEqualTo("Expected fromEventId from 0 to 2 (the history length of instance " + done
                + "), but found 99");
        assertThat(recursiveNotBoolean.status()).isEqualTo(400);
        assertThat(controlActions(running)).isEmpty();
        assertThat(controlActions(done)).isEmpty();

        // when accepted
        HttpCalls.Answer suspended = http.post("/v1/workflows/" + running + "/suspend", "{\"reason\": \"maintenance\"}");
        HttpCalls.Answer resumed = http.post("/v1/workflows/" + running + "/resume", null);
        HttpCalls.Answer rerun = http.post("/v1/workflows/" + done + "/rerun",
                "{\"fromEventId\": 1, \"newInstanceId\": \"" + rerunId + "\", \"input\": 5}");
        HttpCalls.Answer purged = http.post("/v1/workflows/" + done + "/purge", "{\"recursive\": false}");

        // then
        assertThat(List.of(suspended, resumed, rerun, purged)).extracting(HttpCalls.Answer::status).containsOnly(202);
        assertThat(rerun.json().path("instanceId").asText()).isEqualTo(rerunId);
        assertThat(rerun.location()).contains("/v1/workflows/" + rerunId);
        assertThat(controlActions(running)).containsExactly(new SuspendWorkflow("maintenance"), new ResumeWorkflow(null));
        List<Object> doneActions = controlActions(done);
        assertThat(doneActions).hasSize(2);
        RerunWorkflow rerunAction = (RerunWorkflow) doneActions.get(0);
        assertThat(rerunAction.getFromEventId()).isEqualTo(1);
        assertThat(rerunAction.getNewInstanceId()).isEqualTo(rerunId);
        assertThat(StandardCharsets.UTF_8.decode(rerunAction.getInput().getData()).toString()).isEqualTo("5");
        assertThat(doneActions.get(1)).isEqualTo(new PurgeWorkflow(false));
    }

    @Test
    void listingFiltersServerSidePagesWithoutRepeatsAndCountsByStatus() {
        // given 25 completed Echo instances of this test and one running Waiter
        String prefix = app.newInstanceId("list") + "-";
        Set<String> mine = new HashSet<>();
        IntStream.range(0, 25).forEach(i -> mine.add(start("Echo", prefix + i, Integer.toString(i))));
        String waiting = start("Waiter", prefix + "waiting", null);
        mine.forEach(id -> awaitStatus(id, "COMPLETED"));
        awaitStatus(waiting, "RUNNING");

        // when listing completed Echo instances 7 at a time
        List<String> listed = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            HttpCalls.Answer page = http.get("/v1/workflows?name=Echo&status=COMPLETED&pageSize=7"
                    + (token == null ? "" : "&pageToken=" + token));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().path("instances").size()).isLessThanOrEqualTo(7);
            page.json().path("instances").forEach(instance -> {
                assertThat(instance.path("workflowName").asText()).isEqualTo("Echo");
                assertThat(instance.path("runtimeStatus").asText()).isEqualTo("COMPLETED");
                listed.add(instance.path("instanceId").asText());
            });
            token = page.json().path("nextPageToken").asText(null);
            pages++;
        } while (token != null);

        // then
        assertThat(listed).doesNotHaveDuplicates().containsAll(mine).doesNotContain(waiting);
        assertThat(pages).isGreaterThanOrEqualTo(4);
        assertThat(listed).isSortedAccordingTo(java.util.Comparator.comparing(s -> s, (a, b) ->
                java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8))));
        HttpCalls.Answer running = http.get("/v1/workflows?status=RUNNING,SUSPENDED&name=Waiter");
        assertThat(running.json().path("instances").findValuesAsText("instanceId")).contains(waiting);
        HttpCalls.Answer future = http.get("/v1/workflows?createdFrom=" + Instant.now().plusSeconds(3600));
        assertThat(future.json().path("instances").size()).isZero();
        assertThat(future.json().path("nextPageToken").isNull()).isTrue();

        HttpCalls.Answer counts = http.get("/v1/workflows/count?groupBy=status&name=Echo");
        assertThat(counts.status()).isEqualTo(200);
        assertThat(counts.json().path("groups").path("COMPLETED").asLong()).isGreaterThanOrEqualTo(25);
        long sum = 0;
        for (JsonNode n : counts.json().path("groups")) {
            sum += n.asLong();
        }
        assertThat(counts.json().path("total").asLong()).isEqualTo(sum);
    }

    @Test
    void malformedListAndCountRequestsAre400WithWhatWasExpected() {
        assertThat(http.get("/v1/workflows?status=DONE").message()).isEqualTo("Expected status to be one of [PENDING, RUNNING, "
                + "SUSPENDED, COMPLETED, FAILED, TERMINATED, CONTINUED_AS_NEW, STALLED] (comma-separated or repeated), but found 'DONE'");
        assertThat(http.get("/v1/workflows?pageSize=0").message())
                .isEqualTo("Expected pageSize to be a whole number from 1 to 1000, but found '0'");
        assertThat(http.get("/v1/workflows?pageToken=xyz").message())
                .isEqualTo("Expected pageToken to be the nextPageToken of a previous page, but found 'xyz'");
        assertThat(http.get("/v1/workflows?createdFrom=yesterday").message())
                .startsWith("Expected createdFrom as an ISO-8601 instant");
        assertThat(http.get("/v1/workflows/count?groupBy=name").message())
                .isEqualTo("Expected groupBy=status (the only grouping), but found groupBy=name");
        assertThat(http.get("/v1/workflows/count?groupBy=name").status()).isEqualTo(400);
    }

    @Test
    void batchPurgePurgesExactlyTheMatchingTerminalInstancesAndSkipsLiveOnes() throws InterruptedException {
        // given old completed Tidy and Keep instances, an old running Tidy, and a Tidy completed after the cutoff
        String prefix = app.newInstanceId("batch") + "-";
        List<String> oldTidy = List.of(start("Tidy", prefix + "old-0", "0"), start("Tidy", prefix + "old-1", "1"));
        String oldKeep = start("Keep", prefix + "keep", "2");
        String running = start("Tidy", prefix + "running", "-1");
        oldTidy.forEach(id -> awaitStatus(id, "COMPLETED"));
        awaitStatus(oldKeep, "COMPLETED");
        awaitStatus(running, "RUNNING");
        // the cutoff lies strictly between the old instances' creation and the new one's
        Instant before = Instant.now();
        Await.until(TIMEOUT, () -> Instant.now().isAfter(before), () -> "the clock to move past " + before);
        Instant cutoff = Instant.now();
        Await.until(TIMEOUT, () -> Instant.now().isAfter(cutoff), () -> "the clock to move past " + cutoff);
        String newTidy = start("Tidy", prefix + "new", "3");
        awaitStatus(newTidy, "COMPLETED");

        // when purging completed Tidy instances created before the cutoff
        HttpCalls.Answer byStatus = http.post("/v1/workflows/purge",
                "{\"status\": [\"COMPLETED\", \"FAILED\"], \"name\": \"Tidy\", \"createdBefore\": \"" + cutoff + "\"}");

        // then exactly the old completed Tidy instances go
        assertThat(byStatus.status()).as("%s", byStatus.json()).isEqualTo(202);
        assertThat(byStatus.json().path("purged").asInt()).isEqualTo(2);
        assertThat(byStatus.json().path("skipped").asInt()).isZero();
        oldTidy.forEach(id -> Await.until(TIMEOUT, () -> http.get("/v1/workflows/" + id).status() == 404, () -> id + " to be purged"));
        awaitStatus(oldKeep, "COMPLETED");
        awaitStatus(newTidy, "COMPLETED");
        assertThat(controlActions(running)).isEmpty();

        // when purging every Tidy instance older than nothing, without a status
        HttpCalls.Answer byAge = http.post("/v1/workflows/purge", "{\"name\": \"Tidy\", \"olderThan\": \"PT0S\", \"recursive\": false}");

        // then the completed one goes and the running one is skipped
        assertThat(byAge.status()).as("%s", byAge.json()).isEqualTo(202);
        assertThat(byAge.json().path("purged").asInt()).isEqualTo(1);
        assertThat(byAge.json().path("skipped").asInt()).isEqualTo(1);
        Await.until(TIMEOUT, () -> http.get("/v1/workflows/" + newTidy).status() == 404, () -> newTidy + " to be purged");
        assertThat(controlActions(newTidy)).containsExactly(new PurgeWorkflow(false));
        assertThat(controlActions(running)).isEmpty();
        awaitStatus(running, "RUNNING");
        awaitStatus(oldKeep, "COMPLETED");
    }

    @Test
    void batchPurgeRefusesALiveStatusOrNoFilterAndWritesNothing() {
        // given a completed and a running instance
        String prefix = app.newInstanceId("batch-refused") + "-";
        String done = start("Keep", prefix + "done", "1");
        String running = start("Waiter", prefix + "running", null);
        awaitStatus(done, "COMPLETED");
        awaitStatus(running, "RUNNING");

        // when
        HttpCalls.Answer liveStatus = http.post("/v1/workflows/purge", "{\"status\": [\"COMPLETED\", \"RUNNING\"]}");
        HttpCalls.Answer noFilter = http.post("/v1/workflows/purge", "{\"recursive\": true}");
        HttpCalls.Answer noBody = http.post("/v1/workflows/purge", null);
        HttpCalls.Answer both = http.post("/v1/workflows/purge", "{\"createdBefore\": \"2026-01-01T00:00:00Z\", \"olderThan\": \"PT1H\"}");
        HttpCalls.Answer badAge = http.post("/v1/workflows/purge", "{\"olderThan\": \"1 hour\"}");

        // then
        assertThat(List.of(liveStatus, noFilter, noBody, both, badAge)).extracting(HttpCalls.Answer::status).containsOnly(400);
        assertThat(liveStatus.message())
                .isEqualTo("Expected only terminal statuses (COMPLETED, FAILED or TERMINATED) to purge, but found RUNNING");
        assertThat(noFilter.message()).isEqualTo("Expected a filter to purge by (status, name, createdFrom, createdBefore or olderThan),"
                + " but found none");
        assertThat(noBody.message()).isEqualTo(noFilter.message());
        assertThat(both.message()).isEqualTo("Expected createdBefore or olderThan, but found both");
        assertThat(badAge.message()).startsWith("Expected olderThan as a non-negative ISO-8601 duration");
        assertThat(controlActions(done)).isEmpty();
        assertThat(controlActions(running)).isEmpty();
        awaitStatus(done, "COMPLETED");
    }

    @Test
    void theJavaClientReadsThroughTheApiAndSkipsAnOrchestratorItCannotReach() {
        // given a client whose first URL is dead
        String id = start("Greeting", app.newInstanceId("client"), "\"Grace\"");
        awaitStatus(id, "COMPLETED");
        try (WorkflowClient client = WorkflowClient.builder().bootstrapServers(app.bootstrapServers())
                .schemaRegistryUrl(app.schemaRegistryUrl()).topicPrefix(app.topics().prefix())
                .orchestratorUrls("http://127.0.0.1:1", app.orchestrator().httpUrl().orElseThrow().toString()).build()) {

            // when
            WorkflowInstanceState state = client.getInstanceState(id).orElseThrow();
            List<WorkflowHistoryEvent> history = client.getHistory(id).orElseThrow();
            WorkflowInstancePage page = client.listInstances(WorkflowInstanceQuery.all().withWorkflowName("Greeting").withPageSize(1));
            List<WorkflowInstanceState> all = client.listAllInstances(WorkflowInstanceQuery.all().withWorkflowName("Greeting")
                    .withStatuses(WorkflowRuntimeStatus.COMPLETED).withPageSize(2));
            Map<WorkflowRuntimeStatus, Long> counts = client.countInstances(WorkflowInstanceQuery.all().withWorkflowName("Greeting"));

            // then
            assertThat(state.getRuntimeStatus()).isEqualTo(WorkflowRuntimeStatus.COMPLETED);
            assertThat(state.readInputAs(String.class)).isEqualTo("Grace");
            assertThat(state.readOutputAs(String.class)).isEqualTo("Hello Grace");
            assertThat(state.getHistoryLength()).isEqualTo(4);
            assertThat(history).extracting(WorkflowHistoryEvent::type)
                    .containsExactly("WorkflowStarted", "TaskScheduled", "TaskCompleted", "WorkflowCompleted");
            assertThat(history.get(1).name()).isEqualTo("Greet");
            assertThat(history.get(2).details()).containsEntry("output", "Hello Grace");
            assertThat(page.instances()).hasSize(1);
            assertThat(all).extracting(WorkflowInstanceState::getInstanceId).contains(id).doesNotHaveDuplicates();
            assertThat(counts.get(WorkflowRuntimeStatus.COMPLETED)).isEqualTo(all.size());
            assertThat(client.getInstanceState(app.newInstanceId("unknown"))).isEmpty();
            assertThat(client.exportHistory(id).orElseThrow()).contains("\"format\":\"gregor-history/1\"");

            // when purging by filter (the instance's creation time, to the millisecond) and with a live status
            String other = start("Greeting", app.newInstanceId("client-other"), "\"Ada\"");
            awaitStatus(other, "COMPLETED");
            int purged = client.purgeInstances(WorkflowInstanceQuery.all().withWorkflowName("Greeting")
                    .withStatuses(WorkflowRuntimeStatus.COMPLETED)
                    .withCreatedFrom(state.getCreatedAt()).withCreatedTo(state.getCreatedAt().plusMillis(1)));
            WorkflowInstanceQuery live = WorkflowInstanceQuery.all().withStatuses(WorkflowRuntimeStatus.RUNNING);

            // then
            assertThat(purged).isEqualTo(1);
            Await.until(TIMEOUT, () -> client.getInstanceState(id).isEmpty(), () -> id + " to be purged");
            assertThat(client.getInstanceState(other)).isPresent();
            assertThatThrownBy(() -> client.purgeInstances(live)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Expected only terminal statuses (COMPLETED, FAILED or TERMINATED) to purge, but found RUNNING");
        }
    }
}
