package io.gregor.orchestrator.http;

import io.gregor.client.internal.ClientSettings;
import io.gregor.client.internal.RecordWriter;
import io.gregor.client.internal.WorkflowWrites;
import io.gregor.orchestrator.dashboard.Dashboard;
import io.gregor.schemas.Topics;
import io.gregor.schemas.avro.HistoryBatch;
import io.gregor.schemas.avro.InstanceMetadata;
import io.gregor.schemas.payload.DataConverter;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.serde.AvroSerde;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of one orchestrator (docs/http-api.md) on Helidon SE's web server, one virtual
 * thread per request.
 *
 * <p>It is bound before Kafka Streams is created, because Kafka Streams must be told the address
 * it advertises to the other orchestrators ({@code application.server}), and with port 0 that is
 * known only once bound. Until {@link #attach} it answers 503.
 */
public final class HttpApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);
    /** The largest request body; a payload's own limit (1 MiB by default) is checked after. */
    private static final long MAX_BODY_BYTES = 2L * 1024 * 1024;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(30);

    private final WebServer server;
    private final URI advertised;
    /** Where the dashboard reaches this server's own API; null when it is not served. */
    private final URI dashboardApi;
    private volatile WorkflowApi api;
    private volatile MeterRegistry metrics;
    private volatile Dashboard dashboard;
    private SchemaRegistryClient registry;
    private WorkflowWrites writes;

    private HttpApiServer(WebServer server, URI advertised, URI dashboardApi) {
        this.server = server;
        this.advertised = advertised;
        this.dashboardApi = dashboardApi;
    }

    private static final String HOW_TO_CHOOSE = " (set GregorOrchestrator.Builder.httpPort, 0 for any free port, or httpEnabled(false))";

    /**
     * Binds and starts serving (503 until attached).
     *
     * @param host          the address to bind, e.g. 127.0.0.1 or 0.0.0.0
     * @param port          the port; 0 picks a free one
     * @param advertisedUrl the URL other orchestrators and clients reach this one at, or null for
     *                      {@code http://<host>:<bound port>} (the local host's address when bound to a wildcard)
     * @param dashboard     whether to serve the web dashboard (docs/dashboard.md) at {@code /ui/} too
     * @return the running server
     * @throws IllegalStateException if the port cannot be bound
     */
    public static HttpApiServer bind(String host, int port, String advertisedUrl, boolean dashboard) {
        HttpApiServer[] self = new HttpApiServer[1];
        WebServer server;
        try {
            // Without TCP_NODELAY a response written in several parts (a page, a history) waits for the client's
            // delayed ACK: ~40 ms added to every large answer (measured by load-tests' queries scenario).
            server = WebServer.builder().host(host).port(port).maxPayloadSize(MAX_BODY_BYTES).shutdownHook(false)
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    .routing(routing -> {
                        WorkflowApi.routes(routing, () -> self[0] == null ? null : self[0].api);
                        MetricsRoute.routes(routing, () -> self[0] == null ? null : self[0].metrics);
                        if (dashboard) {
                            Dashboard.routes(routing, () -> self[0] == null ? null : self[0].dashboard);
                        }
                    })
                    .build().start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Expected to serve the HTTP API on " + host + ":" + port + ", but found: " + e
                    + HOW_TO_CHOOSE, e);
        }
        if (!server.isRunning() || server.port() < 0) {
            // Helidon logs a listener that cannot bind and returns a server without a port; Kafka Streams would then be
            // handed "null:-1" as its application.server, which says nothing about the cause.
            server.stop();
            throw new IllegalStateException("Expected to serve the HTTP API on " + host + ":" + port
                    + ", but could not bind it (is another process using the port?)" + HOW_TO_CHOOSE);
        }
        self[0] = new HttpApiServer(server, advertised(host, server.port(), advertisedUrl),
                dashboard ? advertised(host, server.port(), null) : null);
        return self[0];
    }

    private static URI advertised(String host, int port, String advertisedUrl) {
        if (advertisedUrl != null) {
            URI uri = URI.create(advertisedUrl);
            if (uri.getHost() == null || uri.getPort() < 0 || !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("Expected an advertised HTTP URL with host and port, such as http://orchestrator-1:7070, "
                        + "but found '" + advertisedUrl + "'");
            }
            return uri;
        }
        String reachable = host;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            try {
                reachable = InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                reachable = "127.0.0.1";
            }
        }
        return URI.create("http://" + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port);
    }

    /** @return the {@code host:port} for Kafka Streams' {@code application.server} */
    public String applicationServer() {
        return advertised.getHost() + ":" + advertised.getPort();
    }

    /** @return the URL this orchestrator's API is reached at */
    public URI url() {
        return advertised;
    }

    /** @return the bound port */
    public int port() {
        return server.port();
    }

    /**
     * Starts answering: the stores are read through {@code streams}, records are written with an
     * idempotent producer of its own.
     *
     * @param streams           the orchestrator's Kafka Streams
     * @param topics            the topic names
     * @param workflowNames     the registered workflows, for refusing a start of any other
     * @param bootstrapServers  Kafka
     * @param schemaRegistryUrl the registry
     * @param converter         the payload converter (JSON bodies are written as json payloads)
     */
    public synchronized void attach(KafkaStreams streams, Topics topics, Set<String> workflowNames, String bootstrapServers,
                                    String schemaRegistryUrl, DataConverter converter) {
        ClientSettings settings = new ClientSettings(bootstrapServers, schemaRegistryUrl, topics, converter, Map.of(),
                1024 * 1024, PEER_TIMEOUT);
        registry = SchemaRegistryClient.forUrl(schemaRegistryUrl);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producerConfig());
        writes = new WorkflowWrites(new RecordWriter(producer, registry, PEER_TIMEOUT), topics, settings.maxPayloadBytes());
        LocalStores stores = new LocalStores(streams, topics.inbox(), new AvroSerde<>(registry, InstanceMetadata.class),
                new AvroSerde<>(registry, HistoryBatch.class));
        HostInfo self = new HostInfo(advertised.getHost(), advertised.getPort());
        api = new WorkflowApi(streams, self, stores, new Peers(PEER_TIMEOUT), writes,
                Collections.unmodifiableSortedSet(new TreeSet<>(workflowNames)),
                () -> producer.partitionsFor(topics.inbox()).size());
        if (dashboardApi != null) {
            dashboard = new Dashboard(dashboardApi, Collections.unmodifiableSortedSet(new TreeSet<>(workflowNames)), PEER_TIMEOUT);
        }
        LOG.info("Gregor HTTP API at {} (bound to port {})", advertised, server.port());
    }

    /**
     * Serves {@code GET /metrics} (docs/metrics.md) from this registry; until then it answers 503.
     *
     * @param registry the orchestrator's meters: a PrometheusMeterRegistry, or a composite holding one
     */
    public void serveMetrics(MeterRegistry registry) {
        this.metrics = registry;
    }

    /** Stops serving and closes the producer. Idempotent. */
    @Override
    public synchronized void close() {
        api = null;
        dashboard = null;
        try {
            server.stop();
        } finally {
            if (writes != null) {
                writes.close();
                writes = null;
            }
            if (registry != null) {
                registry.close();
                registry = null;
            }
        }
    }
}
