package io.gregor.orchestrator.it;

import static io.gregor.orchestrator.it.support.GregorTestApp.TIMEOUT;
import static io.gregor.orchestrator.it.support.HttpCalls.encode;
import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.client.workflow.TaskCanceledException;
import io.gregor.orchestrator.it.support.GregorTestApp;
import io.gregor.orchestrator.it.support.HttpCalls;
import io.gregor.orchestrator.it.support.PageCalls;
import io.gregor.testkit.Await;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's pages over HTTP, as a browser without script sees them: structure, escaping of
 * hostile ids and payloads, the 404 page, and an action's confirm-then-send round trip. The same
 * pages in a real browser: {@link DashboardBrowserIntegrationTest}.
 */
class DashboardIntegrationTest {

    private static GregorTestApp app;
    private static URI url;
    private static PageCalls pages;
    private static HttpCalls api;

    /** Both dashboard tests' workflows: one with two activities and a timer between them, one that waits (for 30 minutes). */
    static GregorTestApp startApp(String name) throws Exception {
        return GregorTestApp.builder(name)
                .workflow("Greeting", () -> ctx -> {
                    String first = ctx.callActivity("Greet", ctx.getInput(String.class), String.class).await();
                    ctx.createTimer(Duration.ofMillis(300)).await();
                    return first + " and " + ctx.callActivity("Greet", "again", String.class).await();
                })
                .workflow("Echo", () -> ctx -> ctx.getInput(String.class))
                .workflow("Failing", () -> ctx -> {
                    throw new IllegalStateException("no <b>stock</b> left");
                })
                .workflow("Parent", () -> ctx -> ctx.callChildWorkflow("Echo", "kid", String.class).await())
                .workflow("Waiter", () -> ctx -> {
                    try {
                        return ctx.waitForExternalEvent("never", Duration.ofMinutes(30), String.class).await();
                    } catch (TaskCanceledException e) {
                        return "timed out";
                    }
                })
                .activity("Greet", ctx -> "Hello " + ctx.getInput(String.class))
                .start();
    }

    @BeforeAll
    static void startGregor() throws Exception {
        app = startApp("dashboard");
        url = app.orchestrator().httpUrl().orElseThrow();
        pages = new PageCalls(url);
        api = new HttpCalls(url);
    }

    @AfterAll
    static void stopGregor() {
        if (app != null) {
            app.close();
        }
    }

    private static String status(String instanceId) {
        return api.get("/v1/workflows/" + encode(instanceId)).json().path("runtimeStatus").asText();
    }

    private static String startAndAwait(String workflow, String instanceId, String input, String status) {
        assertThat(api.post("/v1/workflows/" + workflow + "/start?instanceId=" + encode(instanceId), input).status()).isEqualTo(202);
        awaitStatus(instanceId, status);
        return instanceId;
    }

