package io.gregor.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.gregor.client.WorkflowClientException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web dashboard (docs/dashboard.md): server-rendered pages at {@code /ui/workflows} over this
 * orchestrator's own JSON API, with htmx (served from the classpath) refreshing the list and a
 * running instance's page. Every page works without script; every value shown is escaped.
 */
public final class Dashboard {

    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    /** Scripts and styles only from this origin: even a value that escaped escaping could not run. */
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Asset HTMX = Asset.load("META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js", "text/javascript");
    private static final Asset CSS = Asset.load("io/gregor/orchestrator/dashboard/dashboard.css", "text/css");

    private final ApiCalls api;
    private final Set<String> workflowNames;

    /**
     * @param api           this orchestrator's JSON API, as reachable from itself
     * @param workflowNames the registered workflows, offered by the start form
     * @param timeout       how long a call to the API may take
     */
    public Dashboard(URI api, Set<String> workflowNames, Duration timeout) {
        this.api = new ApiCalls(api, timeout);
        this.workflowNames = workflowNames;
    }

    /**
     * Adds the dashboard's routes: {@code /} (a redirect), {@code /ui/workflows}, {@code /ui/workflows/{id}},
     * their refreshed fragments, the action forms and {@code /ui/assets/}.
     *
     * @param rules     the server's routing
     * @param dashboard the dashboard, or null until the orchestrator has started (pages answer 503 meanwhile)
     */
    public static void routes(HttpRules rules, Supplier<Dashboard> dashboard) {
        rules.get("/", (req, res) -> redirect(res, ListPage.PATH))
                .get("/ui", (req, res) -> redirect(res, ListPage.PATH))
                .get("/ui/assets/htmx.min.js", (req, res) -> HTMX.send(res))
                .get("/ui/assets/dashboard.css", (req, res) -> CSS.send(res))
                .get(ListPage.PATH, (req, res) -> run(dashboard, req, res, Dashboard::list))
                .get(ListPage.FRAGMENT, (req, res) -> run(dashboard, req, res,
                        (d, rq, rs) -> html(rs, 200, ListPage.fragment(ListPage.Query.of(rq.query()), d.api))))
                .post(ListPage.PATH + "/start", (req, res) -> run(dashboard, req, res, (d, rq, rs) -> d.act(rq, rs, "start", null)))
                .get(ListPage.PATH + "/{id}", (req, res) -> run(dashboard, req, res, (d, rq, rs) -> d.instance(rq, rs, false)))
                .get(InstancePage.FRAGMENT + "{id}", (req, res) -> run(dashboard, req, res, (d, rq, rs) -> d.instance(rq, rs, true)))
                .post(ListPage.PATH + "/{id}/{verb}", (req, res) -> run(dashboard, req, res,
                        (d, rq, rs) -> d.act(rq, rs, rq.path().pathParameters().get("verb"), rq.path().pathParameters().get("id"))));
    }

    private interface Page {
        void handle(Dashboard dashboard, ServerRequest req, ServerResponse res);
    }

    private static void run(Supplier<Dashboard> dashboard, ServerRequest req, ServerResponse res, Page page) {
        try {
            Dashboard current = dashboard.get();
            if (current == null) {
                html(res, 503, Layout.page("Starting", new Layout.Notice(true,
                        "Expected a started orchestrator, but it is not started yet (or closing); reload in a moment."), html -> { }));
                return;
            }
            page.handle(current, req, res);
        } catch (IllegalArgumentException e) {
            html(res, 400, Layout.page("Refused", new Layout.Notice(true, e.getMessage()), Dashboard::backLink));
        } catch (IllegalStateException e) {
            // the API's 409: the action does not apply to the instance as it is now (e.g. purging a live one)
            html(res, 409, Layout.page("Refused", new Layout.Notice(true, e.getMessage()), Dashboard::backLink));
        } catch (WorkflowClientException e) {
            html(res, 503, Layout.page("Unavailable", new Layout.Notice(true, e.getMessage()), Dashboard::backLink));
        } catch (RuntimeException e) {
            LOG.error("Dashboard {} {} failed", req.prologue().method(), req.path().rawPath(), e);
            html(res, 500, Layout.page("Error", new Layout.Notice(true, "Expected to answer " + req.path().rawPath() + ", but found: " + e),
                    Dashboard::backLink));
        }
    }

