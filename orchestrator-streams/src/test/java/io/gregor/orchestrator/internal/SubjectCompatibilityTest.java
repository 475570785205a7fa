package io.gregor.orchestrator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.schemas.Topics;
import io.gregor.schemas.registry.CompatibilityLevel;
import io.gregor.schemas.registry.InMemorySchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryClient;
import io.gregor.schemas.registry.SchemaRegistryException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectCompatibilityTest {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final Topics topics = new Topics("shop");

    @Test
    void thePublicSubjectsAreTheValueSubjectsOfThePublicTopicsAndOfEveryTaskQueue() {
        assertThat(SubjectCompatibility.publicSubjects(topics, List.of("python"))).containsExactly(
                "shop.workflow-starts-value", "shop.workflow-events-value", "shop.workflow-control-value",
                "shop.workflow-completions-value", "shop.workflow-status-value", "shop.activity-tasks-value",
                "shop.activity-results-value", "shop.activity-tasks.python-value");
    }

    @Test
    void subjectsWithoutALevelOrWithAWeakerOneGetTheConfiguredLevelAndStricterOnesAreKept() {
        // given
        registry.setCompatibility("weaker", CompatibilityLevel.FORWARD);
        registry.setCompatibility("stricter", CompatibilityLevel.FULL_TRANSITIVE);
        registry.setCompatibility("same", CompatibilityLevel.BACKWARD);

        // when
        List<String> changed = SubjectCompatibility.ensure(registry, List.of("unset", "weaker", "stricter", "same"),
                CompatibilityLevel.BACKWARD);

        // then
        assertThat(changed).containsExactly("unset", "weaker");
        assertThat(registry.compatibility("unset")).contains(CompatibilityLevel.BACKWARD);
        assertThat(registry.compatibility("weaker")).contains(CompatibilityLevel.BACKWARD);
        assertThat(registry.compatibility("stricter")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(registry.compatibility("same")).contains(CompatibilityLevel.BACKWARD);
    }

    @Test
    void aLevelSetByAnotherOrchestratorStartingAtTheSameTimeIsNoFailureButAnotherRefusalIs() {
        // given a registry that, like Apicurio, refuses to create a rule another process created meanwhile
        SchemaRegistryClient racing = (SchemaRegistryClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setCompatibility")) {
                        if (args[0].equals("raced")) {
                            registry.setCompatibility("raced", CompatibilityLevel.BACKWARD);
                        }
                        throw new SchemaRegistryException("A rule named 'COMPATIBILITY' already exists", 409, 409);
                    }
                    return method.invoke(registry, args);
                });

        // when, then
        assertThat(SubjectCompatibility.ensure(racing, List.of("raced"), CompatibilityLevel.BACKWARD)).isEmpty();
        assertThat(registry.compatibility("raced")).contains(CompatibilityLevel.BACKWARD);
        assertThatThrownBy(() -> SubjectCompatibility.ensure(racing, List.of("refused"), CompatibilityLevel.BACKWARD))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("already exists");
    }

    @Test
    void levelNoneLeavesEverySubjectAlone() {
        registry.setCompatibility("weaker", CompatibilityLevel.FORWARD);

        assertThat(SubjectCompatibility.ensure(registry, List.of("unset", "weaker"), CompatibilityLevel.NONE)).isEmpty();

        assertThat(registry.compatibility("unset")).isEmpty();
        assertThat(registry.compatibility("weaker")).contains(CompatibilityLevel.FORWARD);
    }
}
