package io.gregor.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

import org.apache.kafka.common.utils.Time;

/**
 * One node of a {@link KafkaCluster}: the main class of its child JVM. A combined broker and
 * KRaft controller, formatted on first start and started again on the same log directory after a
 * SIGKILL, so a restarted node catches up from its own logs like a real one.
 *
 * <p>Arguments are {@code key=value}: {@code nodeId}, {@code clusterId}, {@code logDir},
 * {@code brokerPort}, {@code controllerPort}, {@code voters} (the static
 * {@code controller.quorum.voters}), {@code replication} (the cluster size: replication factor of
 * every internal topic and the default; min ISR is one less, at least 1), and any broker property
 * as {@code broker.<key>=<value>}. It prints {@link #READY} once the broker serves clients.
 */
public final class KafkaClusterNode {

    /** Printed once the node's broker is started. */
    public static final String READY = "GREGOR-KAFKA-NODE-READY";

    private KafkaClusterNode() {
    }

    /**
     * @param args see the class comment
     * @throws Exception if the node cannot start; the JVM then exits non-zero
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = ChildJvm.childSettings(args);
        int nodeId = Integer.parseInt(ChildJvm.require(settings, "nodeId"));
        Path logDir = Path.of(ChildJvm.require(settings, "logDir"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            EmbeddedKafka.format(logDir, nodeId, ChildJvm.require(settings, "clusterId"));
        }
        Properties properties = properties(settings, nodeId, logDir);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (Throwable e) {
            e.printStackTrace();
            Runtime.getRuntime().halt(1); // the broker's non-daemon threads would keep a failed node alive
        }
        System.out.println(READY + " node " + nodeId + " pid " + ProcessHandle.current().pid());
        new CountDownLatch(1).await(); // runs until SIGKILLed (the point) or SIGTERMed
    }

    static Properties properties(Map<String, String> settings, int nodeId, Path logDir) {
        Properties p = EmbeddedKafka.brokerProperties(logDir, Integer.parseInt(ChildJvm.require(settings, "brokerPort")),
                Integer.parseInt(ChildJvm.require(settings, "controllerPort")));
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", ChildJvm.require(settings, "voters"));
        int replication = Integer.parseInt(ChildJvm.require(settings, "replication"));
        String factor = Integer.toString(replication);
        String minIsr = Integer.toString(Math.max(1, replication - 1));
        p.put("offsets.topic.replication.factor", factor);
        p.put("transaction.state.log.replication.factor", factor);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", factor);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("default.replication.factor", factor);
        p.put("min.insync.replicas", minIsr);
        settings.forEach((key, value) -> {
            if (key.startsWith("broker.")) {
                p.put(key.substring("broker.".length()), value);
            }
        });
        return p;
    }
}