    private static void backLink(Html html) {
        html.open("p").element("a", "Back to the list", "href", ListPage.PATH).close("p");
    }

    private void list(ServerRequest req, ServerResponse res) {
        html(res, 200, ListPage.page(ListPage.Query.of(req.query()), done(req), api, workflowNames));
    }

    private void instance(ServerRequest req, ServerResponse res, boolean fragment) {
        String id = req.path().pathParameters().get("id");
        Optional<JsonNode> instance = api.instance(id);
        Optional<JsonNode> history = instance.isEmpty() ? Optional.empty() : api.history(id);
        if (instance.isEmpty() || history.isEmpty()) {
            html(res, 404, InstancePage.notFound(id));
            return;
        }
        html(res, 200, fragment ? InstancePage.live(instance.get(), history.get()) : InstancePage.page(instance.get(), history.get(), done(req)));
    }

    private void act(ServerRequest req, ServerResponse res, String verbPath, String instanceId) {
        Actions.Verb verb = Actions.Verb.of(verbPath).filter(v -> (v == Actions.Verb.START) == (instanceId == null))
                .orElseThrow(() -> new IllegalArgumentException("Expected an action such as terminate, but found '" + verbPath + "'"));
        sameOrigin(req);
        Map<String, String> form = form(req);
        String back = instanceId == null ? ListPage.PATH : Layout.instancePath(instanceId);
        if (!"yes".equals(form.get("confirmed"))) {
            html(res, 200, Actions.confirmation(verb, instanceId, form, back));
            return;
        }
        redirect(res, Actions.perform(verb, instanceId, form, api));
    }

    /** A form posted from another site's page (which a browser would send with this site's access) is refused. */
    private static void sameOrigin(ServerRequest req) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        Optional<String> host = req.headers().first(HeaderNames.HOST);
        if (origin.isPresent() && !origin.get().equals("null") && host.isPresent()
                && !URI.create(origin.get()).getRawAuthority().equalsIgnoreCase(host.get())) {
            throw new IllegalArgumentException("Expected a form posted from this dashboard (" + host.get() + "), but found one from "
                    + origin.get());
        }
    }

    private static Map<String, String> form(ServerRequest req) {
        Map<String, String> form = new LinkedHashMap<>();
        if (!req.content().hasEntity()) {
            return form;
        }
        for (String pair : req.content().as(String.class).split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                form.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    /** The result of an action, named by the redirect that followed it. */
    private static Layout.Notice done(ServerRequest req) {
        return req.query().first("done").flatMap(Actions.Verb::of)
                .map(verb -> new Layout.Notice(false, verb.done.formatted(req.query().first("id").orElse("?"))))
                .orElse(null);
    }

    /** @return the message of a failed call to the API, for a page */
    static String message(RuntimeException e) {
        return e instanceof IllegalArgumentException || e instanceof WorkflowClientException ? e.getMessage() : e.toString();
    }

    private static void html(ServerResponse res, int status, String page) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.create("Content-Security-Policy"), POLICY);
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(page.getBytes(StandardCharsets.UTF_8));
    }

    private static void redirect(ServerResponse res, String location) {
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    /** A file of the classpath, read once. */
    private record Asset(byte[] bytes, String type) {
        static Asset load(String resource, String type) {
            try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Expected " + resource + " on the classpath, but found none");
                }
                return new Asset(in.readAllBytes(), type);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void send(ServerResponse res) {
            res.header(HeaderNames.CONTENT_TYPE, type + "; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
            res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
            res.send(bytes);
        }
    }
}
