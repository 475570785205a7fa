package io.gregor.orchestrator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gregor.client.WorkflowClientException;
import io.gregor.client.WorkflowRuntimeStatus;
import io.gregor.client.internal.OrchestratorHttp;
import io.gregor.client.internal.PayloadJson;
import io.gregor.client.internal.Validation;
import io.gregor.client.internal.WorkflowWrites;
import io.gregor.orchestrator.internal.store.InstanceRepository;
import io.gregor.schemas.avro.HistoryEvent;
import io.gregor.schemas.avro.IdReusePolicy;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.avro.Payload;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the API (docs/http-api.md) and what each does: parse and check the request, find
 * the orchestrator that owns the instance (relaying the request there if it is another one),
 * read the store or write the record, answer in JSON. No write happens for a request refused with
 * 4xx: every check runs before the write.
 */
final class WorkflowApi {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowApi.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Refuses trailing garbage after the one JSON value of a body. */
    private static final ObjectMapper BODIES = PayloadJson.mapper().copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Serializer<String> KEYS = new StringSerializer();
    private static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1_000;

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalStores stores;
    private final Peers peers;
    private final WorkflowWrites writes;
    private final Set<String> workflowNames;
    private final IntSupplier partitionCount;

    WorkflowApi(KafkaStreams streams, HostInfo self, LocalStores stores, Peers peers, WorkflowWrites writes, Set<String> workflowNames,
                IntSupplier partitionCount) {
        this.streams = streams;
        this.self = self;
        this.stores = stores;
        this.peers = peers;
        this.writes = writes;
        this.workflowNames = workflowNames;
        this.partitionCount = partitionCount;
    }

    /** A request with its body read once (a relay sends it on as it came). */
    record Request(ServerRequest http, ServerResponse response, byte[] body) {
        String path(String name) {
            return http.path().pathParameters().get(name);
        }

        Parameters query() {
            return http.query();
        }
    }

