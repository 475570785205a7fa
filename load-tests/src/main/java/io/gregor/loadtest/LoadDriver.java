package io.gregor.loadtest;

import io.gregor.loadtest.engine.Engines;
import io.gregor.loadtest.report.ComparisonReport;
import io.gregor.loadtest.report.ResultFiles;
import io.gregor.loadtest.report.RunResult;
import io.gregor.testkit.GregorInfrastructure;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load driver of issue 3: runs one named scenario against Gregor (or, with
 * {@code --engine}, a peer engine) and writes {@code result.json} and {@code report.html}; with
 * two engines ({@code --engine gregor,littlehorse}) it runs the {@link Comparison} instead. See
 * {@link DriverOptions#USAGE} and load-tests/README.md.
 *
 * <p>Kafka and the schema registry are the embedded default ({@link GregorInfrastructure#shared()}
 * starts a broker and a registry) unless {@code --bootstrap}/{@code --registry} or
 * {@code GREGOR_BOOTSTRAP_SERVERS}/{@code GREGOR_SCHEMA_REGISTRY_URL} name existing ones. An
 * orchestrator and a worker run in this JVM unless {@code --no-engine}.
 */
public final class LoadDriver {
    private static final Logger LOG = LoggerFactory.getLogger("loadtest");

    private LoadDriver() {
    }

    /**
     * Exits 0 when every started instance completed, 1 when some failed or did not finish, or
     * (recover) one was lost or completed twice (the files are written either way), 2 on a bad
     * command line.
     *
     * @param args see {@link DriverOptions#USAGE}
     */
    public static void main(String[] args) {
        if (args.length == 0 || Arrays.asList(args).contains("--help")) {
            System.out.print(DriverOptions.USAGE);
            System.out.print(Comparison.USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        int engineFlag = Arrays.asList(args).indexOf("--engine");
        if (engineFlag >= 0 && engineFlag + 1 < args.length && Comparison.isComparison(args[engineFlag + 1])) {
            System.exit(compare(args));
        }
        DriverOptions options = null;
        try {
            options = DriverOptions.parse(args);
            Engines.create(options.engine()).close(); // an unknown engine is a bad command line, not a failed run
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(DriverOptions.USAGE);
            System.exit(2);
        }
        int status;
        try {
            RunResult result = run(options);
            boolean clean = result.counts().failed() == 0 && result.counts().unfinished() == 0
                    && (result.recovery() == null || result.recovery().clean());
            status = clean ? 0 : 1;
        } catch (Exception e) {
            LOG.error("The run failed", e);
            status = 1;
        }
        System.exit(status); // Kafka clients and the embedded broker leave non-daemon threads behind
    }

    private static int compare(String[] args) {
        try {
            ComparisonReport report = Comparison.run(args);
            boolean clean = report.runs().stream().allMatch(r -> r.error() == null);
            return clean ? 0 : 1;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Comparison.USAGE);
            return 2;
        } catch (Exception e) {
            LOG.error("The comparison failed", e);
            return 1;
        }
    }

    /**
     * Runs a scenario (or the raw Kafka probe or the client's starts, which start no engine) and writes its files into
     * {@code options.out()}.
     *
     * @param options what to run
     * @return what was measured
     * @throws Exception if the infrastructure or the engine cannot start, or the run failed
     */
    public static RunResult run(DriverOptions options) throws Exception {
        // Given endpoints win over the environment; GregorInfrastructure decides each one on its own.
        if (options.bootstrap() != null) {
            System.setProperty(GregorInfrastructure.BOOTSTRAP_PROPERTY, options.bootstrap());
        }
        if (options.registry() != null) {
            System.setProperty(GregorInfrastructure.REGISTRY_PROPERTY, options.registry());
        }
        GregorInfrastructure infra = GregorInfrastructure.shared();
        Map<String, Object> infrastructure = new LinkedHashMap<>();
        infrastructure.put("bootstrapServers", infra.bootstrapServers());
        infrastructure.put("schemaRegistryUrl", infra.schemaRegistryUrl());
        infrastructure.put("kafka", infra.embeddedKafka().map(k -> "embedded, Apache Kafka " + k.version()).orElse("external"));
        infrastructure.put("schemaRegistry", infra.embeddedSchemaRegistry().map(r -> "embedded, " + r).orElse("external"));
        RunResult result = switch (options.scenario()) {
            case RAW_TWO_HOP -> RawTwoHopProbe.run(options, infra.bootstrapServers(), infrastructure);
            case STARTS -> StartsProbe.run(options, infra.bootstrapServers(), infra.schemaRegistryUrl(), infrastructure);
            default -> LoadRun.execute(options, infra.bootstrapServers(), infra.schemaRegistryUrl(), infrastructure);
        };
        Path report = ResultFiles.write(result, options.out());
        LOG.info("Wrote {} and {}", options.out().resolve(ResultFiles.JSON).toAbsolutePath(), report.toAbsolutePath());
        return result;
    }
}