    @Test
    void theRootRedirectsToTheListWhichHasFiltersCountsAndATableWithHeaders() {
        // given
        String id = startAndAwait("Greeting", app.newInstanceId("listed"), "\"Ada\"", "COMPLETED");

        // when
        PageCalls.Page root = pages.get("/");
        PageCalls.Page list = pages.get("/ui/workflows?name=Greeting");

        // then
        assertThat(root.status()).isEqualTo(303);
        assertThat(root.location()).contains("/ui/workflows");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(list.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
        assertThat(list.body()).contains("<th scope=\"col\">Instance ID</th>", "<label for=\"f-status\">Status</label>",
                "aria-label=\"Counts by status\"", "hx-trigger=\"every 2s\"", "<script src=\"/ui/assets/htmx.min.js\" defer></script>",
                "href=\"/ui/workflows/" + encode(id) + "\"", "<span class=\"status status-COMPLETED\">COMPLETED</span>");
    }

    @Test
    void theFiltersTakeABrowsersLocalTimeAsUtcPageOnWithTheNextLinkAndShowTheApisReasonForABadValue() {
        // given at least two Echo instances
        startAndAwait("Echo", app.newInstanceId("paged-a"), "\"a\"", "COMPLETED");
        startAndAwait("Echo", app.newInstanceId("paged-b"), "\"b\"", "COMPLETED");

        // when
        PageCalls.Page future = pages.get("/ui/workflows?name=Echo&createdFrom=2999-01-01T00:00");
        PageCalls.Page past = pages.get("/ui/workflows?name=Echo&createdFrom=2000-01-01T00:00:00&pageSize=1");
        String next = past.body().replaceAll("(?s).*<a href=\"([^\"]*)\" rel=\"next\">.*", "$1").replace("&amp;", "&");
        PageCalls.Page nextPage = pages.get(next);
        PageCalls.Page bad = pages.get("/ui/workflows?createdFrom=yesterday");

        // then
        assertThat(future.body()).contains("No instances match.");
        assertThat(past.body().split("<tr data-instance-id=", -1)).hasSize(2);
        assertThat(next).startsWith("/ui/workflows?name=Echo&createdFrom=2000-01-01T00%3A00%3A00&pageSize=1&pageToken=");
        assertThat(nextPage.body()).contains("First page");
        assertThat(firstRow(nextPage)).isNotEmpty().isNotEqualTo(firstRow(past));
        assertThat(bad.body()).contains("role=\"alert\"", "Expected createdFrom as an ISO-8601 instant", "value=\"yesterday\"");
    }

    private static String firstRow(PageCalls.Page page) {
        return page.body().replaceAll("(?s).*?<tr data-instance-id=\"([^\"]*)\".*", "$1");
    }

    @Test
    void theAssetsAreServedFromTheOrchestratorItself() {
        // when
        PageCalls.Page htmx = pages.get("/ui/assets/htmx.min.js");
        PageCalls.Page css = pages.get("/ui/assets/dashboard.css");

        // then
        assertThat(htmx.status()).isEqualTo(200);
        assertThat(htmx.body()).contains("htmx");
        assertThat(htmx.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.body()).contains(".timeline");
    }

    @Test
    void aHostileIdAndInputAreShownEscapedOnTheListAndTheInstancePage() {
        // given
        String id = startAndAwait("Echo", app.newInstanceId("<img src=x onerror=alert(1)>"), "\"<script>alert(2)</script>\"", "COMPLETED");

        // when
        PageCalls.Page list = pages.get("/ui/workflows?name=Echo");
        PageCalls.Page instance = pages.get("/ui/workflows/" + encode(id));

        // then
        assertThat(instance.status()).isEqualTo(200);
        for (String body : new String[] {list.body(), instance.body()}) {
            assertThat(body).doesNotContain("<img src=x", "<script>alert(2)").contains("&lt;img src=x onerror=alert(1)&gt;");
        }
        assertThat(instance.body()).contains("&quot;&lt;script&gt;alert(2)&lt;/script&gt;&quot;");
    }

    @Test
    void anInstancePageHasTheSummaryTheTimelineTheHistoryAndTheExportLink() {
        // given
        String id = startAndAwait("Greeting", app.newInstanceId("page"), "\"Grace\"", "COMPLETED");

        // when
        PageCalls.Page page = pages.get("/ui/workflows/" + encode(id));

        // then
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<span class=\"status status-COMPLETED\" id=\"status\">COMPLETED</span>",
                "<pre id=\"payload-output\">&quot;Hello Grace and Hello again&quot;</pre>", "<figure id=\"timeline\"", "<g class=\"bar activity completed\">",
                "<title>Greet: completed", "<caption>8 events</caption>", "<g class=\"bar timer fired\">", "<td>TaskScheduled</td>",
                "href=\"/v1/workflows/" + encode(id) + "/history\" download=\"history.json\"", "Rerun\u2026", "Purge\u2026");
        assertThat(page.body()).as("a terminal instance's page stops refreshing").contains("<div id=\"live\">");
    }

    @Test
    void aFailureShowsItsEscapedMessageAndStackTraceAndParentAndChildLinkToEachOther() {
        // given
        String failed = startAndAwait("Failing", app.newInstanceId("failing"), null, "FAILED");
        String parent = startAndAwait("Parent", app.newInstanceId("parent"), null, "COMPLETED");

        // when
        String failurePage = pages.get("/ui/workflows/" + encode(failed)).body();
        String parentPage = pages.get("/ui/workflows/" + encode(parent)).body();
        String child = parentPage.replaceAll("(?s).*<section aria-labelledby=\"h-children\">.*?<a href=\"/ui/workflows/([^\"]*)\".*", "$1");
        String childPage = pages.get("/ui/workflows/" + child).body();

        // then
        assertThat(failurePage).contains("<strong>java.lang.IllegalStateException</strong>: no &lt;b&gt;stock&lt;/b&gt; left",
                "<summary>Stack trace</summary>", "at io.gregor.").doesNotContain("<b>stock");
        assertThat(parentPage).contains("<td>Echo</td><td>completed</td>", "<g class=\"bar child completed\">");
        assertThat(childPage).contains("<dt>Parent</dt><dd><a href=\"/ui/workflows/" + encode(parent) + "\">", "&quot;kid&quot;");
    }

