package io.gregor.testkit;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft) and a real Confluent-API schema registry, for tests and the embedded
 * default.
 *
 * <p>{@link #shared()} gives one instance per JVM that every test (and the quickstart) reuses;
 * {@link #startEmbedded()} gives a private pair for tests that must not share state, such as
 * crash tests. To point everything at existing infrastructure instead, set
 * {@code GREGOR_BOOTSTRAP_SERVERS} and {@code GREGOR_SCHEMA_REGISTRY_URL} (or the system
 * properties {@code gregor.bootstrap.servers} and {@code gregor.schema.registry.url}, which win).
 */
public final class GregorInfrastructure implements AutoCloseable {

    /** System property with the bootstrap servers of an existing Kafka cluster. */
    public static final String BOOTSTRAP_PROPERTY = "gregor.bootstrap.servers";
    /** Environment variable with the bootstrap servers of an existing Kafka cluster. */
    public static final String BOOTSTRAP_ENV = "GREGOR_BOOTSTRAP_SERVERS";
    /** System property with the Confluent-API base URL of an existing schema registry. */
    public static final String REGISTRY_PROPERTY = "gregor.schema.registry.url";
    /** Environment variable with the Confluent-API base URL of an existing schema registry. */
    public static final String REGISTRY_ENV = "GREGOR_SCHEMA_REGISTRY_URL";

    private static final Logger LOG = LoggerFactory.getLogger(GregorInfrastructure.class);

    private static GregorInfrastructure shared;
    private static RuntimeException sharedFailure;

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final boolean closable;

    private GregorInfrastructure(String bootstrapServers, String schemaRegistryUrl, EmbeddedKafka kafka,
                                 EmbeddedSchemaRegistry registry, boolean closable) {
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.kafka = kafka;
        this.registry = registry;
        this.closable = closable;
    }

    /**
     * The infrastructure of this JVM, started on the first call and stopped by a shutdown hook.
     *
     * <p>Like any Kafka broker, the embedded one runs on non-daemon threads: a {@code main} that
     * returns does not end the JVM; the process ends on {@code System.exit} or a signal, and the
     * shutdown hooks then stop the broker and the registry.
     *
     * <p>If bootstrap servers are configured ({@value #BOOTSTRAP_PROPERTY} /
     * {@value #BOOTSTRAP_ENV}) no broker is started and those are used; likewise a configured
     * registry URL ({@value #REGISTRY_PROPERTY} / {@value #REGISTRY_ENV}) means no registry is
     * started. Each is decided on its own, so an external Kafka can be paired with an embedded
     * registry. {@link #close()} on the shared instance does nothing, so one test cannot pull
     * the infrastructure from under the next.
     *
     * @return the shared infrastructure
     */
    public static synchronized GregorInfrastructure shared() {
        if (shared == null) {
            if (sharedFailure != null) {
                // Every test class asks; repeating a start that took up to 90 s to fail helps nobody.
                throw new IllegalStateException("Expected the shared infrastructure to be running, but starting it "
                        + "failed earlier in this JVM: " + sharedFailure.getMessage(), sharedFailure);
            }
            Optional<String> bootstrap = Support.setting(BOOTSTRAP_PROPERTY, BOOTSTRAP_ENV);
            Optional<String> registryUrl = Support.setting(REGISTRY_PROPERTY, REGISTRY_ENV);
            try {
                GregorInfrastructure started = start(bootstrap, registryUrl);
                // The embedded parts register their own shutdown hooks.
                shared = new GregorInfrastructure(started.bootstrapServers, started.schemaRegistryUrl,
                        started.kafka, started.registry, false);
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /**
     * Starts a fresh, private broker and registry, whatever the environment says.
     *
     * @return the running infrastructure; the caller closes it
     */
    public static GregorInfrastructure startEmbedded() {
        return start(Optional.empty(), Optional.empty());
    }

    /**
     * Starts a private broker and registry whose state lives in {@code directory} and survives
     * {@link #close()} and restarts: the broker's logs in {@code kafka/}, the registry's schemas in
     * {@code registry/}. The first start picks free ports and records them in
     * {@code ports.properties}; later starts reuse them, so clients configured for an earlier run
     * (bootstrap servers, registry URL) stay valid.
     *
     * @param directory the state directory, created if missing
     * @return the running infrastructure; the caller closes it
     * @throws IllegalStateException if a part cannot start, e.g. because a recorded port is taken
     */
    public static GregorInfrastructure startPersistent(Path directory) {
        Properties ports = persistentPorts(directory);
        return start(() -> EmbeddedKafka.startPersistent(directory.resolve("kafka"),
                        port(ports, "kafka.port"), port(ports, "kafka.controller.port")),
                () -> EmbeddedSchemaRegistry.startPersistent(directory.resolve("registry"),
                        port(ports, "registry.port"), port(ports, "registry.management.port")),
                Optional.empty(), Optional.empty());
    }

    private static Properties persistentPorts(Path directory) {
        Path file = directory.resolve("ports.properties");
        Properties ports = new Properties();
        try {
            Files.createDirectories(directory);
            if (Files.exists(file)) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    ports.load(reader);
                }
                return ports;
            }
            for (String name : List.of("kafka.port", "kafka.controller.port", "registry.port", "registry.management.port")) {
                int port = Support.freeLoopbackPort();
                while (ports.containsValue(Integer.toString(port))) {
                    port = Support.freeLoopbackPort();
                }
                ports.setProperty(name, Integer.toString(port));
            }
            try (Writer writer = Files.newBufferedWriter(file)) {
                ports.store(writer, "Ports of the embedded broker and registry, fixed for this state directory");
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("Expected to read or write the ports file " + file + ", but could not", e);
        }
    }

    private static int port(Properties ports, String name) {
        String value = ports.getProperty(name, "");
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Expected a port number for " + name + " in the ports file, but found '" + value + "'", e);
        }
    }

    /** Starts what is not configured; the registry (a child process) starts while the broker does. */
    private static GregorInfrastructure start(Optional<String> bootstrap, Optional<String> registryUrl) {
        return start(bootstrap.isPresent() ? null : () -> EmbeddedKafka.startQuietly(Map.of()),
                registryUrl.isPresent() ? null : EmbeddedSchemaRegistry::startQuietly,
                bootstrap, registryUrl);
    }

    /** A null starter means the part is external, at the given address. */
    private static GregorInfrastructure start(Supplier<EmbeddedKafka> kafkaStarter,
                                              Supplier<EmbeddedSchemaRegistry> registryStarter,
                                              Optional<String> bootstrap, Optional<String> registryUrl) {
        CompletableFuture<EmbeddedSchemaRegistry> registry = registryStarter == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(registryStarter, runnable -> {
                    Thread thread = new Thread(runnable, "gregor-schema-registry-start");
                    thread.setDaemon(true);
                    thread.start();
                });
        EmbeddedKafka kafka = null;
        try {
            kafka = kafkaStarter == null ? null : kafkaStarter.get();
            EmbeddedSchemaRegistry startedRegistry = registry.join();
            GregorInfrastructure infrastructure = new GregorInfrastructure(
                    kafka != null ? kafka.bootstrapServers() : bootstrap.get(),
                    startedRegistry != null ? startedRegistry.url() : registryUrl.get(),
                    kafka, startedRegistry, true);
            LOG.info("{}", infrastructure.describe());
            return infrastructure;
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            registry.thenAccept(r -> {
                if (r != null) {
                    r.close();
                }
            });
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private String describe() {
        String kafkaPart = kafka != null
                ? kafka + " (started in " + millis(kafka.startupTime()) + ")"
                : "Kafka at " + bootstrapServers + " (external)";
        String registryPart = registry != null
                ? registry + " (started in " + millis(registry.startupTime()) + ")"
                : "schema registry at " + schemaRegistryUrl + " (external)";
        return kafkaPart + "; " + registryPart;
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + " ms";
    }

    /** {@return bootstrap servers for Kafka clients, e.g. {@code 127.0.0.1:40123}} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@return the Confluent-API base URL, e.g. {@code http://127.0.0.1:40124/apis/ccompat/v7}} */
    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** {@return the embedded broker, or empty if an external one is used} */
    public Optional<EmbeddedKafka> embeddedKafka() {
        return Optional.ofNullable(kafka);
    }

    /** {@return the embedded registry, or empty if an external one is used} */
    public Optional<EmbeddedSchemaRegistry> embeddedSchemaRegistry() {
        return Optional.ofNullable(registry);
    }

    /** Stops what this instance started; does nothing for {@link #shared()} (shutdown hooks stop it). */
    @Override
    public void close() {
        if (!closable) {
            return;
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
