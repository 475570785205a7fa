package io.gregor.testkit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker running inside this JVM: one KRaft node that is both broker and
 * controller, listening on 127.0.0.1 only, with its data in a temporary directory that
 * {@link #close()} deletes (or, from {@link #startPersistent}, in a directory that it keeps).
 *
 * <p>It is the production server class ({@code kafka.server.KafkaRaftServer}, what
 * {@code kafka-server-start.sh} runs) with a one-node configuration: every internal topic has
 * replication factor 1 and min ISR 1, topics are never auto-created, the first consumer-group
 * rebalance is not delayed, and share groups (KIP-932) and transactions work out of the box.
 * Groups of the modern protocols heartbeat every 500 ms instead of 5 s (a new share consumer gets
 * its first records after ~0.5 s instead of ~5 s), and the lower bounds of group session timeouts
 * and share record lock durations are 1 s, so crash tests can configure fast failure detection
 * per group; the defaults of those stay Kafka's.
 *
 * <p>Why not {@code KafkaClusterTestKit}: its pre-bound sockets listen on the wildcard address
 * (0.0.0.0), which would expose an unauthenticated broker to the network, and it enables unstable
 * API and feature versions, which a production broker does not. Like a real broker, a fatal
 * metadata fault halts the JVM rather than being swallowed.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path directory;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final boolean deleteOnClose;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path directory, String bootstrapServers, Duration startupTime,
                          boolean deleteOnClose) {
        this.server = server;
        this.directory = directory;
        this.bootstrapServers = bootstrapServers;
        this.startupTime = startupTime;
        this.deleteOnClose = deleteOnClose;
        this.shutdownHook = Support.addShutdownHook("gregor-embedded-kafka-shutdown", this::close);
    }

    /**
     * Formats a fresh temporary directory and starts a broker on it; returns once the broker is
     * registered, unfenced and answering clients.
     *
     * @return the running broker; the caller closes it
     * @throws IllegalStateException if the broker cannot be started
     */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /**
     * Like {@link #start()}, with broker properties added to or replacing the defaults, e.g.
     * {@code Map.of("group.share.record.lock.duration.ms", "5000")}.
     *
     * @param overrides broker properties ({@code server.properties} keys)
     * @return the running broker; the caller closes it
     */
    public static EmbeddedKafka start(Map<String, String> overrides) {
        EmbeddedKafka kafka = startQuietly(overrides);
        LOG.info("{} (started in {} ms)", kafka, kafka.startupTime().toMillis());
        return kafka;
    }

    /** Starts without the one-line announcement, for callers that announce a whole setup themselves. */
    static EmbeddedKafka startQuietly(Map<String, String> overrides) {
        long begin = System.nanoTime();
        Path directory = Support.createOwnedTempDirectory("gregor-kafka-");
        Exception lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path logDir = directory.resolve("attempt-" + attempt);
            // The controller port must be known before start (it is in the static voter list), so it is
            // picked in advance; another process may grab it meanwhile, hence the retries.
            int brokerPort = Support.freeLoopbackPort();
            int controllerPort = Support.freeLoopbackPort();
            KafkaRaftServer[] server = {null};
            try {
                format(logDir);
                String bootstrap = startServer(logDir, brokerPort, controllerPort, overrides, server);
                Duration took = Duration.ofNanos(System.nanoTime() - begin);
                return new EmbeddedKafka(server[0], directory, bootstrap, took, true);
            } catch (Exception e) {
                // Exception, not RuntimeException: the Scala server code throws checked exceptions
                // (e.g. a TimeoutException from startup) without declaring them.
                lastFailure = e;
                shutdown(server[0]);
                Support.deleteRecursively(logDir);
                if (!isPortClash(e)) {
                    break;
                }
                LOG.warn("Embedded Kafka start attempt {} of {} found port {} or {} taken; retrying with other ports",
                        attempt, START_ATTEMPTS, brokerPort, controllerPort);
            }
        }
        Support.deleteRecursively(directory);
        throw new IllegalStateException("Expected an embedded Kafka broker to start, but it failed: " + lastFailure,
                lastFailure);
    }

    /**
     * Starts a broker whose data stays in {@code logDir} after {@link #close()}, for a local server
     * that keeps its state across restarts. The directory is formatted only when it holds no broker
     * data yet; the ports are fixed, so that clients configured for an earlier run stay valid.
     *
     * @param logDir         the broker's log and metadata directory, created if missing
     * @param brokerPort     the port clients connect to
     * @param controllerPort the KRaft controller's port
     * @return the running broker; the caller closes it
     * @throws IllegalStateException if the broker cannot be started, e.g. because a port is taken
     */
    public static EmbeddedKafka startPersistent(Path logDir, int brokerPort, int controllerPort) {
        long begin = System.nanoTime();
        KafkaRaftServer[] server = {null};
        try {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }
            String bootstrap = startServer(logDir, brokerPort, controllerPort, Map.of(), server);
            return new EmbeddedKafka(server[0], logDir, bootstrap, Duration.ofNanos(System.nanoTime() - begin), false);
        } catch (Exception e) {
            shutdown(server[0]);
            throw new IllegalStateException("Expected an embedded Kafka broker to start on " + logDir + " with ports "
                    + brokerPort + " and " + controllerPort + ", but it failed: " + e, e);
        }
    }

    /** Starts a broker on a formatted directory; {@code started[0]} holds it as soon as it exists, for cleanup. */
    private static String startServer(Path logDir, int brokerPort, int controllerPort, Map<String, String> overrides,
                                      KafkaRaftServer[] started) {
        Properties properties = brokerProperties(logDir, brokerPort, controllerPort);
        properties.putAll(overrides);
        KafkaConfig config = KafkaConfig.fromProps(properties, false);
        started[0] = new KafkaRaftServer(config, Time.SYSTEM);
        started[0].startup();
        String bootstrap = Support.LOOPBACK + ":" + brokerPort;
        awaitClientsServed(bootstrap);
        return bootstrap;
    }

    private static boolean isPortClash(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one-node configuration; each line is what a single broker needs to behave like a cluster.
     * {@link KafkaClusterNode} starts from it and replaces the node id, the voters and the replication settings.
     */
    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + Support.LOOPBACK + ":" + controllerPort);
        p.put("listeners", BROKER_LISTENER + "://" + Support.LOOPBACK + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + Support.LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + Support.LOOPBACK + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", logDir.toString());
        // Unbounded by default: a broker that cannot reach its controller would hang start() forever.
        p.put("server.max.startup.time.ms", Long.toString(READY_TIMEOUT.toMillis()));

        // With one node, any replication factor or min ISR above 1 makes the internal topics (and
        // with them groups, transactions and share groups) unusable.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // 50 partitions per internal topic (the default) only make the first group/transaction/share
        // group on a fresh broker slower; a single broker gains nothing from spreading coordinators.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");

        // Tests start consumers one after another; the default 3 s delay would stall every first join.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Under transaction version 2 the first write of a transaction to a partition is verified with
        // the coordinator, which refuses it (CONCURRENT_TRANSACTIONS) until the previous transaction's
        // markers are written; the broker then retries after this backoff, 20 ms by default. A stream
        // thread that commits every few milliseconds met that wait in nearly every transaction, and its
        // next commit's flush waited for it (docs/configuration.md, "Broker settings").
        p.put("add.partitions.to.txn.retry.backoff.ms", "1");
        // Modern groups (share, consumer and streams protocols) hand out assignments on a heartbeat, every
        // 5 s by default: a new share consumer would wait ~5 s for its first record. Only the pace
        // changes here; session timeouts, lock durations and delivery limits keep Kafka's defaults.
        for (String type : List.of("share", "consumer", "streams")) {
            p.put("group." + type + ".heartbeat.interval.ms", "500");
            p.put("group." + type + ".min.heartbeat.interval.ms", "100");
            p.put("group." + type + ".assignment.interval.ms", "100");
            // Lower bounds only, so a crash test may give its group a short session timeout.
            p.put("group." + type + ".min.session.timeout.ms", "1000");
        }
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "1000");
        // Lower bound only (the default stays 30 s), so a crash test may set a short
        // share.record.lock.duration.ms on its group and see a dead worker's records redelivered quickly.
        p.put("group.share.min.record.lock.duration.ms", "1000");

        // Gregor creates its topics explicitly; a typo must fail instead of silently creating a topic.
        p.put("auto.create.topics.enable", "false");
        // The default 128 MB compaction buffer is a production size; 8 MB still dedupes ~350k keys a pass.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return p;
    }

    /** Formats the storage like {@code kafka-storage.sh format} does, with the latest production features. */
    private static void format(Path logDir) {
        format(logDir, NODE_ID, Uuid.randomUuid().toString());
    }

    /** Formats one node's storage; every node of a cluster gets the same cluster id. */
    static void format(Path logDir, int nodeId, String clusterId) {
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Expected to format Kafka storage in " + logDir + ", but formatting failed: " + e, e);
        }
    }

    /** startup() already waits for the broker to be unfenced; this proves a client gets metadata too. */
    private static void awaitClientsServed(String bootstrap) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            int nodes = admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes != 1) {
                throw new IllegalStateException("Expected 1 broker in the embedded cluster, but found " + nodes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded broker at " + bootstrap, e);
        } catch (Exception e) {
            throw new IllegalStateException("Expected the embedded broker at " + bootstrap + " to answer within "
                    + READY_TIMEOUT.toSeconds() + " s, but it did not: " + e, e);
        }
    }

    private static void shutdown(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (Exception e) {
            LOG.warn("Embedded Kafka did not shut down cleanly: {}", e.toString());
        }
    }

    /** {@return the bootstrap servers for clients, {@code 127.0.0.1:<port>}} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@return the Kafka version of the broker, e.g. {@code 4.3.1}} */
    public String version() {
        return AppInfoParser.getVersion();
    }

    /** {@return how long {@link #start()} took, from creating the directory to answering clients} */
    public Duration startupTime() {
        return startupTime;
    }

    /** {@return the directory holding the broker's logs and metadata (temporary unless started persistent)} */
    public Path directory() {
        return directory;
    }

    /** Shuts the broker down and deletes its directory unless it was started persistent; calling it again does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Support.removeShutdownHook(shutdownHook);
        shutdown(server);
        if (deleteOnClose) {
            Support.deleteRecursively(directory);
        }
    }

    @Override
    public String toString() {
        return "Kafka " + version() + " (KRaft) on " + bootstrapServers;
    }
}
