package io.gregor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.cli.CliRunner.Result;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every verb of {@code gregor} against one running dev server: what it prints in each format,
 * what it changes on the server, and its exit codes for unknown ids, bad input and an unreachable
 * server. The batch purge runs last, because it purges what the other tests left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GregorCliTest {

    private static DevServer server;
    private static CliRunner gregor;

    @BeforeAll
    static void startDevServer() {
        server = DevServer.start(new DevServer.Options(0, false, null));
        gregor = new CliRunner(server.apiUrl().toString());
    }

    @AfterAll
    static void stopDevServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts a ChainingWorkflow and waits for it to complete. */
    private static String completedChain(String input) {
        String id = uniqueId("chain");
        assertThat(gregor.run("run", "ChainingWorkflow", "-i", id, "-x", input).exitCode()).isZero();
        gregor.awaitStatus(id, "COMPLETED");
        return id;
    }

    /** Starts an ApprovalWorkflow (waits an hour for its event) and waits for it to run. */
    private static String waitingApproval() {
        String id = uniqueId("approval");
        assertThat(gregor.run("run", "ApprovalWorkflow", "-i", id).exitCode()).isZero();
        // RUNNING comes a step before the custom status, which is set once the approval was requested.
        gregor.awaitStatus(id, "RUNNING", "waiting for approval");
        return id;
    }

    @Test
    void runPrintsTheInstanceIdAndTheInstanceRunsToItsOutput() {
        // when
        Result run = gregor.run("run", "ChainingWorkflow", "-x", "\"Hi!\"");

        // then
        assertThat(run.exitCode()).isZero();
        String id = run.out().strip();
        assertThat(id).matches("[0-9a-f-]{36}");
        gregor.awaitStatus(id, "COMPLETED");
        JsonNode instance = Json.parse("describe", gregor.run("describe", id, "-o", "json").out());
        assertThat(instance.path("output").asText()).isEqualTo("Hi! Hello Tokyo! Hello Seattle! Hello London!");
    }

    @Test
    void theOrderQuickstartAndTheFanOutPatternRunOnTheDevServer() {
        String order = uniqueId("order");
        String fan = uniqueId("fan");

        Result orderRun = gregor.run("run", "OrderProcessingWorkflow", "-i", order, "-x",
                "{\"itemName\":\"cars\",\"totalCost\":15000,\"quantity\":10}");
        Result fanRun = gregor.run("run", "FanOutFanInWorkflow", "-i", fan, "-x", "[\"ab\",\"cde\",\"f\"]");

        assertThat(orderRun.exitCode()).isZero();
        assertThat(fanRun.exitCode()).isZero();
        // $15,000 is above the approval threshold: the order waits for its manager's event.
        gregor.awaitStatus(order, "RUNNING");
        assertThat(gregor.run("raise-event", order + "/manager_approval", "-x", "{\"approval\":true}").exitCode()).isZero();
        gregor.awaitStatus(order, "COMPLETED");
        gregor.awaitStatus(fan, "COMPLETED");
        assertThat(gregor.run("describe", order).lines()).anySatisfy(line -> assertThat(line).matches("Output: +\\{\"processed\":true}"));
        assertThat(gregor.run("describe", fan).lines()).anySatisfy(line -> assertThat(line).matches("Output: +6"));
    }

    @Test
    void runWithAStartTimeInTheFutureLeavesTheInstancePending() {
        // given
        String id = uniqueId("later");

        // when
        Result run = gregor.run("run", "ChainingWorkflow", "-i", id, "--start-time", "1h");

        // then
        assertThat(run.exitCode()).isZero();
        gregor.awaitStatus(id, "PENDING");
    }

    @Test
    void runRefusesAnUnknownWorkflowWithExitCodeOneAndTheServersMessage() {
        Result run = gregor.run("run", "NoSuchWorkflow");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("Expected a workflow registered as 'NoSuchWorkflow'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void runRefusesMalformedJsonInputAsAUsageErrorWithoutCallingTheServer() {
        String id = uniqueId("bad-json");

        Result run = gregor.run("run", "ChainingWorkflow", "-i", id, "-x", "{not json");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Expected --input to be a JSON value");
        assertThat(gregor.run("describe", id).exitCode()).isEqualTo(ExitCodes.REFUSED);
    }

    @Test
    void runRefusesAReusedIdWithExitCodeOne() {
        String id = completedChain("\"a\"");

        Result again = gregor.run("run", "ChainingWorkflow", "-i", id);

        assertThat(again.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains(id);
    }

    @Test
    void listShowsThePeersColumnsInShortAndWideFormats() {
        // given
        String chain = completedChain("\"list\"");
        String approval = waitingApproval();

        // when
        Result shortList = gregor.run("list");
        Result wideList = gregor.run("list", "-o", "wide");

        // then
        assertThat(shortList.exitCode()).isZero();
        assertThat(shortList.lines().getFirst()).matches("NAME +ID +STATUS +CUSTOM STATUS +AGE");
        assertThat(shortList.lines()).anySatisfy(line -> assertThat(line).matches("ChainingWorkflow +" + chain + " +COMPLETED +\\d+[smhd]"));
        assertThat(shortList.lines()).anySatisfy(line ->
                assertThat(line).matches("ApprovalWorkflow +" + approval + " +RUNNING +waiting for approval +\\d+[smhd]"));
        assertThat(wideList.lines().getFirst()).matches("NAME +ID +STATUS +CUSTOM STATUS +AGE +CREATED +LAST UPDATE +FAILURE");
        assertThat(wideList.lines()).anySatisfy(line -> assertThat(line).startsWith("ChainingWorkflow").contains(chain)
                .containsPattern("\\d{4}-\\d\\d-\\d\\dT\\S+Z +\\d{4}-\\d\\d-\\d\\dT\\S+Z"));
    }

    @Test
    void listPrintsJsonAndIdsAndAppliesTheFilters() {
        // given
        String chain = completedChain("\"filters\"");
        String approval = waitingApproval();

        // when
        Result json = gregor.run("list", "-o", "json");
        Result completedChains = gregor.run("list", "-s", "completed", "-w", "ChainingWorkflow", "-o", "ids");
        Result running = gregor.run("list", "--filter-status", "RUNNING,SUSPENDED", "-m", "1h", "-o", "ids");
        Result tooOld = gregor.run("list", "-m", "0s", "-o", "ids");

        // then
        JsonNode array = Json.parse("list", json.out());
        assertThat(array.isArray()).isTrue();
        assertThat(array.findValuesAsText("instanceId")).contains(chain, approval);
        assertThat(completedChains.lines()).contains(chain).doesNotContain(approval);
        assertThat(running.lines()).contains(approval).doesNotContain(chain);
        assertThat(tooOld.lines()).doesNotContain(chain, approval);
    }

    @Test
    void listRefusesAnUnknownStatusOrFormatAsAUsageError() {
        Result badStatus = gregor.run("list", "-s", "DONE");
        Result badFormat = gregor.run("list", "-o", "yaml");
        Result badAge = gregor.run("list", "-m", "soon");

        assertThat(badStatus.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badStatus.err()).contains("Expected --filter-status to be one of", "'DONE'");
        assertThat(badFormat.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badAge.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badAge.err()).contains("Expected --filter-max-age to be a duration");
    }

    @Test
    void countGroupsByStatusWithATotal() {
        // given
        completedChain("\"count\"");
        waitingApproval();

        // when
        Result total = gregor.run("count");
        Result grouped = gregor.run("count", "--group-by", "status");
        Result json = gregor.run("count", "-o", "json");

        // then
        assertThat(total.exitCode()).isZero();
        int count = Integer.parseInt(total.out().strip());
        assertThat(count).isGreaterThanOrEqualTo(2);
        assertThat(grouped.lines().getFirst()).matches("STATUS +COUNT");
        assertThat(grouped.lines()).anySatisfy(line -> assertThat(line).matches("COMPLETED +\\d+"))
                .anySatisfy(line -> assertThat(line).matches("RUNNING +\\d+"))
                .anySatisfy(line -> assertThat(line).matches("TOTAL +\\d+"));
        assertThat(Json.parse("count", json.out()).path("groups").path("COMPLETED").asInt()).isPositive();
    }

    @Test
    void describeShowsTheInstanceAndExitsOneForAnUnknownId() {
        String id = completedChain("\"describe\"");

        Result known = gregor.run("describe", id);
        Result unknown = gregor.run("describe", "no-such-instance");

        assertThat(known.exitCode()).isZero();
        assertThat(known.lines()).anySatisfy(line -> assertThat(line).matches("Status: +COMPLETED"))
                .anySatisfy(line -> assertThat(line).matches("Workflow: +ChainingWorkflow"))
                .anySatisfy(line -> assertThat(line).matches("Input: +\"describe\""))
                .anySatisfy(line -> assertThat(line).matches("Output: +\"describe Hello Tokyo! Hello Seattle! Hello London!\""));
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknown.err()).contains("Expected an instance with id 'no-such-instance', but found none");
    }

    @Test
    void historyPrintsEveryEventInShortWideAndJsonFormats() {
        String id = completedChain("\"history\"");

        Result shortHistory = gregor.run("history", id);
        Result wide = gregor.run("history", id, "-o", "wide");
        Result json = gregor.run("history", id, "-o", "json");

        assertThat(shortHistory.exitCode()).isZero();
        assertThat(shortHistory.lines().getFirst()).matches("TYPE +NAME +EVENTID +ELAPSED +DETAILS");
        assertThat(shortHistory.lines().get(1)).matches("WorkflowStarted +ChainingWorkflow +0 +0s +input=\"history\"");
        assertThat(shortHistory.lines().getLast()).startsWith("WorkflowCompleted").contains("output=");
        assertThat(shortHistory.lines()).hasSize(1 + 8);
        assertThat(wide.lines().getFirst()).matches("TYPE +NAME +EVENTID +ELAPSED +TIMESTAMP +DETAILS");
        JsonNode export = Json.parse("history", json.out());
        assertThat(export.path("format").asText()).isEqualTo("gregor-history/1");
        assertThat(export.path("events")).hasSize(8);
    }

    @Test
    void historyFollowPrintsEachEventOnceAndEndsWhenTheInstanceCompletes() {
        // given: a monitor that checks twice, with a timer and a continue-as-new in between
        String id = uniqueId("monitor");
        assertThat(gregor.run("run", "MonitorWorkflow", "-i", id, "-x", "2").exitCode()).isZero();

        // when
        Result follow = gregor.run("history", id, "-f", "--poll-interval", "100ms");

        // then
        assertThat(follow.exitCode()).isZero();
        List<String> lines = follow.lines();
        assertThat(lines.stream().filter(line -> line.startsWith("TYPE"))).hasSize(1);
        assertThat(lines.stream().filter(line -> line.startsWith("WorkflowStarted"))).hasSize(2);
        assertThat(lines).contains("-- continued as new --");
        assertThat(lines.getLast()).startsWith("WorkflowCompleted").contains("monitoring done: healthy");
    }

    @Test
    void historyExitsOneForAnUnknownId() {
        Result result = gregor.run("history", "no-such-instance", "-f");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(result.err()).contains("no-such-instance");
    }

    @Test
    void raiseEventDeliversTheEventAndItsData() {
        String id = waitingApproval();

        Result raised = gregor.run("raise-event", id + "/approval", "-x", "\"alice\"");

        assertThat(raised.exitCode()).isZero();
        gregor.awaitStatus(id, "COMPLETED");
        assertThat(gregor.run("describe", id).lines()).anySatisfy(line -> assertThat(line).matches("Output: +\"approved by alice\""));
    }

    @Test
    void raiseEventRefusesATargetWithoutAnEventName() {
        Result result = gregor.run("raise-event", "some-id");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Expected ID/EVENT");
    }

    @Test
    void suspendAndResumeRecordTheirReasonsInTheHistory() {
        String id = waitingApproval();

        Result suspend = gregor.run("suspend", id, "-r", "waiting for audit");
        gregor.awaitStatus(id, "SUSPENDED");
        Result resume = gregor.run("resume", id);
        gregor.awaitStatus(id, "RUNNING");

        assertThat(suspend.exitCode()).isZero();
        assertThat(suspend.out()).contains("Suspend requested for instance " + id);
        assertThat(resume.exitCode()).isZero();
        List<String> history = gregor.run("history", id).lines();
        assertThat(history).anySatisfy(line -> assertThat(line).startsWith("WorkflowSuspended").contains("reason=\"waiting for audit\""))
                .anySatisfy(line -> assertThat(line).startsWith("WorkflowResumed"));
    }

    @Test
    void suspendExitsOneForAnUnknownId() {
        Result result = gregor.run("suspend", "no-such-instance");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(result.err()).contains("Expected an instance with id 'no-such-instance', but found none");
    }

    @Test
    void terminateEndsTheInstanceWithTheGivenOutput() {
        String id = waitingApproval();

        Result terminate = gregor.run("terminate", id, "-o", "{\"cancelled\":true}", "-r", "not needed");

        assertThat(terminate.exitCode()).isZero();
        gregor.awaitStatus(id, "TERMINATED");
        assertThat(gregor.run("describe", id).lines()).anySatisfy(line -> assertThat(line).matches("Output: +\\{\"cancelled\":true}"));
    }

    @Test
    void purgeRemovesATerminalInstanceAndRefusesARunningOne() {
        String done = completedChain("\"purge\"");
        String running = waitingApproval();

        Result purged = gregor.run("purge", done);
        Result refused = gregor.run("purge", running);

        assertThat(purged.exitCode()).isZero();
        gregor.awaitGone(done);
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(gregor.run("describe", running).exitCode()).isZero();
    }

    @Test
    void purgeRefusesIdsTogetherWithABatchFilter() {
        Result both = gregor.run("purge", "some-id", "--all-older-than", "1h");
        Result neither = gregor.run("purge");

        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void rerunStartsANewInstanceWithTheNewInput() {
        String id = completedChain("\"first\"");
        String newId = uniqueId("rerun");

        Result rerun = gregor.run("rerun", id, "-e", "0", "--new-instance-id", newId, "-x", "\"second\"");

        assertThat(rerun.exitCode()).isZero();
        assertThat(rerun.out().strip()).isEqualTo(newId);
        gregor.awaitStatus(newId, "COMPLETED");
        assertThat(gregor.run("describe", newId).lines())
                .anySatisfy(line -> assertThat(line).matches("Output: +\"second Hello Tokyo! Hello Seattle! Hello London!\""));
    }

    @Test
    void rerunRefusesAnEventIdBeyondTheHistory() {
        String id = completedChain("\"beyond\"");

        Result rerun = gregor.run("rerun", id, "-e", "999");

        assertThat(rerun.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(rerun.err()).contains("999");
    }

    @Test
    void everyVerbHasHelp() {
        for (String verb : List.of("dev", "run", "list", "count", "describe", "history", "raise-event", "suspend", "resume",
                "terminate", "purge", "rerun", "completion")) {
            Result help = gregor.run(verb, "--help");

            assertThat(help.exitCode()).as(verb).isZero();
            assertThat(help.out()).as(verb).startsWith("Usage: gregor " + verb);
        }
    }

    @Test
    void completionPrintsABashScriptForEveryVerb() {
        Result completion = gregor.run("completion");

        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).contains("complete -F", "raise-event", "--filter-status");
    }

    @Test
    void anUnknownVerbOrOptionIsAUsageError() {
        assertThat(gregor.run("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(gregor.run("list", "--bogus").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(gregor.run().exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void anUnreachableServerExitsThree() {
        Result result = new CliRunner("http://127.0.0.1:1").run("list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).contains("Expected a Gregor orchestrator at http://127.0.0.1:1, but could not reach it");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void purgeAllOlderThanPurgesTheMatchingTerminalInstancesOnly() {
        // given
        String completed = completedChain("\"batch\"");
        String terminated = waitingApproval();
        gregor.run("terminate", terminated);
        gregor.awaitStatus(terminated, "TERMINATED");
        String running = waitingApproval();

        // when
        Result batch = gregor.run("purge", "--all-older-than", "0s", "--all-filter-status", "COMPLETED");

        // then
        assertThat(batch.exitCode()).isZero();
        assertThat(batch.out()).matches("(?s)Purge requested for [1-9]\\d* instances.*");
        gregor.awaitGone(completed);
        assertThat(gregor.run("describe", terminated).exitCode()).isZero();
        assertThat(gregor.run("describe", running).exitCode()).isZero();
    }
}
