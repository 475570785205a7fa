package io.gregor.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the infrastructure is chosen and located, without starting any. */
class GregorInfrastructureConfigurationTest {

    @Test
    void sharedUsesConfiguredAddressesAndStartsNothing() {
        // given a JVM told where Kafka and the registry already are
        try (ChildJvm child = ChildJvm.start("external", ExternalInfrastructureMain.class, List.of(), Map.of(
                GregorInfrastructure.BOOTSTRAP_PROPERTY, "kafka.example:9092",
                GregorInfrastructure.REGISTRY_PROPERTY, "http://registry.example:8081"))) {
            // when it asks for the shared infrastructure
            boolean answered = child.awaitOutput("bootstrap=", Duration.ofSeconds(30));

            // then it uses them as they are and starts neither
            assertThat(answered).as("output: %s", child.outputLines()).isTrue();
            assertThat(child.outputLines()).contains("bootstrap=kafka.example:9092 registry=http://registry.example:8081"
                    + " embeddedKafka=false embeddedRegistry=false");
        }
    }

    @Test
    void aMissingRegistryDistributionSaysWhatToRun(@TempDir Path emptyHome) {
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.findRunJar(Optional.of(emptyHome.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Expected quarkus-run.jar under " + emptyHome)
                .hasMessageContaining("mvn -pl testkit generate-resources");
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.findRunJar(Optional.empty()))
                .hasMessageContaining(EmbeddedSchemaRegistry.HOME_PROPERTY)
                .hasMessageContaining("mvn -pl testkit generate-resources");
    }

    @Test
    void theRegistryDistributionIsFoundBelowATopFolder(@TempDir Path home) throws Exception {
        Path jar = Files.createDirectories(home.resolve("apicurio-registry-app-3.3.3")).resolve("quarkus-run.jar");
        Files.createFile(jar);

        assertThat(EmbeddedSchemaRegistry.findRunJar(Optional.of(home.toString()))).isEqualTo(jar);
    }
}