    static void routes(HttpRules rules, Supplier<WorkflowApi> api) {
        rules.get("/v1/workflows", (req, res) -> run(api, req, res, (a, r) -> a.list(r)))
                .post("/v1/workflows/purge", (req, res) -> run(api, req, res, (a, r) -> a.purgeAll(r)))
                .get("/v1/workflows/count", (req, res) -> run(api, req, res, (a, r) -> a.count(r)))
                .get("/v1/internal/workflows/page", (req, res) -> run(api, req, res, (a, r) -> a.localPage(r)))
                .get("/v1/internal/workflows/counts", (req, res) -> run(api, req, res, (a, r) -> a.localCounts(r)))
                .post("/v1/workflows/{name}/start", (req, res) -> run(api, req, res, (a, r) -> a.start(r)))
                .get("/v1/workflows/{id}", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::getInstance)))
                .get("/v1/workflows/{id}/history", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::history)))
                .post("/v1/workflows/{id}/raiseEvent/{event}", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::raiseEvent)))
                .post("/v1/workflows/{id}/terminate", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::terminate)))
                .post("/v1/workflows/{id}/suspend", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::suspend)))
                .post("/v1/workflows/{id}/resume", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::resume)))
                .post("/v1/workflows/{id}/purge", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::purge)))
                .post("/v1/workflows/{id}/rerun", (req, res) -> run(api, req, res, (a, r) -> a.owned(r, a::rerun)));
    }

    /** What a route does once the API is there and the request's body is read. */
    private interface Route {
        void handle(WorkflowApi api, Request request);
    }

    private static void run(Supplier<WorkflowApi> api, ServerRequest req, ServerResponse res, Route route) {
        try {
            WorkflowApi current = api.get();
            if (current == null) {
                throw ApiError.unavailable("Expected a started orchestrator, but it is not started yet (or closing)");
            }
            byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
            route.handle(current, new Request(req, res, body));
        } catch (ApiError e) {
            error(res, e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            error(res, 400, e.getMessage());
        } catch (InvalidStateStoreException e) {
            error(res, 503, "Expected the stores to be queryable, but found: " + e.getMessage() + " (a rebalance is under way; retry)");
        } catch (WorkflowClientException e) {
            error(res, 503, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("HTTP {} {} failed", req.prologue().method(), req.path().rawPath(), e);
            error(res, 500, "Expected to answer " + req.prologue().method() + " " + req.path().rawPath() + ", but found: " + e);
        }
    }

    private static void error(ServerResponse res, int status, String message) {
        ObjectNode body = JSON.objectNode();
        body.put("status", status);
        body.put("message", message);
        send(res, status, body);
    }

    private static void send(ServerResponse res, int status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(PayloadJson.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Expected to write JSON, but: " + e, e);
        }
    }

    // ------------------------------------------------------------------ instances owned by one orchestrator

    /** An instance's owner: the orchestrator and partition holding its stores. */
    private record Owner(HostInfo host, int partition) {
    }

    /** What to do with an instance at the orchestrator that owns it. */
    private interface OwnedAction {
        void handle(Request request, String instanceId, int partition);
    }

    private void owned(Request request, OwnedAction action) {
        owned(request, action, instanceId(request.path("id")));
    }

    private Owner owner(String instanceId) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(InstanceRepository.STORE, instanceId, KEYS);
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw ApiError.unavailable("Expected an orchestrator to own instance " + instanceId
                    + ", but none does right now (a rebalance is under way; retry)");
        }
        return new Owner(metadata.activeHost(), metadata.partition());
    }

    private void relay(Request request, HostInfo owner) {
        String target = request.http().path().rawPath() + (request.http().query().rawValue().isEmpty() ? ""
                : "?" + request.http().query().rawValue());
        Peers.Answer answer = peers.send(owner, request.http().prologue().method().text(), target, request.body());
        ServerResponse res = request.response();
        res.status(answer.status());
        answer.location().ifPresent(location -> res.header(HeaderNames.LOCATION, location));
        answer.servedBy().ifPresent(servedBy -> res.header(Peers.SERVED_BY, servedBy));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(answer.body());
    }

    private InstanceMetadata existing(String instanceId, int partition) {
        InstanceMetadata metadata = stores.instances(partition).get(instanceId);
        if (metadata == null) {
            throw ApiError.notFound("Expected an instance with id '" + instanceId + "', but found none");
        }
        return metadata;
    }

    private void getInstance(Request request, String instanceId, int partition) {
        ObjectNode view = stores.instanceView(partition, instanceId);
        if (view == null) {
            throw ApiError.notFound("Expected an instance with id '" + instanceId + "', but found none");
        }
        send(request.response(), 200, view);
    }

    private void history(Request request, String instanceId, int partition) {
        InstanceMetadata metadata = stores.instances(partition).get(instanceId);
        List<HistoryEvent> events = stores.history(partition).load(instanceId);
        if (metadata == null && events.isEmpty()) {
            throw ApiError.notFound("Expected an instance with id '" + instanceId + "', but found none");
        }
        send(request.response(), 200, JsonViews.historyExport(instanceId, metadata == null ? null : metadata.getWorkflowName(), events));
    }

    private void raiseEvent(Request request, String instanceId, int partition) {
        String event = Validation.name("event name", request.path("event"));
        Payload payload = payload(request.body(), "the event's payload");
        existing(instanceId, partition);
        writes.raiseEvent(instanceId, event, payload);
        accepted(request, instanceId);
    }

    private void terminate(Request request, String instanceId, int partition) {
        JsonNode options = options(request.body(), "output", "reason", "recursive");
        Payload output = PayloadJson.fromJson(options.get("output"));
        String reason = text(options, "reason");
        boolean recursive = bool(options, "recursive", true);
        existing(instanceId, partition);
        writes.terminate(instanceId, output, reason, recursive);
        accepted(request, instanceId);
    }

    private void suspend(Request request, String instanceId, int partition) {
        String reason = text(options(request.body(), "reason"), "reason");
        existing(instanceId, partition);
        writes.suspend(instanceId, reason);
        accepted(request, instanceId);
    }

    private void resume(Request request, String instanceId, int partition) {
        String reason = text(options(request.body(), "reason"), "reason");
        existing(instanceId, partition);
        writes.resume(instanceId, reason);
        accepted(request, instanceId);
    }

    private void purge(Request request, String instanceId, int partition) {
        boolean recursive = bool(options(request.body(), "recursive"), "recursive", true);
        terminal(existing(instanceId, partition), "purge");
        writes.purge(instanceId, recursive);
        accepted(request, instanceId);
    }

    private void rerun(Request request, String instanceId, int partition) {
        JsonNode options = options(request.body(), "fromEventId", "newInstanceId", "input");
        JsonNode from = options.get("fromEventId");
        if (from != null && !from.isNull() && !from.canConvertToExactIntegral()) {
            throw ApiError.badRequest("Expected fromEventId to be a whole number, but found " + from);
        }
        int fromEventId = from == null || from.isNull() ? 0 : from.asInt();
        String newInstanceId = text(options, "newInstanceId");
        if (newInstanceId != null) {
            Validation.instanceId(newInstanceId);
        }
        Payload input = PayloadJson.fromJson(options.get("input"));
        terminal(existing(instanceId, partition), "rerun");
        int length = stores.history(partition).length(instanceId);
        if (fromEventId < 0 || fromEventId > length) {
            throw ApiError.badRequest("Expected fromEventId from 0 to " + length + " (the history length of instance " + instanceId
                    + "), but found " + fromEventId);
        }
        String target = writes.rerun(instanceId, fromEventId, newInstanceId, input);
        accepted(request, target);
    }

    private static void terminal(InstanceMetadata instance, String verb) {
        if (!WorkflowRuntimeStatus.valueOf(instance.getStatus().name()).isTerminal()) {
            throw ApiError.conflict("Expected a terminal instance (COMPLETED, FAILED or TERMINATED) to " + verb + ", but instance "
                    + instance.getInstanceId() + " is " + instance.getStatus());
        }
    }

    // ------------------------------------------------------------------ start

    private void start(Request request) {
        String name = request.path("name");
        if (!workflowNames.contains(name)) {
            throw ApiError.badRequest("Expected a workflow registered as '" + name + "', but this orchestrator has only " + workflowNames);
        }
        String given = request.query().first("instanceId").orElse(null);
        String instanceId = given == null ? UUID.randomUUID().toString() : Validation.instanceId(given); // allowed: as WorkflowClient, outside any processor
        IdReusePolicy policy = idReusePolicy(request.query().first("idReusePolicy").orElse(null));
        Instant startAt = startAt(request.query().first("startAt").orElse(null));
        Payload input = payload(request.body(), "the workflow's input");
        if (given == null) {
            writes.start(name, instanceId, input, policy, startAt);
            accepted(request, instanceId);
            return;
        }
        // A given id may exist: the orchestrator that owns it refuses a start the engine would refuse, before writing it.
        owned(request, (r, id, partition) -> {
            InstanceMetadata existing = stores.instances(partition).get(id);
            if (existing != null && (policy != IdReusePolicy.ALLOW_IF_TERMINAL
                    || !WorkflowRuntimeStatus.valueOf(existing.getStatus().name()).isTerminal())) {
                throw ApiError.conflict("Expected no " + (policy == IdReusePolicy.ALLOW_IF_TERMINAL ? "live " : "") + "instance with id '"
                        + id + "', but found one that is " + existing.getStatus()
                        + (policy == IdReusePolicy.ALLOW_IF_TERMINAL ? "" : " (start with idReusePolicy=ALLOW_IF_TERMINAL to replace a terminal one)"));
            }
            writes.start(name, id, input, policy, startAt);
            accepted(r, id);
        }, instanceId);
    }

    /** Runs the action here if this orchestrator owns the instance, else relays the request to the one that does. */
    private void owned(Request request, OwnedAction action, String instanceId) {
        Owner owner = owner(instanceId);
        if (owner.host().equals(self)) {
            request.response().header(Peers.SERVED_BY, self.host() + ":" + self.port());
            action.handle(request, instanceId, owner.partition());
        } else if (request.http().headers().contains(HeaderNames.create(Peers.FORWARDED))) {
            throw ApiError.unavailable("Expected to own instance " + instanceId + " when asked by another orchestrator, but "
                    + owner.host() + " owns it now (a rebalance is under way; retry)");
        } else {
            relay(request, owner.host());
        }
    }

    private static IdReusePolicy idReusePolicy(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return IdReusePolicy.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Expected idReusePolicy to be one of " + Arrays.toString(IdReusePolicy.values()) + ", but found '"
                    + text + "'");
        }
    }

    private static Instant startAt(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("Expected startAt as an ISO-8601 instant such as 2026-12-04T10:15:30Z, but found '" + text + "'");
        }
    }

    private static void accepted(Request request, String instanceId) {
        ObjectNode body = JSON.objectNode();
        body.put("instanceId", instanceId);
        request.response().header(HeaderNames.LOCATION, "/v1/workflows/" + OrchestratorHttp.segment(instanceId));
        send(request.response(), 202, body);
    }

    // ------------------------------------------------------------------ lists and counts, across orchestrators

    private void list(Request request) {
        Listing.Part page = page(InstanceFilter.parse(request.query()), Listing.after(request.query().first("pageToken").orElse(null)),
                pageSize(request.query()));
        ObjectNode body = JSON.objectNode();
        ArrayNode instances = body.putArray("instances");
        page.items().forEach(item -> instances.add(item.view()));
        body.put("nextPageToken", page.complete() ? null : Listing.token(page.frontier()));
        send(request.response(), 200, body);
    }

    /** One page of the matches across every orchestrator: what a list answers and a batch purge reads. */
    private Listing.Part page(InstanceFilter filter, String after, int pageSize) {
        LocalStores.LocalPart local = stores.page(filter, after, pageSize);
        SortedSet<Integer> covered = new TreeSet<>(local.partitions());
        List<Listing.Part> parts = new ArrayList<>(List.of(local.part()));
        String peerQuery = "/v1/internal/workflows/page?limit=" + pageSize
                + (after == null ? "" : "&after=" + OrchestratorHttp.query(after)) + filter.toQuery();
        for (JsonNode answer : fanOut(peerQuery)) {
            covered.addAll(partitions(answer));
            parts.add(part(answer));
        }
        checkCovered(covered);
        return Listing.merge(parts, pageSize);
    }

    private void purgeAll(Request request) {
        BatchPurge batch = BatchPurge.parse(options(request.body(), BatchPurge.FIELDS), Instant.now()); // allowed: the request's own time, never replayed
        send(request.response(), 202, batch.run(this::page, writes).json());
    }

    private void localPage(Request request) {
        InstanceFilter filter = InstanceFilter.parse(request.query());
        int limit = pageSize(request.query(), "limit");
        String after = request.query().first("after").filter(a -> !a.isEmpty()).orElse(null);
        LocalStores.LocalPart local = stores.page(filter, after, limit);
        ObjectNode body = JSON.objectNode();
        ArrayNode partitions = body.putArray("partitions");
        local.partitions().forEach(partitions::add);
        ArrayNode instances = body.putArray("instances");
        local.part().items().forEach(item -> instances.add(item.view()));
        body.put("frontier", local.part().frontier());
        send(request.response(), 200, body);
    }

    private static Listing.Part part(JsonNode answer) {
        List<Listing.Listed> items = new ArrayList<>();
        for (JsonNode instance : answer.path("instances")) {
            items.add(new Listing.Listed(instance.path("instanceId").asText(), (ObjectNode) instance));
        }
        JsonNode frontier = answer.get("frontier");
        return new Listing.Part(items, frontier == null || frontier.isNull() ? null : frontier.asText());
    }

    private void count(Request request) {
        String groupBy = request.query().first("groupBy").orElse("status");
        if (!groupBy.equals("status")) {
            throw ApiError.badRequest("Expected groupBy=status (the only grouping), but found groupBy=" + groupBy);
        }
        InstanceFilter filter = InstanceFilter.parse(request.query());
        LocalStores.LocalCounts local = stores.countByStatus(filter);
        SortedSet<Integer> covered = new TreeSet<>(local.partitions());
        Map<String, Long> groups = new TreeMap<>(local.groups());
        for (JsonNode answer : fanOut("/v1/internal/workflows/counts?groupBy=status" + filter.toQuery())) {
            covered.addAll(partitions(answer));
            answer.path("groups").fields().forEachRemaining(group -> groups.merge(group.getKey(), group.getValue().asLong(), Long::sum));
        }
        checkCovered(covered);
        ObjectNode body = JSON.objectNode();
        body.put("groupBy", "status");
        body.put("total", groups.values().stream().mapToLong(Long::longValue).sum());
        ObjectNode byStatus = body.putObject("groups");
        groups.forEach(byStatus::put);
        send(request.response(), 200, body);
    }

    private void localCounts(Request request) {
        LocalStores.LocalCounts local = stores.countByStatus(InstanceFilter.parse(request.query()));
        ObjectNode body = JSON.objectNode();
        ArrayNode partitions = body.putArray("partitions");
        local.partitions().forEach(partitions::add);
        ObjectNode groups = body.putObject("groups");
        local.groups().forEach(groups::put);
        send(request.response(), 200, body);
    }

    /** Asks every other orchestrator of the application at once; any failure fails the request. */
    private List<JsonNode> fanOut(String pathAndQuery) {
        List<HostInfo> others = new ArrayList<>();
        for (StreamsMetadata client : streams.metadataForAllStreamsClients()) {
            if (!client.hostInfo().equals(self) && !others.contains(client.hostInfo())) {
                others.add(client.hostInfo());
            }
        }
        if (others.isEmpty()) {
            return List.of();
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<JsonNode>> answers = others.stream()
                    .map(peer -> CompletableFuture.supplyAsync(() -> peers.get(peer, pathAndQuery), threads)).toList();
            List<JsonNode> all = new ArrayList<>();
            for (CompletableFuture<JsonNode> answer : answers) {
                all.add(answer.join());
            }
            return all;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static List<Integer> partitions(JsonNode answer) {
        List<Integer> partitions = new ArrayList<>();
        answer.path("partitions").forEach(p -> partitions.add(p.asInt()));
        return partitions;
    }

    private void checkCovered(SortedSet<Integer> covered) {
        int count = partitionCount.getAsInt();
        List<Integer> missing = new ArrayList<>();
        for (int partition = 0; partition < count; partition++) {
            if (!covered.contains(partition)) {
                missing.add(partition);
            }
        }
        if (!missing.isEmpty()) {
            throw ApiError.unavailable("Expected every one of the " + count + " partitions to be queried, but partitions " + missing
                    + " had no orchestrator to answer for them (a rebalance is under way; retry)");
        }
    }

    private static int pageSize(Parameters query) {
        return pageSize(query, "pageSize");
    }

    private static int pageSize(Parameters query, String parameter) {
        String text = query.first(parameter).orElse(null);
        if (text == null || text.isBlank()) {
            return DEFAULT_PAGE_SIZE;
        }
        try {
            int size = Integer.parseInt(text.trim());
            if (size >= 1 && size <= MAX_PAGE_SIZE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiError.badRequest("Expected " + parameter + " to be a whole number from 1 to " + MAX_PAGE_SIZE + ", but found '" + text + "'");
    }

    // ------------------------------------------------------------------ request parts

    private static String instanceId(String id) {
        try {
            return Validation.instanceId(id);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    /** A body that is the payload itself: any JSON value, or nothing for none. */
    private static Payload payload(byte[] body, String what) {
        if (body.length == 0) {
            return null;
        }
        try {
            BODIES.readTree(body);
        } catch (IOException e) {
            throw ApiError.badRequest("Expected the request body to be JSON (" + what + "), but found: " + firstLine(e));
        }
        return new Payload(PayloadJson.JSON, ByteBuffer.wrap(body));
    }

    /** A body of options: nothing, or a JSON object with only the named fields. */
    private static JsonNode options(byte[] body, String... fields) {
        if (body.length == 0) {
            return JSON.objectNode();
        }
        JsonNode options;
        try {
            options = BODIES.readTree(body);
        } catch (IOException e) {
            throw ApiError.badRequest("Expected the request body to be a JSON object with fields " + Arrays.toString(fields)
                    + ", but found: " + firstLine(e));
        }
        if (options == null || options.isMissingNode() || options.isNull()) {
            return JSON.objectNode();
        }
        if (!options.isObject()) {
            throw ApiError.badRequest("Expected the request body to be a JSON object with fields " + Arrays.toString(fields)
                    + ", but found " + options.getNodeType());
        }
        List<String> allowed = List.of(fields);
        for (Iterator<String> names = options.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiError.badRequest("Expected only the fields " + allowed + " in the request body, but found '" + name + "'");
            }
        }
        return options;
    }

    static String text(JsonNode options, String field) {
        JsonNode value = options.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("Expected " + field + " to be a string, but found " + value);
        }
        return value.asText();
    }

    static boolean bool(JsonNode options, String field, boolean fallback) {
        JsonNode value = options.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw ApiError.badRequest("Expected " + field + " to be true or false, but found " + value);
        }
        return value.asBoolean();
    }

    private static String firstLine(IOException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
