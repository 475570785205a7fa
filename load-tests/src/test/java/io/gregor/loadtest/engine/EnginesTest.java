package io.gregor.loadtest.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.loadtest.engine.gregor.GregorEngine;
import org.junit.jupiter.api.Test;

class EnginesTest {

    @Test
    void gregorIsFoundByNameAndEveryCallGivesAFreshEngine() {
        Engine first = Engines.create("gregor");
        Engine second = Engines.create("gregor");

        assertThat(first).isInstanceOf(GregorEngine.class).isNotSameAs(second);
        assertThat(Engines.names()).contains("gregor");
    }

    @Test
    void anUnknownEngineIsRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> Engines.create("temporal"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected --engine among [gregor")
                .hasMessageContaining("peer profile");
    }
}
