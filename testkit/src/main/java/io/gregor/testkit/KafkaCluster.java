package io.gregor.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-node Kafka cluster on 127.0.0.1 for fault tests: every node a combined KRaft broker
 * and controller in a child JVM of its own ({@link KafkaClusterNode}), all of them voters, so any
 * one can be SIGKILLed and started again on its kept log directory while the others go on.
 *
 * <p>Every internal topic (consumer offsets, transaction state, share-group state) and every
 * topic created with the default replication factor has one replica per node, and
 * {@code min.insync.replicas} is one less than the node count: with three nodes, writes go on
 * while one is down. Failure detection is quicker than Kafka's defaults where a test would
 * otherwise only wait: the controller fences a silent broker after 3 s
 * ({@code broker.session.timeout.ms}, default 9 s), and the transaction coordinator looks for
 * timed-out transactions every second (default every 10 s), so a killed producer's open
 * transaction stops holding back read_committed readers one second after its timeout. Both can be
 * overridden per cluster.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    /** The settings that make failures visible quickly; see the class comment. */
    public static final Map<String, String> FAST_FAILURE_DETECTION = Map.of(
            "broker.session.timeout.ms", "3000",
            "broker.heartbeat.interval.ms", "500",
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    /** A test cluster's load is light; the serial collector saves the cores that three JVMs' parallel ones would take. */
    private static final List<String> CHILD_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms128m");

    private final Path directory;
    private final boolean deleteOnClose;
    private final List<List<String>> nodeArgs;
    private final ChildJvm[] nodes;
    private final String bootstrapServers;

    private KafkaCluster(Path directory, boolean deleteOnClose, List<List<String>> nodeArgs, String bootstrapServers) {
        this.directory = directory;
        this.deleteOnClose = deleteOnClose;
        this.nodeArgs = nodeArgs;
        this.nodes = new ChildJvm[nodeArgs.size()];
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts a cluster of {@code size} nodes in a fresh temporary directory, deleted by {@link #close()}.
     *
     * @param size      the number of nodes (3 for the usual fault tests)
     * @param overrides broker properties for every node, on top of {@link #FAST_FAILURE_DETECTION}
     * @return the running cluster, once every node serves clients
     */
    public static KafkaCluster start(int size, Map<String, String> overrides) {
        return start(Support.createOwnedTempDirectory("gregor-kafka-cluster-"), true, size, overrides);
    }

    /**
     * Like {@link #start(int, Map)}, with the nodes' log directories under {@code directory}, kept after close.
     *
     * @param directory where node {@code i} keeps its logs, in {@code node-<i>}
     * @param size      the number of nodes
     * @param overrides broker properties for every node
     * @return the running cluster
     */
    public static KafkaCluster start(Path directory, int size, Map<String, String> overrides) {
        return start(directory, false, size, overrides);
    }

    private static KafkaCluster start(Path directory, boolean deleteOnClose, int size, Map<String, String> overrides) {
        if (size < 1) {
            throw new IllegalArgumentException("Expected at least one node, but found " + size);
        }
        String clusterId = Uuid.randomUuid().toString();
        int[] brokerPorts = new int[size];
        int[] controllerPorts = new int[size];
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            brokerPorts[i] = distinctFreePort(taken);
            controllerPorts[i] = distinctFreePort(taken);
        }
        List<String> voters = new ArrayList<>();
        List<String> bootstrap = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            voters.add((i + 1) + "@" + Support.LOOPBACK + ":" + controllerPorts[i]);
            bootstrap.add(Support.LOOPBACK + ":" + brokerPorts[i]);
        }
        Map<String, String> brokerSettings = new HashMap<>(FAST_FAILURE_DETECTION);
        brokerSettings.putAll(overrides);
        List<List<String>> args = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> a = new ArrayList<>(List.of("nodeId=" + (i + 1), "clusterId=" + clusterId,
                    "logDir=" + directory.resolve("node-" + (i + 1)), "brokerPort=" + brokerPorts[i],
                    "controllerPort=" + controllerPorts[i], "voters=" + String.join(",", voters), "replication=" + size));
            brokerSettings.forEach((key, value) -> a.add("broker." + key + "=" + value));
            args.add(List.copyOf(a));
        }
        KafkaCluster cluster = new KafkaCluster(directory, deleteOnClose, args, String.join(",", bootstrap));
        long begin = System.nanoTime();
        try {
            // All at once: a node's broker only gets ready once a majority of the controllers runs.
            for (int i = 0; i < size; i++) {
                cluster.launch(i);
            }
            for (int i = 0; i < size; i++) {
                cluster.awaitReady(i);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("{} (started in {} ms)", cluster, Duration.ofNanos(System.nanoTime() - begin).toMillis());
        return cluster;
    }

    private static int distinctFreePort(List<Integer> taken) {
        int port = Support.freeLoopbackPort();
        while (taken.contains(port)) {
            port = Support.freeLoopbackPort();
        }
        taken.add(port);
        return port;
    }

    private void launch(int index) {
        nodes[index] = ChildJvm.start("kafka-node-" + (index + 1), KafkaClusterNode.class, CHILD_JVM_OPTIONS,
                nodeArgs.get(index), Map.of());
    }

    private void awaitReady(int index) {
        ChildJvm node = nodes[index];
        if (!node.awaitOutput(KafkaClusterNode.READY, READY_TIMEOUT)) {
            List<String> lines = node.outputLines();
            throw new IllegalStateException("Expected Kafka node " + (index + 1) + " to start within " + READY_TIMEOUT
                    + ", but it did not; log " + node.logFile() + " ends:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    /** {@return the bootstrap servers of every node, comma-separated} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@return the number of nodes} */
    public int size() {
        return nodes.length;
    }

    /**
     * SIGKILLs a node (no controlled shutdown: its partitions move only once the controller fences it).
     *
     * @param node the node id, 1 to {@link #size()}
     */
    public void kill(int node) {
        nodes[index(node)].kill();
    }

    /**
     * Starts a killed node again on its log directory and ports; returns once it serves clients.
     *
     * @param node the node id, 1 to {@link #size()}
     * @throws IllegalStateException if it is still running or does not start
     */
    public void restart(int node) {
        int index = index(node);
        if (nodes[index] != null && nodes[index].isAlive()) {
            throw new IllegalStateException("Expected Kafka node " + node + " to be down before a restart, but it runs");
        }
        launch(index);
        awaitReady(index);
    }

    /**
     * Starts every killed node again at once (a node's broker only gets ready once a majority of the
     * controllers runs, so one at a time would wait forever after a whole-cluster outage).
     *
     * @throws IllegalStateException if a node is still running or does not start
     */
    public void restartAll() {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null && nodes[i].isAlive()) {
                throw new IllegalStateException("Expected every Kafka node to be down before restartAll, but node "
                        + (i + 1) + " runs");
            }
        }
        for (int i = 0; i < nodes.length; i++) {
            launch(i);
        }
        for (int i = 0; i < nodes.length; i++) {
            awaitReady(i);
        }
    }

    /** @param node the node id, 1 to {@link #size()} @return its process, e.g. for SIGSTOP */
    public ChildJvm process(int node) {
        return nodes[index(node)];
    }

    private int index(int node) {
        if (node < 1 || node > nodes.length) {
            throw new IllegalArgumentException("Expected a node id from 1 to " + nodes.length + ", but found " + node);
        }
        return node - 1;
    }

    /** Kills every node (the data is test data) and deletes the directory unless it was given by the caller. */
    @Override
    public void close() {
        for (ChildJvm node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        if (deleteOnClose) {
            Support.deleteRecursively(directory);
        }
    }

    @Override
    public String toString() {
        return "Kafka cluster of " + nodes.length + " KRaft nodes on " + bootstrapServers + " ("
                + IntStream.range(0, nodes.length)
                .mapToObj(i -> nodes[i] == null ? "node " + (i + 1) + " not started" : nodes[i].toString())
                .collect(Collectors.joining(", ")) + ")";
    }
}