    @Test
    void anUnknownInstanceAnswersTheNotFoundPage() {
        // when
        PageCalls.Page page = pages.get("/ui/workflows/" + encode("no <such> instance"));

        // then
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.body()).contains("No such instance", "no &lt;such&gt; instance").doesNotContain("<such>");
    }

    @Test
    void anActionAsksForConfirmationFirstAndIsSentOnlyOnceConfirmed() {
        // given
        String id = startAndAwait("Waiter", app.newInstanceId("terminated"), null, "RUNNING");
        String action = "/ui/workflows/" + encode(id) + "/terminate";

        // when
        PageCalls.Page confirmation = pages.post(action, null, Map.of("reason", "no <longer> needed"));
        String afterConfirmationPage = status(id);
        PageCalls.Page confirmed = pages.post(action, url.toString().replaceAll("/$", ""), Map.of("reason", "no longer needed", "confirmed", "yes"));

        // then
        assertThat(confirmation.status()).isEqualTo(200);
        assertThat(confirmation.body()).contains("Terminate instance", "no &lt;longer&gt; needed", "name=\"confirmed\" value=\"yes\"",
                "Yes, terminate");
        assertThat(afterConfirmationPage).isEqualTo("RUNNING");
        assertThat(confirmed.status()).isEqualTo(303);
        assertThat(confirmed.location()).contains("/ui/workflows/" + encode(id) + "?done=terminate&id=" + encode(id));
        Await.until(TIMEOUT, () -> pages.get("/ui/workflows/" + encode(id)).body().contains(">TERMINATED</span>"), () -> id + " to show TERMINATED");
        assertThat(pages.get(confirmed.location().orElseThrow()).body()).contains("role=\"status\"", "Terminate accepted for instance");
    }

    private static PageCalls.Page confirmed(String instanceId, String verb, Map<String, String> fields) {
        Map<String, String> form = new HashMap<>(fields);
        form.put("confirmed", "yes");
        PageCalls.Page answer = pages.post("/ui/workflows/" + encode(instanceId) + "/" + verb, null, form);
        assertThat(answer.status()).as("%s of %s: %s", verb, instanceId, answer.body()).isEqualTo(303);
        return answer;
    }

    private static void awaitStatus(String instanceId, String status) {
        Await.until(TIMEOUT, () -> status.equals(status(instanceId)), () -> instanceId + " to be " + status);
    }

    @Test
    void suspendResumeRaiseEventRerunAndPurgeFormsReachTheEngine() {
        // given
        String id = startAndAwait("Waiter", app.newInstanceId("verbs"), null, "RUNNING");
        String rerun = app.newInstanceId("verbs-rerun");

        // when and then, verb by verb
        confirmed(id, "suspend", Map.of("reason", "look"));
        awaitStatus(id, "SUSPENDED");
        confirmed(id, "resume", Map.of());
        awaitStatus(id, "RUNNING");
        confirmed(id, "raise-event", Map.of("event", "never", "payload", "\"arrived\""));
        awaitStatus(id, "COMPLETED");
        assertThat(api.get("/v1/workflows/" + encode(id)).json().path("output").asText()).isEqualTo("arrived");
        PageCalls.Page rerunAnswer = confirmed(id, "rerun", Map.of("fromEventId", "0", "newInstanceId", rerun));
        assertThat(rerunAnswer.location()).contains("/ui/workflows?done=rerun&id=" + encode(rerun));
        awaitStatus(rerun, "RUNNING");
        PageCalls.Page purged = confirmed(id, "purge", Map.of());
        assertThat(pages.get(purged.location().orElseThrow()).body()).contains("Purge accepted for instance " + id);
        Await.until(TIMEOUT, () -> api.get("/v1/workflows/" + encode(id)).status() == 404, () -> id + " to be purged");
    }

    @Test
    void aFormFromAnotherSiteAnInputThatIsNotJsonAndAPurgeOfALiveInstanceAreRefusedWithTheReason() {
        // given
        String id = startAndAwait("Waiter", app.newInstanceId("kept"), null, "RUNNING");

        // when
        PageCalls.Page foreign = pages.post("/ui/workflows/" + encode(id) + "/terminate", "http://evil.example",
                Map.of("confirmed", "yes"));
        PageCalls.Page badInput = pages.post("/ui/workflows/start", null, Map.of("name", "Echo", "input", "{not json", "confirmed", "yes"));
        PageCalls.Page livePurge = pages.post("/ui/workflows/" + encode(id) + "/purge", null, Map.of("confirmed", "yes"));

        // then
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.body()).contains("Expected a form posted from this dashboard");
        assertThat(badInput.status()).isEqualTo(400);
        assertThat(badInput.body()).contains("role=\"alert\"", "Expected the input to be JSON");
        assertThat(livePurge.status()).as("a purge the API refuses as a conflict").isEqualTo(409);
        assertThat(livePurge.body()).contains("role=\"alert\"", "to purge, but instance " + id + " is RUNNING");
        assertThat(status(id)).isEqualTo("RUNNING");
    }
}
