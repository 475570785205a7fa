package io.gregor.orchestrator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.schemas.Topics;
import io.gregor.schemas.registry.CompatibilityLevel;
import io.gregor.schemas.registry.InMemorySchemaRegistryClient;
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
    void levelNoneLeavesEverySubjectAlone() {
        registry.setCompatibility("weaker", CompatibilityLevel.FORWARD);

        assertThat(SubjectCompatibility.ensure(registry, List.of("unset", "weaker"), CompatibilityLevel.NONE)).isEmpty();

        assertThat(registry.compatibility("unset")).isEmpty();
        assertThat(registry.compatibility("weaker")).contains(CompatibilityLevel.FORWARD);
    }
}
