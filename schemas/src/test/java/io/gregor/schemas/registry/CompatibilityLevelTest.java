package io.gregor.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

  @Test
  void theLevelsThatKeepBackwardCompatibilityImplyBackwardAndTheOthersDoNot() {
    assertThat(CompatibilityLevel.values())
        .filteredOn(level -> level.implies(CompatibilityLevel.BACKWARD))
        .containsExactly(CompatibilityLevel.BACKWARD, CompatibilityLevel.BACKWARD_TRANSITIVE,
            CompatibilityLevel.FULL, CompatibilityLevel.FULL_TRANSITIVE);
  }

  @Test
  void onlyFullTransitiveImpliesFullTransitiveAndEveryLevelImpliesNone() {
    assertThat(CompatibilityLevel.values())
        .filteredOn(level -> level.implies(CompatibilityLevel.FULL_TRANSITIVE))
        .containsExactly(CompatibilityLevel.FULL_TRANSITIVE);
    assertThat(CompatibilityLevel.values()).allMatch(level -> level.implies(CompatibilityLevel.NONE));
    assertThat(CompatibilityLevel.FULL.implies(CompatibilityLevel.BACKWARD_TRANSITIVE)).isFalse();
  }

  @Test
  void parsingIgnoresCaseAndNamesTheLevelsWhenItFails() {
    assertThat(CompatibilityLevel.parse(" full_transitive ")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThatThrownBy(() -> CompatibilityLevel.parse("BACKWARDS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'BACKWARDS'")
        .hasMessageContaining("FULL_TRANSITIVE");
  }
}
