package io.gregor.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gregor.loadtest.engine.Engine;
import io.gregor.loadtest.report.RunResult.Latency;
import io.gregor.loadtest.scenario.StepClock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The measurement of the {@code queries} scenario: once its one-step instances have completed, it runs one long
 * instance, then times the orchestrator's HTTP API over what they left behind, as an operator's tool sees it.
 *
 * <p>A request is timed from just before it is sent until its whole body has been read, as {@code curl -w
 * '%{time_total}'} times it; the body is parsed and checked after the clock stops (a page that misses instances, or a
 * history shorter than the instance's, fails the run instead of being timed). The requests run one at a time on one
 * connection, each {@link #WARMUP} times untimed, then {@link #REPEATS} times.
 */
final class QueryTimings {
    /** Untimed requests of each kind before the timed ones: the first pay for class loading and the JIT. */
    static final int WARMUP = 3;
    /** Timed requests of each kind. */
    static final int REPEATS = 20;
    /** The page size of the listing that reads every page, Temporal's and Dapr's page size order of magnitude. */
    static final int SMALL_PAGE = 100;

    private static final Logger LOG = LoggerFactory.getLogger("loadtest");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final URI api;
    /** Instances the listing must show: every one the run started. */
    private final long total;
    /** Nanoseconds the current request of {@link #time} spent in {@link #get}, summed over its pages. */
    private long timedNanos;

    private QueryTimings(URI api, long total) {
        this.api = api;
        this.total = total;
    }

    /**
     * Runs the long instance and times the requests.
     *
     * @param engine     the running engine, whose one-step instances have all ended
     * @param options    {@code --instances} and {@code --steps}
     * @param tracker    a tracker no other instance uses, for the long instance's ending
     * @param recorder   its recorder
     * @return each request's latency, by what it asked
     * @throws Exception if the engine has no HTTP API, the long instance did not complete, or an answer was wrong
     */
    static Map<String, Latency> run(Engine engine, DriverOptions options, CompletionTracker tracker, LatencyRecorder recorder)
            throws Exception {
        URI api = engine.httpApi().orElseThrow(() -> new IllegalArgumentException(
                "Expected an engine with an HTTP API for the queries scenario (gregor in the driver's JVM), but found "
                        + engine.description()));
        String runId = options.runId() + "-long";
        InstanceStarter starter = new InstanceStarter(engine, runId, options.steps(), tracker, StepClock.NONE, recorder);
        Duration wait = options.drainTimeout().plusMillis(20L * options.steps());
        LOG.info("Running one instance of {} steps (a history of {} events), waiting up to {}", options.steps(),
                2L * options.steps() + 2, wait);
        if (!Boolean.TRUE.equals(starter.start(System.nanoTime(), true).get(wait.toMillis(), TimeUnit.MILLISECONDS))) {
            throw new IllegalStateException("Expected the long instance " + runId + "-1 to complete, but it did not");
        }
        return new QueryTimings(api, options.instances() + 1L).measure(runId + "-1", 2L * options.steps() + 2);
    }

    private Map<String, Latency> measure(String longId, long historyEvents) throws Exception {
        String id = URLEncoder.encode(longId, StandardCharsets.UTF_8);
        Map<String, Latency> timings = new LinkedHashMap<>();
        timings.put("list: one page of 1000", time(() -> {
            JsonNode page = get("/v1/workflows?pageSize=1000");
            expect("instances on the page", Math.min(1000, total), page.path("instances").size());
        }));
        timings.put("list: every page of " + SMALL_PAGE + " (" + total + " instances)", time(this::listEveryPage));
        timings.put("count by status", time(() -> expect("instances counted", total,
                get("/v1/workflows/count?groupBy=status").path("total").asLong())));
        timings.put("status of one instance", time(() -> expect("its history length", historyEvents,
                get("/v1/workflows/" + id).path("historyLength").asLong())));
        timings.put("history of " + historyEvents + " events", time(() -> expect("history events", historyEvents,
                get("/v1/workflows/" + id + "/history").path("events").size())));
        timings.forEach((query, l) -> LOG.info("{}: p50 {} p90 {} max {} ms over {} requests", query, l.p50(), l.p90(), l.max(),
                l.count()));
        return timings;
    }

    private void listEveryPage() throws Exception {
        Set<String> seen = new HashSet<>();
        String token = null;
        do {
            JsonNode page = get("/v1/workflows?pageSize=" + SMALL_PAGE
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
            for (JsonNode instance : page.path("instances")) {
                if (!seen.add(instance.path("instanceId").asText())) {
                    throw new IllegalStateException("Expected every instance on one page only, but found "
                            + instance.path("instanceId").asText() + " twice");
                }
            }
            token = page.path("nextPageToken").isTextual() ? page.path("nextPageToken").asText() : null;
        } while (token != null);
        expect("instances over all pages", total, seen.size());
    }

    /** A request of the scenario: sends, reads and checks; only {@link #get}'s send and read are timed. */
    @FunctionalInterface
    private interface Query {
        void run() throws Exception;
    }

    private Latency time(Query query) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            query.run();
        }
        Histogram micros = new Histogram(3);
        for (int i = 0; i < REPEATS; i++) {
            timedNanos = 0;
            query.run();
            micros.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(timedNanos)));
        }
        return LatencyRecorder.summarize(micros);
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(pathAndQuery)).timeout(REQUEST_TIMEOUT).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        timedNanos += System.nanoTime() - t0;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Expected 200 from GET " + pathAndQuery + ", but found " + response.statusCode()
                    + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(response.body());
    }

    private static void expect(String what, long expected, long actual) {
        if (expected != actual) {
            throw new IllegalStateException("Expected " + expected + " " + what + ", but found " + actual);
        }
    }
}
